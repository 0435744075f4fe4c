#pragma once
//! The empirical severity form `apmsim calibrate` fits to a stratum's positive costs (first-year
//! money): quantile knots of the weighted data up to the top `tail_fraction`, and above them a
//! generalised Pareto tail fitted by maximum likelihood (Grimshaw's one-dimensional profile).

#include <cstdint>
#include <vector>

#include "calibrate/cost_summary.hpp"
#include "calibrate/weighted_sample.hpp"
#include "stats/severity.hpp"

namespace apmsim::calibrate {

//! The empirical form and its tail's standard errors.
struct EmpiricalSeverity {
  stats::QuantileTable table;
  double tail_threshold = 0.0;
  std::uint64_t tail_count = 0;
  double tail_scale_se = -1.0, tail_shape_se = -1.0;
};

//! Knots at `knots` probabilities (denser towards the tail) and a generalised Pareto tail above
//! the top `tail_fraction` (at least 50 points; none when that would be over a quarter).
EmpiricalSeverity fit_empirical(const WeightedSample& sample, int knots, double tail_fraction);

//! The table's mean, cv, percentiles at `levels` and limited means at `thresholds`.
CostSummary summarize(const stats::QuantileTable& t, const std::vector<double>& thresholds,
                      const std::vector<double>& levels);

}  // namespace apmsim::calibrate
