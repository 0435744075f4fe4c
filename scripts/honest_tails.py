#!/usr/bin/env python3
"""Are the net_result table's standard errors honest? Over many seeds of a world whose truth is
known, mean z^2 = mean ((estimate - truth) / se)^2 of sd, var_p, tvar_p and capital_p, for the
errors apmsim reported before format 2.3 ("old": batch means for sd and capital, the 95%
order-statistic interval's width / 3.92 for VaR) and now ("new": the jackknife for sd,
Hall-Sheather's sparsity for VaR, the delta method for capital; TVaR's delta method in both).
Honest is mean z^2 near 1; over 50 seeds its 99.9% band is chi2_50 at 0.0005 and 0.9995 over 50,
[0.469, 1.791]. Results in docs/analyses.md (honest tails); the test is
tests/analysis/test_honest_tails.cpp.

The worlds: the loss of one provider of 50 members, S - E[S], each member with a claim with
probability q, lognormal of mean 1 (or Pareto). light: q 0.5, claim cv 0.5 (member cv 1.22);
heavy: q 0.2, claim cv 1 (member cv 3); heavier: q 0.5, claim cv 2 (member cv 3); pareto:
q 0.25, Pareto alpha 2.29 (member cv 3, no fourth moment).

usage: honest_tails.py truth [WORLD ...]            VaR/TVaR truths from 2 x 10^7 replications
       honest_tails.py check WORLD N SEEDS          mean z^2 (and the share of 50-seed groups out
                                                    of the band) of each figure, old and new
"""
import json
import sys

import numpy as np
from scipy.stats import norm

Z = 1.959963984540054
LEVELS = [0.90, 0.95, 0.99, 0.995]
MEMBERS = 50


def world(kind):
    """(claim probability, claim sampler(rng, k), E[claim], E[claim^2])."""
    if kind == "pareto":
        a = 1 + np.sqrt(1 + 2 / 3)
        m = (a - 1) / a
        return 0.25, lambda rng, k: m / (1 - rng.random(k)) ** (1 / a), 1.0, a * m * m / (a - 2)
    q, cv = {"light": (0.5, 0.5), "heavy": (0.2, 1.0), "heavier": (0.5, 2.0)}[kind]
    s2 = np.log1p(cv * cv)
    return q, lambda rng, k: rng.lognormal(-s2 / 2, np.sqrt(s2), k), 1.0, 1 + cv * cv


def losses(rng, kind, n):
    q, claim, mean, _ = world(kind)
    count = rng.binomial(MEMBERS, q, n)
    total = np.bincount(np.repeat(np.arange(n), count), weights=claim(rng, int(count.sum())), minlength=n)
    return total - MEMBERS * q * mean


def true_sd(kind):
    q, _, mean, square = world(kind)
    return np.sqrt(MEMBERS * (q * square - (q * mean) ** 2))


def var_(xs, p):  # xs sorted: the ceil(p n)-th smallest
    return xs[int(np.ceil(p * len(xs) - 1e-9)) - 1]


def tvar_(xs, p):  # Acerbi-Tasche
    n = len(xs)
    v, tail = var_(xs, p), n * (1 - p)
    if tail < 1:
        return v
    above = xs[xs > v]
    return (above.sum() + v * (tail - len(above))) / tail


def at_rank(xs, r):
    return xs[int(np.clip(r, 1, len(xs))) - 1]


