"""apmsim results files (HDF5, format 2.x; docs/output-format.md) as tidy pandas DataFrames."""
from __future__ import annotations

import builtins
import hashlib
import os
from typing import Dict, Iterable, List, Optional

import h5py
import numpy as np
import pandas as pd

#: The integrity header ahead of the HDF5 data (format 1.2).
HEADER_BYTES = 512
HEADER_MAGIC = b"apmsim-results\n"

#: Columns of every tidy estimate table, in order.
TIDY_COLUMNS = ["variant", "table", "row", "column", "year", "quantity", "estimate", "se", "ci_low",
                "ci_high", "unit"]


class FormatError(ValueError):
    """The file is not an apmsim results file this package reads (or it is damaged)."""


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
    """Checks the 512-byte integrity header: size and SHA-256 of everything after it."""
    with builtins.open(path, "rb") as f:
        header = f.read(HEADER_BYTES)
        if not header.startswith(HEADER_MAGIC):
            raise FormatError(f"{path}: not an apmsim results file (no integrity header)")
        fields = dict(line.split(b" ", 1) for line in header.split(b"\n")[1:3] if b" " in line)
        expected, size = fields.get(b"sha256", b"").strip(), int(fields.get(b"bytes", b"-1"))
        digest, count = hashlib.sha256(), 0
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            count += len(block)
    if count != size:
        raise FormatError(f"{path}: truncated or extended ({count} bytes after the header, {size} expected)")
    if digest.hexdigest().encode() != expected:
        raise FormatError(f"{path}: damaged: its SHA-256 does not match the header")


