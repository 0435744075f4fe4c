"""The reference model as a careful Numba kernel: what a skilled analyst writes instead of apmsim.

The model is peer_numpy.py's (docs/model.md; parameters from reference.toml through
reference_model.load): regional random walk, provider efficiency / effect / quality drawn once per
replication and applied once per provider-year (reference_model.provider_years), patients with
strata and transitions, churn, AR(1) frailty, logit-normal adherence, a zero-inflated lognormal body
and a Pareto catastrophic add-on, trend, effect ramp, coding growth and three outcome measures with
frailty-dependent non-response.

How it is written (the techniques of a careful kernel, not apmsim's code):
- `@njit(parallel=True, fastmath=True)`, `prange` over providers, a loop over years and within
  it over the provider's patients, the patients' state (stratum, frailty, adherence) in small
  per-provider arrays, every per-provider-year factor hoisted out of the patient loop;
- float32 arithmetic for the patient, float64 sums per provider-year;
- a counter-based generator: SplitMix64 of (replication key + counter), the counter a function
  of (provider, slot, year, draw): no state to carry, any thread computes any patient's numbers;
  each 64-bit output gives two 24-bit uniforms or two 32-bit ziggurat inputs;
- ziggurat normals (Marsaglia and Tsang 2000, 128 layers; the rare rejection path hashes on);
- branch-free Bernoulli tallies (`count += u < p`), a logistic Bernoulli as u (1 + e^-eta) < 1;
  the Pareto draw only for the ~1% of patient-years with a catastrophic add-on.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

try:
    from . import reference_model as rm
except ImportError:  # run as a script
    import reference_model as rm

U64 = np.uint64
F32 = np.float32
GOLDEN = U64(0x9E3779B97F4A7C15)
MIX1 = U64(0xBF58476D1CE4E5B9)
MIX2 = U64(0x94D049BB133111EB)
S30, S27, S31, S40, S16, S32 = U64(30), U64(27), U64(31), U64(40), U64(16), U64(32)
LOW24 = U64(0xFFFFFF)
LOW32 = U64(0xFFFFFFFF)
INV24 = F32(2.0 ** -24)
HALF24 = F32(2.0 ** -25)
DRAWS = 8  # counters per patient-year


def _ziggurat_tables():
    """Marsaglia and Tsang's 128-layer tables for 32-bit signed inputs."""
    m1 = 2147483648.0
    dn = tn = 3.442619855899
    vn = 9.91256303526217e-3
    kn, wn, fn = np.zeros(128, np.int64), np.zeros(128), np.zeros(128)
    q = vn / math.exp(-0.5 * dn * dn)
    kn[0], kn[1] = int(dn / q * m1), 0
    wn[0], wn[127] = q / m1, dn / m1
    fn[0], fn[127] = 1.0, math.exp(-0.5 * dn * dn)
    for i in range(126, 0, -1):
        dn = math.sqrt(-2.0 * math.log(vn / dn + math.exp(-0.5 * dn * dn)))
        kn[i + 1] = int(dn / tn * m1)
        tn = dn
        fn[i] = math.exp(-0.5 * dn * dn)
        wn[i] = dn / m1
    return kn, wn.astype(np.float32), fn.astype(np.float32)


KN, WN, FN = _ziggurat_tables()
R_TAIL = F32(3.442619855899)
INV_R_TAIL = F32(1.0 / 3.442619855899)


@njit(inline="always", cache=True)
def mix(x):
    z = x + GOLDEN
    z = (z ^ (z >> S30)) * MIX1
    z = (z ^ (z >> S27)) * MIX2
    return z ^ (z >> S31)


@njit(inline="always", cache=True)
def uniforms(h):
    """Two uniforms in (0, 1) from the top and middle 24 bits of a 64-bit output."""
    return (F32(h >> S40) * INV24 + HALF24, F32((h >> S16) & LOW24) * INV24 + HALF24)


