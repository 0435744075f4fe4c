#pragma once
//! The quality score of a provider-year (DESIGN 5.5, docs/scenario-reference.md
//! `[contract.quality]`): a weighted mean of measure rates (achieved / measured) in [0, 1], and the
//! same over the baseline years for improvement scoring. It feeds the quality-tiered discount, the
//! quality gate, quality-scaled sharing and the withhold's earn-back.

#include <vector>

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

//! Sets the weighted scores of `q` from its rates (`weights`: `[contract.quality] measures`, one
//! per measure).
void score_quality(const std::vector<double>& weights, Quality& q);

}  // namespace apmsim::contract
