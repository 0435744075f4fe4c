#pragma once
//! The parametric severity form `apmsim calibrate` fits to a stratum's positive costs
//! (first-year money).
//!
//! Positive costs are a body-only unit, lognormal(mu, S), with probability 1 - pi, or a unit with
//! a catastrophic add-on, B + C with B the body (present with probability p_any) and C
//! Pareto(c, alpha), with probability pi. (mu, S) come from the log-cost quantiles at levels
//! 0.25, 0.5, 0.75 of the body-only units (the add-on's units lie above the body's upper
//! quartile, so the levels are scaled by 1 - pi); (pi, c, alpha) maximise the likelihood of the
//! costs above the body's median, binned in ln(cost) (the add-on's distribution through a grid
//! over the body), and the add-on is kept only when a likelihood-ratio statistic over the body
//! alone exceeds 10. S is the spread of the body with frailty and efficiency; the scenario's cv
//! is the body's own.

#include <vector>

#include "calibrate/cost_summary.hpp"
#include "calibrate/log_histogram.hpp"

namespace apmsim::calibrate {

//! A stratum's positive costs as sufficient statistics (additive over rows).
struct SeverityStats {
  double weight = 0.0, sum = 0.0, sum_squares = 0.0;
  double tail_weight = 0.0, tail_log = 0.0;  //!< above the tail threshold t: w, w ln(x / t)
  LogHistogram histogram;
  SeverityStats& operator+=(const SeverityStats& o);
  SeverityStats& operator-=(const SeverityStats& o);
};

//! The parametric form (see the file comment).
struct ParametricSeverity {
  double mu = 0.0, log_sd = 0.0;  //!< the lognormal part of positive costs, with frailty
  double pi = 0.0;                //!< P(an add-on | positive cost)
  double cat_scale = 0.0, cat_shape = 0.0;
  double p_any = 1.0;  //!< P(body) in a year
  double body_mean() const;
};

//! Fits the parametric form; `p_positive` is P(cost > 0) in the stratum, `threshold` the tail
//! threshold of `stats`. A `hint` (the full sample's fit, for a jackknife replicate) narrows the
//! search to its neighbourhood. The add-on's shape stays above 2.05.
ParametricSeverity fit_parametric(const SeverityStats& stats, double threshold, double p_positive,
                                  const ParametricSeverity* hint = nullptr);

//! E[min(X, a)] and P(X <= x) of positive costs under the parametric form.
double parametric_limited_mean(const ParametricSeverity& f, double a);
double parametric_cdf(const ParametricSeverity& f, double x);
double parametric_quantile(const ParametricSeverity& f, double p);

//! The form's mean, cv, percentiles at `levels` and limited means at `thresholds`.
CostSummary summarize(const ParametricSeverity& f, const std::vector<double>& thresholds,
                      const std::vector<double>& levels);

}  // namespace apmsim::calibrate
