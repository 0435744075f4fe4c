#pragma once
//! The calibrated scenario's `[parameter_risk]`: each estimate's grouped-jackknife replicate
//! deviations on a scale that keeps draws in range, so `[simulation] parameter_risk = true`
//! draws the parameters with the jackknife's covariance (docs/calibration.md, "Parameter risk").

#include <string>

#include "calibrate/calibration.hpp"
#include "calibrate/population_text.hpp"

namespace apmsim::calibrate {

//! The section for the population `form` writes ("" when nothing has replicates: a continuance
//! table). Parameters held at their estimates are named in comments, with the reason.
std::string parameter_risk_text(const Calibration& c, SeverityForm form);

}  // namespace apmsim::calibrate
