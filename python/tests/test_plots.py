"""apmsim.plots on the files the shipped scenarios make: every plot a file supports renders, and
what it draws is the file's: the net-result histogram is the stored replications (their mean and SD
are the risk table's), quantile lines sit at -VaR, excluded threshold groups are not drawn as 0%,
and the population plot's members add up to the engine's tallies."""
import os

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import apmsim  # noqa: E402
from apmsim import plots  # noqa: E402


def test_every_file_gets_its_plots(files, tmp_path):
    for name, r in files.items():
        names = plots.available(r)
        has_contract = not r.contract("portfolio").empty
        assert ("net_result" in names) == has_contract, name
        assert ("population" in names) == (not has_contract), name
        assert ("earn_back" in names) == ("withhold" in r.scenario), name
        written = plots.save_all(r, str(tmp_path / name), names=[n for n in names if n != "population"])
        for path in written:
            assert os.path.getsize(path) > 10_000, path


def test_net_result_draws_the_stored_replications(files):
    r = files["mssp_aco"]
    v = r.variants[0]
    per = plots.agreement_results(r, v)
    risk = r.analysis("risk", "net_result", variant=v)
    agreement = risk[risk["column"] == "agreement"].pivot(index="row", columns="quantity", values="estimate")
    for row in ("portfolio", per.columns[0]):
        assert per[row].mean() == pytest.approx(agreement.loc[row, "mean"], rel=1e-12)
        assert per[row].std(ddof=1) == pytest.approx(agreement.loc[row, "sd"], rel=1e-9)
    fig = plots.net_result(r, v, rows=["portfolio"])
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
    assert sum(p.get_height() for p in bars) == r.info["replications"]
    divisor, _ = plots.money_scale([abs(agreement.loc["portfolio", "mean"]) + 4 * agreement.loc["portfolio", "sd"]])
    vertical = {round(line.get_xdata()[0], 9) for line in ax.get_lines()}
    assert round(-agreement.loc["portfolio", "var_95"] / divisor, 9) in vertical
    assert round(agreement.loc["portfolio", "mean"] / divisor, 9) in vertical


def test_the_stored_losses_draw_the_distribution_without_records(plain):
    """Format 2.3 stores the losses by default: the histogram needs no --write-records."""
    assert not plain.has_records and plain.has_losses
    fig = plots.net_result(plain, rows=["portfolio"])
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_height() > 0]
    assert sum(p.get_height() for p in bars) == plain.info["replications"]


def test_without_stored_replications_no_shape_is_assumed(plain, monkeypatch):
    monkeypatch.setattr(plain, "has_losses", False)
    assert not plain.has_records
    fig = plots.net_result(plain)
    for ax in fig.axes:
        assert not [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
        # Only vertical lines: quantiles, mean, break-even; no density curve.
        for line in ax.get_lines():
            x = np.asarray(line.get_xdata(), dtype=float)
            assert np.all(x == x[0]), line.get_label()
    assert "not stored" in " ".join(t.get_text() for t in fig.texts)


def test_threshold_leaves_excluded_groups_out(files):
    r = files["mssp_aco"]
    v = r.variants[0]
    rates = r.analysis("threshold", "rates", variant=v)
    if "agreement" in set(rates["column"]):  # 1.4: by performance year, then the agreement
        rates = rates[rates["column"] == "agreement"]
    wide = rates.pivot(index="row", columns="quantity", values="estimate")
    excluded = wide["excluded_share"] >= 1
    assert excluded.any() and (~excluded).any()
    fig = plots.threshold(r, v)
    ax = fig.axes[0]
    drawn = sum(len(line.get_xdata()) for line in ax.get_lines() if line.get_marker() in ("o", "*"))
    crossed = sum(len(line.get_xdata()) for line in ax.get_lines() if line.get_marker() == "x")
    assert drawn == int((~excluded & np.isfinite(wide["false_reward"])).sum())
    assert crossed == int(excluded.sum())
    # The error bars are the file's intervals.
    assert any(isinstance(c, LineCollection) for c in ax.collections)


def test_concentration_is_exact():
    curve = plots.concentration([0.0, 1.0, 2.0, 3.0, 4.0])
    assert curve["member_share"].tolist() == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert curve["cost_share"].tolist() == pytest.approx([0.4, 0.7, 0.9, 1.0, 1.0], abs=1e-15)


def test_population_members_add_up_to_the_tallies(files, tmp_path):
    r = files["default"]
    claims = plots.sample(r)
    tallies = r.tallies()
    zero = tallies[(tallies["replication"] == 0)].set_index(["entity", "year"])["cost"]
    sums = claims.groupby(["provider", "year"])["cost"].sum()
    for (provider, year), total in sums.items():
        assert total == pytest.approx(zero.loc[(provider, year)], rel=1e-12), (provider, year)
    fig = plots.population(r, claims)
    path = tmp_path / "population.png"
    fig.savefig(path)
    assert path.stat().st_size > 10_000
