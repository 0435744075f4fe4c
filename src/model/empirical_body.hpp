#pragma once
//! An empirical severity's body in the unit code (docs/model.md, "Empirical severity"): the cost
//! at a normal score w is g(w) = Q(Phi(w)), tabulated on the grid ModelParams::severity holds,
//! with the generalised Pareto tail beyond the grid's top score.

#include "model/math.hpp"
#include "model/params.hpp"

namespace apmsim::model {

//! An empirical body's cost beyond the grid's top score (w > kScoreLimit, probability 1e-9):
//! 1 - Phi(w) by the asymptotic series phi(w)/w (1 - 1/w^2 + 3/w^4 - 15/w^6) (relative error
//! below 3e-4 there), then the generalised Pareto quantile; the grid's top without a tail.
template <class L>
APMSIM_HD typename L::F empirical_tail(const ModelParams& p, typename L::I s, typename L::F w) {
  using F = typename L::F;
  const StrataTable& t = p.stratum;
  const F w2 = w * w, inv_w2 = 1.0f / w2;
  const F series = L::fma(
      inv_w2, L::fma(inv_w2, L::fma(inv_w2, L::splat(-15.0f), L::splat(3.0f)), L::splat(-1.0f)),
      L::splat(1.0f));
  const F log_v = L::fma(w2, L::splat(-0.5f), log_approx<L>(series)) -
                  log_approx<L>(w * 2.50662827463100050f);       // w sqrt(2 pi)
  const F r = log_v - L::lookup(t.tail_log_width, s, p.strata);  // ln(v / (1 - p_tail)) < 0
  const F xi = L::lookup(t.tail_shape, s, p.strata);
  const F sigma = L::lookup(t.tail_scale, s, p.strata);
  const F start = L::lookup(t.tail_start, s, p.strata);
  const auto exponential = xi == 0.0f;
  const F safe_xi = L::select(exponential, L::splat(1.0f), xi);
  const F gpd = L::select(exponential, L::fma(-sigma, r, start),
                          L::fma(sigma / safe_xi, exp_approx<L>(-safe_xi * r) - 1.0f, start));
  return L::select(L::lookup(t.tail_present, s, p.strata) != 0.0f, gpd,
                   L::lookup(t.grid_top, s, p.strata));
}

//! g(w) = Q(Phi(w)) of each lane's empirical stratum: linear between the normal-score grid's
//! points (two gathers and a fused multiply-add), its bottom below -kScoreLimit, the tail above
//! kScoreLimit.
template <class L>
APMSIM_HD typename L::F empirical_body(const ModelParams& p, typename L::I s, typename L::F w) {
  using F = typename L::F;
  using I = typename L::I;
  constexpr float kCellsPerScore = kScoreCells / (2.0f * kScoreLimit);
  F x = (w + kScoreLimit) * kCellsPerScore;
  x = L::select(x > 0.0f, x, L::splat(0.0f));
  x = L::select(x < static_cast<float>(kScoreCells), x, L::splat(static_cast<float>(kScoreCells)));
  I j = L::trunc_to_int(x);
  j = L::select(j < kScoreCells, j, L::splat_i(kScoreCells - 1));
  const F frac = x - L::to_float(j);
  const I at = L::trunc_to_int(L::lookup(p.stratum.grid_offset, s, p.strata)) + j;
  const F g0 = L::gather(p.severity, at);
  const F g1 = L::gather(p.severity, at + 1);
  F g = L::fma(frac, g1 - g0, g0);
  const auto beyond = w > kScoreLimit;
  if (L::any(beyond)) g = L::select(beyond, empirical_tail<L>(p, s, w), g);
  return g;
}

}  // namespace apmsim::model
