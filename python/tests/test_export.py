"""`apmsim export` round-trips: every value of every estimate table in the CSV and JSON exports
equals the HDF5 file's (read with h5py), for the files every shipped scenario makes; records and
tallies too; and pandas reads the CSVs with units in their column names."""
import json
import math
import os
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

import apmsim


def export(r, fmt, folder):
    done = subprocess.run([apmsim.find_apmsim(), "export", r.path, "--format", fmt, "--out", str(folder)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return folder


def kind_of(path):
    parts = path.split("/")
    return parts[-1] if parts[0] == "summary" else f"{parts[1]}_{parts[3]}"


def test_csv_equals_the_file(files, tmp_path):
    checked = 0
    for name, r in files.items():
        out = export(r, "csv", tmp_path / name)
        long = pd.read_csv(out / "estimates.csv", keep_default_na=False, na_values=[""], float_precision="round_trip")
        currency = r.info.get("currency") or "currency"
        with h5py.File(r.path, "r") as f:
            for path in r.tables():
                variant = path.split("/")[1] if path.startswith("summary/") else path.split("/")[2]
                g = f[path]
                wide = pd.read_csv(out / f"{kind_of(path)}.csv", keep_default_na=False, na_values=[""], float_precision="round_trip")
                wide = wide[wide["variant"] == variant]
                rows = [x.decode() for x in g["rows"][()]]
                for q in (x.decode() for x in g["quantities"][()]):
                    unit = g[q].attrs["unit"].decode().replace("currency", currency)
                    est = g[q][()].ravel()
                    assert np.array_equal(wide[f"{q} [{unit}]"].to_numpy(dtype=float), est, equal_nan=True), (path, q)
                    assert np.array_equal(wide[f"{q}_se [{unit}]"].to_numpy(dtype=float), g[q + "_se"][()].ravel(), equal_nan=True)
                    assert np.array_equal(wide[f"{q}_ci_low [{unit}]"].to_numpy(dtype=float), g[q + "_ci_low"][()].ravel(), equal_nan=True)
                    assert np.array_equal(wide[f"{q}_ci_high [{unit}]"].to_numpy(dtype=float), g[q + "_ci_high"][()].ravel(), equal_nan=True)
                    part = long[(long["variant"] == variant) & (long["table"] == kind_of(path)) & (long["quantity"] == q)]
                    assert np.array_equal(part["estimate"].to_numpy(dtype=float), est, equal_nan=True), (path, q)
                    checked += 1
                assert list(dict.fromkeys(wide["row"].astype(str))) == rows
        assert (out / "scenario.toml").read_text() == r.scenario
        info = pd.read_csv(out / "info.csv", keep_default_na=False).set_index("attribute")["value"]
        assert int(info["seed"]) == r.info["seed"] and int(info["replications"]) == r.info["replications"]
    assert checked > 2000


def test_records_and_tallies_round_trip(files, tmp_path):
    r = files["oxford_outcome_pot"]
    out = export(r, "csv", tmp_path / "ox")
    records = pd.read_csv(out / "records.csv", float_precision="round_trip")
    mine = pd.concat([r.records(v) for v in r.variants], ignore_index=True)
    fields = [c for c in mine.columns if c not in ("variant", "replication", "provider", "year")]
    assert np.array_equal(records[fields].to_numpy(dtype=float), mine[fields].to_numpy(dtype=float), equal_nan=True)
    tallies = pd.read_csv(out / "tallies.csv", float_precision="round_trip")
    expected = r.tallies()
    assert np.array_equal(tallies.drop(columns=["replication", "entity", "year"]).to_numpy(dtype=float),
                          expected.drop(columns=["replication", "entity", "year"]).to_numpy(dtype=float))


def test_json_equals_the_file(files, tmp_path):
    r = files["mssp_aco"]
    out = export(r, "json", tmp_path / "j")
    doc = json.loads((out / "results.json").read_text())
    assert doc["format"] == "apmsim-export" and doc["scenario"] == r.scenario
    assert [v["name"] for v in doc["variants"]] == r.variants
    with h5py.File(r.path, "r") as f:
        for v in doc["variants"]:
            for path, table in v["tables"].items():
                g = f[path.replace("summary/", f"summary/{v['name']}/", 1) if path.startswith("summary/")
                      else path.replace("analysis/", "analysis/", 1).rsplit("/", 1)[0] + f"/{v['name']}/" + path.rsplit("/", 1)[1]]
                for q, body in table["quantities"].items():
                    got = np.array([[math.nan if x is None else x for x in row] for row in body["estimate"]], dtype=float)
                    assert np.array_equal(got.ravel(), g[q][()].ravel(), equal_nan=True), (path, q)


def test_export_refuses_to_overwrite(files, tmp_path):
    r = files["default"]
    out = export(r, "csv", tmp_path / "d")
    again = subprocess.run([apmsim.find_apmsim(), "export", r.path, "--out", str(out)], capture_output=True, text=True)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = subprocess.run([apmsim.find_apmsim(), "export", r.path, "--format", "xlsx", "--out", str(tmp_path / "x")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "csv or json" in bad.stderr
    assert not (tmp_path / "x").exists()
    assert not [p for p in os.listdir(tmp_path) if "partial" in p]


def read_csv(path):
    return pd.read_csv(path, keep_default_na=False, na_values=[""], float_precision="round_trip")


def missing(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def test_typed_columns_are_the_packages(files, tmp_path):
    """Issue 23: an export CSV has the typed columns of the package's frame of the same table,
    by the same names and with the same values: the sweep's parameters (headline) and group plus
    one column per key of the row labels (threshold rates, stop-loss exhibit)."""
    r = files["mssp_aco"]
    assert len(r.variants) > 1 and r.parameters(r.variants[0]), "mssp_aco is a sweep"
    out = export(r, "csv", tmp_path / "typed")
    frames = {"headline": r.contract("headline"), "threshold_rates": r.analysis("threshold", "rates"),
              "risk_stop_loss_exhibit": r.analysis("risk", "stop_loss_exhibit")}
    for kind, frame in frames.items():
        csv = read_csv(out / f"{kind}.csv")
        typed = [c for c in frame.columns if c not in apmsim.TIDY_COLUMNS]
        assert [c for c in csv.columns if c not in ("variant", "row", "column", "year") and " [" not in c] == typed, kind
        mine = frame.drop_duplicates(["variant", "row", "column"]).set_index(["variant", "row", "column"])
        theirs = csv.set_index(["variant", "row", "column"])
        assert sorted(mine.index) == sorted(theirs.index), kind
        for column in typed:
            for key in mine.index:
                want, got = mine.at[key, column], theirs.at[key, column]
                # An empty group ("blend_w=0.35" has no other words) reads back as NaN.
                assert (missing(want) or want == "") and missing(got) or want == got, (kind, column, key, want, got)
    headline = read_csv(out / "headline.csv")
    assert set(headline["contract.benchmark.method"]) == {"regional_adjustment", "historical", "blend"}
    rates = read_csv(out / "threshold_rates.csv")
    assert {"group", "min_units"} <= set(rates.columns) and rates["min_units"].dtype.kind == "i"
    exhibit = read_csv(out / "risk_stop_loss_exhibit.csv")
    specific = exhibit[exhibit["row"].str.startswith("specific attachment=")]
    assert len(specific) and (specific["group"] == "specific").all()
    assert (specific["row"] == "specific attachment=" + specific["attachment"].astype(int).astype(str)).all()
    parameters = read_csv(out / "parameters.csv")
    for v in r.variants:
        got = parameters[parameters["variant"] == v].set_index("parameter")["value"].to_dict()
        assert got == {k: str(apmsim.results._toml_value(t)) for k, t in r.parameters(v).items()}
        assert not any(str(x).startswith('"') for x in got.values())
    long = read_csv(out / "estimates.csv")
    assert list(long.columns[:3]) == ["variant", "contract.benchmark.method", "contract.sharing.minimum_savings_rate"]
    assert {"group", "min_units", "attachment"} <= set(long.columns)


def test_json_values_are_typed(files, tmp_path):
    """Issue 23: results.json gives each variant's parameters as typed values (the package's
    _toml_value) and each table's parsed row labels as `row_keys`, the package's group and keys."""
    r = files["mssp_aco"]
    doc = json.loads((export(r, "json", tmp_path / "typed") / "results.json").read_text())
    assert doc["format_version"] == 2
    for v in doc["variants"]:
        assert v["parameters"] == {k: apmsim.results._toml_value(t) for k, t in r.parameters(v["name"]).items()}
        for path, name in [("analysis/threshold/rates", ("threshold", "rates")),
                           ("analysis/risk/stop_loss_exhibit", ("risk", "stop_loss_exhibit"))]:
            table = v["tables"][path]
            frame = r.analysis(*name, variant=v["name"]).drop_duplicates("row").set_index("row")
            keys = [c for c in frame.columns if c not in apmsim.TIDY_COLUMNS and c not in v["parameters"]]
            assert len(table["row_keys"]) == len(table["rows"])
            for label, fields in zip(table["rows"], table["row_keys"]):
                assert set(fields) == set(keys)
                for k in keys:
                    want = frame.at[label, k]
                    assert fields[k] == want or (fields[k] is None and missing(want)), (label, k)
                    if isinstance(fields[k], int):
                        assert type(want) is int or float(want).is_integer()
        assert "row_keys" not in v["tables"]["summary/portfolio"]
