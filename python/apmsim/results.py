"""apmsim results files (HDF5, format 2.x; docs/output-format.md) as tidy pandas DataFrames."""
from __future__ import annotations

import builtins
import difflib
import hashlib
import os
import re
import shutil
import weakref
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Union

import h5py
import numpy as np
import pandas as pd

from .names import (ANALYSIS_TABLES, CONTRACT_TABLES, SUMMARY_TABLES, UnknownNameError, check, listing,
                    portfolio_row, unknown)
from .validate import FormatError, validate

if TYPE_CHECKING:
    from .risk import Risk

#: The integrity header ahead of the HDF5 data (format 1.2).
HEADER_BYTES = 512
HEADER_MAGIC = b"apmsim-results\n"

#: Columns of every tidy estimate table, in order.
TIDY_COLUMNS = ["variant", "table", "row", "column", "year", "quantity", "estimate", "se", "ci_low",
                "ci_high", "unit"]


def _toml_value(text: str):
    """A sweep value as the scenario writes it (TOML), as a Python value; the text when it is not
    one value TOML reads."""
    try:
        import tomllib  # Python 3.11+
    except ImportError:  # pragma: no cover - older Pythons: keep the text
        return text
    try:
        return tomllib.loads("v = " + text)["v"]
    except tomllib.TOMLDecodeError:
        return text


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _strings(dataset) -> List[str]:
    return [_text(v) for v in dataset[()]]


