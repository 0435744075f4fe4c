#!/usr/bin/env python3
"""Calibrate scenarios/default.toml against the concentration of Medicare spending.

Reads the strata, patient traits, regions and provider groups from the scenario file (so the file and
docs/calibration.md cannot drift), simulates the year-0 cross-section of annual per-capita cost with the
engine's model (DESIGN.md sec. 3.6, trend and intervention effects left out) and prints the achieved
concentration of spending next to the project's targets.

    /usr/bin/python3 scripts/calibrate_default.py              # check the shipped file
    /usr/bin/python3 scripts/calibrate_default.py --check      # exit 1 when a figure is out of tolerance
    /usr/bin/python3 scripts/calibrate_default.py --years      # also the multi-year view (drift, persistence)
    /usr/bin/python3 scripts/calibrate_default.py --search     # nearest fit (Nelder-Mead); prints suggested values

Targets: Medicare fee-for-service concentration of spending, as commonly reported (e.g. CBO / MedPAC
data books): top 1% of beneficiaries ~15% of spending, top 5% ~41%, top 10% ~60%, top 20% ~79%, and a
coefficient of variation of annual per-capita cost ~2.

The model of one patient-year (the engine implements exactly this):
    stratum s ~ population mix; B ~ Bernoulli(p_any_s); Z, Z2 ~ N(0,1); u ~ N(0, tau^2)
    a = logistic(logit(adherence_mean) + adherence_sd * Z2), abar = E[a], c_a = ln E[exp(beta_a (a - abar))]
    body = B exp(mu_s + sigma_s Z + u - tau^2/2 + beta_a (a - abar) - c_a + v - Var v/2 + e - sigma_e^2/2)
    cat  = C cat_scale_s U^(-1/cat_shape_s), C ~ Bernoulli(cat_prob_s), U = (k + 1/2) / 2^23, k uniform
    cost = body + cat
with sigma_s^2 = ln(1 + cv_s^2), mu_s = ln(mean_s) - sigma_s^2/2, regional shock v ~ N(0, initial_sd^2)
and provider efficiency e ~ N(0, efficiency_sd^2) (zero for comparison populations). Every multiplicative
shock is mean one, so E[body | any cost] = mean_s.
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = REPO / "scenarios" / "default.toml"

#: Medicare FFS concentration of spending, as commonly reported (CBO / MedPAC data books).
TARGET_SHARES = {0.01: 0.15, 0.05: 0.41, 0.10: 0.60, 0.20: 0.79}
TARGET_CV = 2.0
SHARE_TOLERANCE = 0.02  # +/- 2 percentage points
CV_TOLERANCE = 0.2
#: Plausibility ranges (not fitted): Medicare per-capita spending and the share with no claims in a year.
MEAN_RANGE = (12_000.0, 13_000.0)
ZERO_RANGE = (0.05, 0.08)
#: The engine draws U on a 2^23 grid, U = (k + 1/2) 2^-23, so U >= 2^-24 and Pareto draws stop at
#: cat_scale 2^(24/cat_shape).
GRID_BITS = 23


# --------------------------------------------------------------------------------------------- scenario


@dataclass(frozen=True)
class Model:
    """The parameters of the cross-section, as flat arrays (index = stratum, or population)."""

    names: tuple[str, ...]
    share: np.ndarray
    p_any: np.ndarray
    mean: np.ndarray
    cv: np.ndarray
    cat_prob: np.ndarray
    cat_scale: np.ndarray
    cat_shape: np.ndarray
    risk_score: np.ndarray
    transition: np.ndarray  # [S, S] yearly transition matrix, rows sum to 1
    tau: float
    frailty_rho: float
    churn: float
    adherence_mean: float
    adherence_sd: float
    adherence_cost: float
    # Populations: provider groups (one per group) then each region's comparison population.
    pop_names: tuple[str, ...]
    pop_weight: np.ndarray  # patient-years in a year
    pop_mix: np.ndarray  # [P, S] stratum shares
    pop_eff_sd: np.ndarray  # provider efficiency sd (0 for comparison populations)
    pop_region_sd: np.ndarray  # sd of the region's year-0 shock v
    pop_region_shock_sd: np.ndarray  # sd of the yearly innovation
    pop_region_rho: np.ndarray  # AR(1) coefficient of the shock
    years: int


def region_initial_sd(region: dict) -> float:
    """s0 as scenario.hpp resolves it: given, or stationary sd when rho < 1, or shock_sd."""
    if "initial_sd" in region:
        return float(region["initial_sd"])
    sd, rho = float(region.get("shock_sd", 0.0)), float(region.get("shock_rho", 1.0))
    return sd / math.sqrt(1.0 - rho * rho) if rho < 1.0 else sd


def load_model(path: Path) -> Model:
    """Reads the parts of a scenario that shape the annual cost of a patient-year."""
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    strata = doc["stratum"]
    names = tuple(s["name"] for s in strata)
    index = {n: i for i, n in enumerate(names)}

    def col(key: str, default: float | None = None) -> np.ndarray:
        return np.array([float(s[key] if default is None else s.get(key, default)) for s in strata])

    trans = np.zeros((len(names), len(names)))
    for i, s in enumerate(strata):
        for to, p in s.get("transition", {}).items():
            if to not in index or to == s["name"]:
                raise SystemExit(f"{path}: stratum {s['name']}: bad transition target {to!r}")
            trans[i, index[to]] = float(p)
        if trans[i].sum() > 1.0:
            raise SystemExit(f"{path}: stratum {s['name']}: transition probabilities exceed 1")
        trans[i, i] = 1.0 - trans[i].sum()

    share = col("share")
    if abs(share.sum() - 1.0) > 1e-9:
        raise SystemExit(f"{path}: stratum shares sum to {share.sum()}, not 1")
    pat = doc.get("patients", {})
    regions = {r["name"]: r for r in doc.get("region", [])}

    pops, weight, mix, eff, rsd, rshock, rrho = [], [], [], [], [], [], []

    def add(name, w, m, e, region):
        pops.append(name)
        weight.append(w)
        mix.append(m)
        eff.append(e)
        rsd.append(region_initial_sd(region))
        rshock.append(float(region.get("shock_sd", 0.0)))
        rrho.append(float(region.get("shock_rho", 1.0)))

    for g in doc.get("provider_group", []):
        if g.get("unit", "patient_year") != "patient_year":
            continue  # episodes are not patient-years
        m = share
        if "case_mix" in g:  # { stratum = share }; strata it leaves out get 0
            m = np.array([float(g["case_mix"].get(n, 0.0)) for n in names])
        add(g["name"], int(g.get("count", 1)) * int(g["panel_size"]), m,
            float(g.get("efficiency_sd", 0.0)), regions[g["region"]])
    for r in regions.values():
        if int(r.get("comparison_size", 0)) > 0:
            add(f"{r['name']} comparison", int(r["comparison_size"]), share, 0.0, r)

    sim = doc.get("simulation", {})
    return Model(
        names=names, share=share, p_any=col("p_any", 1.0), mean=col("mean"), cv=col("cv"),
        cat_prob=col("cat_prob", 0.0), cat_scale=col("cat_scale", 0.0), cat_shape=col("cat_shape", 2.0),
        risk_score=col("risk_score", 1.0), transition=trans,
        tau=float(pat.get("frailty_sd", 0.0)), frailty_rho=float(pat.get("frailty_rho", 0.0)),
        churn=float(pat.get("churn", 0.0)), adherence_mean=float(pat.get("adherence_mean", 0.5)),
        adherence_sd=float(pat.get("adherence_sd", 0.0)),
        adherence_cost=float(pat.get("adherence_cost", 0.0)),
        pop_names=tuple(pops), pop_weight=np.array(weight, float), pop_mix=np.array(mix),
        pop_eff_sd=np.array(eff), pop_region_sd=np.array(rsd), pop_region_shock_sd=np.array(rshock),
        pop_region_rho=np.array(rrho),
        years=int(sim.get("baseline_years", 3)) + int(sim.get("performance_years", 3)),
    )


# ------------------------------------------------------------------------------------- closed forms


def adherence_constants(m: Model) -> tuple[float, float, float]:
    """abar = E[a], c_a = ln E[exp(beta_a (a - abar))] and M = E[exp(2 beta_a (a-abar))] / E[...]^2."""
    x, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / w.sum()
    a = 1.0 / (1.0 + np.exp(-(math.log(m.adherence_mean / (1.0 - m.adherence_mean)) + m.adherence_sd * x)))
    abar = float(w @ a)
    m1 = float(w @ np.exp(m.adherence_cost * (a - abar)))
    m2 = float(w @ np.exp(2.0 * m.adherence_cost * (a - abar)))
    return abar, math.log(m1), m2 / (m1 * m1)


_grid_moment_cache: dict[float, float] = {}


def grid_moment(q: float) -> float:
    """E[U^-q] for U on the engine's grid, exactly (sum over all 2^23 points, in chunks)."""
    if q not in _grid_moment_cache:
        n, total, chunk = 1 << GRID_BITS, 0.0, 1 << 21
        for start in range(0, n, chunk):
            k = np.arange(start, start + chunk, dtype=np.float64)
            total += float(np.sum(((k + 0.5) / n) ** (-q)))
        _grid_moment_cache[q] = total / n
    return _grid_moment_cache[q]


