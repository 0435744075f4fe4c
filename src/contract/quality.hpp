#pragma once
//! The quality score of a provider-year (DESIGN 5.5, docs/scenario-reference.md
//! `[contract.quality]`): a weighted mean of measure rates (achieved / measured) in [0, 1], and the
//! same over the baseline years for improvement scoring. It feeds the quality-tiered discount, the
//! quality gate, quality-scaled sharing and the withhold's earn-back.

#include <vector>

#include "scenario/contract.hpp"

namespace apmsim::contract {

//! Achieved / measured (or achieved-complete / eligible), 0 where nobody was measured.
inline double rate_of(double achieved, double measured) {
  return measured > 0.0 ? achieved / measured : 0.0;
}

//! Quality of one provider-year on one kind of data (as measured, or complete: every eligible
//! patient measured).
struct Quality {
  std::vector<double> rate;      //!< per measure: the performance year's rate
  std::vector<double> baseline;  //!< per measure: the rate over the baseline years pooled
  double score = 0.0;            //!< sum_m weight_m * rate_m
  double baseline_score = 0.0;   //!< sum_m weight_m * baseline_m
};

//! The points a rate earns on `points`: the highest points of the tiers whose `at` it reaches,
//! 0 below every tier.
double points_of(const std::vector<scenario::PointsTier>& points, double rate);

//! Sets the weighted scores of `q` from its rates (`weights`: `[contract.quality] measures`, one
//! per measure). Without `points` the score is sum_m weight_m * rate_m; with them it is on the
//! program's scale (MSSP, 42 CFR 425.502: points per measure by performance level, the score the
//! points earned over the points available): (sum_m weight_m points_of(rate_m)) /
//! (sum_m weight_m most_m) times sum_m weight_m, a measure without a table earning its rate of
//! 1. Measures whose tables top out at different points count by their points, as MSSP's do
//! (one measure of 2 earned of 2 and one of 2 of 4 score 4/6 = 0.667, not the mean ratio 0.75).
//! `measure_points[m]`, where given, replaces `points` for measure m.
void score_quality(const std::vector<double>& weights,
                   const std::vector<scenario::PointsTier>& points, Quality& q,
                   const std::vector<std::vector<scenario::PointsTier>>& measure_points = {});

}  // namespace apmsim::contract
