"""Names in the Python API: a table, analysis, quantity, row, column, variant or provider the file
does not have raises apmsim.UnknownNameError (a KeyError) whose message lists the valid names,
instead of an empty frame or another table's row; compare() reads the portfolio row by default;
help(apmsim.Results) lists the tables of each accessor."""
import pydoc

import pytest

import apmsim
from apmsim.names import ANALYSIS_TABLES, CONTRACT_TABLES, SUMMARY_TABLES


def refused(call):
    """The UnknownNameError `call` raises, checked to list its valid names in the message."""
    with pytest.raises(apmsim.UnknownNameError) as e:
        call()
    error = e.value
    assert isinstance(error, KeyError)
    message = str(error)
    assert not message.startswith(("'", '"')), message  # plain text, not a quoted key
    assert error.valid, message
    for name in error.valid:
        if "<variant>" in message:  # a path: the message gives the layout, every table and variant in it
            parts = name.split("/")
            assert parts[-1] in message and repr(parts[-2]) in message, (name, message)
        else:
            assert repr(name) in message, (name, message)
    return error


def test_an_unknown_contract_table_is_refused_not_empty(files):
    r = files["mssp_aco"]
    error = refused(lambda: r.contract("providers"))
    assert error.valid == list(CONTRACT_TABLES) == ["portfolio", "provider", "headline"]
    assert "did you mean 'provider'" in str(error)
    # Without a [contract] the known tables are empty, a wrong name is still refused.
    d = files["default"]
    assert d.contract("portfolio").empty
    assert refused(lambda: d.contract("providers")).valid == list(CONTRACT_TABLES)


def test_every_accessor_refuses_unknown_names(files):
    r = files["mssp_aco"]
    v = r.variants[0]
    cases = {
        "summary": (lambda: r.summary("portfolios"), ["portfolio", "provider", "region", "contract_portfolio",
                                                      "contract_provider", "headline"]),
        "analysis name": (lambda: r.analysis("risks", "net_result"), ["benchmark", "threshold", "risk"]),
        "analysis not run": (lambda: r.analysis("withhold", "forfeit"), ["benchmark", "threshold", "risk"]),
        "analysis table": (lambda: r.analysis("risk", "net_results"),
                           ["net_result", "specific_layers", "stop_loss_exhibit"]),
        "compare quantity": (lambda: r.compare("payer_net_saving"), None),
        "compare table": (lambda: r.compare("mean", "risk/net_results"), None),
        "compare row": (lambda: r.compare("mean", "risk/net_result", row="nobody"), None),
        "compare column": (lambda: r.compare("payer_net_savings", column="P9"), ["agreement"]),
        "table": (lambda: r.table(f"summary/{v}/portfolios"), None),
        "quantities": (lambda: r.quantities("analysis/risk/base/net_result"), None),
        "attributes": (lambda: r.attributes(f"summary/{v}/nothing"), None),
        "records": (lambda: r.records("base"), r.variants),
        "providers": (lambda: r.providers("base"), r.variants),
        "parameters": (lambda: r.parameters("base"), r.variants),
        "summary variant": (lambda: r.summary("portfolio", variant="base"), r.variants),
        "risk variant": (lambda: r.risk(variant="base"), r.variants),
        "risk provider": (lambda: r.risk(provider="nobody"), None),
        "risk year": (lambda: r.risk(year=9), [1, 2, 3, "agreement"]),
    }
    for what, (call, valid) in cases.items():
        error = refused(call)
        if valid is not None:
            assert error.valid == valid, what
    assert "payer_net_savings" in refused(cases["compare quantity"][0]).valid
    assert "risk/net_result" in refused(cases["compare table"][0]).valid
    assert "portfolio" in refused(cases["compare row"][0]).valid
    assert f"summary/{v}/portfolio" in refused(cases["table"][0]).valid
    assert "did you mean 'net_result'" in str(refused(cases["analysis table"][0]))
    assert "no withhold analysis" in str(refused(cases["analysis not run"][0]))


def test_compare_defaults_to_the_portfolio_row(files):
    r = files["mssp_aco"]
    side = r.compare("mean", "risk/net_result")
    assert list(side["row"]) == ["portfolio"] * len(r.variants)
    assert list(side["column"]) == ["agreement"] * len(r.variants)
    for v, estimate in zip(side["variant"], side["estimate"]):
        t = r.analysis("risk", "net_result", variant=v)
        cell = t[(t["row"] == "portfolio") & (t["column"] == "agreement") & (t["quantity"] == "mean")]
        assert estimate == cell["estimate"].item() != 0
    assert set(r.compare("msr_for_alpha", "threshold/msr")["row"]) == {"all"}
    assert set(r.compare("payer_net_savings")["row"]) == {"participants"}
    assert set(r.compare("payer_net_savings", "contract_portfolio")["row"]) == {"participants"}
    # A table without a portfolio row needs one named; a year table needs a column.
    error = refused(lambda: r.compare("pure_premium", "risk/specific_layers"))
    assert "pass row=" in str(error)
    layer = error.valid[0]
    assert set(r.compare("pure_premium", "risk/specific_layers", row=layer)["row"]) == {layer}
    assert "pass column=" in str(refused(lambda: r.compare("cost_per_unit", "portfolio")))
    assert set(r.compare("cost_per_unit", "portfolio", column="P1")["row"]) == {"participants"}
    w = files["access_withhold"]
    assert set(w.compare("forfeit_share", "withhold/forfeit")["row"]) == {"participants"}


def test_the_catalogue_names_every_table_the_files_have(files):
    """The names help() and the messages give are the files' (a new table must be added there)."""
    contract_names = {"contract_" + t for t in CONTRACT_TABLES if t != "headline"} | {"headline"}
    for name, r in files.items():
        assert set(r.summary_tables()) <= set(SUMMARY_TABLES) | contract_names, name
        for analysis, tables in r.analyses().items():
            assert set(tables) <= set(ANALYSIS_TABLES[analysis]), (name, analysis)


def test_help_lists_the_tables_of_each_accessor():
    text = pydoc.render_doc(apmsim.Results, renderer=pydoc.plaintext)
    for name in list(SUMMARY_TABLES) + list(CONTRACT_TABLES) + list(ANALYSIS_TABLES):
        assert f"`{name}`" in text, name
    for tables in ANALYSIS_TABLES.values():
        for table in tables:
            assert f"`{table}`" in text, table
    docs = {m: getattr(apmsim.Results, m).__doc__ for m in ("summary", "contract", "analysis", "compare")}
    assert all(f"`{t}`" in docs["summary"] for t in SUMMARY_TABLES)
    assert all(f"`{t}`" in docs["contract"] for t in CONTRACT_TABLES)
    assert all(f"`{t}`" in docs["analysis"] for ts in ANALYSIS_TABLES.values() for t in ts)
    assert all(f"`{a}`" in docs["analysis"] for a in ANALYSIS_TABLES)
    assert "`risk/net_result`" in docs["compare"] and "portfolio" in docs["compare"]
    for m in ("summary", "contract", "analysis", "compare", "table", "risk"):
        assert "UnknownNameError" in getattr(apmsim.Results, m).__doc__, m
