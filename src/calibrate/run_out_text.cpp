#include "calibrate/run_out_text.hpp"

#include <sstream>

#include "calibrate/csv_file.hpp"
#include "calibrate/population_text.hpp"

namespace apmsim::calibrate {
namespace {

//! `values` as a TOML array, eight to a line.
std::string array(const std::vector<std::string>& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i)
    s += std::string(i ? "," : "") + (i % 8 == 0 ? "\n  " : " ") + values[i];
  return s + ",\n]";
}

}  // namespace

std::string run_out_text(const CompletionPattern& p, bool commented) {
  std::vector<std::string> shares, errors;
  for (const Estimate& e : p.share) {
    shares.push_back(rounded_float(e.value, 6));
    errors.push_back(e.se >= 0.0 ? rounded_float(e.se, 2) : "?");
  }
  std::ostringstream o;
  o << "Claims completion pattern from " << shown(p.source, 400)
    << " (`apmsim calibrate --paid`): " << p.rows << " payments for months of service "
    << month_text(p.first_month) << " to " << month_text(p.as_of) << ", extract date "
    << month_text(p.as_of)
    << "; chain ladder with Mack's standard errors (docs/calibration.md, \"Completion pattern "
       "from paid dates\").\n";
  o << "Completion factors (the share of a year's cost, incurred evenly over its months, paid by "
       "R months after its end):";
  for (std::size_t r = 0; r < p.run_out.size(); ++r)
    o << (r ? "," : "") << " R = " << p.run_out[r] << ": "
      << rounded_float(p.completion[r].value, 5) << " (se "
      << (p.completion[r].se >= 0.0 ? rounded_float(p.completion[r].se, 2) : "?") << ")";
  o << ".\n";
  for (const std::string& note : p.notes) o << "Note: " << note << ".\n";
  if (commented)
    o << "To use it, paste the table below into the scenario (it needs a [contract]).\n";
  o << "Standard errors of the lag shares: " << array(errors) << "\n";
  o << "[contract.run_out]\n";
  o << "lag = " << array(shares) << "  # share paid k = 0.." << p.lags
    << " months after the month of service (the last: " << p.lags << " or more)\n";
  // The run-out is a term of the contract, not something the claims say: MSSP's, to be edited.
  o << "months = 3  # the program's run-out before the reconciliation: a contract term, not an "
       "estimate (MSSP 3, 42 CFR 425.604(a)(5); CJR 2, 510.305(d))\n";
  // Every line but the table's own a comment; with `commented` those too.
  std::istringstream lines(o.str());
  std::string text = "\n";
  bool table = false;
  for (std::string line; std::getline(lines, line);) {
    table = table || line == "[contract.run_out]";
    text += (!table || commented ? "# " : "") + line + "\n";
  }
  return text;
}

}  // namespace apmsim::calibrate