@njit(cache=True)
def ziggurat_tail(hz, iz, h):
    """The rejection path (about 1.2% of draws): further inputs come from hashing on h."""
    while True:
        x = F32(hz) * WN[iz]
        if iz == 0:
            while True:
                h = mix(h)
                u1, u2 = uniforms(h)
                x = -math.log(u1) * INV_R_TAIL
                y = -math.log(u2)
                if y + y >= x * x:
                    return R_TAIL + x if hz > 0 else -R_TAIL - x
        h = mix(h)
        u1, _ = uniforms(h)
        if FN[iz] + u1 * (FN[iz - 1] - FN[iz]) < math.exp(F32(-0.5) * x * x):
            return x
        hz = np.int64(np.int32(np.uint32(h & LOW32)))
        iz = hz & 127
        if abs(hz) < KN[iz]:
            return F32(hz) * WN[iz]


@njit(inline="always", cache=True)
def normal(word, h):
    """A standard normal from a 32-bit word; h seeds the rare rejection path."""
    hz = np.int64(np.int32(np.uint32(word)))
    iz = hz & 127
    if abs(hz) < KN[iz]:
        return F32(hz) * WN[iz]
    return F32(ziggurat_tail(hz, iz, h))


@njit(inline="always", cache=True)
def logistic_bernoulli(u, eta):
    return u * (F32(1.0) + math.exp(-eta)) < F32(1.0)


@njit(parallel=True, fastmath=True, error_model="numpy", cache=True)
def kernel(key, panel, years, log_shift, effect, trend, risk, quality, case_mix_cum, transition_cum,
           mu, sigma, p_any, cat_prob, cat_scale, neg_inv_shape, risk_score, eligible, logit_base,
           frailty_coef, adherence_coef, logit_response, nonresponse_frailty, frailty_sd,
           frailty_rho, churn, adherence_loc, adherence_sd, adherence_mean, adherence_cost,
           constant):
    """Tallies [provider, year, field] of one replication (fields as reference_model)."""
    providers = log_shift.shape[0]
    strata = mu.shape[0]
    measures = logit_base.shape[0]
    fields = 8 + 4 * measures
    out = np.zeros((providers, years, fields))
    innovation = frailty_sd * math.sqrt(F32(1.0) - frailty_rho * frailty_rho)
    for p in prange(providers):
        stratum = np.zeros(panel, np.int32)
        frailty = np.zeros(panel, np.float32)
        adherence = np.zeros(panel, np.float32)
        counts = np.zeros(4 * measures, np.int64)
        for k in range(years):
            shift = log_shift[p, k]   # the provider-year's factors, once
            pay = effect[p, k] * trend[k]
            tr = trend[k]
            cost_sum = cost_sq = cf_sum = risk_sum = cat_sum = 0.0
            n_any = n_cat = 0
            counts[:] = 0
            for i in range(panel):
                base = key + U64(((p * panel + i) * years + k) * DRAWS)
                h0 = mix(base)
                h1 = mix(base + U64(1))
                h2 = mix(base + U64(2))
                u_any, u_cat = uniforms(h0)
                u_churn, u_stratum = uniforms(h1)
                z_body = normal(h2 & LOW32, h2)
                z_frailty = normal(h2 >> S32, mix(h2))
                s = stratum[i]
                if k == 0 or u_churn < churn:  # a new patient
                    s = 0
                    for j in range(strata - 1):
                        s += u_stratum >= case_mix_cum[j]
                    frailty[i] = frailty_sd * z_frailty
                    h3 = mix(base + U64(3))
                    z_a = normal(h3 & LOW32, h3)
                    a = F32(1.0) / (F32(1.0) + math.exp(-(adherence_loc + adherence_sd * z_a)))
                    adherence[i] = a - adherence_mean
                else:
                    row = s
                    s = 0
                    for j in range(strata - 1):
                        s += u_stratum >= transition_cum[row, j]
                    frailty[i] = frailty_rho * frailty[i] + innovation * z_frailty
                stratum[i] = s
                u = frailty[i]
                dev = adherence[i]
                log_body = mu[s] + sigma[s] * z_body + u + adherence_cost * dev + constant + shift
                has_any = u_any < p_any[s]
                body = math.exp(log_body) if has_any else F32(0.0)
                has_cat = u_cat < cat_prob[s]
                cat = F32(0.0)
                if has_cat:  # rare: the Pareto draw only where needed
                    u_size, _ = uniforms(mix(base + U64(4)))
                    cat = cat_scale[s] * math.exp(math.log(u_size) * neg_inv_shape[s]) * tr
                cost = body * pay + cat
                cost_sum += cost
                cost_sq += np.float64(cost) * cost
                cf_sum += body * tr + cat
                risk_sum += risk_score[s]
                cat_sum += cat
                n_any += has_any | has_cat
                n_cat += has_cat
                for m in range(measures):
                    u_resp, u_ach = uniforms(mix(base + U64(5 + m)))
                    el = eligible[m, s]
                    measured = el & logistic_bernoulli(u_resp, logit_response[m]
                                                       - nonresponse_frailty[m] * u)
                    achieved = el & logistic_bernoulli(
                        u_ach, logit_base[m] + frailty_coef[m] * u + adherence_coef[m] * dev
                        + quality[p, k, m])
                    counts[4 * m] += el
                    counts[4 * m + 1] += measured
                    counts[4 * m + 2] += measured & achieved
                    counts[4 * m + 3] += achieved
            o = out[p, k]
            o[0] = panel
            o[1] = cost_sum
            o[2] = cost_sq
            o[3] = cf_sum
            o[4] = risk_sum * risk[k]
            o[5] = n_any
            o[6] = n_cat
            o[7] = cat_sum
            for j in range(4 * measures):
                o[8 + j] = counts[j]
    return out


