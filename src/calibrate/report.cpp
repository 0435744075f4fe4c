#include "calibrate/report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace apmsim::calibrate {
namespace {

std::string fixed(const char* format, double x) {
  char t[64];
  std::snprintf(t, sizeof t, format, x);
  return t;
}

//! "0.0401 ± 0.0011" with digits set by the standard error.
std::string with_se(const Estimate& e) {
  if (e.se < 0.0) return fixed("%.4g", e.value) + " (no se)";
  return fixed("%.4g", e.value) + " ± " + fixed("%.2g", e.se);
}

//! A money amount with thousands separators: 12,345 (or 1.23e+06 past a billion).
std::string money(double x) {
  if (!std::isfinite(x)) return "inf";
  if (std::fabs(x) >= 1e9) return fixed("%.3g", x);
  const long long v = std::llround(x);
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s = std::string(width - s.size(), ' ') + s;
  return s;
}

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  char t[40];
  std::snprintf(t, sizeof t, "%.10g", x);
  return t;
}

std::string json_array(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + json_number(v[i]);
  return s + "]";
}

std::string json_string(const std::string& text) {
  std::string s = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') s += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      s += fixed("\\u%04x", static_cast<double>(static_cast<unsigned char>(c)));
      continue;
    }
    s += c;
  }
  return s + "\"";
}

std::string json_estimate(const Estimate& e) {
  return "{\"value\": " + json_number(e.value) + ", \"se\": " + (e.se >= 0.0 ? json_number(e.se) : "null") + "}";
}

std::string json_summary(const CostSummary& s) {
  return "{\"mean\": " + json_number(s.mean) + ", \"cv\": " + json_number(s.cv) +
         ", \"percentiles\": " + json_array(s.percentiles) + ", \"limited\": " + json_array(s.limited) +
         "}";
}

}  // namespace

std::string report_text(const Calibration& c) {
  std::ostringstream o;
  o << "apmsim calibrate: " << c.source << ": " << money(double(c.rows)) << " member-years, "
    << money(double(c.members)) << " members, " << money(double(c.providers)) << " providers, "
    << c.years << " years from " << c.first_year << "\n";
  o << "  standard errors: grouped jackknife over " << c.jackknife_groups << " groups of "
    << c.grouping << "; costs in first-year money (deflated by the fitted trend)\n";
  if (c.negative_zeroed || c.negative_dropped || c.duplicates_summed)
    o << "  data: " << c.negative_zeroed << " negative costs set to 0, " << c.negative_dropped
      << " dropped; " << c.duplicates_summed << " repeated member-years summed\n";
  if (c.outliers_capped || c.outliers_dropped)
    o << "  outliers (--outliers): " << c.outliers_capped << " capped, " << c.outliers_dropped
      << " dropped (" << c.outlier_rows_dropped << " rows removed with their members)\n";
  for (const std::string& note : c.notes) o << "  note: " << note << "\n";
  o << "\npopulation\n";
  o << "  trend          " << with_se(c.trend) << "\n";
  o << "  churn          " << with_se(c.churn) << "\n";
  o << "  frailty_sd     " << with_se(c.frailty_sd) << "\n";
  o << "  frailty_rho    " << with_se(c.frailty_rho) << "\n";
  o << "  efficiency_sd  " << with_se(c.efficiency_empirical)
    << " on total cost (what the data identify); the parametric form's, on its body: "
    << with_se(c.efficiency_parametric) << "\n";
  for (std::size_t k = 0; k < c.strata.size(); ++k) {
    const StratumFit& s = c.strata[k];
    o << "\nstratum " << s.name << ": " << money(double(s.members)) << " members, "
      << money(double(s.rows)) << " member-years, " << money(double(s.positive))
      << " positive costs\n";
    o << "  share " << with_se(s.share) << "   P(cost > 0) " << with_se(s.p_positive)
      << "   risk score " << with_se(s.risk_score) << "\n";
    o << "  parametric: p_any " << with_se(s.p_any) << ", mean " << with_se(s.mean) << ", cv "
      << with_se(s.cv) << " (log-cost sd with frailty " << fixed("%.4g", s.log_sd) << ")";
    if (s.cat_prob.value > 0.0)
      o << ", cat_prob " << with_se(s.cat_prob) << ", cat_scale " << with_se(s.cat_scale)
        << ", cat_shape " << with_se(s.cat_shape);
    o << "\n";
    if (c.transitions) {
      o << "  transitions:";
      for (std::size_t to = 0; to < c.strata.size(); ++to)
        if (to != k && c.transition[k][to].value > 0.0)
          o << " " << c.strata[to].name << " " << with_se(c.transition[k][to]);
      o << "\n";
    }
    o << "  positive costs              " << pad("observed", 12) << pad("parametric", 12)
      << pad("empirical", 12) << "\n";
    const auto row = [&](const std::string& label, double a, double b, double e) {
      o << "  " << label << std::string(label.size() < 26 ? 26 - label.size() : 0, ' ')
        << pad(money(a), 12) << pad(money(b), 12) << pad(money(e), 12) << "\n";
    };
    row("mean", s.observed.mean, s.parametric.mean, s.empirical.mean);
    o << "  cv                        " << pad(fixed("%.3f", s.observed.cv), 12)
      << pad(fixed("%.3f", s.parametric.cv), 12) << pad(fixed("%.3f", s.empirical.cv), 12) << "\n";
    for (std::size_t i = 0; i < c.percentile_levels.size(); ++i)
      row(fixed("p%g", 100.0 * c.percentile_levels[i]), s.observed.percentiles[i],
          s.parametric.percentiles[i], s.empirical.percentiles[i]);
    for (std::size_t i = 0; i < c.thresholds.size(); ++i)
      row("E[min(X, " + money(c.thresholds[i]) + ")]", s.observed.limited[i], s.parametric.limited[i],
          s.empirical.limited[i]);
    if (s.hill.value > 0.0)
      o << "  tail index (Hill above " << money(s.hill_threshold) << "): " << fixed("%.3g", s.hill.value)
        << ", 95% interval [" << fixed("%.3g", s.hill.value - 1.96 * std::max(0.0, s.hill.se))
        << ", " << fixed("%.3g", s.hill.value + 1.96 * std::max(0.0, s.hill.se)) << "]\n";
    if (s.probabilities.back() < 1.0)
      o << "  generalised Pareto tail above " << money(s.tail_threshold) << " (" << s.tail_count
        << " costs): xi " << with_se(s.tail_shape) << ", sigma " << with_se(s.tail_scale) << "\n";
    o << "  out-of-sample error of the limited means: parametric "
      << fixed("%.2f%%", 100.0 * s.parametric_error) << ", empirical "
      << fixed("%.2f%%", 100.0 * s.empirical_error) << "\n";
  }
  o << "\nbetter fit out of sample: " << c.better << "\n";
  return o.str();
}