def stratum_moments(m: Model) -> tuple[np.ndarray, np.ndarray]:
    """E[cost] and E[cost^2] per (population, stratum), exact given the grid truncation."""
    _, _, adh = adherence_constants(m)
    body1 = m.p_any * m.mean
    extra = np.exp(m.tau**2 + m.pop_region_sd**2 + m.pop_eff_sd**2) * adh  # [P]
    body2 = np.outer(extra, m.p_any * m.mean**2 * (1.0 + m.cv**2))
    g1 = np.array([grid_moment(1.0 / a) for a in m.cat_shape])
    g2 = np.array([grid_moment(2.0 / a) for a in m.cat_shape])
    cat1 = m.cat_prob * m.cat_scale * g1
    cat2 = m.cat_prob * m.cat_scale**2 * g2
    first = np.broadcast_to(body1 + cat1, body2.shape)
    second = body2 + 2.0 * body1 * cat1 + cat2
    return first, second


def population_weights(m: Model, mix: np.ndarray | None = None) -> np.ndarray:
    """Probability of (population, stratum) for a random patient-year."""
    w = m.pop_weight / m.pop_weight.sum()
    return w[:, None] * (m.pop_mix if mix is None else mix)


def analytic_summary(m: Model) -> dict[str, float]:
    """Mean, CV and zero-cost fraction of the pooled cross-section, in closed form."""
    w = population_weights(m)
    first, second = stratum_moments(m)
    mean = float((w * first).sum())
    var = float((w * second).sum()) - mean * mean
    zero = float((w * ((1.0 - m.p_any) * (1.0 - m.cat_prob))).sum())
    return {"mean": mean, "cv": math.sqrt(var) / mean, "zero": zero}


