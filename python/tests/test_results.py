"""The Python package against the files the shipped scenarios make: every estimate table of the
results format (docs/output-format.md) comes back tidy with the file's exact values, as do
per-replication records and tallies; runs, sweeps side by side, and refusals.

Run with `python3 -m pytest python/tests` (ctest runs it with APMSIM set to the built CLI)."""
import os
import shutil

import h5py
import numpy as np
import pytest

import apmsim
from conftest import SCENARIOS


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def test_every_shipped_scenario_ran(files):
    assert set(files) == {os.path.basename(s)[:-5] for s in SCENARIOS}
    for r in files.values():
        assert r.info["replications"] == 12
        assert r.info["format_version"] == [2, 7]
        assert r.scenario.startswith("#") or "[simulation]" in r.scenario


def test_every_estimate_table_matches_the_file(files):
    checked = 0
    for name, r in files.items():
        with h5py.File(r.path, "r") as f:
            for path in r.tables():
                t = r.table(path)
                # The tidy columns first, then any typed keys (sweep parameters, row keys).
                assert list(t.columns)[: len(apmsim.TIDY_COLUMNS)] == apmsim.TIDY_COLUMNS, path
                g = f[path]
                rows = [text(x) for x in g["rows"][()]]
                quantities = [text(x) for x in g["quantities"][()]]
                assert sorted(set(t["quantity"])) == sorted(quantities) or (not rows), path
                for q in quantities:
                    part = t[t["quantity"] == q]
                    est = g[q][()].ravel()
                    assert np.array_equal(part["estimate"].to_numpy(), est, equal_nan=True), (path, q)
                    assert np.array_equal(part["se"].to_numpy(), g[q + "_se"][()].ravel(), equal_nan=True)
                    assert np.array_equal(part["ci_low"].to_numpy(), g[q + "_ci_low"][()].ravel(), equal_nan=True)
                    # The file's unit, with "currency" named (USD) as the scenario gives it.
                    code = r.info.get("currency") or "currency"
                    assert (part["unit"] == text(g[q].attrs["unit"]).replace("currency", code)).all()
                    assert list(part["row"].drop_duplicates()) == rows
                checked += 1
    # Summary, contract and analysis tables of nine scenarios.
    assert checked > 200


def test_named_accessors(files):
    r = files["mssp_aco"]
    assert len(r.variants) == 6
    flows = r.contract("portfolio")
    assert {"payer_net_savings", "benchmark", "reconciliation"} <= set(flows["quantity"])
    assert set(flows["column"]) >= {"P1", "agreement"}
    assert (flows.loc[flows["column"] == "P1", "year"] == r.baseline_years).all()
    side = r.compare("payer_net_savings")
    assert list(side["variant"]) == r.variants
    assert side.loc[0, "contract.benchmark.method"] == "regional_adjustment"  # a value, not TOML text
    assert r.parameters(r.variants[0])["contract.benchmark.method"] == "regional_adjustment"
    assert r.parameters(r.variants[0], raw=True)["contract.benchmark.method"] == '"regional_adjustment"'
    risk = r.analysis("risk", "net_result", variant=r.variants[0])
    assert "var_99" in set(risk["quantity"])
    summary = r.summary("portfolio")
    assert set(summary["column"]) == set(r.year_labels())
    providers = r.providers()
    assert providers["participant"].any()
    # A population without a contract has summaries only.
    d = files["default"]
    assert d.contract("portfolio").empty
    with pytest.raises(KeyError):
        d.analysis("risk", "net_result")


def test_records_and_tallies_match_the_file(files):
    r = files["oxford_outcome_pot"]
    with h5py.File(r.path, "r") as f:
        values = f["tallies/values"][()]
        fields = [text(x) for x in f["tallies/fields"][()]]
        tallies = r.tallies()
        assert len(tallies) == values.shape[0] * values.shape[1] * values.shape[2]
        assert np.array_equal(tallies[fields].to_numpy(), values.reshape(-1, len(fields)))
        v = r.variants[0]
        rec = f[f"replications/{v}/values"][()]
        rec_fields = [text(x) for x in f[f"replications/{v}/fields"][()]]
    records = r.records(v)
    assert np.array_equal(records[rec_fields].to_numpy(), rec.reshape(-1, len(rec_fields)), equal_nan=True)
    long = r.records(v, wide=False)
    assert len(long) == rec.size