std::string report_json(const Calibration& c, const CompletionPattern* completion) {
  std::ostringstream o;
  o << "{\n  \"source\": " << json_string(c.source) << ",\n  \"better\": " << json_string(c.better)
    << ",\n  \"rows\": " << c.rows << ", \"members\": " << c.members << ", \"providers\": " << c.providers
    << ",\n  \"jackknife_groups\": " << c.jackknife_groups << ", \"grouping\": " << json_string(c.grouping)
    << ",\n  \"population\": {\"trend\": " << json_estimate(c.trend) << ", \"churn\": " << json_estimate(c.churn)
    << ", \"frailty_sd\": " << json_estimate(c.frailty_sd) << ", \"frailty_rho\": " << json_estimate(c.frailty_rho)
    << ", \"efficiency_sd_parametric\": " << json_estimate(c.efficiency_parametric)
    << ", \"efficiency_sd_empirical\": " << json_estimate(c.efficiency_empirical) << "}"
    << ",\n  \"thresholds\": " << json_array(c.thresholds)
    << ",\n  \"percentile_levels\": " << json_array(c.percentile_levels)
    << ",\n  \"qq_levels\": " << json_array(c.qq_levels) << ",\n  \"strata\": [";
  for (std::size_t k = 0; k < c.strata.size(); ++k) {
    const StratumFit& s = c.strata[k];
    std::string transitions;
    for (std::size_t to = 0; c.transitions && to < c.strata.size(); ++to)
      transitions += std::string(transitions.empty() ? "" : ", ") + json_string(c.strata[to].name) + ": " +
                     json_estimate(c.transition[k][to]);
    o << (k ? "," : "") << "\n    {\"name\": " << json_string(s.name) << ", \"rows\": " << s.rows
      << ", \"members\": " << s.members << ", \"positive\": " << s.positive
      << ",\n     \"estimates\": {\"share\": " << json_estimate(s.share) << ", \"p_positive\": " << json_estimate(s.p_positive)
      << ", \"risk_score\": " << json_estimate(s.risk_score) << ", \"p_any\": " << json_estimate(s.p_any)
      << ", \"mean\": " << json_estimate(s.mean) << ", \"cv\": " << json_estimate(s.cv)
      << ", \"cat_prob\": " << json_estimate(s.cat_prob) << ", \"cat_scale\": " << json_estimate(s.cat_scale)
      << ", \"cat_shape\": " << json_estimate(s.cat_shape) << ", \"tail_scale\": " << json_estimate(s.tail_scale)
      << ", \"tail_shape\": " << json_estimate(s.tail_shape) << "}"
      << ",\n     \"transition\": {" << transitions << "}"
      << ", \"p_positive\": " << json_number(s.p_positive.value)
      << ", \"p_positive_se\": " << json_number(s.p_positive.se)
      << ", \"share\": " << json_number(s.share.value)
      << ", \"parametric_error\": " << json_number(s.parametric_error)
      << ", \"empirical_error\": " << json_number(s.empirical_error)
      << ",\n     \"observed\": " << json_summary(s.observed)
      << ",\n     \"parametric\": " << json_summary(s.parametric)
      << ",\n     \"empirical\": " << json_summary(s.empirical)
      << ",\n     \"qq_observed\": " << json_array(s.qq_observed)
      << ",\n     \"qq_parametric\": " << json_array(s.qq_parametric)
      << ",\n     \"qq_empirical\": " << json_array(s.qq_empirical)
      << ",\n     \"tail_index\": " << json_number(s.hill.value)
      << ", \"tail_index_se\": " << json_number(s.hill.se)
      << ", \"tail_threshold\": " << json_number(s.hill_threshold) << "}";
  }
  o << "\n  ]";
  if (completion) o << ",\n  \"completion\": " << completion_json(*completion);
  o << "\n}\n";
  return o.str();
}