def expected_cost_by_stratum(m: Model) -> np.ndarray:
    """E[cost | stratum], the basis of the risk scores."""
    g1 = np.array([grid_moment(1.0 / a) for a in m.cat_shape])
    return m.p_any * m.mean + m.cat_prob * m.cat_scale * g1


def catastrophic_share(m: Model) -> float:
    """Share of expected cost that comes from the catastrophic add-ons."""
    g1 = np.array([grid_moment(1.0 / a) for a in m.cat_shape])
    w = population_weights(m).sum(axis=0)
    return float(w @ (m.cat_prob * m.cat_scale * g1)) / float(w @ expected_cost_by_stratum(m))


def share_drift(m: Model) -> np.ndarray:
    """Stratum shares by year: churned patients are replaced from the year-0 mix, stayers transition."""
    p = [m.share]
    for _ in range(1, m.years):
        p.append(m.churn * m.share + (1.0 - m.churn) * (p[-1] @ m.transition))
    return np.array(p)


# ------------------------------------------------------------------------------------------ simulation


class Draws:
    """Standard random draws, kept fixed so that every parameter set is judged on the same numbers."""

    def __init__(self, n: int, seed: int):
        rng = np.random.default_rng(seed)
        self.n = n
        self.pop_u = rng.random(n)
        self.stratum_u = rng.random(n)
        self.any_u = rng.random(n)
        self.z = rng.standard_normal(n)
        self.z_adherence = rng.standard_normal(n)
        self.z_frailty = rng.standard_normal(n)
        self.z_region = rng.standard_normal(n)
        self.z_provider = rng.standard_normal(n)
        self.cat_u = rng.random(n)
        self.cat_k = rng.integers(0, 1 << GRID_BITS, n)


