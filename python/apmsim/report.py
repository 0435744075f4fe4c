"""One self-contained HTML report of an apmsim results file, readable offline.

    apmsim report RESULTS.h5 --out report.html      (or: python3 -m apmsim report RESULTS.h5)
    apmsim.report.write(apmsim.open(path), "report.html")

The file has no external reference: styles are inline, plots are PNG data URIs, there is no
script. The page is rendered from the package's Jinja2 templates (apmsim/templates/, autoescaping
on, so a scenario's names and text cannot inject markup); this module builds the sections as data.
Sections (each an element with its id): overview, scenario, money-flows, variants, withhold,
benchmark, threshold, risk, population, precision. A section whose analysis the run did not make
says so rather than disappearing, and a plot without data says what is missing.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import errno
import fcntl
import io
import math
import os
import stat
import sys
import tempfile
from typing import Dict, Iterable, List, Optional

import pandas as pd

from . import brief
from . import format as fmt
from .results import FormatError, Results, column_label
from .results import open as open_results

try:  # Python 3.11+ (Debian 12); the brief falls back to the text alone without it
    import tomllib
except ImportError:  # pragma: no cover
    tomllib = None

#: Money flows in the order of the waterfall (docs/model.md), with a one-line reading of the sign.
FLOWS = [
    ("units", None), ("benchmark", None), ("counterfactual_cost", None), ("actual_cost", None),
    ("accountable_cost", None), ("savings_rate", "positive: cost below the benchmark"),
    ("true_savings_rate", "positive: the intervention lowered cost"),
    ("base_payment", None), ("withheld", None), ("earned_back", None), ("forfeited", None),
    ("reconciliation", "+ shared savings paid to the provider, - shared losses paid back"),
    ("stop_loss_recovery", "specific layers, bands and aggregate cover"),
    ("stop_loss_premium", "paid by the provider for its stop-loss covers"),
    ("truncation_excess", "cost above the truncation amounts (capitation: paid to the provider)"),
    ("payment", None),
    ("net_provider_result", "+ the provider gains, - it loses"),
    ("payer_net_savings", "+ the payer saves against doing nothing, - it spends more"),
]

ANALYSES = {
    "withhold": ("What the withhold is worth",
                 "The share of payment held back and earned back on quality: how much is forfeited, "
                 "how much of that is measurement noise (providers at target quality who still "
                 "forfeit), and the withhold rate that meets each target."),
    "benchmark": ("Benchmarks against the truth",
                  "Each benchmark method's error against the counterfactual cost (what the "
                  "population would have cost without the intervention): bias = mean of (benchmark - "
                  "counterfactual) / counterfactual, positive = the benchmark is too generous; "
                  "RMSE; and the regional weight that minimises the blend's RMSE."),
    "threshold": ("Minimum-episode threshold and noise",
                  "Error rates of the payment decision when the true effect is zero (false reward: "
                  "savings paid; false penalty: losses charged) or the target effect (false "
                  "negative: no savings paid), by provider group and min_units."),
    "risk": ("Downside risk to the provider",
             "The distribution of the net provider result. Loss = -net result; VaR and TVaR are "
             "of the loss, so a negative VaR means the provider still gains at that quantile. "
             "Capital = VaR - expected loss."),
}

#: Cash timing (with [contract.timing] only: the section is left out of other runs' reports).
CASH = ("When the money moves",
        "The contract's money flows by month ([contract.timing]: payments in the year, settlements "
        "months after it): the lowest cumulative cash position (month 1 = the first month of the "
        "first performance year), the net result's present value, and MSSP's repayment mechanism "
        "beside what a provider owes in a year. The position month by month is in the results file "
        "(analysis cash/position).")

#: Value columns a table shows side by side at most; wider tables are split into parts that
#: repeat the row labels, so no table is wider than the page (1180 px of text at 1400 px).
MAX_VALUE_COLUMNS = 6


def _c(text="", cls="", ci="", sub="", flag="") -> dict:
    """One table cell (the template escapes every text)."""
    return {"text": "" if text is None else str(text), "cls": cls, "ci": ci, "sub": sub, "flag": flag}


def fit(head: List[dict], rows: List[List[dict]], key: int, max_values: int = MAX_VALUE_COLUMNS) -> List[dict]:
    """A table as one or more parts of at most `max_values` value columns each, every part with
    the first `key` (label) columns repeated: wide tables split rather than scroll sideways."""
    values = len(head) - key
    if values <= max_values:
        return [{"head": head, "rows": rows, "part": ""}]
    parts = math.ceil(values / max_values)
    size = math.ceil(values / parts)
    out = []
    for k in range(parts):
        lo, hi = key + k * size, min(key + (k + 1) * size, len(head))
        out.append({"head": head[:key] + head[lo:hi], "rows": [r[:key] + r[lo:hi] for r in rows],
                    "part": f"part {k + 1} of {parts}"})
    return out


def _image(fig) -> str:
    """A figure as an inline PNG (data URI); the figure is closed."""
    import matplotlib.pyplot as plt
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def environment():
    """The Jinja2 environment of the package's templates (python/apmsim/templates), autoescaping on."""
    import jinja2
    from markupsafe import Markup, escape
    env = jinja2.Environment(loader=jinja2.PackageLoader("apmsim", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    # Names like false_reward_joint break after an underscore, not inside a word (escaped first).
    env.filters["breakable"] = lambda text: Markup(str(escape(text)).replace("_", "_<wbr>"))
    return env


class Report:
    """Builds the report from one results file: sections as data, rendered by the templates."""

    def __init__(self, results: Results, apmsim: Optional[str] = None, plots: bool = True,
                 max_variants: int = 12):
        self.r = results
        self.apmsim = apmsim
        self.plots = plots
        self.currency = str(results.info.get("currency") or "")
        #: Variants shown in full (analyses and plots); the rest appear side by side only.
        self.detailed = results.variants[:max_variants]
        self.doc = self._toml()

    # --- pieces ----------------------------------------------------------------------------

    def _value(self, row: pd.Series, unit: str, places: Optional[int] = None) -> dict:
        """One estimate with its 95% interval beneath it (none when exact: SE 0); `places` is
        its column's (at most one more than the value's own)."""
        if pd.isna(row["estimate"]):
            return _c("n/a", "blank")  # not estimated (no provider-year qualified)
        if places is not None:
            places = min(places, fmt.places_for(row["estimate"], row["se"], unit) + 1)
        est, se, ci = fmt.interval(row["estimate"], row["se"], row["ci_low"], row["ci_high"], unit=unit,
                                   currency="", places=places)
        return _c(est, ci=ci if row["se"] and ci else "")

    def _unit_text(self, unit: str) -> str:
        if unit == "currency" or unit.startswith("currency/"):
            per = unit[len("currency/"):]
            return (self.currency or "currency") + (f" per {per}" if per else "")
        return {"fraction": "%", "units": "units"}.get(unit, unit)

    def table(self, path: str, quantities: Optional[Iterable[str]] = None, rows: Optional[List[str]] = None,
              by: str = "column", notes: Optional[Dict[str, str]] = None, flag=None,
              row_header: Optional[str] = None, blank=None) -> dict:
        """One estimate table as a block: a row per quantity with its definition beneath its
        name (by="column": columns are the table's columns) or a row per table row (by="row":
        one quantity per column at the table's last column, definitions listed below).
        `blank(row, values)` may name quantities to show as a note instead (quantity -> note)."""
        t = self.r.table(path)
        info = self.r.quantities(path).set_index("quantity")
        wanted = [q for q in (quantities or info.index) if q in info.index]
        columns = list(dict.fromkeys(t["column"]))
        if by == "column":
            row_name = rows[0] if rows else t["row"].iloc[0]
            head = [_c("quantity", "l"), _c("unit", "l")] + [_c(column_label(c)) for c in columns]
            body = []
            for q in wanted:
                part = t[(t["quantity"] == q) & (t["row"] == row_name)].set_index("column")
                unit = info.loc[q, "unit"]
                places = _shared_places(part.loc[columns], unit)
                definition = info.loc[q, "description"] + (f" ({notes[q]})" if notes and q in notes else "")
                body.append([_c(q, "q", sub=definition), _c(self._unit_text(unit), "u")] +
                            [self._value(part.loc[c], unit, places) for c in columns])
            return {"kind": "table", "tables": fit(head, body, 2), "defs": []}
        column = columns[-1]
        names = rows or list(dict.fromkeys(t["row"]))
        at = t[t["column"] == column]
        places = {q: _shared_places(at[(at["quantity"] == q) & at["row"].isin(names)], info.loc[q, "unit"])
                  for q in wanted}
        head = [_c(row_header or "row", "l")] + [
            _c(q, sub=self._unit_text(info.loc[q, "unit"])) for q in wanted]
        body = []
        for name in names:
            part = at[at["row"] == name].set_index("quantity")
            hidden = blank(name, part) if blank else {}
            cells = [_c(name, "k")]
            for q in wanted:
                if q in hidden:
                    cells.append(_c(hidden[q], "blank"))
                    continue
                cell = self._value(part.loc[q], info.loc[q, "unit"], places[q])
                if flag is not None:
                    cell["flag"] = flag(q, part.loc[q]) or ""
                cells.append(cell)
            body.append(cells)
        defs = [(q, info.loc[q, "description"]) for q in wanted]
        defs.append(("column", f"values at {column_label(column)}"))
        return {"kind": "table", "tables": fit(head, body, 1), "defs": defs}

    def _per_variant(self, build) -> List[dict]:
        """`build(variant)` (a list of blocks) for every detailed variant, each folded in a
        <details> (the first open)."""
        if len(self.r.variants) == 1:
            return build(self.r.variants[0])
        parts = [{"kind": "details", "open": k == 0, "summary": f"variant {self._variant_text(v)}",
                  "blocks": build(v)} for k, v in enumerate(self.detailed)]
        if len(self.detailed) < len(self.r.variants):
            parts.append({"kind": "note", "text": f"{len(self.r.variants) - len(self.detailed)} more variants "
                                                  "are in the side-by-side table only (report --max-variants)."})
        return parts

    def _variant_text(self, v: str) -> str:
        """A variant as its sweep's settings, without TOML quotes: `benchmark method historical, ...`."""
        parameters = self.r.parameters(v)
        if not parameters:
            return v
        return ", ".join(f"{_short(k)} = {_unquote(x)}" for k, x in parameters.items())

    def _plot(self, name: str, variant: str) -> List[dict]:
        """The plot as a block, or a block saying why it is not drawn (never empty axes)."""
        if not self.plots:
            return []
        missing = self._missing(name, variant)
        if missing:
            return [{"kind": "missing", "text": missing}]
        from . import plots
        try:
            if name == "population":
                figure = plots.population(self.r, apmsim=self.apmsim)
            elif name == "benchmark_error":
                figure = plots.benchmark_error(self.r, variant, methods=self._methods_run(variant))
            else:
                figure = plots.PLOTS[name][0](self.r, variant)
        except (FileNotFoundError, RuntimeError) as error:
            return [{"kind": "missing", "text": f"The {name.replace('_', ' ')} plot is not drawn: {error}"}]
        out = [{"kind": "plot", "src": _image(figure), "alt": f"{name.replace('_', ' ')} plot"}]
        if name == "benchmark_error":
            skipped = self._methods_not_run(variant)
            if skipped:
                out.append({"kind": "note", "text": "Not run in this scenario, so not drawn: " + ", ".join(skipped)
                            + " (no comparison population: the regional benchmarks have nothing to read)."})
        return out

    def _missing(self, name: str, variant: str) -> str:
        """Why plot `name` has no data in this file, or ""."""
        if name == "net_result":
            if not (self.r.has_losses or self.r.has_records):
                return ("The distribution of the net result is not drawn: this file has neither the "
                        "per-replication results (format 2.3) nor records (--write-records). The table "
                        "above gives its mean, SD and quantiles.")
        if name == "benchmark_error" and self._has("benchmark", variant, "methods") and not self._methods_run(variant):
            return "No benchmark method has estimates in this run, so there is nothing to plot."
        return ""

    def _methods_run(self, variant: str) -> List[str]:
        t = self.r.analysis("benchmark", "methods", variant=variant)
        ran = t.groupby("row", sort=False)["estimate"].apply(lambda x: x.notna().any())
        return [m for m, ok in ran.items() if ok]

    def _methods_not_run(self, variant: str) -> List[str]:
        t = self.r.analysis("benchmark", "methods", variant=variant)
        ran = set(self._methods_run(variant))
        return [m for m in dict.fromkeys(t["row"]) if m not in ran]

    def _has(self, analysis: str, variant: str, table: str) -> bool:
        return f"analysis/{analysis}/{variant}/{table}" in self.r.tables()

    # --- sections --------------------------------------------------------------------------

    def overview(self) -> dict:
        i = self.r.info
        rows = [("scenario", self.r.scenario_name), ("file", os.path.basename(self.r.path)),
                ("replications", f"{i.get('replications'):,}"), ("seed", i.get("seed")),
                ("years", f"{i.get('baseline_years')} baseline, {i.get('performance_years')} performance"),
                ("variants", len(self.r.variants)), ("backend", i.get("device") or i.get("backend")),
                ("simulation time", f"{float(i.get('elapsed_seconds', 0)):.1f} s"),
                ("apmsim", f"{i.get('apmsim_version')} ({i.get('git_commit', '')})"),
                ("command", i.get("command_line", ""))]
        if self.currency:
            rows.insert(3, ("currency", self.currency))
        if i.get("parameter_risk"):
            rows.insert(3, ("parameters", i.get("parameter_risk")))
        blocks = []
        if self.r.scenario_description:
            blocks.append({"kind": "p", "text": self.r.scenario_description})
        blocks += [{"kind": "note", "text": f"made {datetime.date.today().isoformat()} from {self.r.path}"},
                   {"kind": "dl", "items": [(k, "" if v is None else str(v)) for k, v in rows]},
                   {"kind": "p", "text": "Every estimate is a mean over the replications with its 95% interval "
                    "beneath it (none where the value is exact); digits follow the standard error (two "
                    "significant digits of the SE). Money is per replication: the total over the providers "
                    "and years named."}]
        return {"id": "overview", "title": f"apmsim report: {self.r.scenario_name}", "definition": "",
                "blocks": blocks}

    def answers(self) -> dict:
        """The four answers first, as the CLI's summary opens: the headline figures over the
        agreement with their intervals, the withhold rate for each target, the stop-loss quote and
        the MSR that keeps false reward at alpha, by size; per variant."""
        section = {"id": "answers", "title": "Answers",
                   "definition": "The key figures over the agreement (participants' totals) with their 95% "
                   "intervals: what the contract pays and saves, the downside (VaR and TVaR of the loss), the "
                   "RMSE-optimal benchmark weight, the false-reward rate; then the withhold rate that meets "
                   "each target, the stop-loss quote and the minimum savings rate that keeps false reward at "
                   "alpha, by size. Each section below gives the details."}
        if not any(f"summary/{v}/headline" in self.r.tables() for v in self.r.variants):
            return dict(section, blocks=[{"kind": "note", "text": "No contract in this run: nothing to price. "
                                          "The population's cost by year is under Money flows."}])

        def build(v: str) -> List[dict]:
            path = f"summary/{v}/headline"
            if path not in self.r.tables():
                return [{"kind": "note", "text": "This variant has no contract."}]
            t = self.r.table(path)
            defined = list(dict.fromkeys(t.loc[t["estimate"].notna(), "quantity"]))
            blocks = [self.table(path, defined)]
            extras = [("withhold", "solved_rate", "withhold rate for each target", None, None),
                      ("risk", "specific_layers", "stop-loss quote: specific layers (agreement)",
                       ["loaded_premium_pmpm", "attach_probability"], "layer"),
                      ("threshold", "msr", "MSR keeping false reward at alpha, by size (agreement)",
                       ["msr_for_alpha", "msr_normal"], "group")]
            for analysis, table, title, quantities, header in extras:
                if not self._has(analysis, v, table):
                    continue
                path = f"analysis/{analysis}/{v}/{table}"
                block = (self._analysis_table(analysis, table, path) if quantities is None
                         else self.table(path, quantities, by="row", row_header=header))
                blocks += [{"kind": "h3", "text": title}, block]
            return blocks

        return dict(section, blocks=self._per_variant(build))

    def _toml(self) -> dict:
        if tomllib is None:
            return {}
        try:
            return tomllib.loads(self.r.scenario)
        except Exception:  # noqa: BLE001 (the brief is best-effort; the text is always shown)
            return {}

    def scenario(self) -> dict:
        return {"id": "scenario", "title": "Scenario in brief", "definition": "",
                "blocks": [{"kind": "terms", "groups": list(brief.terms(self.doc).items())},
                           {"kind": "pre", "summary": "the scenario file as run", "text": self.r.scenario}]}

    def money_flows(self) -> dict:
        def build(v: str) -> List[dict]:
            path = f"summary/{v}/contract_portfolio"
            if path not in self.r.tables():
                return self._population_by_year(v)
            notes = {q: n for q, n in FLOWS if n}
            quantities = [q for q, _ in FLOWS] + [q for q in self.r.quantities(path)["quantity"]
                                                  if q not in dict(FLOWS)]
            return [self.table(path, quantities, notes=notes),
                    {"kind": "p", "text": "Participants' totals per replication, by performance year and over "
                                          "the agreement."}]
        return {"id": "money-flows", "title": "Money flows per year", "definition": "",
                "blocks": self._per_variant(build)}

    def _population_by_year(self, v: str) -> List[dict]:
        path = f"summary/{v}/portfolio"
        return ([{"kind": "p", "text": "No contract: the population's cost by calendar year (B: baseline, "
                                       "P: performance)."}, self.table(path)]
                + self._plot("population_by_year", v))

    def variants(self) -> dict:
        section = {"id": "variants", "title": "Variants side by side", "definition": ""}
        if len(self.r.variants) == 1:
            return dict(section, blocks=[{"kind": "note", "text": "This run has one variant (no [sweep])."}])
        headline = f"summary/{self.r.variants[0]}/headline"
        if headline not in self.r.tables():
            quantities, table = ["cost_per_unit"], "portfolio"
        else:
            quantities = list(self.r.quantities(headline)["quantity"])
            table = "headline"
        parameters = pd.DataFrame([self.r.parameters(v) for v in self.r.variants]).fillna("")
        columns = list(parameters.columns)
        values = {}
        for v in self.r.variants:
            t = self.r.table(f"summary/{v}/{table}")
            last = t["column"].iloc[-1]
            values[v] = t[(t["row"] == t["row"].iloc[0]) & (t["column"] == last)].set_index("quantity")
        units = self.r.quantities(f"summary/{self.r.variants[0]}/{table}").set_index("quantity")["unit"]
        places = {q: _shared_places(pd.DataFrame([values[v].loc[q] for v in values if q in values[v].index]), units[q])
                  for q in quantities}
        head = [_c(_short(c), "l") for c in columns] + [_c(q, sub=self._unit_text(units[q])) for q in quantities]
        body = []
        for k, v in enumerate(self.r.variants):
            body.append([_c(_unquote(parameters.iloc[k][c]), "k") for c in columns] +
                        [self._value(values[v].loc[q], units[q], places[q]) if q in values[v].index else _c()
                         for q in quantities])
        info = self.r.quantities(f"summary/{self.r.variants[0]}/{table}")
        defs = [(_short(c), f"the sweep's setting {c}") for c in columns]
        defs += list(zip(info["quantity"], info["description"]))
        block = {"kind": "table", "tables": fit(head, body, len(columns), max(4, MAX_VALUE_COLUMNS - len(columns) + 2)),
                 "defs": defs}
        return dict(section, blocks=[block])

    def analysis(self, name: str) -> dict:
        title, definition = ANALYSES[name]
        if name == "threshold":
            unit = brief.unit_word(self.doc)
            title = f"Minimum number of {unit}: threshold and noise"
            definition = definition.replace("min_units", f"the minimum number of {unit} (min_units)")
        tables = {"withhold": ["solved_rate", "forfeit", "earn_share_distribution", "provider"],
                  "benchmark": ["methods", "optimal_weight"],
                  "threshold": ["rates", "msr"],
                  "risk": ["net_result", "aggregate_layers", "specific_layers", "stop_loss_exhibit",
                           "corridor_bands"]}[name]
        plot = {"withhold": "earn_back", "benchmark": "benchmark_error", "threshold": "threshold",
                "risk": "net_result"}[name]
        section = {"id": name, "title": title, "definition": definition}
        if not any(self._has(name, v, t) for v in self.r.variants for t in tables):
            return dict(section, blocks=[{"kind": "note", "text": f"Not in this run: {_absent(name)}."}])

        def build(v: str) -> List[dict]:
            present = [t for t in tables if self._has(name, v, t)]
            if not present:
                return [{"kind": "note", "text": f"Not in this run: {_absent(name)}."}]
            blocks = []
            for t in present:
                path = f"analysis/{name}/{v}/{t}"
                blocks += [{"kind": "h3", "text": t.replace("_", " ")},
                           {"kind": "p", "text": self.r.attributes(path).get("description", "")},
                           self._analysis_table(name, t, path)]
            return blocks + self._plot(plot, v)

        return dict(section, blocks=self._per_variant(build))

    def cash(self) -> List[dict]:
        """The cash section, where the file has the cash tables (else none)."""
        tables = ["worst_point", "present_value", "repayment_mechanism"]
        if not any(self._has("cash", v, t) for v in self.r.variants for t in tables):
            return []
        title, definition = CASH

        def build(v: str) -> List[dict]:
            blocks = []
            for t in [t for t in tables if self._has("cash", v, t)]:
                path = f"analysis/cash/{v}/{t}"
                blocks += [{"kind": "h3", "text": t.replace("_", " ")},
                           {"kind": "p", "text": self.r.attributes(path).get("description", "")},
                           self.table(path, by="row", row_header="provider")]
            return blocks

        return [{"id": "cash", "title": title, "definition": definition, "blocks": self._per_variant(build)}]

    def _analysis_table(self, name: str, table: str, path: str) -> dict:
        header = ROW_HEADERS.get(table, "row")
        if table == "rates":
            header = f"group and minimum {brief.unit_word(self.doc)}"
        t = self.r.table(path)
        columns = list(dict.fromkeys(t["column"]))
        rows = list(dict.fromkeys(t["row"]))
        if name == "risk" and table == "net_result":
            return self.table(path, ["mean", "sd", "loss_probability", "var_95", "var_99", "tvar_99", "capital_99"],
                              rows=["portfolio"] + [r for r in rows if r != "portfolio"][:8], by="row",
                              row_header=header)
        if name == "withhold" and table == "solved_rate":
            def flag(q, row):
                if row["estimate"] < 1:
                    return None
                if str(row["row"]).startswith("P("):  # the largest rate keeping the forfeit limit
                    return "at the bound: the limit holds even at a 100% withhold (any rate keeps it)"
                return "at the bound: not reachable in [0, 1], even withholding everything misses the target"
            return self.table(path, by="row", flag=flag, row_header=header)
        if name == "threshold" and table == "rates":
            def blank(row, part):
                if "excluded_share" in part.index and part.loc["excluded_share", "estimate"] >= 1:
                    return {q: "excluded: no payments" for q in ("false_reward", "false_penalty", "false_negative")}
                return {}
            return self.table(path, by="row", blank=blank, row_header=header)
        if name == "withhold" and table == "provider":
            return self.table(path, by="row", rows=rows[:10], row_header=header)
        if len(columns) == 1 or len(rows) > 1:
            return self.table(path, by="row", row_header=header)
        return self.table(path)

    def population(self) -> dict:
        section = {"id": "population", "title": "Population"}
        has_contract = any(f"summary/{v}/contract_portfolio" in self.r.tables() for v in self.r.variants)
        if has_contract:
            return dict(section, definition="Cost per unit-year and its make-up by calendar year, all providers.",
                        blocks=self._per_variant(lambda v: [self.table(
                            f"summary/{v}/portfolio", ["units", "cost_per_unit", "counterfactual_per_unit",
                                                       "any_cost_rate", "catastrophic_share"])]))
        return dict(section, definition="Members' annual cost in one replication (apmsim sample of the scenario "
                                        "in this file, same seed): its distribution and how concentrated it is.",
                    blocks=self._plot("population", self.r.variants[0]))

    def precision(self) -> dict:
        head = [_c("variant", "l"), _c("quantity", "l"), _c("estimate"), _c("SE"), _c("relative SE"),
                _c("interval multiplier")]
        body = []
        for v in self.r.variants:
            path = f"summary/{v}/headline" if f"summary/{v}/headline" in self.r.tables() else f"summary/{v}/portfolio"
            t = self.r.table(path)
            t = t[(t["row"] == t["row"].iloc[0]) & (t["column"] == t["column"].iloc[-1])]
            table_multiplier = self.r.attributes(path).get("ci_multiplier", 1.96)
            units = self.r.quantities(path).set_index("quantity")["unit"]
            for _, row in t.iterrows():
                # each figure's own (format 2.5): the headline keeps its source table's interval
                multiplier = self.r.attributes(f"{path}/{row['quantity']}").get("ci_multiplier", table_multiplier)
                est, se, _ = fmt.interval(row["estimate"], row["se"], unit=units[row["quantity"]])
                rel = abs(row["se"] / row["estimate"]) if row["estimate"] else math.nan
                body.append([_c(self._variant_text(v), "k"), _c(row["quantity"], "l"), _c(est), _c(se),
                             _c("" if math.isnan(rel) else f"{rel:.2%}"), _c(f"{multiplier:.3f}")])
        blocks = []
        target = self.r.info.get("target_se")
        if target:
            blocks.append({"kind": "p", "text": f"Stopped on --target-se {target}: achieved relative SE "
                                                f"{float(self.r.info.get('achieved_relative_se', math.nan)):.3%}."})
        blocks.append({"kind": "table", "tables": fit(head, body, 2), "defs": []})
        return {"id": "precision", "title": "Precision reached",
                "definition": f"{self.r.info.get('replications'):,} replications. The SE of each headline "
                "figure, relative to its estimate: run more replications (or --target-se NAME=REL) where it is "
                "too large. A 95% interval is estimate +/- multiplier x SE (Student t over the analysis "
                "batches where the multiplier exceeds 1.96).", "blocks": blocks}

    def sections(self) -> List[dict]:
        return ([self.overview(), self.answers(), self.scenario(), self.money_flows(), self.variants()]
                + [self.analysis(name) for name in ANALYSES] + self.cash() + [self.population(), self.precision()])

    def html(self) -> str:
        return environment().get_template("report.html.j2").render(
            name=self.r.scenario_name, sections=self.sections())


def _shared_places(rows: pd.DataFrame, unit: str) -> Optional[int]:
    """The decimals of the most precise value in a column, so that the column lines up."""
    finite = rows[pd.notna(rows["estimate"])]
    if finite.empty:
        return None
    if (finite["se"] > 0).any():  # exact values (SE 0) take the digits of the estimated ones
        finite = finite[finite["se"] > 0]
    return max(fmt.places_for(e, s, unit) for e, s in zip(finite["estimate"], finite["se"]))


#: What the rows of each analysis table are.
ROW_HEADERS = {"methods": "method", "net_result": "provider", "rates": "group and min_units",
               "msr": "group", "earn_share_distribution": "earn-back share", "solved_rate": "target",
               "provider": "provider", "aggregate_layers": "layer", "specific_layers": "layer",
               "stop_loss_exhibit": "arrangement",
               "corridor_bands": "band", "forfeit": "", "optimal_weight": ""}


def _short(key: str) -> str:
    """A sweep key without its `contract.` prefix, read as words: `benchmark method`."""
    key = key[len("contract."):] if key.startswith("contract.") else key
    return key.replace(".", " ").replace("_", " ")


def _unquote(value) -> str:
    """A sweep value as typed: TOML strings without their quotes."""
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _absent(name: str) -> str:
    return {"withhold": "the contract has no withhold", "threshold": "the scenario tests no min_units",
            "benchmark": "no benchmark analysis (no contract)", "risk": "no contract, so no provider result"}[name]


def write(results: Results, out: str, apmsim: Optional[str] = None, plots: bool = True,
          max_variants: int = 12, force: bool = False) -> str:
    """Writes the report to `out`; returns the path. Atomically, as apmsim writes every output:
    a new temporary beside `out` (tempfile.mkstemp: a fresh name, O_EXCL, so nothing planted there
    is followed), written through its descriptor, locked while it lives, then put in place
    without replacing (FileExistsError when `out` exists) unless `force`, which replaces only a
    regular file (ValueError for a link, a device, a FIFO, a folder)."""
    text = Report(results, apmsim=apmsim, plots=plots, max_variants=max_variants).html()
    publish(text.encode("utf-8"), out, force)
    return out


def _special_kind(path: str) -> str:
    """What `path` is when it exists and is not a regular file (not followed); "" otherwise."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return ""
    for test, kind in ((stat.S_ISREG, ""), (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a regular file"


def publish(data: bytes, out: str, force: bool = False) -> None:
    """Writes `data` to the file `out` as described in write()."""
    out = os.fspath(out)
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(folder, exist_ok=True)
    if force and _special_kind(out):
        raise ValueError(f"{out} is {_special_kind(out)}; --force replaces only a regular file")
    fd, temporary = tempfile.mkstemp(prefix=f"{os.path.basename(out)}.tmp.{os.getpid()}.", dir=folder)
    published = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # alive: no clean-up may take it
        except OSError:
            pass
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)  # mkstemp's 0600, made what a plain open would give
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        if force:
            kind = _special_kind(out)
            if kind:
                raise ValueError(f"{out} is {kind}; --force replaces only a regular file")
            os.replace(temporary, out)
        else:
            # A hard link fails when `out` exists, atomically: no check-then-rename window in
            # which two writers both succeed.
            try:
                os.link(temporary, out)
                os.unlink(temporary)
            except FileExistsError:
                raise FileExistsError(f"{out} already exists (written meanwhile by another process?); "
                                      "not overwriting it (use --force)") from None
            except OSError as error:  # a file system without hard links: check, then rename
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP) or os.path.lexists(out):
                    raise
                os.rename(temporary, out)
        published = True
    finally:
        os.close(fd)
        if not published:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass


#: errno values that say the destination is wrong (bad input, exit 2); others are runtime
#: failures (exit 1): a full disk (ENOSPC, EDQUOT), a file size limit (EFBIG), EIO.
BAD_DESTINATION = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.EISDIR,
                   errno.ENAMETOOLONG, errno.EEXIST, errno.ELOOP}


def destination_problem(out: str) -> str:
    """Why the report cannot be written at `out` (checked before anything is read), or ""."""
    if os.path.isdir(out):
        return f"--out {out} is a folder; name the report file (e.g. {os.path.join(out, 'report.html')})"
    folder = os.path.dirname(os.path.abspath(out))
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        return f"--out {out}: {existing} is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"--out {out}: cannot write in {existing} (permission denied)"
    return ""


def main(argv: Optional[List[str]] = None) -> int:
    """The command: 0 written, 2 bad input (a malformed results file, a bad --out), 1 a runtime
    failure (a full disk, or a fault of this package), each with a one-line message on stderr
    and never a traceback (set APMSIM_TRACEBACK=1 to see one)."""
    parser = argparse.ArgumentParser(prog="apmsim report", description="One self-contained HTML report of a results file.")
    parser.add_argument("results", help="apmsim results file (.h5)")
    parser.add_argument("--out", help="the report (default: the results file with .html)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing report")
    parser.add_argument("--no-plots", action="store_true", help="tables only (faster)")
    parser.add_argument("--max-variants", type=int, default=12, help="variants shown in full (default 12)")
    parser.add_argument("--apmsim", help="the apmsim executable (population plot of a run without a contract)")
    args = parser.parse_args(argv)
    out = args.out or os.path.splitext(args.results)[0] + ".html"
    problem = destination_problem(out)
    if problem:
        return _refuse(problem, 2)
    if os.path.lexists(out) and not args.force:
        return _refuse(f"{out} exists (use --force to overwrite)", 2)
    if args.force and _special_kind(out):
        return _refuse(f"{out} is {_special_kind(out)}; --force replaces only a regular file", 2)
    try:
        results = open_results(args.results)
    except (FormatError, OSError) as error:
        return _refuse(str(error), 2)
    try:  # publish() leaves nothing behind when it fails (its temporary is removed)
        write(results, out, apmsim=args.apmsim, plots=not args.no_plots, max_variants=args.max_variants,
              force=args.force)
    except FormatError as error:  # found while reading a table (the checks at open should catch it first)
        return _refuse(str(error), 2)
    except (FileExistsError, ValueError) as error:  # written meanwhile; --force onto a non-file
        return _refuse(str(error), 2)
    except OSError as error:
        code = 2 if error.errno in BAD_DESTINATION else 1
        return _refuse(f"cannot write {out}: {error.strerror or error}", code)
    except Exception as error:  # noqa: BLE001 (a fault of this package: one line, exit 1)
        if os.environ.get("APMSIM_TRACEBACK"):
            raise
        return _refuse(f"failed on {args.results}: {type(error).__name__}: {error} "
                       "(a fault of apmsim's report; APMSIM_TRACEBACK=1 shows where)", 1)
    print(f"apmsim report: wrote {out}", file=sys.stderr)
    return 0


def _refuse(message: str, code: int) -> int:
    print(f"apmsim report: {' '.join(message.split())}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