def test_run_refuses_bad_input(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[simulation]\nreplications = -3\n")
    with pytest.raises(apmsim.RunError) as e:
        apmsim.run(str(bad), out=str(tmp_path / "x.h5"))
    assert e.value.code == 2
    assert "replications" in e.value.stderr
    assert not (tmp_path / "x.h5").exists()


def test_a_damaged_file_is_refused(files, tmp_path):
    copy = tmp_path / "copy.h5"
    shutil.copy(files["oxford_outcome_pot"].path, copy)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x40
    copy.write_bytes(bytes(data))
    with pytest.raises(apmsim.FormatError, match="damaged"):
        apmsim.open(str(copy))
    copy.write_bytes(bytes(data[:-100]))
    with pytest.raises(apmsim.FormatError, match="truncated"):
        apmsim.open(str(copy))


def test_keys_are_typed_columns_and_money_is_in_the_iso_currency(files):
    """Issue 23: a sweep parameter and a key inside a row label ("band_0_5k min_units=5000")
    come as typed columns; money's unit names the scenario's currency, not "currency"."""
    r = files["mssp_aco"]
    flows = r.contract("portfolio", variant=r.variants[0])
    assert set(flows["unit"]) >= {"USD"}
    assert not flows["unit"].str.contains("currency").any()
    params = r.parameters(r.variants[0])
    assert params, "mssp_aco is a sweep"
    for path, value in params.items():
        assert path in flows.columns
        assert flows[path].iloc[0] == value
    rates = r.analysis("threshold", "rates", variant=r.variants[0])
    assert {"group", "min_units"} <= set(rates.columns)
    keyed = rates[rates["row"].str.contains("min_units=")]
    assert len(keyed) > 0
    assert keyed["min_units"].map(type).eq(int).all()
    first = keyed.iloc[0]
    assert first["row"] == f"{first['group']} min_units={first['min_units']}"


def test_one_figure_one_interval_and_one_year_spelling(files):
    """Issue 23: a headline figure carries the interval of the table it comes from (the false
    reward of the answers equals the threshold table's, Student t over the analysis batches), and
    performance years are P1, P2, ... everywhere, older files' `performance_year_k` included."""
    r = files["mssp_aco"]
    v = r.variants[0]
    head = r.contract("headline", variant=v).set_index("quantity")
    rates = r.analysis("threshold", "rates", variant=v)
    first = rates[(rates["row"].str.startswith("all min_units=")) & (rates["column"] == "agreement")
                  & (rates["quantity"] == "false_reward")].iloc[0]
    assert head.loc["false_reward", "estimate"] == first["estimate"]
    assert head.loc["false_reward", "ci_low"] == pytest.approx(first["ci_low"], rel=1e-15)
    assert head.loc["false_reward", "ci_high"] == pytest.approx(first["ci_high"], rel=1e-15)
    multiplier = r.attributes(f"summary/{v}/headline/false_reward")["ci_multiplier"]
    assert multiplier > 1.97  # Student t over the analysis batches, not 1.96
    assert (head.loc["payer_net_savings", "ci_high"] - head.loc["payer_net_savings", "estimate"]
            == pytest.approx(1.959963984540054 * head.loc["payer_net_savings", "se"], rel=1e-12))
    columns = set(rates["column"])
    assert "P1" in columns and not any(c.startswith("performance_year") for c in columns)
    assert apmsim.results.year_label("performance_year_3") == "P3"
    assert apmsim.results.year_label("P12") == "P12" and apmsim.results.year_label("Pa") == "Pa"
    assert r.risk(variant=v, year="performance_year_1").describe().equals(r.risk(variant=v, year=1).describe())


def test_a_key_in_a_row_label_is_a_name():
    """`key=value` words whose key is a name become columns; "P(forfeit>0.1)<=0.05" (a withhold
    target) has no key: no column "P(forfeit>0.1)<". apmsim export follows the same rule."""
    row_keys = apmsim.results._row_keys
    assert row_keys("northeast_small min_units=5000") == ("northeast_small", {"min_units": 5000})
    assert row_keys("expected_forfeit=0.05") == ("", {"expected_forfeit": 0.05})
    assert row_keys("P(forfeit>0.1)<=0.05") == ("P(forfeit>0.1)<=0.05", {})
    assert row_keys("contract layer 20000-inf x1 premium=670") == ("contract layer 20000-inf x1", {"premium": 670})