def batch_se(x, f, k=20):
    n = len(x)
    return np.std([f(np.sort(x[j * n // k:(j + 1) * n // k])) for j in range(k)], ddof=1) / np.sqrt(k)


def var_se_old(xs, p):
    c = len(xs) * p
    h = Z * np.sqrt(c * (1 - p))
    return (at_rank(xs, np.ceil(c + h)) - at_rank(xs, np.floor(c - h))) / (2 * Z)


def var_se_new(xs, p):
    n, q = len(xs), norm.ppf(p)
    h = n ** (-1 / 3) * Z ** (2 / 3) * (1.5 * norm.pdf(q) ** 2 / (2 * q * q + 1)) ** (1 / 3)
    k = np.ceil(p * n - 1e-9)  # ranks at least one either side of the VaR's, within the sample
    lo = np.clip(min(np.ceil(n * (p - h) - 1e-9), k - 1), 1, n)
    hi = np.clip(max(np.ceil(n * (p + h) - 1e-9), k + 1), 1, n)
    return (at_rank(xs, hi) - at_rank(xs, lo)) / ((hi - lo) / n) * np.sqrt(p * (1 - p) / n)


def tvar_se(xs, p):
    n, v, t = len(xs), var_(xs, p), tvar_(xs, p)
    tail = xs[xs >= v]
    return np.sqrt(((np.var(tail, ddof=1) if len(tail) > 1 else 0) + p * (t - v) ** 2) / (n * (1 - p)))


def sd_se_new(x):  # delete-one jackknife
    n, d = len(x), x - x.mean()
    without = np.sqrt(np.maximum((d * d).sum() - n / (n - 1) * d * d, 0) / (n - 2))
    return np.sqrt((n - 1) / n * ((without - without.mean()) ** 2).sum())


def capital_se_new(xs, p):
    n, mu, var_se = len(xs), xs.mean(), var_se_new(xs, p)
    cov = var_se * (tvar_(xs, p) - mu) * np.sqrt((1 - p) / (n * p))
    return np.sqrt(max(var_se ** 2 + xs.var(ddof=1) / n - 2 * cov, 0))


def truth(kinds):
    out = {}
    for kind in kinds:
        rng = np.random.default_rng(12345)
        xs = np.sort(np.concatenate([losses(rng, kind, 1_000_000) for _ in range(20)]))
        out[kind] = {"sd": float(true_sd(kind)), "mean": 0.0}
        for p in LEVELS:
            out[kind][f"var_{p}"] = float(var_(xs, p))
            out[kind][f"tvar_{p}"] = float(tvar_(xs, p))
        print(kind, json.dumps(out[kind]), flush=True)
    return out


def check(kind, n, seeds, truths):
    t = truths[kind]
    z2 = {}

    def add(name, estimate, true, se):
        z2.setdefault(name, []).append(((estimate - true) / se) ** 2 if se > 0 else np.inf)

    flags = {"kurtosis > 6": 0, "beyond var_995 < 40": 0}
    for seed in range(seeds):
        x = losses(np.random.default_rng(1000 + seed), kind, n)
        xs, sd = np.sort(x), x.std(ddof=1)
        d = x - x.mean()
        flags["kurtosis > 6"] += (d ** 4).mean() / (d ** 2).mean() ** 2 > 6
        flags["beyond var_995 < 40"] += (xs > var_(xs, 0.995)).sum() < 40
        add("sd old", sd, t["sd"], batch_se(x, lambda b: b.std(ddof=1)))
        add("sd new", sd, t["sd"], sd_se_new(x))
        for p in LEVELS:
            v, tv = var_(xs, p), t[f"var_{p}"]
            add(f"var_{p} old", v, tv, var_se_old(xs, p))
            add(f"var_{p} new", v, tv, var_se_new(xs, p))
            add(f"tvar_{p} both", tvar_(xs, p), t[f"tvar_{p}"], tvar_se(xs, p))
            if p >= 0.99:
                cap, true_cap = v - x.mean(), tv - t["mean"]
                add(f"capital_{p} old", cap, true_cap, batch_se(x, lambda b: var_(b, p) - b.mean()))
                add(f"capital_{p} new", cap, true_cap, capital_se_new(xs, p))
    for name, values in z2.items():
        values = np.array(values)
        groups = values[: len(values) // 50 * 50].reshape(-1, 50).mean(axis=1)
        out = np.mean((groups < 0.469) | (groups > 1.791))
        print(f"{kind} n={n} {name:18s} mean z^2 {values.mean():5.2f}  50-seed groups out of the band {out:.2f}")
    for name, count in flags.items():
        print(f"{kind} n={n} flag {name}: {count / seeds:.2f} of the seeds")


if __name__ == "__main__":
    if sys.argv[1] == "truth":
        json.dump(truth(sys.argv[2:] or ["light", "heavy", "heavier", "pareto"]),
                  open("honest_tails_truth.json", "w"), indent=1)
    else:
        check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.load(open("honest_tails_truth.json")))
