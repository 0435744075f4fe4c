#pragma once
//! Positive costs with their exposure weights, in cost order: the observed distribution the
//! empirical form is read from and both forms are judged against.

#include <vector>

#include "calibrate/cost_summary.hpp"

namespace apmsim::calibrate {

//! Costs with their weights; sort() orders them and prepares the queries (prepare() when they
//! are in order already).
struct WeightedSample {
  std::vector<double> cost, weight;
  double total() const;
  //! Weight of the costs below c.
  double weight_below(double c) const;
  //! The weighted quantile: linear between the points' mid-ranks (C_i - w_i / 2) / W.
  double quantile(double p) const;
  double mean() const;
  double limited_mean(double a) const;
  void sort();
  void prepare();

 private:
  std::vector<double> mid_, cumulative_weight_, cumulative_cost_;
};

//! The sample's mean, cv, percentiles at `levels` and limited means at `thresholds`.
CostSummary summarize(const WeightedSample& s, const std::vector<double>& thresholds,
                      const std::vector<double>& levels);

}  // namespace apmsim::calibrate
