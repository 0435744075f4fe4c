"""Tests of scripts/validate_programs.py's figure functions (pure functions of arrays) and of
scripts/mssp_puf.py's summary, on hand-made data with known answers.

    /usr/bin/python3 -m pytest tests/scripts -q
"""
import json
import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import mssp_puf as mp  # noqa: E402
import validate_programs as vp  # noqa: E402


def two_point_band(mean, var, n):
    """Two ACO-years of size n whose rates have sample mean `mean` and sample variance `var`."""
    d = np.sqrt(var / 2.0)
    return [n, n], [mean - d, mean + d]


# --- size bands and the size law -----------------------------------------------------------------

def test_band_index_lower_edge_inclusive():
    assert list(mp.band_index([0, 4999, 5000, 7499, 7500, 49999, 50000, 1e6])) == [0, 0, 1, 1, 2, 6, 7, 7]
    assert mp.band_labels()[1] == "5k-7.5k" and mp.band_labels()[-1] == "50k-inf"


def test_wls_recovers_exact_law_with_any_weights():
    n = np.array([4000.0, 6000, 9000, 12000, 18000, 25000, 40000, 80000])
    var = 6e-4 + 15.0 / n
    for w in (np.ones(8), np.arange(1.0, 9.0), np.array([16, 98, 102, 125, 63, 68, 43, 33.0])):
        a, b = mp.wls_size_law(var, n, w)
        assert a == pytest.approx(6e-4, rel=1e-9)
        assert b == pytest.approx(15.0, rel=1e-9)


def test_wls_weights_matter_when_data_are_not_exact():
    n = np.array([1000.0, 2000, 4000])
    var = np.array([0.02, 0.004, 0.004])
    b_heavy_first = mp.wls_size_law(var, n, np.array([100.0, 1, 1]))[1]
    b_light_first = mp.wls_size_law(var, n, np.array([1.0, 100, 100]))[1]
    assert b_heavy_first != pytest.approx(b_light_first)


def test_fit_needs_two_bands():
    a, b = vp.fit_size_law([0.01, np.nan], [6000, np.nan], [5, 0])
    assert np.isnan(a) and np.isnan(b)
    # A band with a single ACO-year has no variance and is left out.
    a, b = vp.fit_size_law([0.01, 0.02, 0.5], [6000, 12000, 30000], [5, 5, 1])
    assert np.isfinite(b)


def test_band_stats_known_sd():
    units = [6000, 6000, 6000, 6000, 12000, 12000, 3000]
    rates = [0.0, 0.1, 0.2, 0.3, 0.05, 0.07, 0.5]
    s = vp.band_stats(units, rates)
    assert list(s["count"]) == [1, 4, 0, 2, 0, 0, 0, 0]
    assert s["sd"][1] == pytest.approx(np.std([0, .1, .2, .3], ddof=1))
    assert s["mean"][1] == pytest.approx(0.15)
    assert s["mean_n"][3] == 12000
    assert s["sd"][3] == pytest.approx(np.sqrt(0.0002))
    assert np.isnan(s["sd"][0])  # one ACO-year: no sd
    assert np.isnan(s["mean"][2])  # empty band


def test_band_stats_skips_nan():
    s = vp.band_stats([6000, 6000, 6000], [0.1, np.nan, 0.3])
    assert s["count"][1] == 2 and s["mean"][1] == pytest.approx(0.2)


def test_replication_size_law_from_constructed_records():
    a_true, b_true = 5e-4, 14.9
    units, rates = [], []
    for n in (6000, 8000, 12000, 17000, 25000):
        u, r = two_point_band(0.02, a_true + b_true / n, n)
        units += u
        rates += r
    units = np.array(units, float).reshape(-1, 1)
    rates = np.array(rates).reshape(-1, 1)
    rec = {"units": units, "savings_rate": rates, "benchmark": np.full_like(units, 100.0),
           "accountable_cost": 100.0 * (1 - rates)}
    f = vp.replication_figures(rec)
    assert f["size_law_a"] == pytest.approx(a_true, rel=1e-9)
    assert f["size_law_b"] == pytest.approx(b_true, rel=1e-9)
    assert f["band_sd/5k-7.5k"] == pytest.approx(np.sqrt(a_true + b_true / 6000))
    assert f["band_count/0-5k"] == 0 and np.isnan(f["band_sd/0-5k"])
    assert f["mean_savings_rate"] == pytest.approx(0.02)


