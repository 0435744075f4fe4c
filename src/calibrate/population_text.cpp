#include "calibrate/population_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "calibrate/claims.hpp"
#include "calibrate/csv_file.hpp"
#include "calibrate/parameter_risk_text.hpp"
#include "scenario/limits.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::calibrate {
namespace {

using scenario::toml_float;
using scenario::toml_key;
using scenario::toml_string;

std::string number(double x, int digits = 6) { return rounded_float(x, digits); }

//! "  # se 0.0012" (or the reason there is none).
std::string se_comment(const Estimate& e, const std::string& extra = "") {
  std::string c = e.se >= 0.0 ? "se " + number(e.se, 2) : "not estimated";
  if (!extra.empty()) c += "; " + extra;
  return "  # " + c;
}

class Writer {
 public:
  void header(const std::string& h) { out_ << "\n" << h << "\n"; }
  void comment(const std::string& text) { out_ << "# " << text << "\n"; }
  void line(const std::string& key, const std::string& value, const std::string& note = "") {
    out_ << key << " = " << value << note << "\n";
  }
  void estimate(const std::string& key, const Estimate& e, const std::string& extra = "",
                int digits = 6) {
    line(key, number(e.value, digits), se_comment(e, extra));
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

std::string percent(double x) {
  char t[32];
  std::snprintf(t, sizeof t, "%.2f%%", 100.0 * x);
  return t;
}

std::string array(const std::vector<double>& v, int digits) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    if (i % 8 == 0) s += "\n  ";
    s += number(v[i], digits);
  }
  return s + "\n]";
}

//! The file's opening comments: where the population came from and how to read it.
void opening_comments(Writer& w, const Calibration& c, bool parametric, const std::string& other) {
  if (c.origin.empty())
    w.comment("Population calibrated by `apmsim calibrate` from " + shown(c.source, 400) + ": " +
              std::to_string(c.rows) + " member-years, " + std::to_string(c.members) +
              " members, " + std::to_string(c.providers) + " providers, " +
              std::to_string(c.years) + " years from " + std::to_string(c.first_year) + ".");
  else
    w.comment(c.origin);
  if (c.origin.empty()) {  // a continuance table has no sample and no fit to judge
    w.comment(std::string("Severity: ") +
              (parametric ? "parametric (lognormal body + Pareto catastrophic add-on)"
                          : "empirical (quantile knots + generalised Pareto tail)") +
              "; out of sample the " + c.better + " form fits better" +
              (other.empty() ? "." : "; the other form is in " + other + "."));
    w.comment("After each estimate: its standard error (grouped jackknife over " +
              std::to_string(c.jackknife_groups) + " groups of " + c.grouping + ").");
  }
  w.comment("Costs are in the data's first-year money. Add a [contract] to price terms on this");
  w.comment("population (docs/scenario-reference.md); set effects and regional shocks as needed.");
  if (c.negative_zeroed || c.negative_dropped || c.duplicates_summed)
    w.comment("Data handling: " + std::to_string(c.negative_zeroed) + " negative costs set to 0, " +
              std::to_string(c.negative_dropped) + " dropped, " +
              std::to_string(c.duplicates_summed) + " repeated member-years summed.");
  if (c.outliers_capped || c.outliers_dropped)
    w.comment("Outliers (--outliers): " + std::to_string(c.outliers_capped) + " capped, " +
              std::to_string(c.outliers_dropped) + " dropped (" +
              std::to_string(c.outlier_rows_dropped) + " rows removed with their members).");
  for (const std::string& note : c.notes) w.comment("Note: " + note + ".");
}

void simulation_and_regions(Writer& w, const Calibration& c, bool risk) {
  w.header("[simulation]");
  w.line("replications", "1000");
  w.line("seed", "1");
  w.line("baseline_years", std::to_string(std::clamp(c.years, 1, 28)), "  # the years of data");
  w.line("performance_years", "3", "  # years a [contract] would pay on");
  w.estimate("trend", c.trend, "exposure-weighted, within strata");
  if (risk)
    w.line("parameter_risk", "false",
           "  # true: draw the estimates from [parameter_risk] per block of replications");
  for (const std::string& region : c.regions) {
    w.header("[[region]]");
    w.line("name", toml_string(region));
    w.line("shock_sd", "0.0", "  # not estimated: set the regional shock to study benchmarks");
    w.line("comparison_size", "0", "  # a comparison population feeds regional benchmarks");
  }
}

//! Shares rounded so that they still sum to 1: the last takes the remainder.
std::vector<double> rounded_shares(const Calibration& c) {
  std::vector<double> shares;
  for (const StratumFit& s : c.strata)
    shares.push_back(std::strtod(number(s.share.value).c_str(), nullptr));
  double others = 0.0;
  for (std::size_t k = 0; k + 1 < shares.size(); ++k) others += shares[k];
  if (!shares.empty()) shares.back() = 1.0 - others;
  return shares;
}

//! The stratum's fit as comments: its counts, means and out-of-sample errors.
void fit_comments(Writer& w, const StratumFit& s) {
  char fit[400];
  std::snprintf(fit, sizeof fit,
                "fit: %llu members, %llu member-years, %llu positive costs; mean of positive "
                "costs %.6g observed, %.6g parametric, %.6g empirical",
                static_cast<unsigned long long>(s.members), static_cast<unsigned long long>(s.rows),
                static_cast<unsigned long long>(s.positive), s.observed.mean, s.parametric.mean,
                s.empirical.mean);
  w.comment(fit);
  w.comment("out-of-sample error of limited means: parametric " + percent(s.parametric_error) +
            ", empirical " + percent(s.empirical_error));
}

void parametric_body(Writer& w, const StratumFit& s) {
  w.estimate("p_any", s.p_any,
             "P(cost > 0) " + number(s.p_positive.value, 4) + " less the add-on's share");
  w.estimate("mean", s.mean, "body mean given any cost");
  w.estimate("cv", s.cv, "within a patient: frailty and efficiency removed");
  if (s.cat_prob.value > 0.0) {
    w.estimate("cat_prob", s.cat_prob);
    w.estimate("cat_scale", s.cat_scale);
    char tail[200];
    std::snprintf(tail, sizeof tail,
                  "fitted to the mean and two tail exceedances; Hill's index above %.6g: "
                  "%.3g [%.3g, %.3g]",
                  s.hill_threshold, s.hill.value, s.hill.value - 1.96 * std::max(s.hill.se, 0.0),
                  s.hill.value + 1.96 * std::max(s.hill.se, 0.0));
    w.estimate("cat_shape", s.cat_shape, tail);
  }
}

//! `table`: the stratum comes from a continuance table (its tail is the open band's).
void empirical_body(Writer& w, const StratumFit& s, bool table) {
  w.estimate("p_any", s.p_positive, "P(cost > 0): the tail is in the table");
  w.line("severity", "\"empirical\"");
  w.comment("quantile knots of positive costs (probability, cost); above the last, a");
  if (table)
    w.comment("generalised Pareto tail for the table's open band above " +
              number(s.tail_threshold, 6));
  else
    w.comment("generalised Pareto tail fitted to the " + std::to_string(s.tail_count) +
              " costs above " + number(s.tail_threshold, 6));
  w.line("probabilities", array(s.probabilities, 8));
  w.line("quantiles", array(s.quantiles, 7));
  if (s.probabilities.back() < 1.0) {
    w.estimate("tail_scale", s.tail_scale);
    char tail[160];
    std::snprintf(tail, sizeof tail, "95%% interval [%.3g, %.3g]",
                  s.tail_shape.value - 1.96 * std::max(s.tail_shape.se, 0.0),
                  s.tail_shape.value + 1.96 * std::max(s.tail_shape.se, 0.0));
    w.estimate("tail_shape", s.tail_shape, tail);
  }
  w.line("score_sd", number(s.score_sd), "  # the body's normal-score spread beside frailty");
}

//! Stratum k's transitions to the others (those with a positive probability), with their ses.
void transitions(Writer& w, const Calibration& c, std::size_t k) {
  std::string row, ses;
  for (std::size_t to = 0; to < c.strata.size(); ++to) {
    if (to == k) continue;
    const Estimate& e = c.transition[k][to];
    if (e.value <= 0.0) continue;
    row += (row.empty() ? "" : ", ") + toml_key(c.strata[to].name) + " = " + number(e.value);
    ses += (ses.empty() ? "" : ", ") + c.strata[to].name + " " + number(e.se, 2);
  }
  if (!row.empty()) w.line("transition", "{ " + row + " }", "  # se " + ses);
}

void strata(Writer& w, const Calibration& c, bool parametric) {
  const bool table = !c.origin.empty();
  const std::vector<double> shares = rounded_shares(c);
  for (std::size_t k = 0; k < c.strata.size(); ++k) {
    const StratumFit& s = c.strata[k];
    w.header("[[stratum]]");
    if (!table) fit_comments(w, s);
    w.line("name", toml_string(s.name));
    w.line("share", number(shares[k], 10), se_comment(s.share, "of members at entry"));
    if (parametric)
      parametric_body(w, s);
    else
      empirical_body(w, s, table);
    w.estimate("risk_score", s.risk_score);
    if (c.transitions) transitions(w, c, k);
  }
}

void patients_and_groups(Writer& w, const Calibration& c, bool parametric) {
  w.header("[patients]");
  w.estimate("frailty_sd", c.frailty_sd, "from members' consecutive positive years");
  w.estimate("frailty_rho", c.frailty_rho,
             c.rho_identified ? "lag-2 over lag-1 covariance" : "not identified: taken as 1");
  w.estimate("churn", c.churn, "share of a year's members absent the next");
  const Estimate& efficiency = parametric ? c.efficiency_parametric : c.efficiency_empirical;
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    if (c.group_providers[g] == 0) continue;
    w.header("[[provider_group]]");
    w.line("name", toml_string(c.groups[g]));
    w.line("count", std::to_string(c.group_providers[g]));
    w.line("region", toml_string(c.regions[c.group_region[g]]));
    w.line("panel_size", std::to_string(std::max<long long>(1, std::llround(c.group_panel[g]))),
           "  # members per provider-year");
    w.estimate("efficiency_sd", efficiency, "random-effects sd net of sampling noise");
    w.line("participant", "true", "  # no effect until effect_mean is set");
  }
}

}  // namespace

std::string rounded_float(double x, int digits) {
  if (x == 0.0 || !std::isfinite(x)) return toml_float(x);
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, x);
  return toml_float(std::strtod(text, nullptr));
}

const char* form_name(SeverityForm form) {
  return form == SeverityForm::Parametric ? "parametric" : "empirical";
}

std::string population_text(const Calibration& c, SeverityForm form, const std::string& other) {
  Writer w;
  const bool parametric = form == SeverityForm::Parametric;
  const std::string risk = parameter_risk_text(c, form);
  opening_comments(w, c, parametric, other);
  simulation_and_regions(w, c, !risk.empty());
  strata(w, c, parametric);
  patients_and_groups(w, c, parametric);
  std::string text = w.str() + risk;
  // What validate reads (kMaxProviderGroups keeps calibrated populations far inside it).
  if (text.size() > scenario::kMaxScenarioBytes)
    throw DataError(c.source, "the population would be " + std::to_string(text.size() >> 20) +
                                  " MiB, over the " +
                                  std::to_string(scenario::kMaxScenarioBytes >> 20) +
                                  " MiB a scenario may have; merge provider groups or regions");
  return text;
}

}  // namespace apmsim::calibrate
