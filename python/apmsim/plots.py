"""Plots of apmsim results (matplotlib): each function returns a Figure, `save_all` writes them.

    import apmsim, apmsim.plots as ap
    r = apmsim.open("results/mssp_aco.h5")
    ap.net_result(r).savefig("net_result.png")
    ap.save_all(r, "results/plots")                 # every plot the file supports

What each plot draws comes only from the file: a distribution is drawn from the stored
per-replication losses (every run with a contract since format 2.3; the records of older files
made with --write-records), never from an assumed shape; without them the net-result plot shows
the simulated quantiles (the VaR levels) with their intervals. A run without a contract gets
the population plots (summary by year; cost distribution and concentration from one replication's
members, which `apmsim sample` draws from the scenario stored in the file).
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import textwrap
from typing import Dict, List, Optional

import numpy as np
import pandas as pd

import matplotlib

if os.environ.get("MPLBACKEND") is None and not os.environ.get("DISPLAY"):
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, PercentFormatter  # noqa: E402

from .results import Results, column_label  # noqa: E402
from .run import find_apmsim  # noqa: E402

#: VaR levels in the files (quantity suffix -> probability of a loss at least that large).
LEVELS = {"90": 0.90, "95": 0.95, "99": 0.99, "995": 0.995}
LEVEL_COLOURS = {"90": "tab:green", "95": "tab:orange", "99": "tab:red", "995": "tab:purple"}
THRESHOLD_RATES = ("false_reward", "false_penalty", "false_negative")
EXTRA_PROVIDERS = 2      # providers drawn beside the portfolio on the net-result plot
DPI = 130


# --- helpers -------------------------------------------------------------------------------------

def _variant(results: Results, variant: Optional[str]) -> str:
    return results._variant(variant)[0]


def _title(results: Results, variant: str) -> str:
    name = results.scenario_name  # the scenario's own name, not the file's
    return "\n".join(textwrap.wrap(name if len(results.variants) == 1 else f"{name}, variant {variant}", 110))


def money_scale(values) -> tuple:
    """A divisor and its name so that money reads as plain amounts, thousands, millions or billions."""
    values = np.asarray(values, dtype=float)
    peak = np.nanmax(np.abs(values)) if values.size and np.isfinite(values).any() else 0.0
    for divisor, name in ((1e9, "billions"), (1e6, "millions"), (1e3, "thousands")):
        if peak >= 10 * divisor:
            return divisor, name
    return 1.0, ""


def currency(results: Results) -> str:
    """The scenario's currency code ([simulation] currency), else "currency"."""
    code = results.info.get("currency")
    return str(code) if code else "currency"


def _money_label(what: str, results: Results, scale: str) -> str:
    return f"{what} ({currency(results)}{', ' + scale if scale else ''})"


def _level_label(level: str) -> str:
    return (level[:2] + "." + level[2:] if len(level) > 2 else level) + "%"