def _attribute(value):
    """A root attribute as a plain Python value."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def check_integrity(path: str) -> None:
    """Checks the 512-byte integrity header: size and SHA-256 of everything after it (the C++
    reader's check, src/io/integrity.cpp)."""
    with builtins.open(path, "rb") as f:
        header = f.read(HEADER_BYTES)
        if not header.startswith(HEADER_MAGIC):
            raise FormatError(f"{path}: not an apmsim results file (no integrity header)")
        fields = re.match(rb"sha256 ([0-9a-f]{64})\nbytes ([0-9]{1,20})\n", header[len(HEADER_MAGIC):])
        if len(header) < HEADER_BYTES or fields is None:
            raise FormatError(f"{path}: the integrity header is damaged")
        expected, size = fields.group(1), int(fields.group(2))
        digest, count = hashlib.sha256(), 0
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            count += len(block)
    if count != size:
        raise FormatError(f"{path}: truncated or extended ({count} bytes after the header, {size} expected)")
    if digest.hexdigest().encode() != expected:
        raise FormatError(f"{path}: damaged: its SHA-256 does not match the header")


class Results:
    """One apmsim results file; tables are read when asked for (only the file's layout is kept).

    Opened by `apmsim.open(path)` or returned by `apmsim.run(...)`. In a notebook it shows as a
    short summary (scenario, variants, replications, format, tables).

    Estimate tables come back tidy, one row per (row, column, quantity), with the columns
    variant, table, row, column, year, quantity, estimate, se, ci_low, ci_high, unit, where `row`
    is a provider, a portfolio row, a region, a method or a group (what the table's rows are),
    `column` is a calendar year label (`B1`, `B2`, ... baseline, `P1`, ... performance),
    `P1`.. (performance years), `agreement`, `all` or an analysis column, and `year` is the calendar
    year index (0 = first simulated year) where the column is one, else NaN.

    The accessors and the tables they take:

    - summary(table): `portfolio` (rows `participants`, `all`), `provider`, `region`, by
      calendar year.
    - contract(table): `portfolio` (row `participants`), `provider`, `headline`, by performance
      year and `agreement`; empty without a [contract].
    - analysis(name, table), where the scenario's [analysis] asked for it:
      `withhold`: `forfeit`, `earn_share_distribution`, `solved_rate`, `provider`;
      `benchmark`: `methods`, `optimal_weight`;
      `threshold`: `rates`, `msr`;
      `risk`: `net_result`, `specific_layers`, `aggregate_layers`, `stop_loss_exhibit`,
      `corridor_bands`;
      `cash` (with [contract.timing]): `position` (months `M1`..), `worst_point`,
      `present_value`, `repayment_mechanism`.
      analyses() lists those this file has.
    - compare(quantity, table): the variants side by side, from any of those tables
      (`headline`, `contract_portfolio`, `portfolio`, ..., or "analysis/table" such as
      "risk/net_result"); the portfolio row by default.
    - table(path), quantities(path), attributes(path): any table by its path in the file
      (tables() lists them), e.g. "summary/base/portfolio", "analysis/risk/base/net_result".
    - risk(variant, provider, year): the per-replication loss of one cell (apmsim.Risk).
    - records(variant), tallies(): per-replication data (--write-records, --write-tallies);
      to_parquet(folder) writes them as Parquet.

    A name the file does not have (a table, analysis, quantity, row, column, variant or
    provider) raises apmsim.UnknownNameError, a KeyError whose message lists the valid names.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], verify: bool = True):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{self.path}: no such file")
        if os.path.isdir(self.path):
            raise FormatError(f"{self.path} is a folder, not a results file")
        if verify:
            check_integrity(self.path)
        try:
            f = h5py.File(self.path, "r")
        except OSError as error:  # a damaged file with a valid header (written so by hand)
            raise FormatError(f"{self.path}: cannot read it as HDF5 ({error})") from None
        with f:
            # Every required object with its type and shape, as the C++ reader checks them
            # (results_schema.json), so the accessors below meet no surprise.
            try:
                validate(f, self.path)
            except FormatError:
                raise
            except (OSError, KeyError, ValueError, TypeError, IndexError, RuntimeError) as error:
                raise FormatError(f"{self.path}: cannot read it ({type(error).__name__}: {error})") from None
            #: Root attributes: seed, replications, backend, device, elapsed_seconds, ...
            self.info: Dict[str, Any] = {k: _attribute(v) for k, v in f.attrs.items()}
            #: The scenario file as read.
            self.scenario: str = _text(f["scenario/text"][()])
            #: The sweep's variants, in the order of the run ("base" without a sweep).
            self.variants: List[str] = [k for k, v in f["summary"].items() if isinstance(v, h5py.Group)]
            self._tables: List[str] = []
            f.visititems(lambda name, obj: self._tables.append(name)
                         if isinstance(obj, h5py.Group) and "quantities" in obj else None)
            self.has_tallies = "tallies" in f
            self.has_records = "replications" in f
            #: Per-replication losses are stored (format 2.3, every run with a contract).
            self.has_losses = "losses" in f
            self._record_variants = list(f["replications"]) if self.has_records else []
        self._cleanup: Optional[weakref.finalize] = None

    def __repr__(self) -> str:
        return (f"<apmsim.Results {self.path}: {self.info.get('replications')} replications, "
                f"{len(self.variants)} variant(s)>")

    def _repr_html_(self) -> str:
        """A compact summary for notebooks: scenario, variants, replications, format, tables."""
        from .overview import results_html
        return results_html(self)

    # --- a results file made in a temporary folder (apmsim.run without `out`) --------------------

    def _remove_when_done(self, folder: str) -> None:
        """Removes `folder` (holding this file) on close(), when this object is garbage, or at exit."""
        self._cleanup = weakref.finalize(self, shutil.rmtree, folder, True)

    def close(self) -> None:
        """Removes the temporary folder of a file that apmsim.run made without `out`; a file
        you named is left alone. The Results cannot be read afterwards."""
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> "Results":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- layout -------------------------------------------------------------------------------

    @property
    def baseline_years(self) -> int:
        return int(self.info["baseline_years"])

    @property
    def performance_years(self) -> int:
        return int(self.info["performance_years"])

    @property
    def format_version(self) -> str:
        """The results format, e.g. "2.4" (docs/output-format.md)."""
        return ".".join(str(v) for v in self.info["format_version"])

    @property
    def scenario_name(self) -> str:
        """The scenario's own `name` (top level or [simulation]), else the file's name."""
        try:
            import tomllib
            doc = tomllib.loads(self.scenario)
        except Exception:  # noqa: BLE001 (no tomllib before 3.11, or text TOML does not read)
            doc = {}
        name = doc.get("name") or doc.get("simulation", {}).get("name") or self._heading()[0]
        return str(name or os.path.splitext(os.path.basename(self.path))[0])

    @property
    def scenario_description(self) -> str:
        """The scenario's one-line description: its first comment line after `# NAME:`, or ""."""
        return self._heading()[1]

    def _heading(self) -> tuple:
        """(name, description) from the scenario text's first comment, `# NAME: what it models`
        (the shipped scenarios open so); the description runs on over following comment lines
        until a blank comment line."""
        lines = self.scenario.lstrip().splitlines()
        if not lines or not lines[0].startswith("#"):
            return "", ""
        head, _, rest = lines[0].lstrip("# ").partition(": ")
        if not rest or " " in head.strip():
            return "", ""
        more = []
        for line in lines[1:]:
            text = line.lstrip("#").strip()
            if not line.startswith("#") or not text:
                break
            more.append(text)
        return head.strip(), " ".join([rest.strip()] + more)

    def year_labels(self) -> List[str]:
        """Labels of calendar years: B1.. for baseline years, P1.. for performance years."""
        return ([f"B{k + 1}" for k in range(self.baseline_years)] +
                [f"P{k + 1}" for k in range(self.performance_years)])

    def tables(self) -> List[str]:
        """Paths of every estimate table in the file (summary, contract and analysis tables):
        "summary/<variant>/<table>" and "analysis/<analysis>/<variant>/<table>"."""
        return list(self._tables)

    def summary_tables(self, variant: Optional[str] = None) -> List[str]:
        """The estimate tables under /summary that `variant` (None: any variant) has: portfolio,
        provider, region, and with a contract contract_portfolio, contract_provider, headline."""
        variants = self._variant(variant)
        found = {p.split("/")[2] for p in self._tables if p.startswith("summary/") and p.split("/")[1] in variants}
        return _in_order(found, list(SUMMARY_TABLES) + ["contract_portfolio", "contract_provider", "headline"])

    def analyses(self, variant: Optional[str] = None) -> Dict[str, List[str]]:
        """The analyses this file has, each with its tables: {"risk": ["net_result", ...], ...}."""
        variants = self._variant(variant)
        found: Dict[str, List[str]] = {}
        for p in self._tables:
            parts = p.split("/")
            if parts[0] == "analysis" and parts[2] in variants and parts[3] not in found.get(parts[1], []):
                found.setdefault(parts[1], []).append(parts[3])
        return {a: _in_order(found[a], ANALYSIS_TABLES.get(a, ())) for a in _in_order(found, ANALYSIS_TABLES)}

    def _variant(self, variant: Optional[str]) -> List[str]:
        if variant is None:
            return list(self.variants)
        check("variant", variant, self.variants)
        return [variant]

    def _check_path(self, path: str, what: str = "estimate table") -> None:
        """Raises UnknownNameError for a path that is no estimate table, listing the layout."""
        if path in self._tables:
            return
        close = difflib.get_close_matches(path, self._tables, n=1)
        shapes = [f"summary/<variant>/{{{', '.join(self.summary_tables())}}}"]
        shapes += [f"analysis/{a}/<variant>/{{{', '.join(t)}}}" for a, t in self.analyses().items()]
        raise UnknownNameError(
            f"no {what} {path!r}" + (f" (did you mean {close[0]!r}?)" if close else "") +
            f"; valid: {'; '.join(shapes)}; <variant> is one of {listing(self.variants)} (see tables())",
            path, self._tables)

    # --- estimate tables ----------------------------------------------------------------------

    def table(self, path: str) -> pd.DataFrame:
        """The estimate table at `path`, tidy: "summary/<variant>/<table>" or
        "analysis/<analysis>/<variant>/<table>" (tables() lists every one). Another path raises
        UnknownNameError listing the file's layout."""
        self._check_path(path)
        parts = path.split("/")
        variant = parts[1] if parts[0] == "summary" else parts[2]
        name = parts[-1] if parts[0] == "summary" else f"{parts[1]}/{parts[3]}"
        with h5py.File(self.path, "r") as f:
            g = f[path]
            rows = _strings(g["rows"])
            quantities = _strings(g["quantities"])
            table_multiplier = float(g.attrs.get("ci_multiplier", 1.96))
            if "columns" in g:
                columns = [year_label(c) for c in _strings(g["columns"])]
                years = [self._year_of(c) for c in columns]
            else:  # calendar years: B1.. then P1.., however many the table has
                b = self.baseline_years
                columns = [f"B{y + 1}" if y < b else f"P{y - b + 1}" for y in range(int(g.attrs["years"]))]
                years = list(range(len(columns)))
            frames = []
            for q in quantities:
                est = g[q][()]
                se = g[q + "_se"][()]
                multiplier = float(g[q].attrs.get("ci_multiplier", table_multiplier))  # 2.5
                low, high = est - multiplier * se, est + multiplier * se  # as the C++ readers do
                unit = _text(g[q].attrs.get("unit", b""))
                r_index, c_index = np.meshgrid(np.arange(len(rows)), np.arange(len(columns)), indexing="ij")
                frames.append(pd.DataFrame({
                    "variant": variant, "table": name,
                    "row": np.asarray(rows, dtype=object)[r_index.ravel()] if rows else [],
                    "column": np.asarray(columns, dtype=object)[c_index.ravel()] if columns else [],
                    "year": np.asarray(years, dtype=float)[c_index.ravel()] if columns else [],
                    "quantity": q, "estimate": est.ravel(), "se": se.ravel(),
                    "ci_low": low.ravel(), "ci_high": high.ravel(), "unit": unit}))
        if not frames:
            return pd.DataFrame(columns=TIDY_COLUMNS)
        return self._typed(pd.concat(frames, ignore_index=True)[TIDY_COLUMNS], variant)

    def _typed(self, frame: pd.DataFrame, variant: str) -> pd.DataFrame:
        """The frame with money in the scenario's ISO currency (`unit` "USD", "USD/unit" rather
        than "currency"), each sweep parameter of the variant as a typed column of its own (its
        path: `withhold.rate` = 0.1), and each `key=value` in a row label ("northeast_small
        min_units=5000", "specific attachment=25000") as a typed column (`min_units` = 5000, the rest of
        the label in `group`)."""
        code = _text(self.info.get("currency", "")) or "currency"
        frame["unit"] = frame["unit"].str.replace("currency", code, regex=False)
        for path, typed in self.parameters(variant).items():  # a number, text, or an array
            frame[path] = [typed] * len(frame)
        labels = frame["row"].astype(str).unique()
        parsed = {label: _row_keys(label) for label in labels}
        keys: List[str] = []
        for _, found in parsed.values():
            keys += [k for k in found if k not in keys and k not in frame.columns]
        if keys:
            frame["group"] = frame["row"].map(lambda label: parsed[str(label)][0])
            for k in keys:
                frame[k] = frame["row"].map(lambda label, k=k: parsed[str(label)][1].get(k))
        return frame

    def quantities(self, path: str) -> pd.DataFrame:
        """The quantities of the table at `path` (one of tables()): quantity, unit, description
        (from the file)."""
        self._check_path(path)
        with h5py.File(self.path, "r") as f:
            g = f[path]
            names = _strings(g["quantities"])
            return pd.DataFrame({"quantity": names,
                                 "unit": [_text(g[q].attrs.get("unit", b"")) for q in names],
                                 "description": [_text(g[q].attrs.get("description", b"")) for q in names]})

    def attributes(self, path: str) -> Dict[str, object]:
        """The attributes of a table, group or dataset at `path` (description, ci_multiplier,
        years, ...); "" or "/" for the file's root attributes (see info)."""
        with h5py.File(self.path, "r") as f:
            if path.strip("/") and path not in f:
                self._check_path(path, "group or dataset")
            return {k: _attribute(v) for k, v in f[path or "/"].attrs.items()}

    def _year_of(self, column: str) -> float:
        """The calendar year of a column label (Pk, performance year k), else NaN."""
        k = performance_year_of(column)
        return float(self.baseline_years + k - 1) if k else float("nan")

    def summary(self, table: str = "portfolio", variant: Optional[str] = None) -> pd.DataFrame:
        """A summary table by calendar year (columns B1.. baseline, P1.. performance), every
        variant's or one `variant`'s:

        - `portfolio`: rows `participants` (providers under the contract) and `all`
        - `provider`: one row per provider (the `row` column is named `provider`)
        - `region`: one row per region (the `row` column is named `region`)

        With a contract, the contract tables are here too under their file names
        (`contract_portfolio`, `contract_provider`, `headline`; see contract()). Another name
        raises UnknownNameError listing the valid ones."""
        variants = self._variant(variant)
        check("summary table", table, self.summary_tables(variant))
        return _named(pd.concat([self.table(f"summary/{v}/{table}") for v in variants
                                 if f"summary/{v}/{table}" in self._tables], ignore_index=True), table)

    def contract(self, table: str = "portfolio", variant: Optional[str] = None) -> pd.DataFrame:
        """A contract table, every variant's or one `variant`'s; columns are the performance
        years (`P1`, ...) and `agreement`:

        - `portfolio`: the participants' totals, one row `participants`
        - `provider`: one row per participant provider (the `row` column is named `provider`)
        - `headline`: the agreement's headline figures, one row `participants`

        Empty for a run without a [contract]. Another name raises UnknownNameError listing
        the valid ones."""
        check("contract table", table, list(CONTRACT_TABLES))
        name = table if table == "headline" else f"contract_{table}"
        frames = [self.table(f"summary/{v}/{name}") for v in self._variant(variant)
                  if f"summary/{v}/{name}" in self._tables]
        return _named(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TIDY_COLUMNS),
                      table)

    def analysis(self, name: str, table: str, variant: Optional[str] = None) -> pd.DataFrame:
        """An analysis table, every variant's or one `variant`'s, e.g. analysis("risk",
        "net_result"). The analyses and their tables (a file has those its scenario's
        [analysis] asked for; analyses() lists them):

        - `withhold`: `forfeit` (row `participants`), `earn_share_distribution`,
          `solved_rate`, `provider`
        - `benchmark`: `methods` (historical, regional, blends), `optimal_weight`
        - `threshold`: `rates` (`<group> min_units=<m>` rows), `msr` (groups and `all`)
        - `risk`: `net_result` (providers and `portfolio`), `specific_layers`,
          `aggregate_layers`, `stop_loss_exhibit`, `corridor_bands`
        - `cash` (with [contract.timing]): `position` (providers and `portfolio` by month
          `M1`..), `worst_point`, `present_value`, `repayment_mechanism`

        A name the file does not have raises UnknownNameError listing the valid ones."""
        found = self.analyses(variant)
        if name in ANALYSIS_TABLES and name not in found:
            raise UnknownNameError(f"this run has no {name} analysis (its scenario did not ask for it, or has "
                                   f"no [contract]); its analyses: {listing(found) or 'none'}", name, list(found))
        check("analysis", name, list(found))
        check(f"{name} table", table, found[name])
        return pd.concat([self.table(f"analysis/{name}/{v}/{table}") for v in self._variant(variant)
                          if f"analysis/{name}/{v}/{table}" in self._tables], ignore_index=True)

    def compare(self, quantity: str, table: str = "headline", row: Optional[str] = None,
                column: Optional[str] = None) -> pd.DataFrame:
        """The variants side by side: one row per variant (that has `table`) with the estimate,
        se and interval of `quantity`, and the sweep's parameters as columns.

        `table`: a summary table (`headline`, the default, `contract_portfolio`,
        `contract_provider`, `portfolio`, `provider`, `region`) or an analysis table as
        "analysis/table" (`risk/net_result`, `threshold/msr`, `withhold/forfeit`, ...).
        `row`: default the portfolio's row (`portfolio`, else `participants`, else `all`), or
        the only row; name one for other tables (a provider, a method, a layer).
        `column`: default `agreement`, else `all`; summary tables by calendar year need one
        (`P1`, ...). A name the table does not have raises UnknownNameError listing the valid
        ones."""
        out = [self._cell(path, f" in {table!r}" + (f" of variant {v!r}" if len(self.variants) > 1 else ""),
                          quantity, row, column) for v, path in self._paths_of(table).items()]
        frame = pd.DataFrame(out).reset_index(drop=True)[
            ["variant", "row", "column", "quantity", "estimate", "se", "ci_low", "ci_high", "unit"]]
        # The sweep's parameters as columns after `variant`, as values (0.35, "mssp", [0.1, 0.3]).
        parameters = pd.DataFrame([self.parameters(v)
                                   for v in frame["variant"]])
        return pd.concat([frame[["variant"]], parameters, frame.drop(columns="variant")], axis=1)

    def _paths_of(self, table: str) -> Dict[str, str]:
        """{variant: path} of `table` (a summary table name or "analysis/table") where it exists."""
        valid = self.summary_tables() + [f"{a}/{t}" for a, ts in self.analyses().items() for t in ts]
        check("table", table, valid, note='compare() takes a summary table or "analysis/table"')
        if "/" in table:
            analysis, name = table.split("/", 1)
            paths = {v: f"analysis/{analysis}/{v}/{name}" for v in self.variants}
        else:
            paths = {v: f"summary/{v}/{table}" for v in self.variants}
        return {v: p for v, p in paths.items() if p in self._tables}

    def _cell(self, path: str, where: str, quantity: str, row: Optional[str], column: Optional[str]) -> pd.Series:
        """One (quantity, row, column) of the table at `path`, defaults as compare() says;
        `where` names the table in messages."""
        t = self.table(path)
        check("quantity", quantity, list(dict.fromkeys(t["quantity"])), where)
        rows, columns = list(dict.fromkeys(t["row"])), list(dict.fromkeys(t["column"]))
        row = portfolio_row(rows) if row is None else row
        if row is None:
            raise UnknownNameError(f"no portfolio row{where}; pass row=, one of {listing(rows)}", None, rows)
        check("row", row, rows, where)
        column = next((c for c in ("agreement", "all") if c in columns), None) if column is None else column
        if column is None:
            raise UnknownNameError(f"no agreement column{where}; pass column=, one of {listing(columns)}",
                                   None, columns)
        check("column", column, columns, where)
        return t[(t["quantity"] == quantity) & (t["row"] == row) & (t["column"] == column)].iloc[0]

    def providers(self, variant: Optional[str] = None) -> pd.DataFrame:
        """Per-provider facts: name, group, region, unit, participant."""
        v = self._variant(variant)[0]
        with h5py.File(self.path, "r") as f:
            g = f[f"summary/{v}/providers"]
            return pd.DataFrame({
                "name": _strings(g["name"]), "group": _strings(g["group"]),
                "region": _strings(g["region"]), "unit": _strings(g["unit"]),
                "participant": g["participant"][()].astype(bool)})

    def parameters(self, variant: str, raw: bool = False) -> Dict[str, object]:
        """A sweep variant's parameters, path -> value: typed (a number, text without TOML
        quotes, a bool, or a list for an array), or with `raw=True` the value's TOML text as the
        scenario writes it."""
        self._variant(variant)
        with h5py.File(self.path, "r") as f:
            g = f[f"summary/{variant}"]
            if "parameters" not in g:
                return {}
            pairs = dict(p.partition("=")[::2] for p in _strings(g["parameters"]))
        return pairs if raw else {k: _toml_value(v) for k, v in pairs.items()}

    # --- per-replication data -----------------------------------------------------------------

    def risk(self, variant: Optional[str] = None, provider: Optional[str] = None,
             year: Union[None, int, str] = None) -> "Risk":
        """The downside of one cell as a `Risk` (apmsim.risk): loss = -(net provider result) per
        replication, positive when the provider loses money; describe(), var(p), tvar(p), sf(x),
        exceedance(). `provider`: a participant's name, or None for the portfolio (all
        participants); `year`: None or "agreement" for the whole agreement, k (or
        "Pk") for performance year k = 1, 2, .... From /losses (format 2.3): a
        participant's years are there while the file is small enough (`provider_columns`), its
        agreement always. A name or year the file does not have raises UnknownNameError."""
        from .risk import Risk
        if not self.has_losses:
            raise KeyError(f"{self.path} has no /losses: made without a contract or before format 2.3")
        v = self._variant(variant)[0]
        with h5py.File(self.path, "r") as f:
            check("variant", v, list(f["losses"]), " with losses", "A variant without a contract has none")
            g = f[f"losses/{v}"]
            if provider is None:
                columns, values = [year_label(c) for c in _strings(g["columns"])], g["portfolio"]
            else:
                check("participant", provider, _strings(g["providers"]), f" in variant {v!r}")
                columns = [year_label(c) for c in _strings(g["provider_columns"])]
                values = g["provider"][:, _strings(g["providers"]).index(provider), :]
            column = _loss_column(year, columns)
            losses = values[:, columns.index(column)]
        return Risk(losses, v, provider, column)

    def records(self, variant: Optional[str] = None, wide: bool = True) -> pd.DataFrame:
        """Per-replication contract records (--write-records) of `variant` (default: the
        first): one row per (replication, provider, performance year) with a column per field
        (wide), or long rows (field, value). to_parquet() writes every variant's as Parquet."""
        if not self.has_records:
            raise KeyError(f"{self.path} has no /replications: run with --write-records")
        v = self._variant(variant)[0]
        check("variant", v, self._record_variants, " with records", "A variant without a contract has none")
        with h5py.File(self.path, "r") as f:
            g = f[f"replications/{v}"]
            fields = _strings(g["fields"])
            providers = _strings(g["providers"])
            values = g["values"][()]
        reps, p, years, nf = values.shape
        index = pd.MultiIndex.from_product(
            [range(reps), providers, [self.baseline_years + k for k in range(years)]],
            names=["replication", "provider", "year"])
        frame = pd.DataFrame(values.reshape(reps * p * years, nf), index=index, columns=fields).reset_index()
        frame.insert(0, "variant", v)
        if wide:
            return frame
        return frame.melt(id_vars=["variant", "replication", "provider", "year"], var_name="field")

    def tallies(self, wide: bool = True) -> pd.DataFrame:
        """Per-replication engine tallies (--write-tallies): one row per (replication, entity,
        year) with a column per tally field; entities are the providers then the regions'
        comparison populations."""
        if not self.has_tallies:
            raise KeyError(f"{self.path} has no /tallies: run with --write-tallies")
        with h5py.File(self.path, "r") as f:
            fields = _strings(f["tallies/fields"])
            values = f["tallies/values"][()]
            names = _strings(f[f"summary/{self.variants[0]}/providers/name"])
            regions = [r for r in self._region_names(f)]
        reps, entities, years, nf = values.shape
        entity_names = names + [f"comparison/{r}" for r in regions]
        entity_names = (entity_names + [f"entity/{k}" for k in range(len(entity_names), entities)])[:entities]
        index = pd.MultiIndex.from_product([range(reps), entity_names, range(years)],
                                           names=["replication", "entity", "year"])
        frame = pd.DataFrame(values.reshape(reps * entities * years, nf), index=index, columns=fields).reset_index()
        if wide:
            return frame
        return frame.melt(id_vars=["replication", "entity", "year"], var_name="field")

    def to_parquet(self, folder: Union[str, "os.PathLike[str]"], force: bool = False) -> List[str]:
        """Writes the per-replication data as Parquet into `folder` (made if missing):
        records.parquet (every variant's records(), with a `variant` column) and tallies.parquet
        (tallies()), those the file has; returns their paths. An existing file is kept unless
        `force`. Needs pyarrow (pip install pyarrow): without it, ImportError says so."""
        from .parquet import write
        return write(self, os.fspath(folder), force=force)

    def _region_names(self, f) -> Iterable[str]:
        g = f[f"summary/{self.variants[0]}/region"]
        return _strings(g["rows"])


