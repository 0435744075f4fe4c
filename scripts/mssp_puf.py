#!/usr/bin/env python3
"""Derives a compact summary of CMS's Medicare Shared Savings Program (MSSP) ACO public use file
(PUF) for performance year 2018: the published figures apmsim's MSSP scenarios are validated
against (scripts/validate_programs.py, docs/validation.md).

    scripts/mssp_puf.py --puf PUF.csv [--county COUNTY.csv] --out scripts/data/mssp_puf_2018.json

The PUF itself is not part of this repository. The copy used for scripts/data/mssp_puf_2018.json is
data/2018_Shared_Savings_Program__SSP__Accountable_Care_Organizations__ACO__PUF.csv (548 ACOs) and
data/2018_County-level_FFS_Data_for_Shared_Savings_Program_Benchmark_PUF.csv in the public GitHub
repository karenmjiang/MSSP-ACO-2018 (commit ec0bb20ed5beb84e76b639ee9ce203d816052283), which
holds CMS's files as published on data.cms.gov. Only derived figures are stored here.

Definitions (every figure is computed from the columns named in the JSON's "columns"):
  * savings rate = (ABtotBnchmk - ABtotExp) / ABtotBnchmk, the PUF's Sav_rate (checked equal).
  * size bands of N_AB (assigned beneficiaries): [0, 5k), [5k, 7.5k), ..., [50k, inf).
  * size law: var(savings rate) = a + b / N by weighted least squares over the size bands: y = the
    band's sample variance (ddof 1) of the savings rate as a fraction, x = 1 / (the band's mean
    N_AB), weights = the band's ACO count. This gives b = 14.9 (fraction^2 x beneficiaries); the
    JSON also lists the fits with other weights for comparison.
  * two-sided ACOs: Current_Track_2, Current_Track_3 or Current_Track_1_Plus (PY2018 predates
    BASIC/ENHANCED, which began July 2019); owing losses: EarnSaveLoss < 0.
  * sequestration: for ACOs with shared savings, EarnSaveLoss / (GenSaveLoss x FinalShareRate) =
    0.98 (the 2% sequestration), except where the 10% performance payment limit binds; losses are
    GenSaveLoss x loss sharing rate - DisAdj, with no sequestration.
  * risk-adjusted per-capita expenditure: Per_Capita_Exp_TOTAL_PY divided by the ACO's average
    CMS-HCC risk score over its four enrollment types (CMS_HCC_RiskScore_<type>_PY) weighted by
    its person-years (N_AB_Year_<type>_PY). cv = sd (ddof 1) / mean across ACOs.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

SOURCE = {
    "publisher": "Centers for Medicare & Medicaid Services (CMS)",
    "dataset": "Medicare Shared Savings Program Accountable Care Organizations Performance Year "
               "2018 Results public use file",
    "url": "https://github.com/karenmjiang/MSSP-ACO-2018",
    "repository": "karenmjiang/MSSP-ACO-2018",
    "commit": "ec0bb20ed5beb84e76b639ee9ce203d816052283",
    "puf_path": "data/2018_Shared_Savings_Program__SSP__Accountable_Care_Organizations__ACO__PUF.csv",
    "county_path": "data/2018_County-level_FFS_Data_for_Shared_Savings_Program_Benchmark_PUF.csv",
    "original": "data.cms.gov, Shared Savings Program Accountable Care Organizations (ACO) PUF, "
                "performance year 2018; County-level FFS Data for Shared Savings Program "
                "Benchmark PUF, 2018",
    "fetched": "2026-12-04",
}

#: Size bands of assigned beneficiaries, [lo, hi).
BAND_EDGES = [0, 5000, 7500, 10000, 15000, 20000, 30000, 50000, np.inf]
#: Enrollment types: PUF column stems for expenditure/risk and for person-years, county file label.
TYPES = [("ESRD", "ESRD", "ESRD"), ("DIS", "DIS", "DISABLED"), ("AGDU", "AGED_Dual", "AGED/DUAL"),
         ("AGND", "AGED_NonDual", "AGED/NON-DUAL")]
SEQUESTRATION = 0.98

#: What the issue ("1/7 reproduce CMS's published MSSP results") quotes, for comparison.
ISSUE_QUOTES = {
    "sd_savings_rate_5000_7500": 0.053,
    "size_law_b": 14.9,
    "share_below_benchmark": 0.66,
    "share_two_sided_owing_losses": 0.116,
    "mean_savings_rate": 0.016,
    "cv_per_capita_raw": 0.179,
    "cv_per_capita_risk_adjusted": 0.127,
    "quality_mean": 0.93,
    "quality_sd": 0.07,
    "msr_below_5000_min": 0.039,
    "msr_below_5000_max": 0.115,
}


#: Published figures on year-to-year assignment turnover (not in the PUF, which has net counts only).
#: Found with a literature search; each entry names its source and what it measures.
ASSIGNMENT_TURNOVER = {
    "headline_annual_share_not_reassigned": 0.1562,
    "headline_source": "mssp_2013_2014",
    "studies": [
        {"id": "mssp_2013_2014",
         "citation": "Medicare Shared Savings Program ACO Network Comprehensiveness and Patient Panel "
                     "Stability. Am J Manag Care. 2019 Sep;25(9). "
                     "https://www.ajmc.com/view/medicare-shared-savings-program-aco-network-comprehensiveness-and-patient-panel-stability "
                     "(authors not in the text retrieved)",
         "population": "1,317,858 beneficiaries assigned to MSSP ACOs, Medicare FFS 2013 and 2014",
         "figure": "84.38% attributed to the same ACO in 2013 and 2014",
         "share_same_aco_next_year": 0.8438, "share_not_same_aco_next_year": 0.1562},
        {"id": "hsu_2017_pioneer_churn",
         "citation": "Hsu J, Vogeli C, Price M, Brand R, Chernew ME, Mohta N, Chaguturu SK, Weil E, Ferris TG. "
                     "Substantial Physician Turnover And Beneficiary 'Churn' In A Large Medicare Pioneer ACO. "
                     "Health Aff (Millwood). 2017 Apr 1;36(4):640-648. doi:10.1377/hlthaff.2016.1107",
         "population": "one large Pioneer ACO (Partners HealthCare), 2012-2014",
         "figure": "41% of physicians joined and 18% left during 2012-14; 52% affiliated all three years; "
                   "median 70 ACO beneficiaries per physician (<5% of a panel); when physicians left, most of "
                   "their attributed beneficiaries left; about half of the beneficiary growth came with new "
                   "physicians (abstract; no annual beneficiary churn share in the text retrieved)",
         "physicians_joined": 0.41, "physicians_left": 0.18, "physicians_all_three_years": 0.52},
        {"id": "hsu_2016_pioneer_loss",
         "citation": "Hsu J, Price M, Spirt J, Vogeli C, Brand R, Chernew ME, Chaguturu SK, Mohta N, Weil E, "
                     "Ferris T. Patient Population Loss At A Large Pioneer Accountable Care Organization And "
                     "Implications For Refining The Program. Health Aff (Millwood). 2016 Mar",
         "figure": "beneficiary exits from the same Pioneer ACO (no number in the text retrieved)"},
        {"id": "pioneer_final_evaluation",
         "citation": "L&M Policy Research. Evaluation of CMMI Accountable Care Organization Initiatives: "
                     "Pioneer ACO Final Report. Prepared for CMS, December 2, 2016; as summarized by The "
                     "Health Care Blog, 'ACO Turnover is High...', 2017-05-22 "
                     "(https://thehealthcareblog.com/blog/2017/05/22/aco-turnover-is-high-doctors-have-few-patients-and-those-patients-are-unusually-healthy/)",
         "figure": "the 23 Pioneer ACOs in all three years 2012-2014 lost about two-thirds of their doctors "
                   "and patients over the three years (secondary summary)",
         "share_lost_over_three_years_approx": 0.67},
        {"id": "benson_2023_commercial",
         "citation": "Benson NM, Price M, Vogeli C, Vienneau MM, Mendu ML, Flaster A, Balentine L, Jubelt L, "
                     "Meyer GS, Hsu J. Population Turnover and Leakage in Commercial ACOs. Am J Manag Care. "
                     "2023 Apr;29(4):e104-e110. doi:10.37765/ajmc.2023.89350",
         "population": "453,573 members of commercial ACO contracts, 2015-2019 (not Medicare)",
         "figure": "about half left the ACO within 24 months of entry"},
    ],
    "from_puf": "N_AB_Year_PY / N_AB averages 0.975 (2.5% of assigned beneficiary-years lost to partial-year "
                "eligibility); see assignment_in_puf",
}


def band_labels(edges: Sequence[float] = BAND_EDGES) -> List[str]:
    def k(x):
        return "inf" if np.isinf(x) else (f"{x / 1000:g}k" if x else "0")
    return [f"{k(lo)}-{k(hi)}" for lo, hi in zip(edges[:-1], edges[1:])]


def band_index(n: np.ndarray, edges: Sequence[float] = BAND_EDGES) -> np.ndarray:
    """Band of each size, [lo, hi): 0 .. len(edges) - 2."""
    return np.searchsorted(np.asarray(edges[1:-1], float), np.asarray(n, float), side="right")


def wls_size_law(var: np.ndarray, mean_n: np.ndarray, weight: np.ndarray):
    """Fits var = a + b / N by weighted least squares; returns (a, b)."""
    var, mean_n, weight = (np.asarray(v, float) for v in (var, mean_n, weight))
    ok = np.isfinite(var) & np.isfinite(mean_n) & (mean_n > 0) & (weight > 0)
    if ok.sum() < 2:
        return float("nan"), float("nan")
    x = np.column_stack([np.ones(ok.sum()), 1.0 / mean_n[ok]])
    w = weight[ok]
    a, b = np.linalg.solve(x.T @ (w[:, None] * x), x.T @ (w * var[ok]))
    return float(a), float(b)


def _cv(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]  # an ACO without ESRD beneficiaries has 0 / 0 there
    return float(x.std(ddof=1) / x.mean())


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")  # the county file marks suppressed cells with "*"


def _r(x, digits=6):
    if x is None:
        return None
    x = float(x)
    return None if not np.isfinite(x) else round(x, digits)


def summarize(puf_path: str, county_path: Optional[str] = None) -> Dict:
    d = pd.read_csv(puf_path)
    n = d["N_AB"].to_numpy(float)
    bench = d["ABtotBnchmk"].to_numpy(float)
    exp = d["ABtotExp"].to_numpy(float)
    sr = (bench - exp) / bench
    out: Dict = {"source": SOURCE, "aco_count": int(len(d))}

    out["columns"] = {
        "size": "N_AB (assigned beneficiaries)",
        "savings_rate": "(ABtotBnchmk - ABtotExp) / ABtotBnchmk (= Sav_rate)",
        "below_benchmark": "ABtotExp < ABtotBnchmk (= BnchmkMinExp > 0)",
        "two_sided": "Current_Track_2 | Current_Track_3 | Current_Track_1_Plus",
        "shared_result": "EarnSaveLoss (earned savings > 0, owed losses < 0)",
        "computed_result": "GenSaveLoss x FinalShareRate (savings); GenSaveLoss x loss rate - DisAdj (losses)",
        "quality": "QualScore",
        "msr": "MinSavPerc",
        "per_capita_expenditure": "Per_Capita_Exp_TOTAL_PY (= ABtotExp / N_AB_Year_PY)",
        "risk_score": "CMS_HCC_RiskScore_{ESRD,DIS,AGDU,AGND}_PY weighted by N_AB_Year_{ESRD,DIS,AGED_Dual,AGED_NonDual}_PY",
        "per_type_expenditure": "Per_Capita_Exp_ALL_{ESRD,DIS,AGDU,AGND}_PY",
        "person_years": "N_AB_Year_PY, N_AB_Year_<type>_PY, N_AB_Year_<type>_BY3",
    }
    out["savings_rate_definition"] = {
        "formula": "(ABtotBnchmk - ABtotExp) / ABtotBnchmk, a fraction",
        "max_abs_difference_from_Sav_rate": float(np.nanmax(np.abs(sr - d["Sav_rate"].to_numpy(float)))),
    }

    # Size bands and the size law.
    band = band_index(n)
    labels = band_labels()
    bands = []
    for k, label in enumerate(labels):
        m = band == k
        x = sr[m]
        bands.append({"band": label, "lo": BAND_EDGES[k], "hi": None if np.isinf(BAND_EDGES[k + 1]) else BAND_EDGES[k + 1],
                      "count": int(m.sum()), "mean_n": _r(n[m].mean(), 1) if m.any() else None,
                      "mean_savings_rate": _r(x.mean()) if m.any() else None,
                      "sd_savings_rate": _r(x.std(ddof=1)) if m.sum() > 1 else None,
                      "var_savings_rate": _r(x.var(ddof=1), 9) if m.sum() > 1 else None})
    out["size_bands"] = bands
    cnt = np.array([b["count"] for b in bands], float)
    mn = np.array([b["mean_n"] or np.nan for b in bands], float)
    var = np.array([b["var_savings_rate"] if b["var_savings_rate"] is not None else np.nan for b in bands], float)
    a, b = wls_size_law(var, mn, cnt)
    alt = {}
    for name, w in [("weights_count_minus_1", cnt - 1), ("unweighted", np.ones_like(cnt))]:
        alt[name] = dict(zip("ab", (_r(v, 7) for v in wls_size_law(var, mn, w))))
    # Per-ACO alternative: squared deviation from the band mean x n/(n-1) regressed on 1/N_AB.
    dev2 = np.empty_like(sr)
    for k in range(len(labels)):
        m = band == k
        if m.sum() > 1:
            dev2[m] = (sr[m] - sr[m].mean()) ** 2 * m.sum() / (m.sum() - 1)
        else:
            dev2[m] = np.nan
    alt["per_aco_ols"] = dict(zip("ab", (_r(v, 7) for v in wls_size_law(dev2, n, np.ones_like(n)))))
    out["size_law"] = {
        "model": "var(savings rate) = a + b / N",
        "method": "weighted least squares over the 8 size bands: y = band sample variance (ddof 1) of "
                  "the savings rate as a fraction, x = 1 / band mean N_AB, weights = band ACO count",
        "a": _r(a, 9), "b": _r(b, 4), "units_b": "fraction^2 x beneficiaries",
        "sd_floor_sqrt_a": _r(np.sqrt(a), 5) if a > 0 else None,
        "alternatives": alt,
    }

    q = np.quantile(n, [0, .05, .1, .25, .5, .75, .9, .95, 1])
    out["n_ab_distribution"] = {"quantiles": dict(zip(["min", "p05", "p10", "p25", "p50", "p75", "p90", "p95", "max"],
                                                      (_r(v, 1) for v in q))),
                                "mean": _r(n.mean(), 1), "sd": _r(n.std(ddof=1), 1),
                                "count_per_band": {bb["band"]: bb["count"] for bb in bands}}

    # Financial results.
    below = exp < bench
    out["share_below_benchmark"] = _r(below.mean())
    out["count_below_benchmark"] = int(below.sum())
    out["mean_savings_rate"] = _r(sr.mean())
    out["sd_savings_rate"] = _r(sr.std(ddof=1))
    out["median_savings_rate"] = _r(np.median(sr))
    out["aggregate_savings_rate"] = _r((bench.sum() - exp.sum()) / bench.sum())

    tracks = {t: int(d[f"Current_Track_{t}"].sum()) for t in ("1", "1_Plus", "2", "3")}
    two = (d["Current_Track_2"] + d["Current_Track_3"] + d["Current_Track_1_Plus"]).to_numpy() > 0
    earn = d["EarnSaveLoss"].to_numpy(float)
    gen = d["GenSaveLoss"].to_numpy(float)
    fsr = d["FinalShareRate"].to_numpy(float)
    out["tracks"] = {"current_track_counts": tracks, "two_sided_count": int(two.sum()),
                     "two_sided_owing_losses": int((earn[two] < 0).sum()),
                     "share_two_sided_owing_losses": _r((earn[two] < 0).mean()),
                     "one_sided_with_losses": int((earn[~two] < 0).sum()),
                     "earning_shared_savings": int((earn > 0).sum()),
                     "share_earning_shared_savings": _r((earn > 0).mean()),
                     "below_benchmark_but_no_savings_generated": int(((exp < bench) & (gen == 0)).sum())}

    # Sequestration: earned / computed for savings; the loss rule for losses.
    s = earn > 0
    ratio = earn[s] / (gen[s] * fsr[s])
    cap = earn[s] / bench[s]
    capped = np.isclose(cap, 0.10, atol=1e-6)
    unc = ratio[~capped]
    loss = earn < 0
    t1p = d["Current_Track_1_Plus"].to_numpy()[loss] > 0
    t2 = d["Current_Track_2"].to_numpy()[loss] > 0
    rate = np.where(t1p, 0.30, np.clip(1 - fsr[loss], 0.40, np.where(t2, 0.60, 0.75)))
    disadj = np.nan_to_num(d["DisAdj"].to_numpy(float)[loss])
    predicted = gen[loss] * rate - disadj
    out["sequestration"] = {
        "rule": "earned savings = 0.98 x GenSaveLoss x FinalShareRate (2% sequestration), at most 10% of the "
                "benchmark; shared losses = GenSaveLoss x loss rate - DisAdj, not sequestered (loss rate: "
                "Track 1+ 30%; Track 2 1 - FinalShareRate in [40%, 60%]; Track 3 in [40%, 75%])",
        "savings_acos": int(s.sum()), "capped_at_10pct_of_benchmark": int(capped.sum()),
        "earned_over_computed_median": _r(np.median(unc), 6),
        "earned_over_computed_mean_uncapped": _r(unc.mean(), 6),
        "earned_over_computed_min_uncapped": _r(unc.min(), 6),
        "earned_over_computed_max_uncapped": _r(unc.max(), 6),
        "note_rounding": "FinalShareRate is published to 4 decimals, so the ratio varies by about +-1e-4",
        "loss_acos": int(loss.sum()),
        "loss_max_abs_residual_dollars": _r(np.max(np.abs(earn[loss] - predicted)), 0) if loss.any() else None,
        "loss_max_rel_residual": _r(np.max(np.abs(earn[loss] / predicted - 1)), 6) if loss.any() else None,
    }

    # Quality.
    qs = d["QualScore"].to_numpy(float)
    qs = qs[np.isfinite(qs)]
    out["quality"] = {"count": int(qs.size), "mean": _r(qs.mean()), "sd": _r(qs.std(ddof=1)),
                      "min": _r(qs.min()), "median": _r(np.median(qs)), "max": _r(qs.max()),
                      "met_quality_standard": int(d["Met_QPS"].sum())}

    # Minimum savings rate by size.
    msr = d["MinSavPerc"].to_numpy(float)
    small = n < 5000
    one = ~two
    msr_bands = []
    for k, label in enumerate(labels):
        m = (band == k) & one
        msr_bands.append({"band": label, "one_sided_count": int(m.sum()),
                          "min": _r(msr[m].min()) if m.any() else None,
                          "median": _r(np.median(msr[m])) if m.any() else None,
                          "max": _r(msr[m].max()) if m.any() else None})
    out["minimum_savings_rate"] = {
        "below_5000": {"count": int(small.sum()), "min": _r(msr[small].min()), "max": _r(msr[small].max()),
                       "n_ab_range": [int(n[small].min()), int(n[small].max())]},
        "at_or_above_5000": {"count": int((~small).sum()), "min": _r(msr[~small].min()), "max": _r(msr[~small].max()),
                             "one_sided_min": _r(msr[~small & one].min()), "one_sided_max": _r(msr[~small & one].max())},
        "one_sided_by_band": msr_bands,
        "note": "two-sided ACOs chose a fixed MSR (0-2%) or the size-based one; below 5,000 CMS uses the "
                "size-based MSR of the ACO's own N_AB",
    }

    # Cost variation across ACOs.
    pc = d["Per_Capita_Exp_TOTAL_PY"].to_numpy(float)
    w = np.column_stack([d[f"N_AB_Year_{p}_PY"].to_numpy(float) for _, p, _ in TYPES])
    rs = np.column_stack([d[f"CMS_HCC_RiskScore_{t}_PY"].to_numpy(float) for t, _, _ in TYPES])
    e = np.column_stack([d[f"Per_Capita_Exp_ALL_{t}_PY"].to_numpy(float) for t, _, _ in TYPES])
    risk = np.nansum(w * rs, axis=1) / w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        e_over_r = e / rs
    adj = pc / risk
    out["cost_variation"] = {
        "cv_per_capita_raw": _r(pc.std(ddof=1) / pc.mean()),
        "cv_per_capita_risk_adjusted": _r(adj.std(ddof=1) / adj.mean()),
        "mean_per_capita": _r(pc.mean(), 1), "sd_per_capita": _r(pc.std(ddof=1), 1),
        "mean_risk_score": _r(risk.mean(), 4), "sd_risk_score": _r(risk.std(ddof=1), 4),
        "cv_per_type_raw": {lab: _r(np.nanstd(e[:, i], ddof=1) / np.nanmean(e[:, i])) for i, (_, _, lab) in enumerate(TYPES)},
        "cv_per_type_risk_adjusted": {lab: _r(_cv(e_over_r[:, i])) for i, (_, _, lab) in enumerate(TYPES)},
        "method": "cv = sd (ddof 1) / mean across the ACOs; risk-adjusted = Per_Capita_Exp_TOTAL_PY / "
                  "(person-year-weighted mean of the four CMS_HCC_RiskScore_<type>_PY)",
        "max_rel_difference_total_vs_ABtotExp_over_person_years": _r(np.max(np.abs(pc / (exp / d["N_AB_Year_PY"].to_numpy(float)) - 1)), 6),
    }

    # Enrollment-type mix and cost by type (assigned beneficiaries).
    py = w.sum(axis=0)
    shares = w / w.sum(axis=1, keepdims=True)
    out["enrollment_mix"] = {
        "pooled_person_year_share": {lab: _r(py[i] / py.sum()) for i, (_, _, lab) in enumerate(TYPES)},
        "mean_aco_share": {lab: _r(shares[:, i].mean()) for i, (_, _, lab) in enumerate(TYPES)},
        "sd_aco_share": {lab: _r(shares[:, i].std(ddof=1)) for i, (_, _, lab) in enumerate(TYPES)},
        "per_capita_expenditure_pooled": {lab: _r(np.nansum(w[:, i] * e[:, i]) / w[:, i].sum(), 1) for i, (_, _, lab) in enumerate(TYPES)},
        "risk_score_pooled": {lab: _r(np.nansum(w[:, i] * rs[:, i]) / w[:, i].sum(), 4) for i, (_, _, lab) in enumerate(TYPES)},
        "per_capita_expenditure_total_pooled": _r(exp.sum() / d["N_AB_Year_PY"].sum(), 1),
        "method": "person-years N_AB_Year_<type>_PY; pooled = sums over all ACOs; per-type cost = "
                  "person-year-weighted mean of Per_Capita_Exp_ALL_<type>_PY",
    }

    # Assignment turnover: the PUF has no beneficiary-level overlap, only net counts.
    by3 = np.column_stack([d[f"N_AB_Year_{p}_BY3"].to_numpy(float) for _, p, _ in TYPES]).sum(axis=1)
    start = d["Current_Start_Date"].astype(str).str[6:10]
    new18 = (start == "2018").to_numpy()
    growth = d["N_AB_Year_PY"].to_numpy(float) / by3 - 1
    py_over_n = d["N_AB_Year_PY"].to_numpy(float) / n
    out["assignment_in_puf"] = {
        "note": "The PUF has no year-to-year overlap of assigned beneficiaries, so gross turnover (churn) "
                "cannot be derived from it; these are net figures. N_AB_Year_PY / N_AB < 1 is partial-"
                "year eligibility (deaths, Medicare Advantage, loss of Part A/B) of assigned beneficiaries.",
        "person_years_over_n_ab": {"mean": _r(py_over_n.mean()), "min": _r(py_over_n.min()), "max": _r(py_over_n.max())},
        "py_over_by3_person_years_minus_1": {
            "all_acos_median": _r(np.median(growth)), "all_acos_mean": _r(growth.mean()),
            "acos_starting_2018_count": int(new18.sum()),
            "acos_starting_2018_median": _r(np.median(growth[new18])),
            "acos_starting_2018_p25": _r(np.quantile(growth[new18], .25)),
            "acos_starting_2018_p75": _r(np.quantile(growth[new18], .75)),
            "note": "BY3 is the year before the agreement began (2017 for ACOs starting in 2018, so "
                    "their figure is a one-year net change in assigned person-years)",
        },
        "current_start_year_counts": {k: int(v) for k, v in start.value_counts().sort_index().items()},
    }

    if county_path:
        out["national_fee_for_service"] = national_by_type(county_path)
    out["assignment_turnover"] = ASSIGNMENT_TURNOVER
    out["issue_quotes"] = ISSUE_QUOTES
    return out


def national_by_type(county_path: str) -> Dict:
    """Person-year-weighted national per-capita expenditure and risk score by enrollment type, from
    the county-level FFS benchmark PUF (assignable beneficiaries, all counties; suppressed cells '*'
    are left out)."""
    c = pd.read_csv(county_path)
    c.columns = [x.strip() for x in c.columns]
    res = {"rows": int(len(c)), "year": int(c["Year"].iloc[0])}
    per, risk, share = {}, {}, {}
    tot = 0.0
    pys = {}
    for _, _, lab in TYPES:
        e = _num(c[f"Per capita {lab} expenditures"])
        r = _num(c[f"Average {lab} HCC risk score"])
        p = _num(c[f"{lab} person-years"])
        ok = e.notna() & p.notna() & r.notna()
        per[lab] = _r((e[ok] * p[ok]).sum() / p[ok].sum(), 2)
        risk[lab] = _r((r[ok] * p[ok]).sum() / p[ok].sum(), 5)
        pys[lab] = float(p[ok].sum())
        tot += pys[lab]
    for lab in pys:
        share[lab] = _r(pys[lab] / tot)
    res.update({"per_capita_expenditure": per, "risk_score": risk, "person_year_share": share,
                "person_years": {k: round(v, 1) for k, v in pys.items()},
                "per_capita_expenditure_all_types": _r(sum(per[k] * pys[k] for k in pys) / tot, 2),
                "method": "sum over counties of per-capita x person-years / person-years, per type; "
                          "rows with a suppressed ('*') cell in that type left out"})
    return res


def comparison_lines(s: Dict) -> List[str]:
    q = s["issue_quotes"]
    band = {b["band"]: b for b in s["size_bands"]}
    rows = [
        ("sd of savings rate, 5,000-7,500", q["sd_savings_rate_5000_7500"], band["5k-7.5k"]["sd_savings_rate"]),
        ("size law b (fraction^2 x N)", q["size_law_b"], s["size_law"]["b"]),
        ("share below benchmark", q["share_below_benchmark"], s["share_below_benchmark"]),
        ("two-sided owing losses", q["share_two_sided_owing_losses"], s["tracks"]["share_two_sided_owing_losses"]),
        ("mean savings rate", q["mean_savings_rate"], s["mean_savings_rate"]),
        ("cv per capita, raw", q["cv_per_capita_raw"], s["cost_variation"]["cv_per_capita_raw"]),
        ("cv per capita, risk-adjusted", q["cv_per_capita_risk_adjusted"], s["cost_variation"]["cv_per_capita_risk_adjusted"]),
        ("quality mean", q["quality_mean"], s["quality"]["mean"]),
        ("quality sd", q["quality_sd"], s["quality"]["sd"]),
        ("MSR below 5,000, min", q["msr_below_5000_min"], s["minimum_savings_rate"]["below_5000"]["min"]),
        ("MSR below 5,000, max", q["msr_below_5000_max"], s["minimum_savings_rate"]["below_5000"]["max"]),
    ]
    out = [f"{'figure':34s} {'issue':>9s} {'PUF':>11s}"]
    for name, issue, got in rows:
        out.append(f"{name:34s} {issue:9.4g} {got:11.5g}")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--puf", required=True, help="the full PY2018 MSSP ACO PUF CSV")
    p.add_argument("--county", help="the 2018 county-level FFS benchmark PUF CSV (optional)")
    p.add_argument("--out", help="write the summary JSON here")
    p.add_argument("--fetched", help="date the files were fetched (default: %s)" % SOURCE["fetched"])
    a = p.parse_args(argv)
    s = summarize(a.puf, a.county)
    if a.fetched:
        s["source"] = dict(s["source"], fetched=a.fetched)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(s, f, indent=1)
            f.write("\n")
    print("\n".join(comparison_lines(s)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