def tables(p: rm.Params) -> dict:
    """The kernel's constant arguments, float32 where the kernel computes in float32."""
    def f(x):
        return np.asarray(x, dtype=np.float32)

    s = F32
    return dict(
        case_mix_cum=f(p.case_mix_cum), transition_cum=f(p.transition_cum), mu=f(p.mu),
        sigma=f(p.sigma), p_any=f(p.p_any), cat_prob=f(p.cat_prob), cat_scale=f(p.cat_scale),
        neg_inv_shape=f(p.neg_inv_cat_shape), risk_score=f(p.risk_score),
        eligible=np.asarray(p.eligible > 0, dtype=np.bool_), logit_base=f(p.logit_base),
        frailty_coef=f(p.frailty_coef), adherence_coef=f(p.adherence_coef),
        logit_response=f(p.logit_response), nonresponse_frailty=f(p.nonresponse_frailty),
        frailty_sd=s(p.frailty_sd), frailty_rho=s(p.frailty_rho), churn=s(p.churn),
        adherence_loc=s(p.adherence_loc), adherence_sd=s(p.adherence_sd),
        adherence_mean=s(p.adherence_mean), adherence_cost=s(p.adherence_cost),
        constant=s(-p.frailty_sd ** 2 / 2 + p.adherence_correction))


def simulate(p: rm.Params, replication: int, constants: dict | None = None) -> np.ndarray:
    """Tallies [year, field] of one replication, summed over providers."""
    rng = np.random.default_rng([p.seed, replication, 0x9E38])
    py = rm.provider_years(p, rng)
    key = U64(int(rng.integers(0, 2 ** 63)))
    out = kernel(key, p.panel, p.years, py["log_shift"], py["effect"], py["trend"], py["risk"],
                 py["quality"], **(constants or tables(p)))
    return out.sum(axis=0)


def run(p: rm.Params, first: int, replications: int) -> np.ndarray:
    """Tallies [replication, year, field] of replications first, first + 1, ..."""
    constants = tables(p)
    return np.stack([simulate(p, first + r, constants) for r in range(replications)])
