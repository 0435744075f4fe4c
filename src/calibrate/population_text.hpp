#pragma once
//! The calibrated population as a scenario file: [simulation], [[region]], [[stratum]],
//! [patients] and [[provider_group]], every estimate followed by its standard error and each
//! stratum's fit diagnostics as comments. `apmsim validate` accepts it; a [contract] can be added.

#include <string>

#include "calibrate/calibration.hpp"

namespace apmsim::calibrate {

//! Which severity form a scenario gets.
enum class SeverityForm { Parametric, Empirical };

//! The scenario text of `c` with each stratum's body in `form`. `other` names the file holding
//! the other form ("" for none).
std::string population_text(const Calibration& c, SeverityForm form, const std::string& other);

//! `x` to `digits` significant digits as a TOML float ("0.0412", "3.0").
std::string rounded_float(double x, int digits = 6);

//! "parametric" or "empirical".
const char* form_name(SeverityForm form);

}  // namespace apmsim::calibrate