def assign(m: Model, pop_u: np.ndarray, stratum_u: np.ndarray):
    """Population and stratum of each draw."""
    cw = np.cumsum(m.pop_weight) / m.pop_weight.sum()
    pop = np.minimum(np.searchsorted(cw, pop_u, side="right"), len(cw) - 1)
    return pop, stratum_in(m, pop, stratum_u)


def stratum_in(m: Model, pop: np.ndarray, stratum_u: np.ndarray) -> np.ndarray:
    """Stratum of a new patient in population `pop`, from that population's mix."""
    cmix = np.cumsum(m.pop_mix, axis=1)
    cmix[:, -1] = 1.0
    return np.minimum((stratum_u[:, None] >= cmix[pop]).sum(axis=1), len(m.names) - 1)


def annual_cost(m: Model, pop, s, any_u, z, adherence, u, v, var_v, e, cat_u, cat_k) -> np.ndarray:
    """Cost of each patient-year; `u`, `v`, `e` are the frailty, regional and provider log effects."""
    abar, c_a, _ = adherence_constants(m)
    sig2 = np.log1p(m.cv**2)
    mu = np.log(m.mean) - sig2 / 2.0
    eff_var = m.pop_eff_sd[pop] ** 2
    log_body = (mu[s] + np.sqrt(sig2)[s] * z + u - m.tau**2 / 2.0
                + m.adherence_cost * (adherence - abar) - c_a + v - var_v / 2.0 + e - eff_var / 2.0)
    body = np.where(any_u < m.p_any[s], np.exp(log_body), 0.0)
    grid_u = (cat_k + 0.5) / float(1 << GRID_BITS)
    cat = np.where(cat_u < m.cat_prob[s], m.cat_scale[s] * grid_u ** (-1.0 / m.cat_shape[s]), 0.0)
    return body + cat


def adherence_of(m: Model, z2: np.ndarray) -> np.ndarray:
    logit = math.log(m.adherence_mean / (1.0 - m.adherence_mean))
    return 1.0 / (1.0 + np.exp(-(logit + m.adherence_sd * z2)))


def simulate_year0(m: Model, d: Draws) -> np.ndarray:
    """The year-0 cross-section of annual cost."""
    pop, s = assign(m, d.pop_u, d.stratum_u)
    return annual_cost(
        m, pop, s, d.any_u, d.z, adherence_of(m, d.z_adherence), m.tau * d.z_frailty,
        m.pop_region_sd[pop] * d.z_region, m.pop_region_sd[pop] ** 2,
        m.pop_eff_sd[pop] * d.z_provider, d.cat_u, d.cat_k)


def top_shares(cost: np.ndarray, fractions=tuple(TARGET_SHARES)) -> dict[float, float]:
    """Share of total cost held by the costliest fraction f of patient-years."""
    desc = np.sort(cost)[::-1]
    csum = np.cumsum(desc)
    return {f: float(csum[max(1, int(round(f * len(cost)))) - 1] / csum[-1]) for f in fractions}


def summarize(cost: np.ndarray) -> dict:
    return {"shares": top_shares(cost), "cv": float(cost.std() / cost.mean()),
            "mean": float(cost.mean()), "zero": float(np.mean(cost == 0.0))}


def batch_se(cost: np.ndarray, batches: int = 20) -> dict:
    """Monte Carlo standard errors by batch means over `batches` equal blocks."""
    parts = [summarize(b) for b in np.array_split(cost, batches)]
    k = math.sqrt(batches)
    return {"shares": {f: float(np.std([p["shares"][f] for p in parts], ddof=1) / k) for f in TARGET_SHARES},
            "cv": float(np.std([p["cv"] for p in parts], ddof=1) / k),
            "mean": float(np.std([p["mean"] for p in parts], ddof=1) / k)}


# -------------------------------------------------------------------------------------------- reports


