#pragma once
//! Each stratum's severity estimates and fit diagnostics: the parametric form's estimates from
//! the jackknife, the empirical form from the whole stratum, both forms summarised beside the
//! observed costs at the report's levels, and each form's out-of-sample error (fitted on one
//! half of the jackknife groups, judged on the other).

#include <vector>

#include "calibrate/calibration.hpp"
#include "calibrate/efficiency.hpp"
#include "calibrate/group_sums.hpp"
#include "calibrate/positive_costs.hpp"

namespace apmsim::calibrate {

//! The report's limited-mean thresholds (percentiles of all positive costs, rounded, and
//! typical stop-loss attachments), percentile levels and QQ levels.
struct ReportLevels {
  std::vector<double> thresholds, percentiles, qq;
};

ReportLevels report_levels(const std::vector<WeightedSample>& samples);

//! What every stratum's fit reads.
struct StratumInputs {
  const ClaimsRows& rows;
  const CalibrationSettings& settings;
  const PositiveCosts& costs;
  const Grouping& grouping;
  const SumsEstimates& sums;
  const EfficiencyFit& efficiency;
  const ReportLevels& levels;
};

//! Stratum `s`'s estimates and diagnostics (its counts of members, rows and positive costs
//! are the caller's).
StratumFit fit_stratum(const StratumInputs& in, int s);

}  // namespace apmsim::calibrate