# --- the other figures --------------------------------------------------------------------------

def test_share_below_benchmark_and_mean_rate():
    assert vp.share_below_benchmark([100, 100, 100, 100], [90, 110, 99, 100]) == pytest.approx(0.5)
    assert vp.share_below_benchmark([100, np.nan], [90, 80]) == 1.0
    assert vp.mean_finite([0.01, 0.03, np.nan]) == pytest.approx(0.02)


def test_share_owing_losses():
    assert vp.share_owing_losses([-1, 0, 0, 5, -2, np.nan, 3, 0, 0, 0, 0]) == pytest.approx(0.2)


def test_cv_and_yearly_cv_ignore_the_trend():
    x = np.array([90.0, 100, 110])
    assert vp.cross_cv(x) == pytest.approx(10.0 / 100.0)
    # Three ACOs over two years, costs 10% higher in year 2: the pooled cv would be larger.
    pc = np.column_stack([x, 1.1 * x])
    assert vp.yearly_cv(pc) == pytest.approx(0.1)
    assert vp.cross_cv(pc) > 0.1


def test_risk_adjustment_removes_risk_driven_variation():
    risk = np.array([[0.8], [1.0], [1.25]])
    rec = {"units": np.full((3, 1), 6000.0), "savings_rate": np.zeros((3, 1)),
           "benchmark": 6000 * 1e4 * risk, "accountable_cost": 6000 * 1e4 * risk}
    f = vp.replication_figures(rec, risk_per_unit=risk)
    assert f["cv_raw"] > 0.2
    assert f["cv_risk_adjusted"] == pytest.approx(0.0, abs=1e-12)


def test_quality_and_msr():
    rec = {"units": np.array([[4000.0], [6000.0], [12000.0]]), "savings_rate": np.zeros((3, 1)),
           "benchmark": np.ones((3, 1)), "accountable_cost": np.ones((3, 1)),
           "quality_score": np.array([[0.9], [1.0], [np.nan]]),
           "minimum_savings_rate": np.array([[0.039], [0.035], [0.029]])}
    f = vp.replication_figures(rec)
    assert f["quality_mean"] == pytest.approx(0.95)
    assert f["msr_min/below_5000"] == f["msr_max/below_5000"] == pytest.approx(0.039)
    assert f["msr_min/at_or_above_5000"] == pytest.approx(0.029)
    assert f["msr_max/at_or_above_5000"] == pytest.approx(0.035)


def test_sequestration_check():
    shared = np.array([100.0, 250.0, -40.0, 0.0, 10.0])
    ok = vp.sequestration_check(np.array([98.0, 245.0, -40.0, 0.0, 0.0]), shared)
    assert ok["savings_exact"] and ok["losses_exact"]
    assert ok["savings_records"] == 2 and ok["loss_records"] == 1
    none = vp.sequestration_check(np.array([100.0, 250.0, -40.0, 0, 0]), shared)
    assert not none["savings_exact"] and none["savings_ratio_min"] == 1.0
    sequestered_losses = vp.sequestration_check(np.array([98.0, 245.0, -39.2, 0, 0]), shared)
    assert not sequestered_losses["losses_exact"]


def test_mean_se_over_replications():
    m, se, r = vp.mean_se([1.0, 2.0, 3.0, 4.0, np.nan])
    assert (m, r) == (2.5, 4)
    assert se == pytest.approx(np.std([1, 2, 3, 4], ddof=1) / 2.0)
    assert np.isnan(vp.mean_se([np.nan])[0])
    c = vp.combine([{"x": 1.0}, {"x": 3.0, "y": 2.0}])
    assert c["x"][0] == 2.0 and c["y"][2] == 1


def test_verdicts():
    assert vp.verdict(14.9, 14.9 * 1.29, "rel", 0.30) == "pass"
    assert vp.verdict(14.9, 14.9 * 0.69, "rel", 0.30) == "fail"
    assert vp.verdict(0.664, 0.744, "abs", 0.08) == "pass"
    assert vp.verdict(0.664, 0.745, "abs", 0.08) == "fail"
    assert vp.verdict(0.93, np.nan, "abs", 0.03) == "n/a"


