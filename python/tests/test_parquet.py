"""Records and tallies as Parquet (Results.to_parquet): the same values as records() and
tallies() when pyarrow is installed; a clear ImportError saying what to install when it is not."""
import sys

import numpy as np
import pandas as pd
import pytest


def test_without_pyarrow_the_error_says_what_to_install(files, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if not installed
    with pytest.raises(ImportError, match=r"needs pyarrow, which is not installed: pip install pyarrow"):
        files["oxford_outcome_pot"].to_parquet(tmp_path / "p")
    assert not (tmp_path / "p").exists()


def test_a_file_without_records_or_tallies_has_nothing_to_write(plain, tmp_path):
    with pytest.raises(KeyError, match="--write-records or --write-tallies"):
        plain.to_parquet(tmp_path / "p")


def test_records_and_tallies_round_trip(files, tmp_path):
    pytest.importorskip("pyarrow")
    r = files["oxford_outcome_pot"]
    paths = r.to_parquet(tmp_path / "p")
    assert [p.rsplit("/", 1)[1] for p in paths] == ["records.parquet", "tallies.parquet"]
    records = pd.read_parquet(tmp_path / "p" / "records.parquet")
    expected = pd.concat([r.records(v) for v in r.variants], ignore_index=True)
    pd.testing.assert_frame_equal(records, expected)
    assert np.array_equal(records.drop(columns=["variant", "provider"]).to_numpy(dtype=float),
                          expected.drop(columns=["variant", "provider"]).to_numpy(dtype=float), equal_nan=True)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "p" / "tallies.parquet"), r.tallies())
    with pytest.raises(FileExistsError, match="force=True"):
        r.to_parquet(tmp_path / "p")
    assert r.to_parquet(tmp_path / "p", force=True) == paths
