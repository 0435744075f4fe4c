#!/usr/bin/env python3
"""Validates apmsim's MSSP scenarios against CMS's published results (issue "1/7 reproduce CMS's
published MSSP results"): the figures of the PY2018 MSSP ACO public use file (PUF), summarized in
scripts/data/mssp_puf_2018.json by scripts/mssp_puf.py, against the same figures computed from a
run's contract records (`apmsim run ... --write-records`; with `--write-tallies` also the
risk-adjusted cost variation). Writes a table with a verdict per figure (docs/validation.md).

    scripts/validate_programs.py --results results/validation_mssp_aco.h5 \\
        [--two-sided results/validation_mssp_enhanced.h5] --out docs/validation.md

How the simulated figures are computed. Every (replication, participant ACO, performance year)
record is an ACO-year. Each figure is computed within one replication, over that replication's
ACO-years (the selected variant and performance years), like the PUF's cross-section of ACOs; the
value reported is the mean over replications and its Monte Carlo standard error is the sd over
replications / sqrt(R). The cross-ACO cv is computed per (replication, year), since costs trend
from year to year, and averaged over the years of the replication. The functions that compute
figures from arrays are pure (tests/scripts/test_validate_programs.py).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Dict, List, Optional, Sequence

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from mssp_puf import BAND_EDGES, band_index, band_labels, summarize, wls_size_law  # noqa: E402

DEFAULT_SUMMARY = os.path.join(HERE, "data", "mssp_puf_2018.json")
SEQUESTRATION = 0.98
#: Tolerances of the issue. kind "rel": |sim - pub| <= tol x |pub|; "abs": |sim - pub| <= tol.
TOLERANCES = {
    "size_law_b": ("rel", 0.30),
    "band_sd": ("rel", 0.20),
    "share_below_benchmark": ("abs", 0.08),
    "share_owing_losses": ("abs", 0.05),
    "mean_savings_rate": ("abs", 0.01),
    "cv_raw": ("rel", 0.25),
    "cv_risk_adjusted": ("rel", 0.25),
    "quality_mean": ("abs", 0.03),
}
#: A size band's sd is compared only where the PUF has at least this many ACOs in it.
MIN_PUF_BAND_COUNT = 30
#: Relative tolerance of "exact" for the sequestration ratio (floating point).
EXACT = 1e-9


# --- pure functions of arrays ------------------------------------------------------------------

def band_stats(units: np.ndarray, rates: np.ndarray, edges: Sequence[float] = BAND_EDGES) -> Dict[str, np.ndarray]:
    """Per size band [lo, hi) of `units`: count, mean units, mean, sd (ddof 1) and variance of
    `rates`; NaN where a band has no ACO-years (mean) or fewer than 2 (sd, var). NaN rates are
    left out."""
    units = np.asarray(units, float).ravel()
    rates = np.asarray(rates, float).ravel()
    ok = np.isfinite(units) & np.isfinite(rates)
    units, rates = units[ok], rates[ok]
    k = band_index(units, edges)
    nb = len(edges) - 1
    out = {name: np.full(nb, np.nan) for name in ("mean_n", "mean", "sd", "var")}
    out["count"] = np.zeros(nb)
    for b in range(nb):
        m = k == b
        c = int(m.sum())
        out["count"][b] = c
        if c:
            out["mean_n"][b] = units[m].mean()
            out["mean"][b] = rates[m].mean()
        if c > 1:
            out["var"][b] = rates[m].var(ddof=1)
            out["sd"][b] = np.sqrt(out["var"][b])
    return out


def fit_size_law(var: np.ndarray, mean_n: np.ndarray, count: np.ndarray):
    """var = a + b / N by weighted least squares over bands (weights = count), as for the PUF;
    bands with fewer than 2 ACO-years are left out; NaN when fewer than 2 bands remain."""
    var, mean_n, count = (np.asarray(v, float) for v in (var, mean_n, count))
    use = count >= 2
    return wls_size_law(np.where(use, var, np.nan), mean_n, np.where(use, count, 0))


def share_below_benchmark(benchmark: np.ndarray, cost: np.ndarray) -> float:
    """Share of ACO-years whose cost is below their benchmark."""
    b, c = np.asarray(benchmark, float).ravel(), np.asarray(cost, float).ravel()
    ok = np.isfinite(b) & np.isfinite(c)
    return float(np.mean(c[ok] < b[ok])) if ok.any() else float("nan")


def mean_finite(x: np.ndarray) -> float:
    x = np.asarray(x, float).ravel()
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else float("nan")


def sd_finite(x: np.ndarray) -> float:
    x = np.asarray(x, float).ravel()
    x = x[np.isfinite(x)]
    return float(x.std(ddof=1)) if x.size > 1 else float("nan")


def share_owing_losses(reconciliation: np.ndarray) -> float:
    """Share of ACO-years with a shared loss (reconciliation < 0)."""
    r = np.asarray(reconciliation, float).ravel()
    r = r[np.isfinite(r)]
    return float(np.mean(r < 0)) if r.size else float("nan")


def cross_cv(x: np.ndarray) -> float:
    """Cross-sectional coefficient of variation, sd (ddof 1) / mean."""
    x = np.asarray(x, float).ravel()
    x = x[np.isfinite(x)]
    return float(x.std(ddof=1) / x.mean()) if x.size > 1 else float("nan")


def yearly_cv(per_capita: np.ndarray) -> float:
    """Mean over years (columns) of the cv across ACOs (rows) of a (ACOs, years) array."""
    per_capita = np.atleast_2d(np.asarray(per_capita, float))
    return mean_finite(np.array([cross_cv(per_capita[:, y]) for y in range(per_capita.shape[1])]))


def sequestration_check(reconciliation: np.ndarray, shared_result: np.ndarray,
                        factor: float = SEQUESTRATION, rtol: float = EXACT) -> Dict:
    """Ratios reconciliation / shared_result: for savings (reconciliation > 0) they should all be
    `factor`; for losses (< 0) all 1 (losses are not sequestered)."""
    r, s = np.asarray(reconciliation, float).ravel(), np.asarray(shared_result, float).ravel()
    ok = np.isfinite(r) & np.isfinite(s) & (s != 0)
    pos, neg = ok & (r > 0), ok & (r < 0)
    rp, rn = r[pos] / s[pos], r[neg] / s[neg]
    out = {"savings_records": int(pos.sum()), "loss_records": int(neg.sum()),
           "savings_ratio_min": float(rp.min()) if rp.size else float("nan"),
           "savings_ratio_max": float(rp.max()) if rp.size else float("nan"),
           "loss_ratio_min": float(rn.min()) if rn.size else float("nan"),
           "loss_ratio_max": float(rn.max()) if rn.size else float("nan")}
    out["savings_exact"] = bool(rp.size) and bool(np.all(np.abs(rp - factor) <= rtol * factor))
    out["losses_exact"] = bool(np.all(np.abs(rn - 1.0) <= rtol))
    return out


def replication_figures(rec: Dict[str, np.ndarray], risk_per_unit: Optional[np.ndarray] = None,
                        edges: Sequence[float] = BAND_EDGES) -> Dict[str, float]:
    """The figures of one replication from its records: `rec` maps field name -> (ACOs, years)
    array (units, benchmark, accountable_cost, savings_rate, quality_score, reconciliation,
    minimum_savings_rate); `risk_per_unit` (ACOs, years) is the mean risk score, if known."""
    units = np.asarray(rec["units"], float)
    sr = np.asarray(rec["savings_rate"], float)
    out: Dict[str, float] = {}
    bs = band_stats(units, sr, edges)
    a, b = fit_size_law(bs["var"], bs["mean_n"], bs["count"])
    out["size_law_a"], out["size_law_b"] = a, b
    for i, label in enumerate(band_labels(edges)):
        out[f"band_count/{label}"] = bs["count"][i]
        out[f"band_sd/{label}"] = bs["sd"][i]
        out[f"band_mean/{label}"] = bs["mean"][i]
    out["share_below_benchmark"] = share_below_benchmark(rec["benchmark"], rec["accountable_cost"])
    out["mean_savings_rate"] = mean_finite(sr)
    out["sd_savings_rate"] = sd_finite(sr)
    if "reconciliation" in rec:
        out["share_owing_losses"] = share_owing_losses(rec["reconciliation"])
    with np.errstate(invalid="ignore", divide="ignore"):
        per_capita = np.asarray(rec["accountable_cost"], float) / units
    out["cv_raw"] = yearly_cv(per_capita)
    if risk_per_unit is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            out["cv_risk_adjusted"] = yearly_cv(per_capita / np.asarray(risk_per_unit, float))
    if "quality_score" in rec:
        out["quality_mean"] = mean_finite(rec["quality_score"])
        out["quality_sd"] = sd_finite(rec["quality_score"])
    if "minimum_savings_rate" in rec:
        msr = np.asarray(rec["minimum_savings_rate"], float)
        for name, m in (("below_5000", units < 5000), ("at_or_above_5000", units >= 5000)):
            x = msr[m & np.isfinite(msr)]
            out[f"msr_min/{name}"] = float(x.min()) if x.size else float("nan")
            out[f"msr_max/{name}"] = float(x.max()) if x.size else float("nan")
    return out


def mean_se(values: Sequence[float]):
    """Mean over replications of the finite values, its Monte Carlo SE (sd / sqrt(R)), and R."""
    x = np.asarray(values, float)
    x = x[np.isfinite(x)]
    if not x.size:
        return float("nan"), float("nan"), 0
    se = float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else float("nan")
    return float(x.mean()), se, int(x.size)


def combine(per_replication: List[Dict[str, float]]) -> Dict[str, tuple]:
    """Mean, SE and R of every figure over replications."""
    keys = sorted({k for d in per_replication for k in d})
    return {k: mean_se([d.get(k, np.nan) for d in per_replication]) for k in keys}


def verdict(published: float, simulated: float, kind: str, tol: float) -> str:
    """'pass' or 'fail' against a tolerance: kind 'rel' (fraction of the published value) or
    'abs'; 'n/a' when either value is missing."""
    if not (np.isfinite(published) and np.isfinite(simulated)):
        return "n/a"
    limit = tol * abs(published) if kind == "rel" else tol
    return "pass" if abs(simulated - published) <= limit + 1e-15 else "fail"


# --- reading results files ---------------------------------------------------------------------

def _strings(ds) -> List[str]:
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in ds[()]]


def _check(path: str, verify: bool) -> None:
    if not os.path.exists(path):
        raise SystemExit(f"{path}: no such file")
    if verify:
        sys.path.insert(0, os.path.join(ROOT, "python"))
        from apmsim.results import check_integrity  # noqa: E402
        check_integrity(path)


def read_run(path: str, variant: Optional[str] = None, years: Optional[Sequence[int]] = None,
             verify: bool = True) -> Dict:
    """A results file's contract records for one variant (default: the first with records) and the
    selected performance years (1-based; default all, those of the first agreement when the run
    has several): fields -> (replications, ACOs, years) arrays,
    plus the ACOs' mean risk score from /tallies when the file has them."""
    import h5py
    _check(path, verify)
    with h5py.File(path, "r") as f:
        if "replications" not in f:
            raise SystemExit(f"{path} has no /replications: run apmsim with --write-records")
        variants = [k for k in f["replications"]]
        summary_order = [k for k in f["summary"]]
        variants.sort(key=lambda v: summary_order.index(v) if v in summary_order else len(summary_order))
        v = variant or variants[0]
        if v not in variants:
            raise SystemExit(f"{path}: no variant {v!r} in /replications; it has {variants}")
        g = f[f"replications/{v}"]
        fields = _strings(g["fields"])
        providers = _strings(g["providers"])
        values = g["values"][()]
        b = int(f.attrs["baseline_years"])
        p = int(f.attrs["performance_years"])
        sel = list(range(p)) if not years else [y - 1 for y in years]
        if not years and "agreement" in fields:
            # PY2018's ACOs were in their agreement's years: compare the first agreement's
            # (a run over several agreements rebases later ones on its own years).
            first = values[..., fields.index("agreement")]
            sel = [y for y in sel if np.all(first[:, :, y] == 0)]
        if any(y < 0 or y >= values.shape[2] for y in sel):
            raise SystemExit(f"{path}: performance years are 1..{values.shape[2]}")
        values = values[:, :, sel, :]
        risk = None
        if "tallies" in f:
            tf = _strings(f["tallies/fields"])
            tv = f["tallies/values"][()]
            names = _strings(f[f"summary/{summary_order[0]}/providers/name"])
            idx = [names.index(n) for n in providers]
            cal = [b + y for y in sel]
            units = tv[:, idx][:, :, cal, tf.index("units")]
            with np.errstate(invalid="ignore", divide="ignore"):
                risk = tv[:, idx][:, :, cal, tf.index("risk_score")] / units
        info = {"path": path, "variant": v, "variants": variants, "providers": len(providers),
                "replications": values.shape[0], "years": [y + 1 for y in sel],
                "scenario": (f["scenario/text"].attrs.get("path", b"") or b""),
                "apmsim_version": f.attrs.get("apmsim_version", b"")}
        for k in ("scenario", "apmsim_version"):
            if isinstance(info[k], bytes):
                info[k] = info[k].decode()
    return {"fields": {name: values[..., i] for i, name in enumerate(fields)}, "risk": risk, "info": info}


