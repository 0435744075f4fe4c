"""One self-contained HTML report of an apmsim results file, readable offline.

    python3 -m apmsim.report RESULTS.h5 --out report.html      (or: apmsim report RESULTS.h5)
    apmsim.report.write(apmsim.open(path), "report.html")

The file has no external reference: styles are inline, plots are PNG data URIs, there is no
script. Sections (each an element with its id): overview, scenario, money-flows, variants,
withhold, benchmark, threshold, risk, population, precision. A section whose analysis the run did
not make says so rather than disappearing.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import html
import io
import math
import os
import sys
from typing import Dict, Iterable, List, Optional

import pandas as pd

from . import format as fmt
from .results import FormatError, Results
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

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1180px;
padding:0 24px 48px;color:#1d232b}h1{font-size:22px;margin:28px 0 4px}h2{font-size:18px;margin:34px 0 6px;
border-bottom:1px solid #ccd3db;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
p.def{color:#3b4754;margin:4px 0 10px;max-width:920px}table{border-collapse:collapse;margin:6px 0 14px;
font-variant-numeric:tabular-nums}th,td{padding:3px 9px;border-bottom:1px solid #e3e7ec;text-align:right;
vertical-align:top}th{background:#f3f5f8;font-weight:600}td.l,th.l{text-align:left}.ci{color:#5b6875;
font-size:11.5px;white-space:nowrap}td.d{text-align:left;min-width:280px;color:#3b4754;font-size:12.5px}td.flag{color:#a33}details{margin:6px 0}summary{cursor:pointer;font-weight:600}
img{max-width:100%;border:1px solid #e3e7ec;margin:6px 0}pre{background:#f6f8fa;padding:10px;
overflow:auto;font-size:12px}.meta{color:#5b6875}.note{color:#5b6875;font-style:italic}
.wide{overflow-x:auto;max-width:100%}dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{font-weight:600}dd{margin:0}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _image(fig) -> str:
    """A figure as an inline PNG (data URI); the figure is closed."""
    import matplotlib.pyplot as plt
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


class Report:
    """Builds the report's HTML from one results file."""

    def __init__(self, results: Results, apmsim: Optional[str] = None, plots: bool = True,
                 max_variants: int = 12):
        self.r = results
        self.apmsim = apmsim
        self.plots = plots
        self.currency = str(results.info.get("currency") or "")
        #: Variants shown in full (analyses and plots); the rest appear side by side only.
        self.detailed = results.variants[:max_variants]

    # --- pieces ----------------------------------------------------------------------------

    def _value_cells(self, row: pd.Series, unit: str, places: Optional[int] = None) -> str:
        """One estimate with its 95% interval beneath it (none when exact: SE 0); `places` is
        its column's (at most one more than the value's own)."""
        if places is not None:
            places = min(places, fmt.places_for(row["estimate"], row["se"], unit) + 1)
        est, se, ci = fmt.interval(row["estimate"], row["se"], row["ci_low"], row["ci_high"], unit=unit,
                                   currency="", places=places)
        below = f"<br><span class=ci>{_e(ci)}</span>" if row["se"] and ci else ""
        return f"<td>{_e(est)}{below}</td>"

    def _unit_text(self, unit: str) -> str:
        if unit == "currency" or unit.startswith("currency/"):
            per = unit[len("currency/"):]
            return (self.currency or "currency") + (f" per {per}" if per else "")
        return {"fraction": "%", "units": "units"}.get(unit, unit)

    def table(self, path: str, quantities: Optional[Iterable[str]] = None, rows: Optional[List[str]] = None,
              by: str = "column", notes: Optional[Dict[str, str]] = None, flag=None,
              row_header: Optional[str] = None, blank=None) -> str:
        """One estimate table as HTML: a row per quantity (by="column": columns are the table's
        columns) or per table row (by="row": one quantity per column at the table's last column).
        `blank(row, values)` may name quantities to show as a note instead (quantity -> note)."""
        t = self.r.table(path)
        info = self.r.quantities(path).set_index("quantity")
        wanted = [q for q in (quantities or info.index) if q in info.index]
        columns = list(dict.fromkeys(t["column"]))
        out = ["<div class=wide><table>"]
        if by == "column":
            row_name = rows[0] if rows else t["row"].iloc[0]
            out.append("<tr><th class=l>quantity</th><th class=l>unit</th>" +
                       "".join(f"<th>{_e(_label(c))}</th>" for c in columns) +
                       "<th class=l>definition</th></tr>")
            for q in wanted:
                part = t[(t["quantity"] == q) & (t["row"] == row_name)].set_index("column")
                unit = info.loc[q, "unit"]
                places = _shared_places(part.loc[columns], unit)
                cells = "".join(self._value_cells(part.loc[c], unit, places) for c in columns)
                definition = info.loc[q, "description"] + (f" ({notes[q]})" if notes and q in notes else "")
                out.append(f"<tr><td class=l>{_e(q)}</td><td class=l>{_e(self._unit_text(unit))}</td>"
                           f"{cells}<td class=d>{_e(definition)}</td></tr>")
            out.append("</table></div>")
            return "\n".join(out)
        else:
            column = columns[-1]
            names = rows or list(dict.fromkeys(t["row"]))
            at = t[t["column"] == column]
            places = {q: _shared_places(at[(at["quantity"] == q) & at["row"].isin(names)], info.loc[q, "unit"])
                      for q in wanted}
            out.append(f"<tr><th class=l>{_e(row_header or 'row')}</th>" + "".join(
                f"<th>{_e(q)} ({_e(self._unit_text(info.loc[q, 'unit']))})</th>"
                for q in wanted) + "</tr>")
            for name in names:
                part = at[at["row"] == name].set_index("quantity")
                cells = ""
                hidden = blank(name, part) if blank else {}
                for q in wanted:
                    if q in hidden:
                        cells += f"<td class=ci>{_e(hidden[q])}</td>"
                        continue
                    cells += self._value_cells(part.loc[q], info.loc[q, "unit"], places[q])
                    if flag is not None and flag(q, part.loc[q]):
                        cells = cells[: -len("</td>")] + f" <span class=flag>{_e(flag(q, part.loc[q]))}</span></td>"
                out.append(f"<tr><td class=l>{_e(name)}</td>{cells}</tr>")
            out.append("</table></div><p class=def>" + "; ".join(
                f"<b>{_e(q)}</b>: {_e(info.loc[q, 'description'])}" for q in wanted) + f" (column {_e(_label(column))})</p>")
            return "\n".join(out)

    def _per_variant(self, build) -> str:
        """`build(variant)` for every detailed variant, each in a <details> (the first open)."""
        if len(self.r.variants) == 1:
            return build(self.r.variants[0])
        parts = []
        for k, v in enumerate(self.detailed):
            parts.append(f"<details{' open' if k == 0 else ''}><summary>variant {_e(v)}</summary>{build(v)}</details>")
        if len(self.detailed) < len(self.r.variants):
            parts.append(f"<p class=note>{len(self.r.variants) - len(self.detailed)} more variants are in "
                         "the side-by-side table only (report --max-variants).</p>")
        return "\n".join(parts)

    def _plot(self, name: str, variant: str) -> str:
        if not self.plots:
            return ""
        from . import plots
        try:
            if name == "population":
                return _image(plots.population(self.r, apmsim=self.apmsim))
            return _image(plots.PLOTS[name][0](self.r, variant))
        except (FileNotFoundError, RuntimeError) as error:
            return f"<p class=note>{_e(name)} plot not drawn: {_e(error)}</p>"

    def _has(self, analysis: str, variant: str, table: str) -> bool:
        return f"analysis/{analysis}/{variant}/{table}" in self.r.tables()

    # --- sections --------------------------------------------------------------------------

    def overview(self) -> str:
        i = self.r.info
        rows = [("file", os.path.basename(self.r.path)), ("scenario", self._scenario_name()),
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
        body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
        return (f"<section id=overview><h1>apmsim report: {_e(self._scenario_name())}</h1>"
                f"<p class=meta>made {datetime.date.today().isoformat()} from {_e(self.r.path)}</p>"
                f"<dl>{body}</dl><p class=def>Every estimate is a mean over the replications with its 95% "
                "interval beneath it (none where the value is exact); digits follow the standard error (two significant digits of the "
                "SE). Money is per replication: the total over the providers and years named.</p></section>")

    def _scenario_name(self) -> str:
        return self.r.scenario_name

    def _toml(self) -> dict:
        if tomllib is None:
            return {}
        try:
            return tomllib.loads(self.r.scenario)
        except Exception:  # noqa: BLE001 (the brief is best-effort; the text is always shown)
            return {}

    def scenario(self) -> str:
        doc = self._toml()
        facts = []
        strata = doc.get("stratum", [])
        if strata:
            facts.append(("population", f"{len(strata)} strata: " + ", ".join(
                f"{s.get('name')} ({float(s.get('share', 0)):.0%})" for s in strata)))
        groups = doc.get("provider_group", doc.get("providers", []))
        if isinstance(groups, list) and groups:
            facts.append(("providers", f"{len(groups)} groups: " + ", ".join(
                f"{g.get('name')} ({g.get('count', 1)} x {g.get('panel_size', '?'):,} {g.get('unit', 'unit')}s"
                f"{'' if g.get('participant', True) else ', not participating'})" for g in groups)))
        regions = doc.get("region", [])
        if regions:
            facts.append(("regions", ", ".join(str(x.get("name")) for x in regions)))
        contract = doc.get("contract")
        if isinstance(contract, dict):
            for key, value in contract.items():
                facts.append((f"contract.{key}", _brief(value)))
        else:
            facts.append(("contract", "none: population only"))
        if "sweep" in doc:
            facts.append(("sweep", _brief(doc["sweep"])))
        body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
        return (f"<section id=scenario><h2>Scenario in brief</h2><dl>{body}</dl>"
                f"<details><summary>the scenario file as run</summary><pre>{_e(self.r.scenario)}</pre></details></section>")

    def money_flows(self) -> str:
        def build(v: str) -> str:
            path = f"summary/{v}/contract_portfolio"
            if path not in self.r.tables():
                return self._population_by_year(v)
            notes = {q: n for q, n in FLOWS if n}
            quantities = [q for q, _ in FLOWS] + [q for q in self.r.quantities(path)["quantity"]
                                                  if q not in dict(FLOWS)]
            return (self.table(path, quantities, notes=notes) +
                    "<p class=def>Participants' totals per replication, by performance year and over the "
                    "agreement.</p>")
        return (f"<section id=money-flows><h2>Money flows per year</h2>{self._per_variant(build)}</section>")

    def _population_by_year(self, v: str) -> str:
        path = f"summary/{v}/portfolio"
        return ("<p class=def>No contract: the population's cost by calendar year (B: baseline, P: "
                "performance).</p>" + self.table(path) + self._plot("population_by_year", v))

    def variants(self) -> str:
        if len(self.r.variants) == 1:
            return ("<section id=variants><h2>Variants side by side</h2><p class=note>This run has one "
                    "variant (no [sweep]).</p></section>")
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
        out = ["<div class=wide><table><tr>" + "".join(f"<th class=l>{_e(c)}</th>" for c in columns) +
               "".join(f"<th>{_e(q)} ({_e(self._unit_text(units[q]))})</th>" for q in quantities) + "</tr>"]
        for k, v in enumerate(self.r.variants):
            cells = "".join(self._value_cells(values[v].loc[q], units[q], places[q]) if q in values[v].index
                            else "<td></td>" for q in quantities)
            out.append("<tr>" + "".join(f"<td class=l>{_e(parameters.iloc[k][c])}</td>" for c in columns) + cells + "</tr>")
        out.append("</table></div>")
        info = self.r.quantities(f"summary/{self.r.variants[0]}/{table}")
        defs = "; ".join(f"<b>{_e(q)}</b>: {_e(d)}" for q, d in zip(info["quantity"], info["description"]))
        return (f"<section id=variants><h2>Variants side by side</h2>{''.join(out)}"
                f"<p class=def>{defs}</p></section>")

    def analysis(self, name: str) -> str:
        title, definition = ANALYSES[name]
        tables = {"withhold": ["solved_rate", "forfeit", "earn_share_distribution", "provider"],
                  "benchmark": ["methods", "optimal_weight"],
                  "threshold": ["rates", "msr"],
                  "risk": ["net_result", "aggregate_layers", "specific_layers", "stop_loss_exhibit",
                           "corridor_bands"]}[name]
        plot = {"withhold": "earn_back", "benchmark": "benchmark_error", "threshold": "threshold",
                "risk": "net_result"}[name]

        if not any(self._has(name, v, t) for v in self.r.variants for t in tables):
            return (f"<section id={name}><h2>{_e(title)}</h2><p class=def>{_e(definition)}</p>"
                    f"<p class=note>Not in this run: {_absent(name)}.</p></section>")

        def build(v: str) -> str:
            present = [t for t in tables if self._has(name, v, t)]
            if not present:
                return f"<p class=note>Not in this run: {_absent(name)}.</p>"
            parts = []
            for t in present:
                path = f"analysis/{name}/{v}/{t}"
                parts.append(f"<h3>{_e(t.replace('_', ' '))}</h3><p class=def>{_e(self.r.attributes(path).get('description', ''))}</p>")
                parts.append(self._analysis_table(name, t, path))
            parts.append(self._plot(plot, v))
            return "\n".join(parts)

        return (f"<section id={name}><h2>{_e(title)}</h2><p class=def>{_e(definition)}</p>"
                f"{self._per_variant(build)}</section>")

    def _analysis_table(self, name: str, table: str, path: str) -> str:
        return self._analysis_table_rows(name, table, path).replace(
            "<th class=l>row</th>", f"<th class=l>{_e(ROW_HEADERS.get(table, 'row'))}</th>", 1)

    def _analysis_table_rows(self, name: str, table: str, path: str) -> str:
        t = self.r.table(path)
        columns = list(dict.fromkeys(t["column"]))
        rows = list(dict.fromkeys(t["row"]))
        if name == "risk" and table == "net_result":
            return self.table(path, ["mean", "sd", "loss_probability", "var_95", "var_99", "tvar_99", "capital_99"],
                              rows=["portfolio"] + [r for r in rows if r != "portfolio"][:8], by="row")
        if name == "withhold" and table == "solved_rate":
            def flag(q, row):
                if row["estimate"] >= 1 or row["estimate"] <= 0:
                    return "at the bound: the target is not reachable in (0, 1)"
                return None
            return self.table(path, by="row", flag=flag)
        if name == "threshold" and table == "rates":
            def blank(row, part):
                if "excluded_share" in part.index and part.loc["excluded_share", "estimate"] >= 1:
                    return {q: "excluded: no payments" for q in ("false_reward", "false_penalty", "false_negative")}
                return {}
            return self.table(path, by="row", blank=blank)
        if name == "withhold" and table == "provider":
            return self.table(path, by="row", rows=rows[:10])
        if len(columns) == 1 or len(rows) > 1:
            return self.table(path, by="row")
        return self.table(path)

    def population(self) -> str:
        has_contract = any(f"summary/{v}/contract_portfolio" in self.r.tables() for v in self.r.variants)
        if has_contract:
            return ("<section id=population><h2>Population</h2><p class=def>Cost per unit-year and its "
                    "make-up by calendar year, all providers.</p>" +
                    self._per_variant(lambda v: self.table(f"summary/{v}/portfolio",
                                                           ["units", "cost_per_unit", "counterfactual_per_unit",
                                                            "any_cost_rate", "catastrophic_share"])) + "</section>")
        return ("<section id=population><h2>Population</h2><p class=def>Members' annual cost in one "
                "replication (apmsim sample of the scenario in this file, same seed): its distribution "
                "and how concentrated it is.</p>" + self._plot("population", self.r.variants[0]) + "</section>")

    def precision(self) -> str:
        out = ["<table><tr><th class=l>variant</th><th class=l>quantity</th><th>estimate</th><th>SE</th>"
               "<th>relative SE</th><th>interval multiplier</th></tr>"]
        for v in self.r.variants:
            path = f"summary/{v}/headline" if f"summary/{v}/headline" in self.r.tables() else f"summary/{v}/portfolio"
            t = self.r.table(path)
            t = t[(t["row"] == t["row"].iloc[0]) & (t["column"] == t["column"].iloc[-1])]
            multiplier = self.r.attributes(path).get("ci_multiplier", 1.96)
            units = self.r.quantities(path).set_index("quantity")["unit"]
            for _, row in t.iterrows():
                est, se, _ = fmt.interval(row["estimate"], row["se"], unit=units[row["quantity"]])
                rel = abs(row["se"] / row["estimate"]) if row["estimate"] else math.nan
                out.append(f"<tr><td class=l>{_e(v)}</td><td class=l>{_e(row['quantity'])}</td><td>{_e(est)}</td>"
                           f"<td>{_e(se)}</td><td>{'' if math.isnan(rel) else f'{rel:.2%}'}</td>"
                           f"<td>{multiplier:.3f}</td></tr>")
        out.append("</table>")
        target = self.r.info.get("target_se")
        extra = (f"<p class=def>Stopped on --target-se {_e(target)}: achieved relative SE "
                 f"{float(self.r.info.get('achieved_relative_se', math.nan)):.3%}.</p>" if target else "")
        return (f"<section id=precision><h2>Precision reached</h2><p class=def>{self.r.info.get('replications'):,} "
                "replications. The SE of each headline figure, relative to its estimate: run more replications "
                "(or --target-se NAME=REL) where it is too large. A 95% interval is estimate +/- multiplier x SE "
                "(Student t over the analysis batches where the multiplier exceeds 1.96).</p>"
                f"{extra}{''.join(out)}</section>")

    def html(self) -> str:
        sections = [self.overview(), self.scenario(), self.money_flows(), self.variants()]
        sections += [self.analysis(name) for name in ANALYSES]
        sections += [self.population(), self.precision()]
        return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
                "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
                f"<title>apmsim report: {_e(self._scenario_name())}</title><style>{STYLE}</style></head><body>"
                + "\n".join(sections) + "</body></html>")


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