def _row_keys(label: str):
    """("northeast_small", {"min_units": 5000}) from "northeast_small min_units=5000": the words
    without "=" as the group, each key=value (a TOML value, typed) apart. A key is a name
    ([A-Za-z_][A-Za-z0-9_]*): "P(forfeit>0.1)<=0.05" is a word of the group, not a key. apmsim
    export's typed columns follow the same rules (src/io/typed_keys.cpp)."""
    words, keys = [], {}
    for word in label.split():
        key, sep, value = word.partition("=")
        if sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            keys[key] = _toml_value(value)
        else:
            words.append(word)
    return " ".join(words), keys


def _in_order(names: Iterable[str], known: Iterable[str]) -> List[str]:
    """`names` in the order of `known` (the catalogue's), names it lacks after them, sorted."""
    known = list(known)
    return sorted(names, key=lambda n: (known.index(n) if n in known else len(known), n))


def year_label(column: str) -> str:
    """A column label as this version spells it: `Pk` for performance year k (files before
    format 2.5 say `performance_year_k`), others unchanged."""
    k = performance_year_of(column)
    return f"P{k}" if k else column


def column_label(column: str) -> str:
    """A table column as people read it: `P1`.., `agreement`, and `all years` for `all`."""
    return {"all": "all years"}.get(column, year_label(column))