def simulate_figures(run: Dict) -> Dict[str, tuple]:
    fields, risk = run["fields"], run["risk"]
    reps = next(iter(fields.values())).shape[0]
    per = []
    for r in range(reps):
        rec = {k: v[r] for k, v in fields.items()}
        per.append(replication_figures(rec, None if risk is None else risk[r]))
    return combine(per)


# --- the report --------------------------------------------------------------------------------

def _pct(x, digits=1):
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:.{digits}f}%"


def _num(x, digits=3):
    return "—" if x is None or not np.isfinite(x) else f"{x:.{digits}g}" if abs(x) >= 10 else f"{x:.{digits}f}"


def _tol(kind, tol, points=True):
    if kind == "rel":
        return f"±{100 * tol:.0f}% (relative)"
    return (f"±{100 * tol:g} point" + ("s" if 100 * tol != 1 else "")) if points else f"±{tol:g}"


def build_report(puf: Dict, main: Dict, main_figs: Dict[str, tuple], two: Optional[Dict] = None,
                 two_figs: Optional[Dict[str, tuple]] = None) -> str:
    src = puf["source"]
    bands = {b["band"]: b for b in puf["size_bands"]}
    cite = f"CMS MSSP ACO PUF PY2018 ({puf['aco_count']} ACOs)"
    rows = []

    def add(name, pub, fig, key, fmt, note=cite):
        m, se, r = fig.get(key, (np.nan, np.nan, 0))
        kind, tol = TOLERANCES[key if key in TOLERANCES else key.split("/")[0]]
        v = verdict(pub, m, kind, tol)
        rows.append((name, fmt(pub), note, f"{fmt(m)} ± {fmt(se)}" if np.isfinite(m) else "not computed",
                     _tol(kind, tol, points=key != "quality_mean"), v))
        return v

    pct2 = lambda x: _pct(x, 2)  # noqa: E731
    add("Size law b in var(savings rate) = a + b/N (fraction² × beneficiaries)", puf["size_law"]["b"], main_figs,
        "size_law_b", lambda x: _num(x, 3))
    add("ACOs below benchmark", puf["share_below_benchmark"], main_figs, "share_below_benchmark", _pct)
    add("Mean savings rate (unweighted across ACOs)", puf["mean_savings_rate"], main_figs, "mean_savings_rate", pct2)
    add("Cross-ACO cv of per-capita expenditure, raw", puf["cost_variation"]["cv_per_capita_raw"], main_figs,
        "cv_raw", _pct)
    if "cv_risk_adjusted" in main_figs:
        add("Cross-ACO cv of per-capita expenditure, risk-adjusted",
            puf["cost_variation"]["cv_per_capita_risk_adjusted"], main_figs, "cv_risk_adjusted", _pct)
    else:
        rows.append(("Cross-ACO cv of per-capita expenditure, risk-adjusted",
                     _pct(puf["cost_variation"]["cv_per_capita_risk_adjusted"]), cite,
                     "not computed (run with --write-tallies)", _tol(*TOLERANCES["cv_risk_adjusted"]), "n/a"))
    add("Quality score, mean", puf["quality"]["mean"], main_figs, "quality_mean", lambda x: _num(x, 3))
    if two_figs is not None:
        add("Two-sided ACOs owing shared losses", puf["tracks"]["share_two_sided_owing_losses"], two_figs,
            "share_owing_losses", _pct,
            cite + f": {puf['tracks']['two_sided_owing_losses']} of {puf['tracks']['two_sided_count']} "
                   "ACOs in Tracks 2, 3, 1+")
    else:
        rows.append(("Two-sided ACOs owing shared losses", _pct(puf["tracks"]["share_two_sided_owing_losses"]), cite,
                     "not computed (no --two-sided results)", _tol(*TOLERANCES["share_owing_losses"]), "n/a"))

    # Sequestration, exact: from every file given.
    seq_notes, seq_ok, seq_any = [], True, False
    for label, run in (("main", main), ("two-sided", two)):
        if run is None:
            continue
        f = run["fields"]
        s = sequestration_check(f["reconciliation"], f["shared_result"])
        if s["savings_records"] or s["loss_records"]:
            seq_any = True
        seq_ok &= (s["savings_exact"] or not s["savings_records"]) and s["losses_exact"]
        seq_notes.append(f"{label}: savings {s['savings_records']} records, ratio "
                         f"{s['savings_ratio_min']:.6f}–{s['savings_ratio_max']:.6f}; losses {s['loss_records']}"
                         + (f", ratio {s['loss_ratio_min']:.6f}–{s['loss_ratio_max']:.6f}" if s["loss_records"] else ""))
    pseq = puf["sequestration"]
    rows.append(("Sequestration: earned / computed shared savings (losses: 1)",
                 f"{pseq['earned_over_computed_median']:.4f}",
                 cite + f": median over {pseq['savings_acos'] - pseq['capped_at_10pct_of_benchmark']} uncapped ACOs, "
                        f"range {pseq['earned_over_computed_min_uncapped']:.5f}–{pseq['earned_over_computed_max_uncapped']:.5f} (rounding)",
                 "; ".join(seq_notes), f"exact (±{EXACT:g} relative)",
                 ("pass" if seq_ok else "fail") if seq_any else "n/a"))

    lines = ["# Validation against CMS's published MSSP results", "",
             "Generated by `scripts/validate_programs.py`; do not edit by hand. Published figures: "
             f"{src['dataset']} ({src['publisher']}), copy in the GitHub repository `{src['repository']}` "
             f"(commit `{src['commit'][:12]}`, `{src['puf_path']}`), fetched {src['fetched']}; derived by "
             "`scripts/mssp_puf.py` into `scripts/data/mssp_puf_2018.json`.", ""]
    for label, run in (("Simulated (main)", main), ("Simulated (two-sided)", two)):
        if run is None:
            continue
        i = run["info"]
        lines.append(f"- {label}: `{i['path']}` (scenario `{i['scenario']}`, apmsim {i['apmsim_version']}), "
                     f"variant `{i['variant']}`, performance years {', '.join(map(str, i['years']))}, "
                     f"{i['replications']} replications x {i['providers']} ACOs.")
    lines += ["", "Regenerate with `build/release/apmsim run scenarios/mssp_aco.toml --write-records "
              "--write-tallies --out results/mssp_aco_validation.h5` and `build/release/apmsim run "
              "scenarios/mssp_enhanced.toml --write-records --out results/mssp_enhanced_validation.h5`, then "
              "`scripts/validate_programs.py --results results/mssp_aco_validation.h5 --two-sided "
              "results/mssp_enhanced_validation.h5` (about 1 minute on 2 cores)."]
    lines += ["", "Simulated values are the mean over replications ± the Monte Carlo standard error (sd over "
              "replications / √R). Each replication's figure is computed over its ACO-years (replication × ACO × "
              "performance year), like the PUF's cross-section of ACOs; the cv per (replication, year), averaged "
              "over years. Savings rate = (benchmark − accountable cost) / benchmark (the PUF's Sav_rate); per "
              "capita = accountable cost / units (the PUF's ABtotExp / person-years); risk-adjusted = per capita / "
              "the ACO-year's mean risk score from `/tallies` (the PUF: person-year-weighted CMS-HCC score).", "",
              "| figure | published | source | simulated | tolerance | verdict |", "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")

    # Size bands.
    lines += ["", "## Savings-rate sd by size band", "",
              f"Compared (±{100 * TOLERANCES['band_sd'][1]:.0f}% relative) where the PUF has at least "
              f"{MIN_PUF_BAND_COUNT} ACOs in the band and the scenario has ACO-years in it. A band the scenario "
              "does not contain is reported as such and is not a failure.", "",
              "The column *PUF law* is the PUF's own size law sqrt(a + b / N) at the band's mean N: where the "
              "band's published sd is far from it, no noise structure that follows the size law can match both.", "",
              "| band | PUF ACOs | PUF mean N | PUF sd | PUF law | simulated ACO-years / replication | simulated sd | verdict |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    band_verdicts = []
    for label in band_labels():
        pb = bands[label]
        cnt = main_figs.get(f"band_count/{label}", (0.0, np.nan, 0))[0]
        m, se, r = main_figs.get(f"band_sd/{label}", (np.nan, np.nan, 0))
        if not cnt:
            v = "no simulated ACOs in band"
        elif pb["count"] < MIN_PUF_BAND_COUNT:
            v = f"not compared (PUF < {MIN_PUF_BAND_COUNT} ACOs)"
        elif not np.isfinite(m):
            v = "n/a (under 2 ACO-years per replication)"
        else:
            v = verdict(pb["sd_savings_rate"], m, *TOLERANCES["band_sd"])
            band_verdicts.append(v)
        law = float(np.sqrt(puf["size_law"]["a"] + puf["size_law"]["b"] / pb["mean_n"]))
        lines.append(f"| {label} | {pb['count']} | {pb['mean_n']:,.0f} | {_pct(pb['sd_savings_rate'], 2)} | "
                     f"{_pct(law, 2)} | {cnt:.1f} | {(_pct(m, 2) + ' ± ' + _pct(se, 2)) if np.isfinite(m) else '—'} | {v} |")
    covered = sum(1 for label in band_labels() if main_figs.get(f"band_count/{label}", (0,))[0])
    lines += ["", f"The simulated population covers {covered} of the 8 bands; "
              f"{band_verdicts.count('pass')} of {len(band_verdicts)} compared bands pass."]

    # Other figures, for information.
    lines += ["", "## For information (no tolerance)", "", "| figure | published (PUF) | simulated |", "| --- | --- | --- |"]
    info = [("Size law a (fraction²)", puf["size_law"]["a"], main_figs.get("size_law_a"), lambda x: f"{x:.2e}"),
            ("Savings rate sd (all ACOs)", puf["sd_savings_rate"], main_figs.get("sd_savings_rate"), pct2),
            ("Quality score sd", puf["quality"]["sd"], main_figs.get("quality_sd"), lambda x: _num(x, 3)),
            ("MSR, ACOs below 5,000: min", puf["minimum_savings_rate"]["below_5000"]["min"],
             main_figs.get("msr_min/below_5000"), pct2),
            ("MSR, ACOs below 5,000: max", puf["minimum_savings_rate"]["below_5000"]["max"],
             main_figs.get("msr_max/below_5000"), pct2),
            ("MSR, one-sided ACOs at or above 5,000: min", puf["minimum_savings_rate"]["at_or_above_5000"]["one_sided_min"],
             main_figs.get("msr_min/at_or_above_5000"), pct2),
            ("MSR, one-sided ACOs at or above 5,000: max", puf["minimum_savings_rate"]["at_or_above_5000"]["one_sided_max"],
             main_figs.get("msr_max/at_or_above_5000"), pct2)]
    for name, pub, sim, fmt in info:
        s = "—" if not sim or not np.isfinite(sim[0]) else f"{fmt(sim[0])} ± {fmt(sim[1])}"
        lines.append(f"| {name} | {fmt(pub)} | {s} |")
    turn = puf.get("assignment_turnover")
    if turn:
        head = next(s for s in turn["studies"] if s["id"] == turn["headline_source"])
        lines += ["", "## Assignment turnover (published; not in the PUF or the records)", "",
                  f"- {_pct(turn['headline_annual_share_not_reassigned'])} of beneficiaries assigned to an MSSP ACO "
                  f"were not assigned to the same ACO the next year: {head['figure']} ({head['population']}). "
                  f"{head['citation']}."]
        for s in turn["studies"]:
            if s["id"] != turn["headline_source"]:
                lines.append(f"- {s['figure']}. {s['citation']}.")
    failed = [r[0] for r in rows if r[5] == "fail"]
    bands_failed = band_verdicts.count("fail")
    closing = (f"{len(failed)} figure(s) fail: " + "; ".join(failed) + ".") if failed else \
        "Every figure of the main table passes."
    closing += (f" {bands_failed} of {len(band_verdicts)} compared size bands fail (see the band table)."
                if bands_failed else " Every compared size band passes.")
    lines += ["", "## Verdict", "", closing, ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--results", required=True, help="results file of the main (one-sided) scenario, with --write-records")
    p.add_argument("--variant", help="variant of --results (default: the first)")
    p.add_argument("--two-sided", help="results file of a two-sided scenario (for shared losses)")
    p.add_argument("--two-sided-variant", help="variant of --two-sided (default: the first)")
    p.add_argument("--years", help="performance years to use, 1-based, comma-separated (default: all)")
    p.add_argument("--summary", default=DEFAULT_SUMMARY, help="the PUF summary JSON (default: %(default)s)")
    p.add_argument("--puf", help="rebuild the summary from this PUF CSV instead of reading --summary")
    p.add_argument("--county", help="with --puf: the county-level benchmark PUF CSV")
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "validation.md"), help="report (default: %(default)s)")
    p.add_argument("--no-verify", action="store_true", help="skip the results files' integrity check")
    a = p.parse_args(argv)
    if a.puf:
        puf = summarize(a.puf, a.county)
    else:
        with open(a.summary) as f:
            puf = json.load(f)
    years = [int(y) for y in a.years.split(",")] if a.years else None
    main_run = read_run(a.results, a.variant, years, verify=not a.no_verify)
    two_run = read_run(a.two_sided, a.two_sided_variant, years, verify=not a.no_verify) if a.two_sided else None
    text = build_report(puf, main_run, simulate_figures(main_run), two_run,
                        simulate_figures(two_run) if two_run else None)
    with open(a.out, "w") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
