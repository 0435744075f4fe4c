#!/usr/bin/env python3
"""Plot the contract analyses of an apmsim results file (HDF5, format 1.x).

    /usr/bin/python3 scripts/plot_results.py RESULTS.h5 [--variant NAME] [--out DIR]

Writes, for one variant (default: the first of the run), into DIR (default: `<stem>_plots/` next to
the results file):

    net_result.png       net provider result of the portfolio and the two providers with the largest
                         SD: a normal reference density (simulated mean and SD) with the simulated
                         VaR/TVaR of the loss drawn at net result = -VaR / -TVaR, +-1 SE shaded
    threshold.png        false reward / false penalty / false negative rate versus mean panel size,
                         one series per min_units value, 95% confidence intervals
    benchmark_error.png  bias and RMSE of each benchmark method by performance year, 95% CIs
    earn_back.png        distribution of the withhold earn-back share (only with a withhold)

A plot whose table is absent is skipped with a note. Exit code 2 for an unreadable file or an unknown
variant. Needs only Debian's python3-h5py, python3-numpy and python3-matplotlib.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import FuncFormatter, LogLocator, PercentFormatter  # noqa: E402

RISK_LEVELS = ("95", "99")          # VaR/TVaR levels drawn on net_result.png
LEVEL_COLOURS = {"90": "tab:green", "95": "tab:orange", "99": "tab:red", "995": "tab:purple"}
EXTRA_PROVIDERS = 2                 # providers drawn next to the portfolio on net_result.png
THRESHOLD_RATES = ("false_reward", "false_penalty", "false_negative")
DPI = 130


class ResultsError(Exception):
    """The results file cannot be used (the CLI exits with code 2)."""


@dataclass
class Table:
    """One estimate table: estimates, standard errors and 95% CI bounds per quantity, (rows, columns)."""

    rows: list[str]
    columns: list[str]
    est: dict[str, np.ndarray]
    se: dict[str, np.ndarray]
    low: dict[str, np.ndarray]
    high: dict[str, np.ndarray]
    units: dict[str, str]
    descriptions: dict[str, str]

    def row(self, name: str) -> int:
        return self.rows.index(name)


def text(value) -> str:
    """Decode a fixed-length (bytes) or variable-length (str) HDF5 string."""
    return value.decode("utf-8") if isinstance(value, (bytes, np.bytes_)) else str(value)


def strings(dataset) -> list[str]:
    return [text(v) for v in dataset[()]]


def read_table(f: h5py.File, path: str) -> Table | None:
    """Read the estimate table at `path`; None (with a note) when it is absent or malformed."""
    group = f.get(path)
    if not isinstance(group, h5py.Group):
        return None
    try:
        rows, quantities = strings(group["rows"]), strings(group["quantities"])
        columns = strings(group["columns"]) if "columns" in group else None
        multiplier = float(group.attrs.get("ci_multiplier", 1.96))
        est, se, low, high, units, descriptions = {}, {}, {}, {}, {}, {}
        for q in quantities:
            est[q] = np.atleast_2d(np.asarray(group[q][()], dtype=float))
            se[q] = np.asarray(group[q + "_se"][()], dtype=float).reshape(est[q].shape)
            low[q] = group[q + "_ci_low"][()] if q + "_ci_low" in group else est[q] - multiplier * se[q]
            high[q] = group[q + "_ci_high"][()] if q + "_ci_high" in group else est[q] + multiplier * se[q]
            units[q] = text(group[q].attrs.get("unit", ""))
            descriptions[q] = text(group[q].attrs.get("description", ""))
        if columns is None:
            columns = [f"year {k + 1}" for k in range(est[quantities[0]].shape[1])] if quantities else []
    except (KeyError, ValueError, IndexError) as error:
        print(f"note: table {path} is malformed ({error}); skipped")
        return None
    return Table(rows, columns, est, se, low, high, units, descriptions)


def open_results(path: Path) -> h5py.File:
    """Open and check an apmsim results file; raise ResultsError with a clear message."""
    if not path.is_file():
        raise ResultsError(f"{path}: does not exist")
    if not h5py.is_hdf5(path):
        raise ResultsError(f"{path}: not an HDF5 file")
    f = h5py.File(path, "r")
    if text(f.attrs.get("format", b"")) != "apmsim-results":
        raise ResultsError(f"{path}: not an apmsim results file")
    version = [int(v) for v in np.atleast_1d(f.attrs.get("format_version", [0, 0]))]
    if version[0] != 1:
        raise ResultsError(f"{path}: format version {'.'.join(map(str, version))} is not 1.x")
    if not isinstance(f.get("summary"), h5py.Group):
        raise ResultsError(f"{path}: not an apmsim results file (no /summary group)")
    return f


def variant_names(f: h5py.File) -> list[str]:
    """The variants in the order of the run (creation order of /summary), groups only."""
    summary = f["summary"]
    names: list[str] = []
    try:
        summary.id.links.iterate(lambda n: names.append(text(n)), idx_type=h5py.h5.INDEX_CRT_ORDER)
    except (ValueError, RuntimeError, KeyError):  # order not tracked (e.g. a rewritten file)
        names = list(summary.keys())
    return [n for n in names if isinstance(summary.get(n), h5py.Group)]


def scale_for(values) -> tuple[float, str]:
    """A divisor and its name so that currency amounts read as plain, thousands or millions."""
    peak = np.nanmax(np.abs(values)) if np.size(values) else 0.0
    for divisor, name in ((1e9, "billions"), (1e6, "millions"), (1e3, "thousands")):
        if peak >= 10 * divisor:
            return divisor, name
    return 1.0, ""


def level_label(level: str) -> str:
    """'995' -> '99.5%', '95' -> '95%'."""
    return (level[:2] + "." + level[2:] if len(level) > 2 else level) + "%"


def column_label(column: str) -> str:
    return {"all": "all years", "agreement": "agreement"}.get(
        column, column.replace("performance_year_", "PY"))


def replication_samples(f: h5py.File, variant: str, row: int, column: int) -> np.ndarray | None:
    """Per-replication net results, when the file has them (assumed layout:
    /replications/<variant>/net_result of shape (replications, risk rows, risk columns))."""
    data = f.get(f"replications/{variant}/net_result")
    if not isinstance(data, h5py.Dataset) or data.ndim != 3:
        return None
    if row >= data.shape[1] or column >= data.shape[2]:
        return None
    return np.asarray(data[:, row, column], dtype=float)


def plot_net_result(f: h5py.File, variant: str, title: str, out: Path) -> Path | None:
    """Net-result distribution of the portfolio and the largest providers, with VaR/TVaR lines."""
    table = read_table(f, f"analysis/risk/{variant}/net_result")
    if table is None or "mean" not in table.est or "sd" not in table.est:
        print("note: no analysis/risk net_result table; net_result.png skipped")
        return None
    col = table.columns.index("agreement") if "agreement" in table.columns else len(table.columns) - 1
    portfolio = table.row("portfolio") if "portfolio" in table.rows else len(table.rows) - 1
    providers = [r for r in np.argsort(-np.nan_to_num(table.est["sd"][:, col])) if r != portfolio]
    rows = [portfolio] + providers[:EXTRA_PROVIDERS]
    divisor, scale_name = scale_for(table.est["mean"][rows, col] + 4 * table.est["sd"][rows, col])
    unit = table.units.get("mean") or "currency"
    fig, axes = plt.subplots(1, len(rows), figsize=(5.4 * len(rows), 4.8), squeeze=False)
    stored = False  # whether any per-replication results were drawn
    for ax, r in zip(axes[0], rows):
        mean, sd = table.est["mean"][r, col], table.est["sd"][r, col]
        lines = []  # (label, net-result threshold = -loss measure, its SE, level, line style)
        for kind, style in (("VaR", "--"), ("TVaR", ":")):
            for level in RISK_LEVELS:
                q = f"{kind.lower()}_{level}"
                if q in table.est:
                    lines.append((f"{kind} {level_label(level)}", -table.est[q][r, col],
                                  table.se[q][r, col], level, style))
        xs = [mean - 4 * sd, mean + 4 * sd] + [x for _, x, _, _, _ in lines]
        grid = np.linspace(np.nanmin(xs), np.nanmax(xs), 400)
        samples = replication_samples(f, variant, r, col)
        if samples is not None:
            stored = True
            ax.hist(samples / divisor, bins=60, density=True, color="0.75", label="replications")
        if sd > 0:
            density = np.exp(-0.5 * ((grid - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
            ax.plot(grid / divisor, density * divisor, color="tab:blue", label="normal reference")
        ax.axvline(mean / divisor, color="black", lw=1, label="mean")
        if grid[0] < 0 < grid[-1]:
            ax.axvline(0, color="0.5", lw=0.8)  # break-even
        for label, x, se, level, style in lines:
            colour = LEVEL_COLOURS.get(level, "tab:gray")
            ax.axvline(x / divisor, color=colour, ls=style, lw=1.5, label=label)
            if se > 0:
                ax.axvspan((x - se) / divisor, (x + se) / divisor, color=colour, alpha=0.15)
        loss = table.est.get("loss_probability")
        subtitle = f"  P(loss) = {loss[r, col]:.1%}" if loss is not None else ""
        ax.set_title(f"{table.rows[r]} ({column_label(table.columns[col])}){subtitle}", fontsize=10)
        ax.set_xlabel(f"net provider result ({unit}{', ' + scale_name if scale_name else ''})")
        ax.set_ylabel(f"density (per {scale_name or 'unit of'} {unit})")
        ax.legend(fontsize=7, loc="best")
    fig.suptitle(f"Net provider result: {title}", fontsize=10)
    histogram = "Grey: the stored replications. " if stored else "(Per-replication results not stored.) "
    fig.text(0.5, 0.01, histogram + "Curve: normal reference with the simulated mean and SD. Vertical "
             "lines: simulated VaR / TVaR of the loss, drawn at net result = -VaR / -TVaR, shaded +-1 SE.",
             ha="center", fontsize=8, wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 0.93))
    return save(fig, out / "net_result.png")


def plot_threshold(f: h5py.File, variant: str, title: str, out: Path) -> Path | None:
    """False reward / penalty / negative rates versus mean panel size, one series per min_units."""
    table = read_table(f, f"analysis/threshold/{variant}/rates")
    needed = ("mean_units",) + THRESHOLD_RATES
    if table is None or any(q not in table.est for q in needed):
        print("note: no analysis/threshold rates table; threshold.png skipped")
        return None
    parsed = [(name.rsplit(" min_units=", 1) + [""])[:2] for name in table.rows]
    levels = sorted({m for _, m in parsed if m}, key=float)
    units = table.est["mean_units"][:, 0]
    positive = units[np.isfinite(units) & (units > 0)]
    log_x = positive.size > 0 and positive.max() > 10 * positive.min()
    fig, axes = plt.subplots(1, len(THRESHOLD_RATES), figsize=(15, 4.8), sharex=True)
    for ax, rate in zip(axes, THRESHOLD_RATES):
        for k, level in enumerate(levels):
            colour = f"C{k % 10}"
            dodge = 1 + 0.01 * (k - (len(levels) - 1) / 2)  # keep error bars apart
            for is_all in (False, True):
                idx = [i for i, (g, m) in enumerate(parsed) if m == level and (g == "all") == is_all]
                if not idx:
                    continue
                idx.sort(key=lambda i: units[i])
                x = units[idx] * dodge if log_x else units[idx] + (dodge - 1) * np.nanmax(units)
                y = table.est[rate][idx, 0]
                err = np.abs([y - table.low[rate][idx, 0], table.high[rate][idx, 0] - y])
                ax.errorbar(x, y, yerr=err, color=colour, capsize=2, ls="none" if is_all else ":",
                            marker="*" if is_all else "o", ms=10 if is_all else 4,
                            mfc="none" if is_all else colour,
                            label=None if is_all else f"min_units = {level}")
        description = textwrap.shorten(table.descriptions.get(rate, ""), 60)
        ax.set_title(f"{rate.replace('_', ' ')}: {description}", fontsize=9)
        ax.set_xlabel("mean panel size (units per provider-year)")
        ax.set_ylabel(f"{rate.replace('_', ' ')} rate")
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
        top = max(0.05, float(np.nanmax(table.high[rate]))) * 1.08
        ax.set_ylim(-0.03 * top, top)
        if log_x:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.grid(alpha=0.3)
    axes[0].plot([], [], "k*", mfc="none", ms=10, label='"all" (pooled groups)')
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Threshold error rates by provider group (95% CIs): {title}", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return save(fig, out / "threshold.png")


def plot_benchmark(f: h5py.File, variant: str, title: str, out: Path) -> Path | None:
    """Bias and RMSE of each benchmark method, bars grouped by performance year / all years."""
    table = read_table(f, f"analysis/benchmark/{variant}/methods")
    if table is None or "bias" not in table.est or "rmse" not in table.est:
        print("note: no analysis/benchmark methods table; benchmark_error.png skipped")
        return None
    n_rows, n_cols = len(table.rows), len(table.columns)
    width = 0.8 / max(n_cols, 1)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    for ax, q in zip(axes, ("bias", "rmse")):
        for c, column in enumerate(table.columns):
            x = np.arange(n_rows) + (c - (n_cols - 1) / 2) * width
            y = table.est[q][:, c]
            err = np.abs([y - table.low[q][:, c], table.high[q][:, c] - y])
            ax.bar(x, y, width, yerr=err, capsize=2, label=column_label(column), color=f"C{c % 10}")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(np.arange(n_rows), table.rows, rotation=15)
        ax.set_xlabel("benchmark method")
        ax.set_ylabel(f"{q.upper() if q == 'rmse' else q} (share of counterfactual cost per unit)")
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
        ax.set_title("mean error (benchmark - counterfactual) / counterfactual" if q == "bias"
                     else "root mean square error", fontsize=9)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=n_cols, fontsize=8, bbox_to_anchor=(0.5, 0.91))
    fig.suptitle(f"Benchmark error by method (95% CIs): {title}", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.85))
    return save(fig, out / "benchmark_error.png")


def plot_earn_back(f: h5py.File, variant: str, title: str, out: Path) -> Path | None:
    """Bar chart of the withhold earn-back share distribution."""
    table = read_table(f, f"analysis/withhold/{variant}/earn_share_distribution")
    if table is None or "probability" not in table.est:
        print("note: no analysis/withhold earn_share_distribution table (no withhold); "
              "earn_back.png skipped")
        return None
    y = table.est["probability"][:, 0]
    err = np.abs([y - table.low["probability"][:, 0], table.high["probability"][:, 0] - y])
    fig, ax = plt.subplots(figsize=(8, 4.8))
    ax.bar(np.arange(len(y)), y, 0.85, yerr=err, capsize=3, color="tab:blue")
    ax.set_xticks(np.arange(len(y)), table.rows, rotation=30)
    ax.set_xlabel("earn-back share (fraction of the withhold earned back)")
    ax.set_ylabel("share of provider-years")
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"Withhold earn-back distribution (95% CIs): {title}", fontsize=10)
    fig.tight_layout()
    return save(fig, out / "earn_back.png")


def save(fig, path: Path) -> Path:
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, help="apmsim results file (.h5)")
    parser.add_argument("--variant", help="variant to plot (default: the first of the run)")
    parser.add_argument("--out", type=Path, help="output folder (default: <stem>_plots/ beside it)")
    args = parser.parse_args(argv)
    try:
        f = open_results(args.results)
    except (ResultsError, OSError) as error:
        print(f"error: {error}" if isinstance(error, ResultsError)
              else f"error: {args.results}: cannot read ({error})", file=sys.stderr)
        return 2
    with f:
        variants = variant_names(f)
        if not variants:
            print(f"error: {args.results}: no variants under /summary", file=sys.stderr)
            return 2
        variant = args.variant if args.variant is not None else variants[0]
        if variant not in variants:
            print(f"error: {args.results}: unknown variant {variant!r}; variants: "
                  + ", ".join(variants), file=sys.stderr)
            return 2
        out = args.out or args.results.parent / f"{args.results.stem}_plots"
        out.mkdir(parents=True, exist_ok=True)
        title = "\n".join(textwrap.wrap(f"{args.results.name}, variant {variant}", 110))
        for plot in (plot_net_result, plot_threshold, plot_benchmark, plot_earn_back):
            path = plot(f, variant, title, out)
            if path is not None:
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