def performance_year_of(column: str) -> int:
    """k for the label of performance year k (`Pk` or `performance_year_k`), else 0."""
    for prefix in ("performance_year_", "P"):
        digits = column[len(prefix):] if column.startswith(prefix) else ""
        if digits.isdigit() and digits.isascii() and not digits.startswith("0") and len(digits) <= 6:
            return int(digits)
    return 0


def _loss_column(year: Union[None, int, str], columns: List[str]) -> str:
    """The /losses column of `year` (None or "agreement", k, "Pk" or "performance_year_k")."""
    if year is None or year == "agreement":
        column = "agreement"
    elif isinstance(year, (int, np.integer)) and not isinstance(year, bool):
        column = f"P{int(year)}"
    else:
        column = year_label(str(year))
    if column not in columns:
        valid = ["agreement" if c == "agreement" else performance_year_of(c) for c in columns]
        raise unknown("year", year, valid, " in the stored losses",
                      "A participant's performance years are kept only while the file stays compact")
    return column


def _named(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Provider and region tables name their `row` column for what it holds."""
    return frame.rename(columns={"row": table}) if table in ("provider", "region") else frame


def open(path: str, verify: bool = True) -> Results:  # noqa: A001 (the OpenMC-style entry point)
    """Opens a results file. `verify` checks the integrity header's size and SHA-256 first."""
    return Results(path, verify=verify)