def _label(column: str) -> str:
    return {"all": "all years", "agreement": "agreement"}.get(column, column.replace("performance_year_", "PY"))


def _brief(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_brief(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + "; ".join(_brief(v) for v in value) + "]"
    return str(value)


def _absent(name: str) -> str:
    return {"withhold": "the contract has no withhold", "threshold": "the scenario tests no min_units",
            "benchmark": "no benchmark analysis (no contract)", "risk": "no contract, so no provider result"}[name]


def write(results: Results, out: str, apmsim: Optional[str] = None, plots: bool = True,
          max_variants: int = 12) -> str:
    """Writes the report to `out` (atomically: a temporary file renamed); returns the path."""
    text = Report(results, apmsim=apmsim, plots=plots, max_variants=max_variants).html()
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(folder, exist_ok=True)
    partial = out + ".partial"
    with open(partial, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, out)
    return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="apmsim report", description="One self-contained HTML report of a results file.")
    parser.add_argument("results", help="apmsim results file (.h5)")
    parser.add_argument("--out", help="the report (default: the results file with .html)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing report")
    parser.add_argument("--no-plots", action="store_true", help="tables only (faster)")
    parser.add_argument("--max-variants", type=int, default=12, help="variants shown in full (default 12)")
    parser.add_argument("--apmsim", help="the apmsim executable (population plot of a run without a contract)")
    args = parser.parse_args(argv)
    out = args.out or os.path.splitext(args.results)[0] + ".html"
    if os.path.exists(out) and not args.force:
        print(f"apmsim report: {out} exists (use --force to overwrite)", file=sys.stderr)
        return 2
    try:
        results = open_results(args.results)
    except (FormatError, OSError) as error:
        print(f"apmsim report: {error}", file=sys.stderr)
        return 2
    write(results, out, apmsim=args.apmsim, plots=not args.no_plots, max_variants=args.max_variants)
    print(f"apmsim report: wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
