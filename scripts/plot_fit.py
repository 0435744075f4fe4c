#!/usr/bin/env python3
"""Draws `apmsim calibrate`'s fit report (its --json or --plot DIR/fit.json) as PNG files:

  fit_summary.png       share of members with any cost per stratum (with 95% intervals), and the
                        out-of-sample error of each severity form's limited means
  fit_<stratum>.png     per stratum: observed against fitted limited expected values
                        E[min(X, A)] at the report's thresholds (both forms), and a QQ plot of
                        log costs (fitted quantiles against observed ones)

usage: scripts/plot_fit.py FIT.json [--out DIR]   (default: the JSON file's folder)
"""
import argparse
import json
import math
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def safe(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def summary_plot(fit, out):
    strata = fit["strata"]
    names = [s["name"] for s in strata]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    p = [s["p_positive"] for s in strata]
    err = [1.96 * (s["p_positive_se"] or 0.0) for s in strata]
    a.bar(names, p, yerr=err, color="#4c72b0", capsize=4)
    a.set_ylim(0, 1)
    a.set_ylabel("share of member-years with any cost")
    a.set_title("P(cost > 0) by stratum (95% interval)")
    width = 0.38
    x = range(len(strata))
    pe = [100 * s.get("parametric_error", 0.0) for s in strata]
    ee = [100 * s.get("empirical_error", 0.0) for s in strata]
    b.bar([i - width / 2 for i in x], pe, width, label="parametric", color="#dd8452")
    b.bar([i + width / 2 for i in x], ee, width, label="empirical", color="#55a868")
    b.set_xticks(list(x))
    b.set_xticklabels(names)
    b.set_ylabel("mean relative error of limited means (%)")
    b.set_title(f"out of sample (better: {fit['better']})")
    b.legend()
    fig.suptitle(f"apmsim calibrate: {os.path.basename(fit['source'])}")
    fig.tight_layout()
    path = os.path.join(out, "fit_summary.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def stratum_plot(fit, s, out):
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    t = fit["thresholds"]
    a.plot(t, s["observed"]["limited"], "o-", color="black", label="observed")
    a.plot(t, s["parametric"]["limited"], "s--", color="#dd8452", label="parametric")
    a.plot(t, s["empirical"]["limited"], "^:", color="#55a868", label="empirical")
    a.set_xscale("log")
    a.set_xlabel("threshold A (money, first-year)")
    a.set_ylabel("E[min(X, A)] of positive costs")
    a.set_title(f"{s['name']}: limited expected values")
    a.legend()
    obs = s["qq_observed"]
    lo, hi = min(obs), max(obs)
    b.plot([lo, hi], [lo, hi], color="grey", lw=1)
    b.plot(obs, s["qq_parametric"], "s", ms=3, color="#dd8452", label="parametric")
    b.plot(obs, s["qq_empirical"], "^", ms=3, color="#55a868", label="empirical")
    b.set_xlabel("observed log cost quantile")
    b.set_ylabel("fitted log cost quantile")
    title = f"{s['name']}: QQ plot of log costs"
    if s.get("tail_index") and not math.isnan(s["tail_index"] or math.nan):
        se = s.get("tail_index_se") or 0.0
        title += f"\ntail index {s['tail_index']:.2f} [{s['tail_index'] - 1.96 * se:.2f}, {s['tail_index'] + 1.96 * se:.2f}]"
    b.set_title(title)
    b.legend()
    fig.tight_layout()
    path = os.path.join(out, f"fit_{safe(s['name'])}.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("fit")
    p.add_argument("--out")
    args = p.parse_args()
    with open(args.fit) as f:
        fit = json.load(f)
    out = args.out or os.path.dirname(os.path.abspath(args.fit))
    os.makedirs(out, exist_ok=True)
    paths = [summary_plot(fit, out)] + [stratum_plot(fit, s, out) for s in fit["strata"]]
    for path in paths:
        print(f"plot_fit: wrote {path}")


if __name__ == "__main__":
    main()
