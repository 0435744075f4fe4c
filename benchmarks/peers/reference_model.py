"""The reference model's parameters, read from a scenario file, and the statistics the peers compare.

The peers (peer_numpy.py, peer_numba.py) simulate the model of docs/model.md restricted to what the
reference scenario (reference.toml) uses: patient panels, one region, lognormal bodies with a Pareto
catastrophic add-on, no comparison population, practices, types, thresholds or assignment rules.
`load` refuses a scenario that uses anything else, so a peer never silently simulates another model.

Tallies are per (replication, year), summed over providers, in apmsim's field order
(src/model/tally_layout.hpp): units, cost, cost^2, counterfactual, risk score, any cost,
catastrophic, catastrophic cost, then per measure eligible, measured, achieved (among measured),
achieved_true (among eligible).
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference.toml"

FIXED_FIELDS = ["units", "cost", "cost_squared", "counterfactual", "risk_score", "any_cost",
                "catastrophic", "catastrophic_cost"]
MEASURE_FIELDS = ["eligible", "measured", "achieved", "achieved_true"]


def field_names(measures: list[str]) -> list[str]:
    return FIXED_FIELDS + [f"{m}.{f}" for m in measures for f in MEASURE_FIELDS]


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def adherence_moments(loc: float, sd: float, beta: float) -> tuple[float, float]:
    """abar = E[a] and c_a = -ln E[exp(beta (a - abar))] for a = logistic(loc + sd Z), by
    Gauss-Hermite quadrature (apmsim computes the same two numbers by quadrature)."""
    x, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    a = 1.0 / (1.0 + np.exp(-(loc + sd * x)))
    abar = float((w * a).sum())
    return abar, float(-math.log((w * np.exp(beta * (a - abar))).sum()))


@dataclass
class Params:
    """Everything a peer needs, as plain numbers and float arrays (Numba takes them as is)."""
    seed: int
    years: int
    baseline_years: int
    trend: float
    providers: int
    panel: int
    # region: random walk v(0) = s0 Z, v(k) = rho v(k-1) + sd Z
    shock_sd: float
    shock_rho: float
    initial_sd: float
    # providers
    efficiency_sd: float
    effect_mean: float
    effect_sd: float
    effect_ramp: np.ndarray   # per performance year
    quality_sd: float
    coding_growth: float
    # strata
    case_mix_cum: np.ndarray  # cumulative shares
    p_any: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray
    cat_prob: np.ndarray
    cat_scale: np.ndarray
    neg_inv_cat_shape: np.ndarray
    risk_score: np.ndarray
    transition_cum: np.ndarray  # [from, to] cumulative row
    # patients
    frailty_sd: float
    frailty_rho: float
    churn: float
    adherence_loc: float
    adherence_sd: float
    adherence_cost: float
    adherence_mean: float      # abar
    adherence_correction: float  # c_a
    # measures
    measure_names: list
    eligible: np.ndarray       # [measure, stratum] 0/1
    logit_base: np.ndarray
    frailty_coef: np.ndarray
    adherence_coef: np.ndarray
    improvement: np.ndarray
    logit_response: np.ndarray
    nonresponse_frailty: np.ndarray

    @property
    def unit_years(self) -> int:
        """Patient-years of one replication."""
        return self.providers * self.panel * self.years

    @property
    def fields(self) -> list[str]:
        return field_names(self.measure_names)


def _refuse(what: str) -> None:
    raise ValueError(f"the peers simulate the reference model only; this scenario uses {what}")


def load(path: Path = REFERENCE) -> Params:
    """The reference model's parameters from a scenario file (see the module's docstring)."""
    s = tomllib.loads(Path(path).read_text())
    sim, regions, strata, groups = s["simulation"], s["region"], s["stratum"], s["provider_group"]
    pt, measures = s.get("patients", {}), s.get("measure", [])
    if len(regions) != 1 or regions[0].get("comparison_size", 0):
        _refuse("more than one region or a comparison population")
    if len(groups) != 1:
        _refuse("more than one provider group")
    g = groups[0]
    for key in ("case_mix", "practice_sd", "assignment_churn", "assigned_share", "volume"):
        if key in g:
            _refuse(f"provider_group.{key}")
    if g.get("unit", "patient_year") != "patient_year" or not g.get("participant", True):
        _refuse("episodes or non-participants")
    if s.get("tallies", {}).get("thresholds") or "contract" in s:
        _refuse("thresholds or a contract")
    names = [st["name"] for st in strata]
    n = len(names)
    if any(st.get("severity", "lognormal") != "lognormal" or st.get("enrollment") for st in strata):
        _refuse("empirical severities or enrollment types")
    sigma2 = np.array([math.log1p(st["cv"] ** 2) for st in strata])
    transition = np.zeros((n, n))
    for j, st in enumerate(strata):
        row = np.zeros(n)
        for to, prob in st.get("transition", {}).items():
            row[names.index(to)] = prob
        row[j] = 1.0 - row.sum()
        transition[j] = np.cumsum(row)
        transition[j, -1] = 1.0
    shares = np.cumsum([st["share"] for st in strata])
    shares[-1] = 1.0
    r = regions[0]
    rho = r.get("shock_rho", 1.0)
    initial = r.get("initial_sd", r.get("shock_sd", 0.0) / math.sqrt(1 - rho * rho) if rho < 1
                    else r.get("shock_sd", 0.0))
    loc, a_sd, beta = (logit(pt.get("adherence_mean", 0.5)), pt.get("adherence_sd", 0.0),
                       pt.get("adherence_cost", 0.0))
    abar, c_a = adherence_moments(loc, a_sd, beta)
    eligible = np.array([[1.0 if not m.get("strata") or name in m["strata"] else 0.0
                          for name in names] for m in measures]).reshape(len(measures), n)

    def f64(key: str) -> np.ndarray:
        return np.array([m.get(key, 0.0) for m in measures], dtype=float)

    performance_years = sim.get("performance_years", 3)
    return Params(
        seed=sim.get("seed", 1), years=sim.get("baseline_years", 3) + performance_years,
        baseline_years=sim.get("baseline_years", 3), trend=sim.get("trend", 0.0),
        providers=g.get("count", 1), panel=g["panel_size"],
        shock_sd=r.get("shock_sd", 0.0), shock_rho=rho, initial_sd=initial,
        efficiency_sd=g.get("efficiency_sd", 0.0), effect_mean=g.get("effect_mean", 0.0),
        effect_sd=g.get("effect_sd", 0.0),
        effect_ramp=np.array(g.get("effect_ramp", [1.0] * performance_years), dtype=float),
        quality_sd=g.get("quality_sd", 0.0), coding_growth=g.get("coding_growth", 0.0),
        case_mix_cum=shares, p_any=np.array([st["p_any"] for st in strata], dtype=float),
        mu=np.log([st["mean"] for st in strata]) - sigma2 / 2, sigma=np.sqrt(sigma2),
        cat_prob=np.array([st.get("cat_prob", 0.0) for st in strata], dtype=float),
        cat_scale=np.array([st.get("cat_scale", 1.0) for st in strata], dtype=float),
        neg_inv_cat_shape=np.array([-1.0 / st.get("cat_shape", 2.0) for st in strata]),
        risk_score=np.array([st.get("risk_score", 1.0) for st in strata], dtype=float),
        transition_cum=transition, frailty_sd=pt.get("frailty_sd", 0.0),
        frailty_rho=pt.get("frailty_rho", 0.0), churn=pt.get("churn", 0.0),
        adherence_loc=loc, adherence_sd=a_sd, adherence_cost=beta, adherence_mean=abar,
        adherence_correction=c_a, measure_names=[m["name"] for m in measures], eligible=eligible,
        logit_base=np.array([logit(m["base_rate"]) for m in measures]),
        frailty_coef=f64("frailty_coef"), adherence_coef=f64("adherence_coef"),
        improvement=f64("improvement"),
        logit_response=np.array([30.0 if m.get("response_rate", 1.0) >= 1.0
                                 else logit(m["response_rate"]) for m in measures]),
        nonresponse_frailty=f64("nonresponse_frailty"))


def provider_years(p: Params, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One replication's provider-year constants (drawn once per provider-year, as apmsim does on
    the host): log cost shift, effect factor, trend factor, risk factor, measure logit shifts."""
    k = np.arange(p.years)
    z = rng.standard_normal(p.years)
    v = np.empty(p.years)
    var = np.empty(p.years)
    v[0], var[0] = p.initial_sd * z[0], p.initial_sd ** 2
    for y in range(1, p.years):
        v[y] = p.shock_rho * v[y - 1] + p.shock_sd * z[y]
        var[y] = p.shock_rho ** 2 * var[y - 1] + p.shock_sd ** 2
    e = p.efficiency_sd * rng.standard_normal(p.providers)
    d = p.effect_mean + p.effect_sd * rng.standard_normal(p.providers)
    q = p.quality_sd * rng.standard_normal((p.providers, len(p.measure_names)))
    contract_year = k - p.baseline_years
    paying = contract_year >= 0
    ramp = np.where(paying, p.effect_ramp[np.clip(contract_year, 0, None)], 0.0)
    log_shift = (v - var / 2)[None, :] + (e - p.efficiency_sd ** 2 / 2)[:, None]
    improvement = np.where(paying[:, None], p.improvement[None, :], 0.0)
    return {
        "log_shift": log_shift.astype(np.float32),                               # [provider, year]
        "effect": np.exp(-d[:, None] * ramp[None, :]).astype(np.float32),        # [provider, year]
        "trend": ((1 + p.trend) ** k).astype(np.float32),                        # [year]
        "risk": np.where(paying, (1 + p.coding_growth) ** (contract_year + 1), 1.0).astype(np.float32),
        "quality": (q[:, None, :] + improvement[None, :, :]).astype(np.float32),  # [provider, year, m]
    }


