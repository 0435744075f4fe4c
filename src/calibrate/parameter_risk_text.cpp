#include "calibrate/parameter_risk_text.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "scenario/toml_text.hpp"

namespace apmsim::calibrate {
namespace {

using scenario::toml_float;
using scenario::toml_string;

enum class Scale { Linear, Log, Logit };

const char* scale_name(Scale s) {
  return s == Scale::Linear ? "linear" : s == Scale::Log ? "log" : "logit";
}

//! h(x) on `scale`; NaN outside its range.
double on_scale(double x, Scale scale) {
  switch (scale) {
    case Scale::Linear:
      return x;
    case Scale::Log:
      return x > 0.0 ? std::log(x) : NAN;
    case Scale::Logit:
      return x > 0.0 && x < 1.0 ? std::log(x / (1.0 - x)) : NAN;
  }
  return NAN;
}

//! `x` to 6 significant digits, as TOML.
std::string number(double x) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", x);
  return toml_float(std::strtod(text, nullptr));
}

//! The section being written: parameters and the ones held at their estimates.
class Section {
 public:
  explicit Section(int groups) : groups_(groups) {}

  //! Adds `key` with the deviations of `e`'s replicates on `scale`, or a note why it is held.
  void add(const std::string& key, const Estimate& e, Scale scale) {
    if (e.replicates.size() != static_cast<std::size_t>(groups_)) {
      hold(key + " (no jackknife over the rows' groups)");
      return;
    }
    std::vector<double> h;
    double mean = 0.0;
    for (double x : e.replicates) {
      h.push_back(on_scale(x, scale));
      mean += h.back();
    }
    mean /= double(groups_);
    if (!std::isfinite(mean) || !std::isfinite(on_scale(e.value, scale))) {
      hold(key + " (an estimate at the edge of its range)");
      return;
    }
    // sqrt((G - 1) / G) (h_g - mean): their squares sum to the jackknife variance on the scale.
    const double factor = std::sqrt(double(groups_ - 1) / double(groups_));
    std::string list;
    for (std::size_t g = 0; g < h.size(); ++g)
      list += (g == 0 ? "\n  " : g % 5 == 0 ? ",\n  " : ", ") + number(factor * (h[g] - mean));
    out_ << "\n[[parameter_risk.parameter]]\nkey = " << toml_string(key)
         << "\nscale = " << toml_string(scale_name(scale)) << "\ndeviations = [" << list << "\n]\n";
    ++count_;
  }

  //! Notes that `what` is held at its estimate.
  void hold(const std::string& what) { held_.push_back(what); }

  int count() const { return count_; }

  std::string str() const {
    std::ostringstream s;
    s << "\n[parameter_risk]\n"
      << "# The estimates' uncertainty, for [simulation] parameter_risk = true: each parameter's\n"
      << "# grouped-jackknife replicate deviations sqrt((G - 1) / G) (h(theta_g) - mean of "
         "h(theta_.))\n"
      << "# on its scale h (log or logit keeps draws in range). A draw sets every parameter to\n"
      << "# h^-1(h(value) + sum_g z_g deviation_g) with one z ~ N(0, I) for all: the jackknife\n"
      << "# covariance of the estimates jointly. Shares move on their own scale: their deviations\n"
      << "# sum to 0 over the strata, so drawn shares still sum to 1. The empirical body's\n"
      << "# quantiles and tail scale move together by the jackknife of the mean of positive "
         "costs.\n";
    for (const std::string& h : held_) s << "# Held at its estimate: " << h << ".\n";
    s << "groups = " << groups_ << "\n" << out_.str();
    return s.str();
  }

 private:
  int groups_;
  int count_ = 0;
  std::ostringstream out_;
  std::vector<std::string> held_;
};

//! Whether a dotted path can name `name` (a name with a dot cannot be told from the path's parts).
bool nameable(const std::string& name) { return name.find('.') == std::string::npos; }

void strata(Section& w, const Calibration& c, bool parametric) {
  for (std::size_t k = 0; k < c.strata.size(); ++k) {
    const StratumFit& s = c.strata[k];
    if (!nameable(s.name)) {
      w.hold("stratum '" + s.name + "' (a path cannot name it: its name has a dot)");
      continue;
    }
    const std::string at = "stratum." + s.name + ".";
    w.add(at + "share", s.share, Scale::Linear);
    if (parametric) {
      w.add(at + "p_any", s.p_any, Scale::Logit);
      w.add(at + "mean", s.mean, Scale::Log);
      w.add(at + "cv", s.cv, Scale::Log);
      if (s.cat_prob.value > 0.0) {
        w.add(at + "cat_prob", s.cat_prob, Scale::Logit);
        w.add(at + "cat_scale", s.cat_scale, Scale::Log);
      }
    } else {
      w.add(at + "p_any", s.p_positive, Scale::Logit);
      w.add(at + "quantiles", s.positive_mean, Scale::Log);
      if (s.probabilities.back() < 1.0) w.add(at + "tail_scale", s.positive_mean, Scale::Log);
    }
    if (!c.transitions) continue;
    for (std::size_t to = 0; to < c.strata.size(); ++to)
      if (to != k && c.transition[k][to].value > 0.0 && nameable(c.strata[to].name))
        w.add(at + "transition." + c.strata[to].name, c.transition[k][to], Scale::Logit);
  }
}

}  // namespace

std::string parameter_risk_text(const Calibration& c, SeverityForm form) {
  if (c.jackknife_groups < 2 || !c.origin.empty()) return "";
  const bool parametric = form == SeverityForm::Parametric;
  Section w(c.jackknife_groups);
  w.add("simulation.trend", c.trend, Scale::Linear);
  strata(w, c, parametric);
  w.add("patients.frailty_sd", c.frailty_sd, Scale::Log);
  if (c.rho_identified) w.add("patients.frailty_rho", c.frailty_rho, Scale::Logit);
  w.add("patients.churn", c.churn, Scale::Logit);
  const Estimate& efficiency = parametric ? c.efficiency_parametric : c.efficiency_empirical;
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    if (c.group_providers[g] == 0) continue;
    const std::string key = "provider_group." + c.groups[g] + ".efficiency_sd";
    if (!nameable(c.groups[g]))
      w.hold(key + " (a path cannot name the group: its name has a dot)");
    else if (c.grouping == "providers")
      w.add(key, efficiency, Scale::Log);
    else
      w.add(key, Estimate{}, Scale::Log);  // its jackknife is over single providers
  }
  return w.count() > 0 ? w.str() : "";
}

}  // namespace apmsim::calibrate