class Results:
    """One results file. Tables are read when asked for; nothing is cached but the file's layout.

    Every estimate table comes back tidy, one row per (row, column, quantity): columns
    variant, table, row, column, year, quantity, estimate, se, ci_low, ci_high, unit, where `row`
    is a provider, a portfolio row, a region, a method or a group (what the table's `rows` say),
    `column` is a calendar year label (`B1`, `B2`, ... baseline, `P1`, ... performance), `agreement`,
    or an analysis column, and `year` is the calendar year index (0 = first simulated year) where
    the column is one, else NaN.
    """

    def __init__(self, path: str, verify: bool = True):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{self.path}: no such file")
        if verify:
            check_integrity(self.path)
        with h5py.File(self.path, "r") as f:
            if _text(f.attrs.get("format", b"")) != "apmsim-results":
                raise FormatError(f"{self.path}: not an apmsim results file")
            major, minor = (int(v) for v in f.attrs["format_version"])
            if major != 2:
                raise FormatError(f"{self.path}: results format {major}.{minor}; this package reads 2.x")
            #: Root attributes: seed, replications, backend, device, elapsed_seconds, ...
            self.info: Dict[str, object] = {k: _attribute(v) for k, v in f.attrs.items()}
            #: The scenario file as read.
            self.scenario: str = _text(f["scenario/text"][()])
            #: The sweep's variants, in the order of the run ("base" without a sweep).
            self.variants: List[str] = [k for k, v in f["summary"].items() if isinstance(v, h5py.Group)]
            self._tables = []
            f.visititems(lambda name, obj: self._tables.append(name)
                         if isinstance(obj, h5py.Group) and "quantities" in obj else None)
            self.has_tallies = "tallies" in f
            self.has_records = "replications" in f
            #: Per-replication losses are stored (format 2.3, every run with a contract).
            self.has_losses = "losses" in f

    def __repr__(self) -> str:
        return (f"<apmsim.Results {self.path}: {self.info.get('replications')} replications, "
                f"{len(self.variants)} variant(s)>")

    # --- layout -------------------------------------------------------------------------------

    @property
    def baseline_years(self) -> int:
        return int(self.info["baseline_years"])

    @property
    def performance_years(self) -> int:
        return int(self.info["performance_years"])

    def year_labels(self) -> List[str]:
        """Labels of calendar years: B1.. for baseline years, P1.. for performance years."""
        return ([f"B{k + 1}" for k in range(self.baseline_years)] +
                [f"P{k + 1}" for k in range(self.performance_years)])

    def tables(self) -> List[str]:
        """Paths of every estimate table in the file (summary, contract and analysis tables)."""
        return list(self._tables)

    def _variant(self, variant: Optional[str]) -> List[str]:
        if variant is None:
            return list(self.variants)
        if variant not in self.variants:
            raise KeyError(f"no variant {variant!r}; the file has {self.variants}")
        return [variant]

    # --- estimate tables ----------------------------------------------------------------------

    def table(self, path: str) -> pd.DataFrame:
        """The estimate table at `path` (one of tables()), tidy."""
        if path not in self._tables:
            raise KeyError(f"no estimate table {path!r}; see tables()")
        parts = path.split("/")
        variant = parts[1] if parts[0] == "summary" else parts[2]
        name = parts[-1] if parts[0] == "summary" else f"{parts[1]}/{parts[3]}"
        with h5py.File(self.path, "r") as f:
            g = f[path]
            rows = _strings(g["rows"])
            quantities = _strings(g["quantities"])
            multiplier = float(g.attrs.get("ci_multiplier", 1.96))
            if "columns" in g:
                columns = _strings(g["columns"])
                years = [self._year_of(c) for c in columns]
            else:
                columns = self.year_labels()[: int(g.attrs["years"])]
                years = list(range(len(columns)))
            frames = []
            for q in quantities:
                est = g[q][()]
                se = g[q + "_se"][()]
                low = g[q + "_ci_low"][()] if q + "_ci_low" in g else est - multiplier * se
                high = g[q + "_ci_high"][()] if q + "_ci_high" in g else est + multiplier * se
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
        return pd.concat(frames, ignore_index=True)[TIDY_COLUMNS]

    def quantities(self, path: str) -> pd.DataFrame:
        """The quantities of the table at `path`: quantity, unit, description (from the file)."""
        if path not in self._tables:
            raise KeyError(f"no estimate table {path!r}; see tables()")
        with h5py.File(self.path, "r") as f:
            g = f[path]
            names = _strings(g["quantities"])
            return pd.DataFrame({"quantity": names,
                                 "unit": [_text(g[q].attrs.get("unit", b"")) for q in names],
                                 "description": [_text(g[q].attrs.get("description", b"")) for q in names]})

    def attributes(self, path: str) -> Dict[str, object]:
        """The attributes of a table or group (description, ci_multiplier, years, ...)."""
        with h5py.File(self.path, "r") as f:
            return {k: _attribute(v) for k, v in f[path].attrs.items()}

    def _year_of(self, column: str) -> float:
        """The calendar year of a column label (performance_year_k), else NaN."""
        if column.startswith("performance_year_"):
            return float(self.baseline_years + int(column.rsplit("_", 1)[1]) - 1)
        return float("nan")

    def summary(self, table: str = "portfolio", variant: Optional[str] = None) -> pd.DataFrame:
        """A summary table by calendar year: `portfolio`, `provider` or `region` (whose `row`
        column is then named `provider` or `region`)."""
        return _named(pd.concat([self.table(f"summary/{v}/{table}") for v in self._variant(variant)],
                                ignore_index=True), table)

    def contract(self, table: str = "portfolio", variant: Optional[str] = None) -> pd.DataFrame:
        """A contract table: `portfolio` (participants' totals), `provider` or `headline`;
        columns are the performance years and `agreement`. Empty without a [contract]."""
        name = table if table == "headline" else f"contract_{table}"
        frames = [self.table(f"summary/{v}/{name}") for v in self._variant(variant)
                  if f"summary/{v}/{name}" in self._tables]
        return _named(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TIDY_COLUMNS),
                      table)

    def analysis(self, name: str, table: str, variant: Optional[str] = None) -> pd.DataFrame:
        """An analysis table, e.g. analysis("risk", "net_result"), analysis("threshold", "rates")."""
        frames = [self.table(f"analysis/{name}/{v}/{table}") for v in self._variant(variant)
                  if f"analysis/{name}/{v}/{table}" in self._tables]
        if not frames:
            raise KeyError(f"no analysis table {name}/{table}; see tables()")
        return pd.concat(frames, ignore_index=True)

    def compare(self, quantity: str, table: str = "headline", row: Optional[str] = None,
                column: str = "agreement") -> pd.DataFrame:
        """The variants side by side: one row per variant with estimate, se and interval of
        `quantity` in `table` (a summary/contract table name or an analysis path "risk/net_result")
        at `row` (default: the table's first row) and `column`."""
        out = []
        for v in self.variants:
            if "/" in table:
                analysis, name = table.split("/", 1)
                path = f"analysis/{analysis}/{v}/{name}"
            else:
                path = f"summary/{v}/{table}"
            if path not in self._tables:
                continue
            t = self.table(path)
            t = t[(t["quantity"] == quantity) & (t["column"] == column)]
            if row is not None:
                t = t[t["row"] == row]
            if t.empty:
                raise KeyError(f"{quantity!r} at column {column!r} not in {path}")
            out.append(t.iloc[0])
        frame = pd.DataFrame(out).reset_index(drop=True)[
            ["variant", "row", "column", "quantity", "estimate", "se", "ci_low", "ci_high", "unit"]]
        # The sweep's parameters as columns after `variant`, as values (0.35, "mssp", [0.1, 0.3]).
        parameters = pd.DataFrame([{k: _toml_value(t) for k, t in self.parameters(v).items()}
                                   for v in frame["variant"]])
        return pd.concat([frame[["variant"]], parameters, frame.drop(columns="variant")], axis=1)

    def providers(self, variant: Optional[str] = None) -> pd.DataFrame:
        """Per-provider facts: name, group, region, unit, participant."""
        v = self._variant(variant)[0]
        with h5py.File(self.path, "r") as f:
            g = f[f"summary/{v}/providers"]
            return pd.DataFrame({
                "name": _strings(g["name"]), "group": _strings(g["group"]),
                "region": _strings(g["region"]), "unit": _strings(g["unit"]),
                "participant": g["participant"][()].astype(bool)})

    def parameters(self, variant: str) -> Dict[str, str]:
        """A sweep variant's parameters (path = value)."""
        with h5py.File(self.path, "r") as f:
            g = f[f"summary/{variant}"]
            if "parameters" not in g:
                return {}
            return dict(p.split("=", 1) for p in _strings(g["parameters"]))

    # --- per-replication data -----------------------------------------------------------------

    def risk(self, variant: Optional[str] = None, provider: Optional[str] = None, year=None):
        """The downside of one cell as a `Risk` (apmsim.risk): loss = -(net provider result) per
        replication, positive when the provider loses money; describe(), var(p), tvar(p), sf(x),
        exceedance(). `provider`: a participant's name, or None for the portfolio (all
        participants); `year`: None or "agreement" for the whole agreement, k for performance
        year k (1, 2, ...). From /losses (format 2.3): a participant's years are there while the
        file is small enough (`provider_columns`), its agreement always."""
        from .risk import Risk
        if not self.has_losses:
            raise KeyError(f"{self.path} has no /losses: made without a contract or before format 2.3")
        v = self._variant(variant)[0]
        column = "agreement" if year in (None, "agreement") else f"performance_year_{int(year)}"
        with h5py.File(self.path, "r") as f:
            if v not in f["losses"]:
                raise KeyError(f"variant {v!r} has no contract, so no losses")
            g = f[f"losses/{v}"]
            if provider is None:
                columns, values = _strings(g["columns"]), g["portfolio"]
            else:
                providers = _strings(g["providers"])
                if provider not in providers:
                    raise KeyError(f"{provider!r} is not a participant of {v!r}: {providers}")
                columns = _strings(g["provider_columns"])
                values = g["provider"][:, providers.index(provider), :]
            if column not in columns:
                raise KeyError(f"no column {column!r} in the stored losses ({columns}); per-provider "
                               "years are kept only while the file stays compact")
            losses = values[:, columns.index(column)]
        return Risk(losses, v, provider, column)

    def records(self, variant: Optional[str] = None, wide: bool = True) -> pd.DataFrame:
        """Per-replication contract records (--write-records): one row per (replication,
        provider, performance year) with a column per field (wide), or long rows (field, value)."""
        if not self.has_records:
            raise KeyError(f"{self.path} has no /replications: run with --write-records")
        v = variant or self.variants[0]
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

    def _region_names(self, f) -> Iterable[str]:
        g = f[f"summary/{self.variants[0]}/region"]
        return _strings(g["rows"])


def _named(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Provider and region tables name their `row` column for what it holds."""
    return frame.rename(columns={"row": table}) if table in ("provider", "region") else frame


def open(path: str, verify: bool = True) -> Results:  # noqa: A001 (the OpenMC-style entry point)
    """Opens a results file. `verify` checks the integrity header's size and SHA-256 first."""
    return Results(path, verify=verify)