# ---- statistics compared between tools --------------------------------------------------------

def statistics(tallies: np.ndarray, fields: list[str], measures: list[str]) -> dict[str, np.ndarray]:
    """Per-replication statistics from tallies [replication, year, field]: what a reader of the
    model checks (cost per patient-year overall and per year, shares, measure rates)."""
    f = {name: tallies[:, :, i] for i, name in enumerate(fields)}
    units = f["units"].sum(axis=1)
    out = {name: f[name].sum(axis=1) / units for name in
           ("cost", "counterfactual", "risk_score", "any_cost", "catastrophic", "catastrophic_cost")}
    for y in range(tallies.shape[1]):
        out[f"cost year {y}"] = f["cost"][:, y] / f["units"][:, y]
    for m in measures:
        eligible = f[f"{m}.eligible"].sum(axis=1)
        measured = f[f"{m}.measured"].sum(axis=1)
        out[f"{m} eligible share"] = eligible / units
        out[f"{m} measured share"] = measured / eligible
        out[f"{m} achieved among measured"] = f[f"{m}.achieved"].sum(axis=1) / measured
        out[f"{m} achieved (true)"] = f[f"{m}.achieved_true"].sum(axis=1) / eligible
    return out


def mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))


def compare(a: dict[str, np.ndarray], b: dict[str, np.ndarray], label_a: str, label_b: str,
            k: float = 4.0) -> list[str]:
    """Prints each statistic's means and their difference in combined standard errors; returns
    the names of those further apart than k SE. k = 4: about 30 statistics, so a false alarm has
    probability about 30 x 6e-5 = 2e-3 per check, while a wrong parameter moves a mean by many SE."""
    print(f"{'statistic':36s} {label_a:>14s} {label_b:>14s} {'diff/SE':>8s}")
    bad = []
    for name in a:
        ma, sa = mean_se(a[name])
        mb, sb = mean_se(b[name])
        se = math.hypot(sa, sb)
        z = (ma - mb) / se if se > 0 else (0.0 if ma == mb else math.inf)
        flag = "" if abs(z) < k else "  <- off"
        print(f"{name:36s} {ma:14.6g} {mb:14.6g} {z:8.2f}{flag}")
        if not abs(z) < k:
            bad.append(name)
    return bad