def report(m: Model, cost: np.ndarray, path: Path) -> bool:
    """Prints achieved versus target; returns whether every fitted figure is within tolerance."""
    got, se, exact = summarize(cost), batch_se(cost), analytic_summary(m)
    ok = True
    print(f"scenario: {path}")
    print(f"simulated patient-years: {len(cost):,}   populations: {len(m.pop_names)} "
          f"({int(m.pop_weight.sum()):,} patient-years a year)\n")
    print(f"{'figure':<26}{'target':>12}{'achieved':>12}{'MC se':>10}{'closed form':>13}  status")
    for f, t in TARGET_SHARES.items():
        a = got["shares"][f]
        good = abs(a - t) <= SHARE_TOLERANCE
        ok &= good
        print(f"{'top ' + format(f, '.0%') + ' share of cost':<26}{t:>12.1%}{a:>12.1%}"
              f"{se['shares'][f]:>10.2%}{'':>13}  {'ok' if good else 'OUT (+/-2 pp)'}")
    good = abs(got["cv"] - TARGET_CV) <= CV_TOLERANCE
    ok &= good
    print(f"{'CV of annual cost':<26}{TARGET_CV:>12.2f}{got['cv']:>12.3f}{se['cv']:>10.3f}"
          f"{exact['cv']:>13.3f}  {'ok' if good else 'OUT (+/-0.2)'}")
    good = MEAN_RANGE[0] <= got["mean"] <= MEAN_RANGE[1]
    print(f"{'mean annual cost (USD)':<26}{'12,000-13,000':>12}{got['mean']:>12,.0f}{se['mean']:>10,.0f}"
          f"{exact['mean']:>13,.0f}  {'ok' if good else 'outside range'}")
    good = ZERO_RANGE[0] <= got["zero"] <= ZERO_RANGE[1]
    print(f"{'no cost in the year':<26}{'5-8%':>12}{got['zero']:>12.2%}{'':>10}"
          f"{exact['zero']:>13.2%}  {'ok' if good else 'outside range'}")

    q = np.quantile(cost, [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
    print("percentiles of annual cost (not fitted): "
          + ", ".join(f"p{100 * p:g} {x:,.0f}" for p, x in zip([0.5, 0.8, 0.9, 0.95, 0.99, 0.999], q)))
    print(f"cost share of the catastrophic add-ons: {catastrophic_share(m):.1%}")

    ec = expected_cost_by_stratum(m)
    w = population_weights(m).sum(axis=0)
    risk = ec / float(w @ ec)
    print(f"\n{'stratum':<14}{'share':>8}{'E[cost]':>11}{'risk score':>12}{'suggested':>11}"
          f"{'cat cap':>14}{'eff. log sd':>13}")
    for i, n in enumerate(m.names):
        cap = m.cat_scale[i] * 2.0 ** ((GRID_BITS + 1) / m.cat_shape[i])
        lsd = math.sqrt(math.log1p(m.cv[i] ** 2) + m.tau**2)
        print(f"{n:<14}{w[i]:>8.3f}{ec[i]:>11,.0f}{m.risk_score[i]:>12.3f}{risk[i]:>11.3f}"
              f"{cap:>14,.0f}{lsd:>13.3f}")
    print(f"population mean risk score (file values): {float(w @ m.risk_score):.3f}")
    return ok


def report_years(m: Model, n: int, seed: int) -> None:
    """Multi-year view: share drift, yearly concentration, persistence and multi-year concentration.

    Illustrative: assumes a churned patient is replaced by a new one from the same population's mix, stayers
    move between strata by the transition matrix, frailty is AR(1) with frailty_rho, adherence and
    provider efficiency are fixed, and the regional shock follows its AR(1) with the per-year
    variance correction.
    """
    drift = share_drift(m)
    print("\nstratum shares by year (transitions and churn; comparison populations and panels alike):")
    print(f"{'year':<6}" + "".join(f"{x:>13}" for x in m.names))
    for k, row in enumerate(drift):
        print(f"{k:<6}" + "".join(f"{x:>13.3f}" for x in row))

    rng = np.random.default_rng(seed)
    pop, s = assign(m, rng.random(n), rng.random(n))
    z_adh = rng.standard_normal(n)
    u = m.tau * rng.standard_normal(n)
    e = m.pop_eff_sd[pop] * rng.standard_normal(n)
    v = m.pop_region_sd[pop] * rng.standard_normal(n)
    var_v = m.pop_region_sd[pop] ** 2
    enrolled = np.ones(n, bool)  # continuously enrolled since year 0
    ctrans = np.cumsum(m.transition, axis=1)
    ctrans[:, -1] = 1.0
    costs, still = [], []  # still[k]: enrolled continuously from year 0 to year k
    print(f"\n{'year':<6}{'mean':>9}{'CV':>7}{'top 1%':>8}{'top 5%':>8}{'top 10%':>9}{'top 20%':>9}"
          "  (no trend, no intervention effect)")
    for k in range(m.years):
        if k > 0:
            churned = rng.random(n) < m.churn  # a replacement joins the same panel or population
            enrolled &= ~churned
            moved = np.minimum((rng.random(n)[:, None] >= ctrans[s]).sum(axis=1), len(m.names) - 1)
            s = np.where(churned, stratum_in(m, pop, rng.random(n)), moved)
            innovation = math.sqrt(1.0 - m.frailty_rho**2) * m.tau * rng.standard_normal(n)
            u = np.where(churned, m.tau * rng.standard_normal(n), m.frailty_rho * u + innovation)
            z_adh = np.where(churned, rng.standard_normal(n), z_adh)
            rho, sd = m.pop_region_rho[pop], m.pop_region_shock_sd[pop]
            v = rho * v + sd * rng.standard_normal(n)
            var_v = rho**2 * var_v + sd**2
        cost = annual_cost(m, pop, s, rng.random(n), rng.standard_normal(n), adherence_of(m, z_adh), u, v,
                           var_v, e, rng.random(n), rng.integers(0, 1 << GRID_BITS, n))
        costs.append(cost)
        still.append(enrolled.copy())
        g = summarize(cost)
        print(f"{k:<6}{g['mean']:>9,.0f}{g['cv']:>7.2f}" + "".join(
            f"{g['shares'][f]:>{8 if f < 0.1 else 9}.1%}" for f in TARGET_SHARES))

    c0, c1 = costs[0], costs[1]
    print("\npersistence from year 0 to year 1 (patients enrolled in both years):")
    for f in (0.05, 0.10):
        top0 = c0 >= np.quantile(c0, 1.0 - f)
        top1 = c1 >= np.quantile(c1, 1.0 - f)
        print(f"  of the top {f:.0%} in year 0, {np.mean(top1[top0 & still[1]]):.1%} are in the top {f:.0%} "
              "in year 1")
    span = min(3, m.years)
    total = np.sum(costs[:span], axis=0)[still[span - 1]]
    g = summarize(total)
    print(f"{span}-year cumulative cost of patients enrolled all {span} years ({still[span - 1].mean():.0%}): "
          + ", ".join(f"top {f:.0%} {g['shares'][f]:.1%}" for f in TARGET_SHARES) + f", CV {g['cv']:.2f}")


# --------------------------------------------------------------------------------------------- search


def knob_names(m: Model) -> list[str]:
    """The searched knobs, all log factors applied to the file's values (0 = unchanged)."""
    return ([f"mean[{n}]" for n in m.names[1:]]
            + ["cv (all strata)", "cat_prob (all strata)", "cat_scale (all strata)"])


def apply_knobs(m: Model, x: np.ndarray) -> Model:
    """The file's model with the knobs turned. The first stratum's mean is the anchor: only ratios of
    money amounts matter for concentration and CV (the mean is rescaled afterwards)."""
    s = len(m.names)
    return replace(m, mean=m.mean * np.exp(np.r_[0.0, x[: s - 1]]), cv=m.cv * math.exp(x[s - 1]),
                   cat_prob=np.minimum(m.cat_prob * math.exp(x[s]), 1.0),
                   cat_scale=m.cat_scale * math.exp(x[s + 1]))


def rescale_to_mean(m: Model, target: float) -> Model:
    """Multiplies every money amount (body means and Pareto scales) so the population mean is `target`.

    Concentration and CV are scale free, so this does not disturb the fit."""
    f = target / analytic_summary(m)["mean"]
    return replace(m, mean=m.mean * f, cat_scale=m.cat_scale * f)


#: Weight of the pull towards the file's values, per unit of squared log factor: a 20% change of one
#: parameter costs as much as missing a share by 0.5 percentage point. Without it the search is
#: underdetermined (more knobs than targets) and wanders to degenerate corners.
PRIOR_WEIGHT = 0.25 / 0.2**2


def objective(m: Model, d: Draws, x: np.ndarray) -> float:
    """Squared misses in units of 1 pp (shares) and 0.1 (CV), plus the pull towards the file."""
    mm = apply_knobs(m, x)
    shares = top_shares(simulate_year0(mm, d))
    cv = analytic_summary(mm)["cv"]  # exact, free of the Pareto tail's sampling noise
    loss = sum(((shares[f] - t) / 0.01) ** 2 for f, t in TARGET_SHARES.items())
    return loss + ((cv - TARGET_CV) / 0.1) ** 2 + PRIOR_WEIGHT * float(x @ x)


def nelder_mead(f, x0: np.ndarray, step: np.ndarray, iters: int = 150, tol: float = 1e-3):
    """Plain Nelder-Mead (standard coefficients)."""
    pts = [x0] + [x0 + np.eye(len(x0))[i] * step[i] for i in range(len(x0))]
    vals = [f(p) for p in pts]
    for _ in range(iters):
        order = np.argsort(vals)
        pts, vals = [pts[i] for i in order], [vals[i] for i in order]
        if vals[-1] - vals[0] < tol:
            break
        centroid = np.mean(pts[:-1], axis=0)
        xr = centroid + (centroid - pts[-1])
        fr = f(xr)
        if fr < vals[0]:
            xe = centroid + 2.0 * (centroid - pts[-1])
            fe = f(xe)
            pts[-1], vals[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < vals[-2]:
            pts[-1], vals[-1] = xr, fr
        else:
            xc = centroid + 0.5 * (pts[-1] - centroid)
            fc = f(xc)
            if fc < vals[-1]:
                pts[-1], vals[-1] = xc, fc
            else:
                pts = [pts[0]] + [pts[0] + 0.5 * (p - pts[0]) for p in pts[1:]]
                vals = [vals[0]] + [f(p) for p in pts[1:]]
    i = int(np.argmin(vals))
    return pts[i], vals[i]


def search(m: Model, n: int, seed: int, target_mean: float) -> None:
    """Nearest fit to the file's values; frailty_sd, shares and p_any stay as the file has them."""
    d = Draws(n, seed + 1)
    names = knob_names(m)
    print(f"searching {len(names)} knobs on {n:,} draws (common random numbers, frailty_sd fixed) ...")
    x0 = np.zeros(len(names))
    x, loss = nelder_mead(lambda x: objective(m, d, x), x0, np.full(len(names), 0.15), iters=400)
    print(f"loss {loss:.3f} (file: {objective(m, d, x0):.3f}); factors: "
          + ", ".join(f"{k} x{math.exp(v):.3f}" for k, v in zip(names, x)))
    best = rescale_to_mean(apply_knobs(m, x), target_mean)
    shares = top_shares(simulate_year0(best, d))
    print("fit: " + ", ".join(f"top {f:.0%} {shares[f]:.1%}" for f in TARGET_SHARES)
          + f", CV {analytic_summary(best)['cv']:.3f} (closed form)")
    print("\nsuggested values (round them, write them into the scenario, and run without --search):")
    ec = expected_cost_by_stratum(best)
    w = population_weights(best).sum(axis=0)
    for i, name in enumerate(best.names):
        print(f"[[stratum]] {name}: mean = {best.mean[i]:.0f}, cv = {best.cv[i]:.3f}, "
              f"cat_prob = {best.cat_prob[i]:.4f}, cat_scale = {best.cat_scale[i]:.0f}, "
              f"risk_score = {ec[i] / float(w @ ec):.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    ap.add_argument("--n", type=int, default=4_000_000, help="simulated patient-years (default 4,000,000)")
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--check", action="store_true", help="exit 1 if a fitted figure is out of tolerance")
    ap.add_argument("--years", action="store_true", help="also the multi-year view")
    ap.add_argument("--search", action="store_true", help="search the nearest fit and print suggested values")
    ap.add_argument("--search-n", type=int, default=2_000_000)
    ap.add_argument("--target-mean", type=float, default=12_500.0)
    args = ap.parse_args()
    if args.n < 2_000_000:
        print("note: fewer than 2,000,000 patient-years; the top-1% share and CV are noisy", file=sys.stderr)

    m = load_model(args.scenario)
    ok = report(m, simulate_year0(m, Draws(args.n, args.seed)), args.scenario)
    if args.years:
        report_years(m, min(args.n, 2_000_000), args.seed + 2)
    if args.search:
        print()
        search(m, args.search_n, args.seed, args.target_mean)
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