std::string completion_report_text(const CompletionPattern& p) {
  const auto column = [](const std::string& text) {  // left-aligned, 22 characters wide
    std::size_t width = text.size();
    for (std::size_t at = 0; (at = text.find("±", at)) != std::string::npos; ++at) --width;
    return text + std::string(width < 22 ? 22 - width : 1, ' ');
  };
  std::ostringstream o;
  o << "completion pattern: " << p.source << ": " << money(double(p.rows))
    << " payments for months of service " << month_text(p.first_month) << " to "
    << month_text(p.as_of) << " (extract date)\n";
  o << "  chain ladder on the monthly triangle, lags 0 to " << p.lags
    << "; standard errors by Mack's formula\n";
  for (const std::string& note : p.notes) o << "  note: " << note << "\n";
  o << "  lag  months  development factor    share paid            paid by then\n";
  for (int k = 0; k <= p.lags; ++k) {
    const std::string factor =
        k < p.lags ? with_se(p.factor[std::size_t(k)]) : std::string("(last lag)");
    o << pad(std::to_string(k), 5)
      << pad(k < p.lags ? std::to_string(p.factor_months[std::size_t(k)]) : "", 8) << "  "
      << column(factor) << column(with_se(p.share[std::size_t(k)]))
      << with_se(p.cumulative[std::size_t(k)]) << "\n";
  }
  o << "  completion factors (a year incurred evenly; share paid R months after its end):";
  for (std::size_t r = 0; r < p.run_out.size(); ++r)
    o << (r ? "," : "") << " R = " << p.run_out[r] << ": " << with_se(p.completion[r]);
  o << "\n";
  return o.str();
}

std::string completion_json(const CompletionPattern& p) {
  std::vector<double> values, errors, cumulative, cumulative_se, factors, factors_se, months;
  for (const Estimate& e : p.share) values.push_back(e.value), errors.push_back(e.se >= 0.0 ? e.se : NAN);
  for (const Estimate& e : p.cumulative) cumulative.push_back(e.value), cumulative_se.push_back(e.se >= 0.0 ? e.se : NAN);
  for (const Estimate& e : p.factor) factors.push_back(e.value), factors_se.push_back(e.se >= 0.0 ? e.se : NAN);
  for (const int n : p.factor_months) months.push_back(n);
  std::ostringstream o;
  o << "{\"source\": " << json_string(p.source) << ", \"payments\": " << p.rows
    << ", \"first_month\": " << json_string(month_text(p.first_month))
    << ", \"as_of\": " << json_string(month_text(p.as_of)) << ", \"lags\": " << p.lags
    << ",\n    \"lag\": " << json_array(values) << ",\n    \"lag_se\": " << json_array(errors)
    << ",\n    \"cumulative\": " << json_array(cumulative)
    << ",\n    \"cumulative_se\": " << json_array(cumulative_se)
    << ",\n    \"development_factors\": " << json_array(factors)
    << ",\n    \"development_factors_se\": " << json_array(factors_se)
    << ",\n    \"factor_months\": " << json_array(months) << ",\n    \"completion_factors\": [";
  for (std::size_t r = 0; r < p.run_out.size(); ++r)
    o << (r ? ", " : "") << "{\"run_out_months\": " << p.run_out[r]
      << ", \"value\": " << json_number(p.completion[r].value)
      << ", \"se\": " << (p.completion[r].se >= 0.0 ? json_number(p.completion[r].se) : "null") << "}";
  o << "],\n    \"notes\": [";
  for (std::size_t i = 0; i < p.notes.size(); ++i) o << (i ? ", " : "") << json_string(p.notes[i]);
  o << "]}";
  return o.str();
}

}  // namespace apmsim::calibrate
