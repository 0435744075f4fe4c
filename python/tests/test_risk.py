"""The risk API (apmsim.risk): the stored per-replication losses and their figures against the
C++ net_result table of every shipped scenario's run, and the definitions on samples by hand."""
import math

import numpy as np
import pytest

import apmsim
from apmsim.risk import LEVELS, Risk

#: The net_result quantities describe() gives, all of them equal to the table's to 1e-12 relative.
FIGURES = (["mean", "sd", "loss_probability", "capital_99", "capital_995"]
           + [f"var_{k}" for k in LEVELS] + [f"tvar_{k}" for k in LEVELS])


def _contract_files(files):
    return {name: r for name, r in files.items() if r.has_losses}


def _close(a, b):
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12 * max(1.0, abs(b)))


def test_every_run_with_a_contract_stores_its_losses(files, plain):
    contracts = _contract_files(files)
    assert len(contracts) >= 8
    for name, r in files.items():
        assert r.has_losses == (not r.contract("portfolio").empty), name
    # Stored by default: a run without --write-records has them too.
    assert plain.has_losses and not plain.has_records
    assert plain.risk().replications == 12


def test_describe_equals_the_net_result_table(files):
    """Portfolio and every participant, every column the losses keep: describe() equals the C++
    table's figures (VaR exactly, the rest to 1e-12 relative)."""
    checked = 0
    for name, r in _contract_files(files).items():
        for v in r.variants:
            table = r.analysis("risk", "net_result", variant=v)
            est = table.set_index(["row", "column", "quantity"])["estimate"]
            for provider in [None] + sorted(set(table["row"]) - {"portfolio"}):
                for column in sorted(set(table["column"])):
                    year = None if column == "agreement" else int(column[1:])
                    try:
                        d = r.risk(variant=v, provider=provider, year=year).describe()
                    except KeyError:  # a participant's years not kept
                        continue
                    row = provider or "portfolio"
                    for q in FIGURES:
                        assert _close(d[q], est[(row, column, q)]), (name, v, row, column, q, d[q])
                    for k in LEVELS:
                        assert d[f"var_{k}"] == est[(row, column, f"var_{k}")]
                    checked += 1
    assert checked > 100


def test_losses_are_the_records_net_result_summed(files):
    """The stored portfolio losses are -(net provider result) summed over the participants and
    the performance years of each replication (what --write-records stores)."""
    r = files["mssp_aco"]
    v = r.variants[0]
    records = r.records(v)
    per_replication = -records.groupby("replication")["net_provider_result"].sum().to_numpy()
    np.testing.assert_allclose(r.risk(variant=v).losses, per_replication, rtol=1e-12, atol=1e-6)
    first_year = records[records.year == records.year.min()]
    np.testing.assert_allclose(r.risk(variant=v, year=1).losses,
                               -first_year.groupby("replication")["net_provider_result"].sum().to_numpy(),
                               rtol=1e-12, atol=1e-6)


def test_definitions_by_hand():
    """Losses 1..100: VaR_90 = the 90th smallest = 90; TVaR_90 = mean of 91..100 = 95.5;
    P(loss > 90) = 0.1; VaR_99.5 = ceil(99.5) = the 100th; TVaR_99.5 with n (1-p) = 0.5 < 1 is the
    VaR; the 1-in-10 loss is VaR_90."""
    risk = Risk(np.arange(100, 0, -1), "base", None, "agreement")
    assert risk.var(0.9) == 90 and risk.tvar(0.9) == 95.5
    assert risk.var(0.995) == 100 and risk.tvar(0.995) == 100
    assert risk.var(0.98) == 98 and risk.tvar(0.98) == 99.5
    assert risk.sf(90) == 0.1 and risk.sf(0) == 1 and risk.sf(100) == 0
    np.testing.assert_array_equal(risk.sf([10.5, 99]), [0.9, 0.01])
    assert risk.cdf(90) == 0.9
    table = risk.exceedance()
    assert list(table.return_period) == [2, 5, 10, 20, 25, 50, 100]
    assert table.set_index("return_period").loc[10.0, "loss"] == 90
    at = risk.exceedance(losses=[50, 100])
    assert list(at.probability) == [0.5, 0.0] and at.return_period[0] == 2 and math.isinf(at.return_period[1])
    d = risk.describe()
    assert d["replications"] == 100 and d["mean_loss"] == 50.5 and d["mean"] == -50.5
    assert d["loss_probability"] == 1.0 and d["capital_99"] == 99 - 50.5
    with pytest.raises(ValueError):
        risk.var(1.0)
    # Ties at the VaR: losses 0, 0, 5, 5, 5: VaR_60 = the 3rd smallest, 5; none beyond it, so
    # TVaR_60 = (0 + 5 x 2) / 2 = 5.
    tied = Risk([5, 0, 5, 0, 5], "base", None, "agreement")
    assert tied.var(0.6) == 5 and tied.tvar(0.6) == 5 and tied.sf(0) == 0.6


def test_cells_and_refusals(files):
    r = files["mssp_aco"]
    v = r.variants[0]
    provider = r.providers(v).query("participant").name.iloc[0]
    cell = r.risk(variant=v, provider=provider, year="agreement")
    assert cell.column == "agreement" and cell.provider == provider and cell.replications == 12
    with pytest.raises(KeyError):
        r.risk(variant=v, provider="no such provider")
    with pytest.raises(KeyError):
        r.risk(variant=v, year=99)
    no_contract = [f for f in files.values() if not f.has_losses]
    if no_contract:
        with pytest.raises(KeyError):
            no_contract[0].risk()
