"""The manifest of malformed but correctly stamped results files (docs/robustness.md): each case
edits a copy of a real file with h5py and stamps the integrity header again, so that the digest
holds and the readers meet the damage itself. test_malformed.py feeds every case to `apmsim
summary`, `apmsim export`, `apmsim report` and apmsim.open, and requires all four to refuse it
(exit 2, or FormatError) with a one-line message naming `names`, never a traceback.

Each case: (name, what was done, text both readers' messages contain, edit(f, ctx)), where f is
the file open with h5py ("r+") and ctx has `variant` (the first), `other` (another local HDF5
file, for the links) and `quantity` (the first quantity of the portfolio table).
"""
import h5py
import numpy as np

STRINGS = h5py.string_dtype()


def replace(group, name, data, **kw):
    """Replaces the dataset `name` of `group` by `data`, keeping its attributes."""
    attrs = dict(group[name].attrs) if name in group else {}
    del group[name]
    group.create_dataset(name, data=data, **kw)
    for k, v in attrs.items():
        group[name].attrs[k] = v


def _v(f, ctx, path=""):
    return f[f"summary/{ctx['variant']}" + (f"/{path}" if path else "")]


def _shape(f, ctx, table, name, extra_rows=0, extra_years=0):
    g = _v(f, ctx, table)
    r, y = g[name].shape
    replace(g, name, np.zeros((r + extra_rows, y + extra_years)))


def _external(f, ctx):
    g = _v(f, ctx, "portfolio")
    del g["rows"]
    g["rows"] = h5py.ExternalLink(ctx["other"], "/rows")


def _delete(path):
    def edit(f, ctx):
        del f[path.format(**ctx)]
    return edit


def _attr(path, name, value):
    def edit(f, ctx):
        f[path.format(**ctx)].attrs[name] = value
    return edit


def _shard(f, ctx):
    f.attrs["shard_count"] = np.int32(1)
    f.attrs["shard_index"] = np.int32(3)
    f.attrs["first_replication"] = np.uint64(0)
    f.attrs["total_replications"] = np.uint64(12)


