#pragma once
//! A positive-cost distribution summarised as the fit report shows it: the same summary of the
//! observed costs and of each fitted form, so the report and the form choice compare like with
//! like.

#include <vector>

namespace apmsim::calibrate {

//! A positive-cost distribution summarised as the fit report shows it.
struct CostSummary {
  double mean = 0.0, cv = 0.0;
  std::vector<double> percentiles;  //!< at Calibration::percentile_levels
  std::vector<double> limited;      //!< E[min(X, A)] at Calibration::thresholds
};

}  // namespace apmsim::calibrate
