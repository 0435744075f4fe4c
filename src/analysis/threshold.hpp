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

//! The noise-only null world (docs/analyses.md): no true effect, no coding growth, no benchmark
//! drift. Its savings rate is the as-designed null savings rate minus that provider-year's mean
//! over all replications, s0 = null_savings_rate - mean; the sharing rule in force is applied to
//! the accountable cost benchmark x (1 - s0), and to it less target_effect x counterfactual for
//! the target world. By record index (rep x cells + p x years + y); without a benchmark the rate
//! is NaN and the results 0.
struct NoiseOnlyWorld {
  std::vector<double> savings_rate;   //!< s0
  std::vector<double> null_shared;    //!< the sharing rule's result at s0
  std::vector<double> target_shared;  //!< the same with the target effect
};
NoiseOnlyWorld noise_only_world(const RecordView& view, const scenario::Contract& contract,
                                double target_effect);

//! The false reward rate P(savings paid | eligible, true effect 0) in the as-designed null world
//! of every participant at the first min_units tested, with its batch-means error; NaN when
//! tests_thresholds() is false.
stats::Estimate false_reward_estimate(const RecordView& view, const scenario::Contract& contract,
                                      const scenario::AnalysisSettings& settings);

//! The threshold tables, none when tests_thresholds() is false. Columns: each performance year,
//! then "agreement". Eligible: units >= m. Rates given eligibility are ratios of counts over the
//! eligible provider-years; the excluded share is reported apart.
//!   rates, one row per group (size class) and min_units m, then "all": mean_units,
//!     excluded_share, eligible_share; false_reward = P(null_shared_result > 0 | eligible),
//!     false_penalty = P(null_shared_result < 0 | eligible), false_negative =
//!     P(target_shared_result <= 0 | eligible) (as designed); the same joint with eligibility
//!     (_joint: = conditional x eligible_share); and noise_false_* in the noise-only world;
//!   msr: mean_units, the mean and sd of the null savings rate, msr_for_alpha = its empirical
//!     (1 - alpha) quantile (stats::value_at_risk) and msr_normal = mean + z(1 - alpha) sd; and
//!     noise_savings_rate_sd, noise_msr_for_alpha, noise_msr_normal = z(1 - alpha) sd0.
std::vector<AnalysisTable> threshold_analysis(const RecordView& view,
                                              const scenario::Contract& contract,
                                              const scenario::AnalysisSettings& settings);

}  // namespace apmsim::analysis