# --- the PUF summary ---------------------------------------------------------------------------

def test_stored_puf_summary_reproduces_the_issue():
    with open(os.path.join(ROOT, "scripts", "data", "mssp_puf_2018.json")) as f:
        s = json.load(f)
    assert s["aco_count"] == 548
    band = {b["band"]: b for b in s["size_bands"]}
    assert sum(b["count"] for b in s["size_bands"]) == 548
    assert band["5k-7.5k"]["sd_savings_rate"] == pytest.approx(0.053, abs=5e-4)
    assert s["size_law"]["b"] == pytest.approx(14.9, abs=0.05)
    assert s["share_below_benchmark"] == pytest.approx(0.66, abs=0.005)
    assert s["tracks"]["share_two_sided_owing_losses"] == pytest.approx(0.116, abs=5e-4)
    assert s["mean_savings_rate"] == pytest.approx(0.016, abs=5e-4)
    assert s["cost_variation"]["cv_per_capita_raw"] == pytest.approx(0.179, abs=5e-4)
    assert s["cost_variation"]["cv_per_capita_risk_adjusted"] == pytest.approx(0.127, abs=5e-4)
    assert s["quality"]["mean"] == pytest.approx(0.93, abs=0.005)
    assert s["sequestration"]["earned_over_computed_median"] == pytest.approx(0.98, abs=1e-4)
    # Stored band figures and the stored fit agree.
    a, b = mp.wls_size_law([x["var_savings_rate"] for x in s["size_bands"]],
                           [x["mean_n"] for x in s["size_bands"]], [x["count"] for x in s["size_bands"]])
    assert b == pytest.approx(s["size_law"]["b"], abs=1e-3)


# --- end to end on a hand-made results file --------------------------------------------------

def test_report_from_handmade_results_file(tmp_path):
    h5py = pytest.importorskip("h5py")
    fields = ["units", "benchmark", "accountable_cost", "savings_rate", "quality_score", "minimum_savings_rate",
              "reconciliation", "shared_result"]
    reps, p, years = 3, 4, 2
    rng = np.random.default_rng(1)
    units = np.array([6000.0, 6000, 12000, 12000])
    v = np.zeros((reps, p, years, len(fields)))
    sr = rng.normal(0.02, 0.03, (reps, p, years))
    bench = units[None, :, None] * 10000.0 * np.ones((reps, p, years))
    shared = np.where(sr > 0, sr * bench * 0.5, sr * bench * 0.4)
    for i, (name, x) in enumerate([("units", units[None, :, None] * np.ones((reps, p, years))),
                                   ("benchmark", bench), ("accountable_cost", bench * (1 - sr)),
                                   ("savings_rate", sr), ("quality_score", np.full((reps, p, years), 0.93)),
                                   ("minimum_savings_rate", np.full((reps, p, years), 0.03)),
                                   ("reconciliation", np.where(shared > 0, 0.98 * shared, shared)),
                                   ("shared_result", shared)]):
        v[..., i] = x
    path = tmp_path / "fake.h5"
    names = [f"aco/{k}" for k in range(p)]
    with h5py.File(path, "w") as f:
        f.attrs["baseline_years"] = 3
        f.attrs["performance_years"] = years
        f.attrs["apmsim_version"] = "test"
        f.create_dataset("scenario/text", data="x").attrs["path"] = "fake.toml"
        f.create_dataset("summary/base/providers/name", data=np.array(names, dtype="S"))
        g = f.create_group("replications/base")
        g.create_dataset("fields", data=np.array(fields, dtype="S"))
        g.create_dataset("providers", data=np.array(names, dtype="S"))
        g.create_dataset("values", data=v)
    out = tmp_path / "validation.md"
    assert vp.main(["--results", str(path), "--two-sided", str(path), "--no-verify", "--out", str(out)]) == 0
    text = out.read_text()
    assert "no simulated ACOs in band" in text
    assert "| Quality score, mean | 0.929 |" in text
    seq = next(line for line in text.splitlines() if line.startswith("| Sequestration"))
    assert seq.rstrip().endswith("| pass |")
    assert "not computed (run with --write-tallies)" in text
    # Only the first performance year.
    vp.main(["--results", str(path), "--no-verify", "--years", "1", "--out", str(out)])
    assert "performance years 1," in out.read_text()