CASES = [
    # missing objects
    ("missing_scenario_text", "/scenario/text deleted", "/scenario/text", _delete("scenario/text")),
    ("missing_summary", "/summary deleted", "/summary", _delete("summary")),
    ("missing_provider_names", "providers/name deleted", "providers/name",
     _delete("summary/{variant}/providers/name")),
    ("missing_rows", "portfolio/rows deleted", "portfolio/rows", _delete("summary/{variant}/portfolio/rows")),
    ("missing_quantities", "region/quantities deleted", "region/quantities",
     _delete("summary/{variant}/region/quantities")),
    ("missing_quantity", "a quantity listed in portfolio/quantities deleted", "portfolio/{quantity}",
     _delete("summary/{variant}/portfolio/{quantity}")),
    ("missing_standard_error", "a quantity's _se deleted", "portfolio/{quantity}_se",
     _delete("summary/{variant}/portfolio/{quantity}_se")),
    ("missing_region_table", "the region table deleted", "/region", _delete("summary/{variant}/region")),
    ("missing_headline", "headline deleted from a variant with a contract", "/headline",
     _delete("summary/{variant}/headline")),
    ("missing_seed", "root attribute seed deleted", "'seed'", lambda f, ctx: f.attrs.__delitem__("seed")),
    ("missing_format_version", "root attribute format_version deleted", "format_version",
     lambda f, ctx: f.attrs.__delitem__("format_version")),
    ("missing_unit_attribute", "a quantity's unit attribute deleted", "'unit'",
     lambda f, ctx: _v(f, ctx, "portfolio")[ctx["quantity"]].attrs.__delitem__("unit")),
    ("summary_is_a_dataset", "/summary replaced by a dataset", "/summary",
     lambda f, ctx: (f.__delitem__("summary"), f.create_dataset("summary", data=[1.0]))),
    # shapes and ranks
    ("quantity_wrong_shape", "a quantity one year too wide", "portfolio/{quantity}",
     lambda f, ctx: _shape(f, ctx, "portfolio", ctx["quantity"], extra_years=1)),
    ("se_wrong_rows", "a quantity's _se one row too long", "portfolio/{quantity}_se",
     lambda f, ctx: _shape(f, ctx, "portfolio", ctx["quantity"] + "_se", extra_rows=1)),
    ("se_one_dimensional", "a quantity's _se flattened to one dimension", "portfolio/{quantity}_se",
     lambda f, ctx: replace(_v(f, ctx, "portfolio"), ctx["quantity"] + "_se",
                            _v(f, ctx, "portfolio")[ctx["quantity"] + "_se"][()].ravel())),
    ("providers_differ_in_length", "providers/participant one entry short", "providers",
     lambda f, ctx: replace(_v(f, ctx, "providers"), "participant",
                            _v(f, ctx, "providers")["participant"][()][:-1])),
    ("columns_wrong_length", "contract_portfolio/columns one name short", "contract_portfolio/columns",
     lambda f, ctx: replace(_v(f, ctx, "contract_portfolio"), "columns",
                            _v(f, ctx, "contract_portfolio")["columns"][()][:-1])),
    ("losses_wrong_shape", "/losses portfolio one column too wide", "/losses/",
     lambda f, ctx: replace(f[f"losses/{ctx['variant']}"], "portfolio",
                            np.zeros((f[f"losses/{ctx['variant']}/portfolio"].shape[0],
                                      f[f"losses/{ctx['variant']}/portfolio"].shape[1] + 1)))),
    ("tallies_wrong_fields", "/tallies/values with one field too many", "/tallies/values",
     lambda f, ctx: replace(f["tallies"], "values",
                            np.zeros(f["tallies/values"].shape[:3] + (f["tallies/values"].shape[3] + 1,)))),
    ("tallies_efficiency_shape", "/tallies/efficiency with one replication too many", "/tallies/efficiency",
     lambda f, ctx: replace(f["tallies"], "efficiency",
                            np.zeros((f["tallies/efficiency"].shape[0] + 1, f["tallies/efficiency"].shape[1])))),
    ("records_wrong_providers", "/replications values with one provider too many", "/replications/",
     lambda f, ctx: replace(f[f"replications/{ctx['variant']}"], "values",
                            np.zeros((1, len(f[f"replications/{ctx['variant']}/providers"]) + 1, 1,
                                      len(f[f"replications/{ctx['variant']}/fields"]))))),
    # types
    ("rows_are_numbers", "portfolio/rows holds numbers", "portfolio/rows",
     lambda f, ctx: replace(_v(f, ctx, "portfolio"), "rows", np.arange(2.0))),
    ("quantity_is_text", "a quantity holds strings where numbers belong", "portfolio/{quantity}",
     lambda f, ctx: replace(_v(f, ctx, "portfolio"), ctx["quantity"],
                            np.full(_v(f, ctx, "portfolio")[ctx["quantity"]].shape, "x", dtype=object),
                            dtype=STRINGS)),
    ("participant_is_float", "providers/participant as float64", "providers/participant",
     lambda f, ctx: replace(_v(f, ctx, "providers"), "participant",
                            _v(f, ctx, "providers")["participant"][()].astype(float))),
    ("scenario_text_is_a_number", "/scenario/text holds a number", "/scenario/text",
     lambda f, ctx: replace(f["scenario"], "text", 3.0)),
    ("format_version_is_text", "format_version is a string", "format_version",
     _attr("/", "format_version", "2.5")),
    ("years_is_float", "a table's years attribute is 5.5", "'years'", _attr("summary/{variant}/portfolio", "years", 5.5)),
    ("ci_multiplier_is_text", "a table's ci_multiplier is a string", "ci_multiplier",
     _attr("summary/{variant}/portfolio", "ci_multiplier", "wide")),
    # values
    ("replications_nan", "root replications is NaN (a float)", "replications", _attr("/", "replications", np.nan)),
    ("batch_size_infinite", "root batch_size is inf (a float)", "batch_size", _attr("/", "batch_size", np.inf)),
    ("seed_negative", "root seed is -1 (int64)", "seed", _attr("/", "seed", np.int64(-1))),
    ("negative_table_years", "a table's years attribute is -3", "years",
     _attr("summary/{variant}/portfolio", "years", np.int32(-3))),
    ("negative_baseline_years", "root baseline_years is -1", "baseline_years",
     _attr("/", "baseline_years", np.int32(-1))),
    ("too_many_years", "root performance_years is 1,000,000", "performance_years",
     _attr("/", "performance_years", np.int32(1_000_000))),
    ("huge_attribute", "a table's years attribute is 10,000 values", "'years'",
     _attr("summary/{variant}/portfolio", "years", np.arange(10_000, dtype=np.int32))),
    ("scenario_sha256_mismatch", "the scenario text edited, its sha256 kept", "/scenario/text",
     lambda f, ctx: replace(f["scenario"], "text", "name = 'other'", dtype=STRINGS)),
    ("format_version_3", "format_version 3.0", "format version 3.0",
     _attr("/", "format_version", np.array([3, 0], dtype=np.int32))),
    ("shards_inconsistent", "shard_index 3 of shard_count 1", "shard", _shard),
    # links
    ("external_link_rows", "portfolio/rows an external link to another local file", "/portfolio/rows", _external),
    ("external_link_elsewhere", "an external link at /extra", "/extra",
     lambda f, ctx: f.__setitem__("extra", h5py.ExternalLink(ctx["other"], "/rows"))),
    ("soft_link_table", "region a soft link to the portfolio table", "/region",
     lambda f, ctx: (f.__delitem__(f"summary/{ctx['variant']}/region"),
                     f.__setitem__(f"summary/{ctx['variant']}/region",
                                   h5py.SoftLink(f"/summary/{ctx['variant']}/portfolio")))),
]
