#pragma once
//! The minimum-threshold test (DESIGN 6): how often the sharing rule rewards or penalises a
//! provider whose true effect is zero, or pays nothing to one whose effect is the target, at each
//! min_units tested; and the minimum savings rate that keeps the false reward at alpha.

#include <string>
#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "scenario/contract.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

//! Whether some performance year pays on savings (shared savings or a corridor); without, there
//! is no threshold to test.
bool tests_thresholds(const scenario::Contract& contract);

//! The false reward rate P(savings paid | true effect 0) of every participant at the first
//! min_units tested, with its batch-means error; NaN when tests_thresholds() is false.
stats::Estimate false_reward_estimate(const RecordView& view, const scenario::Contract& contract,
                                      const scenario::AnalysisSettings& settings);

//! The threshold tables, none when tests_thresholds() is false. Rows: each provider group, then
//! "all". Rates are shares of the provider-years (a provider-year below min_units is paid
//! nothing):
//!   rates, one row per group and min_units m: mean_units, excluded_share = P(units < m),
//!     false_reward = P(units >= m and null_shared_result > 0), false_penalty = P(units >= m and
//!     null_shared_result < 0), false_negative = P(not (units >= m and target_shared_result > 0));
//!   msr: mean_units, the mean and sd of the null savings rate, msr_for_alpha = its empirical
//!     (1 - alpha) quantile (stats::value_at_risk) and msr_normal = mean + z(1 - alpha) sd.
std::vector<AnalysisTable> threshold_analysis(const RecordView& view,
                                              const scenario::Contract& contract,
                                              const scenario::AnalysisSettings& settings);

}  // namespace apmsim::analysis
