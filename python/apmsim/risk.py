"""The distribution of a contract's downside, from the per-replication losses every results file
with a contract stores (/losses, format 2.3; docs/output-format.md), in the manner of the
aggregate and actuar packages:

    r = apmsim.open("results/mssp_aco.h5")
    risk = r.risk()                          # the portfolio over the agreement
    risk.describe()                          # mean, sd, P(loss > 0), VaR and TVaR at 90..99.5%
    risk.var(0.98), risk.tvar(0.98)          # any level
    risk.sf(1e6)                             # P(loss > 1 million)
    risk.exceedance()                        # loss by return period (1 in 2 .. 1 in n)
    r.risk(provider="aco/3", year=2)         # a participant, performance year 2

Loss means the downside throughout: loss = -(net provider result), positive when the provider
loses money, summed over the participants (the portfolio) or of one participant, per replication.
VaR and TVaR are those of the C++ tables (docs/analyses.md, `net_result`): VaR_p is the
ceil(p n)-th smallest loss, TVaR_p the Acerbi-Tasche expected shortfall, so they equal the file's
`net_result` figures.
"""
from __future__ import annotations

import math
from typing import Iterable, Optional

import numpy as np
import pandas as pd

#: The levels of the net_result table, by quantity suffix.
LEVELS = {"90": 0.90, "95": 0.95, "99": 0.99, "995": 0.995}
#: Return periods the exceedance table gives by default (those up to the replication count).
RETURN_PERIODS = (2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)


def _rank(level: float, n: int) -> tuple:
    """ceil(p n) in [1, n] and the tail mass n (1 - p), p n snapped to an integer within rounding
    (stats::quantile_rank)."""
    if not 0 < level < 1:
        raise ValueError(f"risk level {level} must lie in (0, 1)")
    if n == 0:
        raise ValueError("risk measure of an empty sample")
    pn = level * n
    nearest = round(pn)
    if abs(pn - nearest) <= 1e-12 * max(1.0, pn):
        pn = float(nearest)
    return int(min(max(math.ceil(pn), 1), n)), n - pn


class Risk:
    """The losses of one cell (variant, portfolio or provider, performance year or agreement),
    one per replication. loss = -(net provider result): the downside, positive when the provider
    loses money."""

    def __init__(self, losses, variant: str, provider: Optional[str], column: str):
        #: The losses in replication order (read-only numpy array).
        self.losses = np.asarray(losses, dtype=float)
        self.losses.setflags(write=False)
        self._sorted = np.sort(self.losses)
        self.variant, self.provider, self.column = variant, provider, column

    def __repr__(self) -> str:
        who = self.provider or "portfolio"
        return f"<apmsim.Risk {self.variant} {who} {self.column}: {self.losses.size} replications>"

    @property
    def replications(self) -> int:
        return int(self.losses.size)

    def var(self, level: float) -> float:
        """Value at risk of the loss (the downside, -net result) at `level`: the ceil(p n)-th
        smallest loss, as the net_result table's var_p."""
        k, _ = _rank(level, self.replications)
        return float(self._sorted[k - 1])

    def tvar(self, level: float) -> float:
        """Tail value at risk of the loss (the downside) at `level`, Acerbi-Tasche:
        (sum of losses > VaR + VaR (n (1 - p) - #{losses > VaR})) / (n (1 - p)); the VaR when
        n (1 - p) < 1. As the net_result table's tvar_p."""
        k, tail = _rank(level, self.replications)
        var = self._sorted[k - 1]
        if tail < 1:
            return float(var)
        above = self._sorted[np.searchsorted(self._sorted, var, side="right"):]
        return float((above.sum() + var * (tail - above.size)) / tail)

    def sf(self, x):
        """Survival function of the loss (the downside): P(loss > x), the share of replications
        whose loss exceeds x; x a number or an array."""
        x = np.asarray(x, dtype=float)
        beyond = self.replications - np.searchsorted(self._sorted, x, side="right")
        out = beyond / self.replications
        return float(out) if out.ndim == 0 else out

    def cdf(self, x):
        """P(loss <= x) = 1 - sf(x), for the loss (the downside, -net result)."""
        out = 1 - np.asarray(self.sf(x))
        return float(out) if out.ndim == 0 else out

    def describe(self) -> pd.Series:
        """The net_result table's figures of this cell, from the losses (the downside, -net
        result): replications, mean (of the net result, as the table), mean_loss, sd (of the
        loss), loss_probability = P(loss > 0), var_p and tvar_p at 90, 95, 99 and 99.5%, and
        capital_p = var_p - mean_loss at 99 and 99.5%."""
        n = self.replications
        mean_loss = float(self.losses.mean()) if n else math.nan
        out = {"replications": n, "mean": -mean_loss, "mean_loss": mean_loss,
               "sd": float(self.losses.std(ddof=1)) if n > 1 else 0.0,
               "loss_probability": float((self.losses > 0).mean()) if n else math.nan}
        for name, level in LEVELS.items():
            out[f"var_{name}"] = self.var(level)
        for name, level in LEVELS.items():
            out[f"tvar_{name}"] = self.tvar(level)
        out["capital_99"] = out["var_99"] - mean_loss
        out["capital_995"] = out["var_995"] - mean_loss
        return pd.Series(out, name=self.provider or "portfolio")

    def exceedance(self, return_periods: Optional[Iterable[float]] = None,
                   losses: Optional[Iterable[float]] = None) -> pd.DataFrame:
        """An exceedance-probability table of the loss (the downside, -net result), one row per
        point, columns return_period, probability, loss:

        - by return period T (default: RETURN_PERIODS up to the replication count): the loss
          exceeded with probability 1 / T, loss = var(1 - 1 / T) ("the 1-in-T loss"),
          probability = 1 / T;
        - or at given `losses` x: probability = sf(x) = P(loss > x), return period 1 / probability
          (inf where no replication exceeds x).
        """
        if losses is not None:
            x = np.asarray(list(losses), dtype=float)
            p = np.asarray(self.sf(x), dtype=float).reshape(x.shape)
            with np.errstate(divide="ignore"):
                period = np.where(p > 0, 1 / np.where(p > 0, p, 1), np.inf)
            return pd.DataFrame({"return_period": period, "probability": p, "loss": x})
        periods = [t for t in (return_periods or RETURN_PERIODS) if return_periods or t <= self.replications]
        if any(t <= 1 for t in periods):
            raise ValueError("return periods must exceed 1")
        return pd.DataFrame({"return_period": [float(t) for t in periods],
                             "probability": [1 / t for t in periods],
                             "loss": [self.var(1 - 1 / t) for t in periods]})