def _pivot(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per table row at `column`: estimate/se/ci_low/ci_high per quantity, rows in file order."""
    part = table[table["column"] == column]
    order = list(dict.fromkeys(part["row"]))
    wide = part.pivot(index="row", columns="quantity", values=["estimate", "se", "ci_low", "ci_high"])
    return wide.reindex(order)


# --- net provider result ---------------------------------------------------------------------------

def agreement_results(results: Results, variant: Optional[str] = None) -> pd.DataFrame:
    """Per-replication net provider result over the agreement (sum of the performance years), one
    column per provider plus `portfolio` (the participants' sum): -(the stored losses, format 2.3,
    every run with a contract), or from the records (--write-records) of an older file."""
    v = _variant(results, variant)
    if results.has_losses:
        providers = results.providers(v)
        participants = list(providers.loc[providers["participant"], "name"])
        per = pd.DataFrame({p: -results.risk(v, provider=p).losses for p in participants})
        per["portfolio"] = -results.risk(v).losses
        per.index.name = "replication"
        return per
    records = results.records(v)
    per = records.pivot_table(index="replication", columns="provider", values="net_provider_result",
                              aggfunc="sum", sort=False)
    providers = results.providers(v)
    participants = [p for p in providers.loc[providers["participant"], "name"] if p in per.columns]
    per["portfolio"] = per[participants].sum(axis=1)
    return per


def net_result(results: Results, variant: Optional[str] = None, rows: Optional[List[str]] = None) -> Figure:
    """Net provider result over the agreement for the portfolio and the providers with the largest
    SD (or `rows`): the stored replications' histogram when the file has them, the simulated
    quantiles (net result = -VaR of the loss) with their 95% intervals, the mean, break-even."""
    v = _variant(results, variant)
    table = results.analysis("risk", "net_result", variant=v)
    wide = _pivot(table, "agreement" if (table["column"] == "agreement").any() else table["column"].iloc[-1])
    est = wide["estimate"]
    if rows is None:
        providers = est.drop(index="portfolio", errors="ignore")["sd"].sort_values(ascending=False)
        rows = (["portfolio"] if "portfolio" in est.index else []) + list(providers.index[:EXTRA_PROVIDERS])
    samples = agreement_results(results, v) if results.has_losses or results.has_records else None
    divisor, scale = money_scale(est.loc[rows, "mean"].abs() + 4 * est.loc[rows, "sd"])
    fig, axes = plt.subplots(1, len(rows), figsize=(5.4 * len(rows), 4.6), squeeze=False)
    for ax, row in zip(axes[0], rows):
        if samples is not None and row in samples.columns:
            x = samples[row].to_numpy() / divisor
            bins = int(np.clip(np.sqrt(x.size) * 2, 10, 80))
            ax.hist(x, bins=bins, color="0.78", label=f"{x.size} replications")
            ax.set_ylabel("replications")
        else:
            ax.set_ylabel("")
            ax.set_yticks([])
        ax.axvline(est.loc[row, "mean"] / divisor, color="black", lw=1.2, label="mean")
        for level in LEVELS:
            q = f"var_{level}"
            if q not in est.columns:
                continue
            x = -est.loc[row, q] / divisor
            lo, hi = -wide["ci_high"].loc[row, q] / divisor, -wide["ci_low"].loc[row, q] / divisor
            colour = LEVEL_COLOURS[level]
            ax.axvline(x, color=colour, ls="--", lw=1.3,
                       label=f"{100 - LEVELS[level] * 100:g}% quantile (-VaR {_level_label(level)})")
            if hi > lo:
                ax.axvspan(lo, hi, color=colour, alpha=0.12)
        lo, hi = ax.get_xlim()
        if lo < 0 < hi:
            ax.axvline(0, color="0.4", lw=0.8, ls=":", label="break-even")
        loss = est.loc[row, "loss_probability"] if "loss_probability" in est.columns else np.nan
        ax.set_title(f"{row}" + (f"   P(loss) = {loss:.1%}" if np.isfinite(loss) else ""), fontsize=10)
        ax.set_xlabel(_money_label("net provider result over the agreement", results, scale))
        ax.legend(fontsize=7, loc="best")
    note = ("Grey: the stored replications." if samples is not None else
            "Per-replication results not stored (a file before format 2.3: run again to draw the distribution).")
    fig.text(0.5, 0.01, note + " Positive = the provider gains. Dashed: simulated quantiles of the net "
             "result (= -VaR of the loss), shaded: their 95% intervals.", ha="center", fontsize=8, wrap=True)
    fig.suptitle(f"Net provider result: {_title(results, v)}", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 0.93))
    return fig


# --- threshold ---------------------------------------------------------------------------------

def threshold(results: Results, variant: Optional[str] = None) -> Figure:
    """False reward / false penalty / false negative rates against mean panel size, one series per
    min_units, 95% intervals. Groups the threshold excludes entirely (every provider-year below
    min_units) make no payments, so have no error rate: they are marked on the axis, not drawn as 0."""
    v = _variant(results, variant)
    table = results.analysis("threshold", "rates", variant=v)
    columns = list(dict.fromkeys(table["column"]))
    wide = _pivot(table, "agreement" if "agreement" in columns else columns[0])
    est, low, high = wide["estimate"], wide["ci_low"], wide["ci_high"]
    parsed = pd.DataFrame([(n.rsplit(" min_units=", 1) + [""])[:2] for n in est.index],
                          index=est.index, columns=["group", "min_units"])
    levels = sorted({m for m in parsed["min_units"] if m}, key=float)
    units = est["mean_units"]
    excluded = est["excluded_share"] >= 1 if "excluded_share" in est.columns else units * 0 > 0
    positive = units[np.isfinite(units) & (units > 0)]
    log_x = positive.size > 0 and positive.max() > 10 * positive.min()
    fig, axes = plt.subplots(1, len(THRESHOLD_RATES), figsize=(15, 4.8), sharex=True)
    for ax, rate in zip(axes, THRESHOLD_RATES):
        for k, level in enumerate(levels):
            colour = f"C{k % 10}"
            dodge = 1 + 0.012 * (k - (len(levels) - 1) / 2)
            for pooled in (False, True):
                sel = (parsed["min_units"] == level) & ((parsed["group"] == "all") == pooled)
                drawn = sel & ~excluded & np.isfinite(est[rate])
                gone = sel & excluded
                order = units[drawn].sort_values().index
                x = units[order] * dodge if log_x else units[order] + (dodge - 1) * units.max()
                y = est.loc[order, rate]
                err = np.abs([y - low.loc[order, rate], high.loc[order, rate] - y])
                ax.errorbar(x, y, yerr=err, color=colour, capsize=2, ls="none" if pooled else ":",
                            marker="*" if pooled else "o", ms=10 if pooled else 4,
                            mfc="none" if pooled else colour,
                            label=None if pooled else f"min_units = {level}")
                if gone.any():
                    ax.plot(units[gone] * (dodge if log_x else 1), np.zeros(int(gone.sum())), "x",
                            color=colour, ms=7, clip_on=False)
        ax.set_title(f"{rate.replace('_', ' ')} rate", fontsize=10)
        ax.set_xlabel("mean panel size (units per provider-year)")
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
        top = np.nanmax(high[rate].where(~excluded))
        top = max(0.05, float(top) if np.isfinite(top) else 0.05) * 1.08
        ax.set_ylim(-0.03 * top, top)
        if log_x:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.grid(alpha=0.3)
    axes[0].plot([], [], "k*", mfc="none", ms=10, ls="none", label='"all" (pooled groups)')
    if excluded.any():
        axes[0].plot([], [], "kx", ls="none", label="group excluded (no payments)")
    axes[0].legend(fontsize=7)
    descriptions = "; ".join(f"{r.replace('_', ' ')} = {d}" for r, d in _descriptions(results, v).items())
    fig.text(0.5, 0.01, textwrap.shorten(descriptions, 230), ha="center", fontsize=8)
    fig.suptitle(f"Threshold error rates by provider group (95% intervals): {_title(results, v)}", fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 0.93))
    return fig


def _descriptions(results: Results, variant: str) -> Dict[str, str]:
    import h5py
    with h5py.File(results.path, "r") as f:
        g = f[f"analysis/threshold/{variant}/rates"]
        return {r: (lambda d: d.decode() if isinstance(d, bytes) else str(d))(g[r].attrs.get("description", b""))
                for r in THRESHOLD_RATES if r in g}


# --- benchmark error ---------------------------------------------------------------------------

def benchmark_error(results: Results, variant: Optional[str] = None, methods: Optional[List[str]] = None) -> Figure:
    """Bias and RMSE of each benchmark method by performance year, as shares of the
    counterfactual cost per unit, 95% intervals. Methods the run did not estimate (no estimate
    in any year, e.g. the regional ones without a comparison population) are left out, or only
    `methods`; without any, ValueError."""
    v = _variant(results, variant)
    table = results.analysis("benchmark", "methods", variant=v)
    columns = list(dict.fromkeys(table["column"]))
    if methods is None:
        ran = table.groupby("row", sort=False)["estimate"].apply(lambda x: x.notna().any())
        methods = [m for m, ok in ran.items() if ok]
    if not methods:
        raise ValueError("no benchmark method has estimates in this run")
    width = 0.8 / max(len(columns), 1)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    for ax, q in zip(axes, ("bias", "rmse")):
        for c, column in enumerate(columns):
            part = table[(table["quantity"] == q) & (table["column"] == column)].set_index("row").reindex(methods)
            x = np.arange(len(methods)) + (c - (len(columns) - 1) / 2) * width
            y = part["estimate"].to_numpy()
            err = np.abs([y - part["ci_low"].to_numpy(), part["ci_high"].to_numpy() - y])
            ax.bar(x, y, width, yerr=err, capsize=2, label=column_label(column), color=f"C{c % 10}")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(np.arange(len(methods)), methods, rotation=15)
        ax.set_ylabel(f"{'RMSE' if q == 'rmse' else 'bias'} (share of the counterfactual cost)")
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
        ax.set_title("bias: mean of (benchmark - counterfactual) / counterfactual" if q == "bias"
                     else "root mean square error", fontsize=9)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(columns), fontsize=8, bbox_to_anchor=(0.5, 0.91))
    fig.suptitle(f"Benchmark error by method (95% intervals): {_title(results, v)}", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.85))
    return fig


# --- withhold ----------------------------------------------------------------------------------

def earn_back(results: Results, variant: Optional[str] = None) -> Figure:
    """The distribution of the share of the withhold earned back, over provider-years."""
    v = _variant(results, variant)
    table = results.analysis("withhold", "earn_share_distribution", variant=v)
    part = table[table["quantity"] == "probability"]
    y = part["estimate"].to_numpy()
    err = np.abs([y - part["ci_low"].to_numpy(), part["ci_high"].to_numpy() - y])
    fig, ax = plt.subplots(figsize=(8, 4.8))
    ax.bar(np.arange(len(y)), y, 0.85, yerr=err, capsize=3, color="tab:blue")
    ax.set_xticks(np.arange(len(y)), list(part["row"]), rotation=30)
    ax.set_xlabel("share of the withhold earned back")
    ax.set_ylabel("share of provider-years")
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"Withhold earn-back (95% intervals): {_title(results, v)}", fontsize=10)
    fig.tight_layout()
    return fig


# --- population ---------------------------------------------------------------------------------

def population_by_year(results: Results, variant: Optional[str] = None) -> Figure:
    """Cost per unit (with the counterfactual) and the catastrophic share by calendar year, portfolio."""
    v = _variant(results, variant)
    wide = results.summary("portfolio", variant=v)
    labels = list(dict.fromkeys(wide["column"]))
    row = wide["row"].iloc[0]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
    for q, colour in (("cost_per_unit", "tab:blue"), ("counterfactual_per_unit", "tab:gray")):
        part = wide[(wide["quantity"] == q) & (wide["row"] == row)].set_index("column").reindex(labels)
        if part["estimate"].notna().any():
            axes[0].errorbar(np.arange(len(labels)), part["estimate"], capsize=3, color=colour, marker="o",
                             yerr=np.abs([part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]]),
                             label=q.replace("_", " "))
    axes[0].set_ylabel(f"per unit-year ({currency(results)})")
    axes[0].set_title("cost per unit-year by calendar year (95% intervals)", fontsize=9)
    axes[0].legend(fontsize=8)
    for ax in axes:
        ax.set_xticks(np.arange(len(labels)), labels)
        ax.set_xlabel("calendar year (B: baseline, P: performance)")
        ax.grid(alpha=0.3)
    for q, colour in (("catastrophic_share", "tab:red"), ("any_cost_rate", "tab:green")):
        part = wide[(wide["quantity"] == q) & (wide["row"] == row)].set_index("column").reindex(labels)
        if part["estimate"].notna().any():
            axes[1].plot(np.arange(len(labels)), part["estimate"], marker="o", color=colour, label=q.replace("_", " "))
    axes[1].yaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes[1].set_ylim(0, 1)
    axes[1].set_title("share of members with any cost; share of cost in catastrophic claims", fontsize=9)
    axes[1].legend(fontsize=8)
    fig.suptitle(f"Population ({row}): {_title(results, v)}", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def sample(results: Results, replication: int = 0, apmsim: Optional[str] = None) -> pd.DataFrame:
    """One replication's members as `apmsim sample` writes them, from the scenario stored in the
    file and its seed: member, provider, ..., year, stratum, risk_score, cost, counterfactual_cost."""
    with tempfile.TemporaryDirectory(prefix="apmsim-sample-") as folder:
        scenario = os.path.join(folder, "scenario.toml")
        with open(scenario, "w", encoding="utf-8") as f:
            f.write(results.scenario)
        out = os.path.join(folder, "claims.csv")
        args = [find_apmsim(apmsim), "sample", scenario, "--out", out, "--replication", str(replication),
                "--seed", str(results.info["seed"])]
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"apmsim sample failed ({done.returncode}): {done.stderr.strip()}")
        return pd.read_csv(out, usecols=["member", "provider", "year", "stratum", "cost"])


def concentration(costs) -> pd.DataFrame:
    """The concentration (Lorenz) curve of costs: members sorted by cost, most costly first;
    columns member_share (top x of members) and cost_share (their share of the total)."""
    c = np.sort(np.asarray(costs, dtype=float))[::-1]
    total = c.sum()
    return pd.DataFrame({"member_share": np.arange(1, c.size + 1) / c.size,
                         "cost_share": np.cumsum(c) / total if total > 0 else np.zeros(c.size)})


def population(results: Results, claims: Optional[pd.DataFrame] = None, year: Optional[int] = None,
               apmsim: Optional[str] = None) -> Figure:
    """Cost distribution and concentration of annual cost per member in one calendar year (default
    the last) of one replication (`claims`, default `sample(results)`)."""
    claims = sample(results, apmsim=apmsim) if claims is None else claims
    year = int(claims["year"].max()) if year is None else year
    costs = claims.loc[claims["year"] == year, "cost"].to_numpy(dtype=float)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    positive = costs[costs > 0]
    if positive.size:
        bins = np.logspace(np.log10(max(positive.min(), 1.0)), np.log10(positive.max()), 60)
        axes[0].hist(positive, bins=bins, color="tab:blue", alpha=0.8)
        axes[0].set_xscale("log")
        axes[0].axvline(costs.mean(), color="black", lw=1, label=f"mean {costs.mean():,.0f}")
        axes[0].axvline(np.median(costs), color="tab:orange", lw=1, ls="--", label=f"median {np.median(costs):,.0f}")
        axes[0].legend(fontsize=8)
    axes[0].set_xlabel(f"annual cost per member ({currency(results)}, log scale)")
    axes[0].set_ylabel("members")
    axes[0].set_title(f"{costs.size:,} members; {np.mean(costs <= 0):.1%} with no cost (not drawn)", fontsize=9)
    curve = concentration(costs)
    axes[1].plot(curve["member_share"], curve["cost_share"], color="tab:red")
    axes[1].plot([0, 1], [0, 1], color="0.6", lw=0.8, ls=":")
    for top in (0.01, 0.05, 0.2, 0.5):
        share = float(np.interp(top, curve["member_share"], curve["cost_share"]))
        axes[1].plot(top, share, "o", color="tab:red", ms=4)
        axes[1].annotate(f"top {top:.0%}: {share:.0%}", (top, share), textcoords="offset points",
                         xytext=(8, -10), fontsize=8)
    axes[1].set_xlabel("share of members (most costly first)")
    axes[1].set_ylabel("share of total cost")
    axes[1].xaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes[1].yaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes[1].set_title("concentration of cost", fontsize=9)
    for ax in axes:
        ax.grid(alpha=0.3)
    labels = results.year_labels()
    label = labels[year] if 0 <= year < len(labels) else str(year)
    fig.suptitle(f"Members' annual cost, year {label}, replication 0 (apmsim sample): "
                 f"{os.path.basename(results.path)}", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


# --- all of them -------------------------------------------------------------------------------

#: Plot name -> (function, the table it needs or None for the population plot).
PLOTS = {
    "net_result": (net_result, "risk/net_result"),
    "threshold": (threshold, "threshold/rates"),
    "benchmark_error": (benchmark_error, "benchmark/methods"),
    "earn_back": (earn_back, "withhold/earn_share_distribution"),
    "population_by_year": (population_by_year, None),
}


def available(results: Results, variant: Optional[str] = None) -> List[str]:
    """The plots the file supports for `variant`; `population` (which runs apmsim sample) is
    offered for a run without a contract."""
    v = _variant(results, variant)
    names = [n for n, (_, t) in PLOTS.items()
             if t is None or f"analysis/{t.split('/')[0]}/{v}/{t.split('/')[1]}" in results.tables()]
    if results.contract("portfolio", variant=v).empty:
        names.append("population")
    return names


def save_all(results: Results, out: str, variant: Optional[str] = None, apmsim: Optional[str] = None,
             names: Optional[List[str]] = None) -> List[str]:
    """Writes every plot the file supports (or `names`) as PNG into `out`; returns the paths."""
    os.makedirs(out, exist_ok=True)
    written = []
    for name in names or available(results, variant):
        fig = (population(results, apmsim=apmsim) if name == "population"
               else PLOTS[name][0](results, variant))
        path = os.path.join(out, f"{name}.png")
        fig.savefig(path, dpi=DPI)
        plt.close(fig)
        written.append(path)
    return written
