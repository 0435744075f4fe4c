"""The reference model in vectorised NumPy, as an analyst would write it instead of apmsim.

The model (docs/model.md; parameters from reference.toml through reference_model.load):
  P providers x N patient slots, K years (B baseline, then performance years).
  Per replication: a regional random walk v(k) (initial_sd, shock_sd, shock_rho); per provider
  efficiency e ~ N(0, efficiency_sd^2), effect d ~ N(effect_mean, effect_sd^2), quality
  q_m ~ N(0, quality_sd^2) per measure.
  Slot in year 0: a new patient; later years: replaced with probability churn. A new patient
  draws a stratum from the shares, frailty u ~ N(0, tau^2), adherence
  a = logistic(logit(adherence_mean) + adherence_sd Z). A staying patient moves stratum by its
  transition row and u <- rho u + tau sqrt(1 - rho^2) Z.
  Cost: body = 1{U < p_any} exp(mu_s + sigma_s Z + u - tau^2/2 + beta (a - abar) + c_a
  + v(k) - Var v(k)/2 + e - sigma_e^2/2); cat = 1{U < cat_prob} cat_scale U^(-1/cat_shape);
  counterfactual = (body + cat) (1 + trend)^k; cost = (body exp(-d ramp) + cat) (1 + trend)^k,
  the effect only in performance years.
  Measures (eligible strata): measured with prob logistic(logit(response) - nonresponse_frailty u),
  achieved with prob logistic(logit(base) + frailty_coef u + adherence_coef (a - abar) + q_m
  + improvement [performance years]).
  Risk score: risk_score_s (1 + coding_growth)^(contract_year + 1) in performance years.

Float32 for the patient arrays (as apmsim), float64 sums; PCG64 streams per replication.
"""
from __future__ import annotations

import numpy as np

try:
    from . import reference_model as rm
except ImportError:  # run as a script
    import reference_model as rm


def simulate(p: rm.Params, replication: int) -> np.ndarray:
    """Tallies [year, field] of one replication, summed over providers."""
    rng = np.random.default_rng([p.seed, replication, 0x9E37])
    py = rm.provider_years(p, rng)
    f32 = np.float32
    n = p.providers * p.panel
    provider = np.repeat(np.arange(p.providers), p.panel)
    measures = len(p.measure_names)
    out = np.zeros((p.years, len(p.fields)))
    tau = f32(p.frailty_sd)
    innovation = f32(p.frailty_sd * np.sqrt(1 - p.frailty_rho ** 2))
    mu, sigma = p.mu.astype(f32), p.sigma.astype(f32)
    p_any, cat_prob = p.p_any.astype(f32), p.cat_prob.astype(f32)
    cat_scale, neg_inv_shape = p.cat_scale.astype(f32), p.neg_inv_cat_shape.astype(f32)
    risk_score = p.risk_score.astype(f32)
    transition_cum = p.transition_cum.astype(f32)
    stratum = np.zeros(n, dtype=np.int64)
    frailty = np.zeros(n, dtype=f32)
    adherence = np.zeros(n, dtype=f32)
    constant = f32(-p.frailty_sd ** 2 / 2 + p.adherence_correction)
    for k in range(p.years):
        fresh = np.ones(n, bool) if k == 0 else rng.random(n, dtype=f32) < p.churn
        u_stratum = rng.random(n, dtype=f32)
        z = rng.standard_normal((2, n), dtype=f32)
        moved = np.zeros(n, dtype=np.int64)
        for j in range(len(mu) - 1):  # transition: inverse of each patient's row
            moved += u_stratum >= transition_cum[stratum, j]
        new = np.searchsorted(p.case_mix_cum, u_stratum, side="right")
        stratum = np.where(fresh, new, moved)
        frailty = np.where(fresh, tau * z[1], f32(p.frailty_rho) * frailty + innovation * z[1])
        nf = int(fresh.sum())
        logit_a = f32(p.adherence_loc) + f32(p.adherence_sd) * rng.standard_normal(nf, dtype=f32)
        adherence[fresh] = 1 / (1 + np.exp(-logit_a)) - f32(p.adherence_mean)
        log_body = (mu[stratum] + sigma[stratum] * z[0] + frailty + f32(p.adherence_cost) * adherence
                    + constant + py["log_shift"][provider, k])
        u = rng.random((2, n), dtype=f32)
        any_cost = u[0] < p_any[stratum]
        body = np.where(any_cost, np.exp(log_body), f32(0))
        catastrophic = u[1] < cat_prob[stratum]
        cat = np.zeros(n, dtype=f32)
        idx = np.flatnonzero(catastrophic)
        u_size = f32(1) - rng.random(idx.size, dtype=f32)  # in (0, 1]: never 0^(-1/shape)
        cat[idx] = cat_scale[stratum[idx]] * u_size ** neg_inv_shape[stratum[idx]]
        trend = py["trend"][k]
        counterfactual = (body + cat) * trend
        cost = (body * py["effect"][provider, k] + cat) * trend
        row = out[k]
        row[0] = n
        row[1] = cost.sum(dtype=np.float64)
        row[2] = np.square(cost, dtype=np.float64).sum()
        row[3] = counterfactual.sum(dtype=np.float64)
        row[4] = risk_score[stratum].sum(dtype=np.float64) * py["risk"][k]
        row[5] = np.count_nonzero(any_cost | catastrophic)
        row[6] = idx.size
        row[7] = cat.sum(dtype=np.float64) * trend
        for m in range(measures):
            eligible = p.eligible[m][stratum] > 0
            ur = rng.random((2, n), dtype=f32)
            responds = ur[0] * (1 + np.exp(-(f32(p.logit_response[m]) - f32(p.nonresponse_frailty[m]) * frailty))) < 1
            eta = (f32(p.logit_base[m]) + f32(p.frailty_coef[m]) * frailty + f32(p.adherence_coef[m]) * adherence
                   + py["quality"][provider, k, m])
            achieved = eligible & (ur[1] * (1 + np.exp(-eta)) < 1)
            measured = eligible & responds
            row[8 + 4 * m: 12 + 4 * m] = (np.count_nonzero(eligible), np.count_nonzero(measured),
                                          np.count_nonzero(measured & achieved),
                                          np.count_nonzero(achieved))
    return out


def run(p: rm.Params, first: int, replications: int) -> np.ndarray:
    """Tallies [replication, year, field] of replications first, first + 1, ..."""
    return np.stack([simulate(p, first + r) for r in range(replications)])
