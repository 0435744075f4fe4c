"""Per-replication records and tallies as Parquet files, for arrow-based tools (pandas, polars,
DuckDB, R's arrow). Needs pyarrow, which apmsim does not require otherwise."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Dict, List

import pandas as pd

if TYPE_CHECKING:
    from .results import Results

#: What to install when pyarrow is missing (also in the ImportError).
INSTALL = "pip install pyarrow (or: pip install 'apmsim[parquet]')"


def require_pyarrow() -> None:
    """Raises ImportError saying what to install unless pyarrow can be imported."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError as error:
        raise ImportError(f"writing Parquet needs pyarrow, which is not installed: {INSTALL}. "
                          "Without it, records() and tallies() give the same data as DataFrames, and "
                          "`apmsim export` writes them as CSV.") from error


def write(results: "Results", folder: str, force: bool = False) -> List[str]:
    """Writes records.parquet (every variant's records, wide, with a `variant` column) and
    tallies.parquet (wide), those the file has, into `folder`; returns their paths. An
    existing file is kept unless `force`."""
    if not (results.has_records or results.has_tallies):
        raise KeyError(f"{results.path} has neither records nor tallies: run with --write-records "
                       "or --write-tallies")
    require_pyarrow()
    frames: Dict[str, pd.DataFrame] = {}
    if results.has_records:
        frames["records"] = pd.concat([results.records(v) for v in results.variants
                                       if v in results._record_variants], ignore_index=True)
    if results.has_tallies:
        frames["tallies"] = results.tallies()
    folder = os.fspath(folder)
    paths = {name: os.path.join(folder, f"{name}.parquet") for name in frames}
    for path in paths.values():
        if os.path.exists(path) and not force:
            raise FileExistsError(f"{path} already exists; not overwriting it (pass force=True)")
    os.makedirs(folder, exist_ok=True)
    for name, frame in frames.items():
        # Written beside the target and renamed: a reader never sees half a file.
        temporary = os.path.join(folder, f".{name}.parquet.partial-{os.getpid()}")
        try:
            frame.to_parquet(temporary, engine="pyarrow", index=False)
            os.replace(temporary, paths[name])
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    return list(paths.values())
