#pragma once
//! The fit report of `apmsim calibrate`: printed for a person, and as JSON for the plots
//! (scripts/plot_fit.py draws observed against fitted limited means, percentiles and a QQ plot of
//! log costs per stratum).

#include <string>

#include "calibrate/calibration.hpp"
#include "calibrate/completion_pattern.hpp"

namespace apmsim::calibrate {

//! The printed report: population estimates with standard errors; per stratum observed against
//! both fitted forms (mean, cv, percentiles, limited means), the tail index with its interval
//! and the out-of-sample errors; which form fits better.
std::string report_text(const Calibration& c);

//! The same figures as one JSON document; with `completion`, its figures under "completion".
std::string report_json(const Calibration& c, const CompletionPattern* completion = nullptr);

//! The printed completion pattern: per lag the development factor, the share paid and the
//! cumulative share with standard errors; the completion factors; notes.
std::string completion_report_text(const CompletionPattern& p);

//! The completion pattern's figures as a JSON object.
std::string completion_json(const CompletionPattern& p);

}  // namespace apmsim::calibrate
