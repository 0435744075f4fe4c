#pragma once
//! The two severity forms `apmsim calibrate` fits to a stratum's positive costs (first-year
//! money), and their summaries for the fit report.
//!
//! Parametric: positive costs are a body-only unit, lognormal(mu, S), with probability 1 - pi, or
//! a unit with a catastrophic add-on, B + C with B the body (present with probability p_any) and
//! C Pareto(c, alpha), with probability pi. (mu, S) come from the log-cost quantiles at levels
//! 0.25, 0.5, 0.75 of the body-only units (the add-on's units lie above the body's upper
//! quartile, so the levels are scaled by 1 - pi); (pi, c, alpha) maximise the likelihood of the
//! costs above the body's median, binned in ln(cost) (the add-on's distribution through a grid
//! over the body), and the add-on is kept only when a likelihood-ratio statistic over the body
//! alone exceeds 10. S is the spread of the body with frailty and efficiency; the scenario's cv
//! is the body's own.
//! Empirical: quantile knots of the weighted data up to the top `tail_fraction`, and above them
//! a generalised Pareto tail fitted by maximum likelihood (Grimshaw's one-dimensional profile).

#include <cstdint>
#include <vector>

#include "calibrate/calibration.hpp"
#include "stats/severity.hpp"

namespace apmsim::calibrate {

//! Weighted histogram of ln(cost) on a fixed grid: quantiles by linear interpolation in a bin.
class LogHistogram {
 public:
  LogHistogram() = default;
  LogHistogram(double low, double high, int bins);
  void add(double log_cost, double weight);
  LogHistogram& operator+=(const LogHistogram& o);
  LogHistogram& operator-=(const LogHistogram& o);
  //! The weighted quantile of ln(cost) at `level` in (0, 1).
  double quantile(double level) const;
  double total() const;
  //! Weight below `log_cost`, and between two values (linear within a bin).
  double weight_below(double log_cost) const;
  double weight_between(double lo, double hi) const { return weight_below(hi) - weight_below(lo); }

 private:
  double low_ = 0.0, width_ = 1.0;
  std::vector<double> counts_;
};

//! A stratum's positive costs as sufficient statistics (additive over rows).
struct SeverityStats {
  double weight = 0.0, sum = 0.0, sum_squares = 0.0;
  double tail_weight = 0.0, tail_log = 0.0;  //!< above the tail threshold t: w, w ln(x / t)
  double far_weight = 0.0;                   //!< above the far threshold (the top 0.2%)
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

//! Fits the parametric form; `p_positive` is P(cost > 0) in the stratum, `threshold` and `far`
//! the thresholds of `stats`. A `hint` (the full sample's fit, for a jackknife replicate)
//! narrows the search to its neighbourhood. The add-on's shape stays above 2.05.
ParametricSeverity fit_parametric(const SeverityStats& stats, double threshold, double far,
                                  double p_positive, const ParametricSeverity* hint = nullptr);

//! E[min(X, a)] and P(X <= x) of positive costs under the parametric form.
double parametric_limited_mean(const ParametricSeverity& f, double a);
double parametric_cdf(const ParametricSeverity& f, double x);
double parametric_quantile(const ParametricSeverity& f, double p);

//! Costs with their weights; sort() orders them and prepares the queries (prepare() when they
//! are in order already).
struct WeightedSample {
  std::vector<double> cost, weight;
  double total() const;
  //! Weight of the costs below c.
  double weight_below(double c) const;
  //! The weighted quantile: linear between the points' mid-ranks (C_i - w_i / 2) / W.
  double quantile(double p) const;
  double mean() const;
  double limited_mean(double a) const;
  void sort();
  void prepare();

 private:
  std::vector<double> mid_, cumulative_weight_, cumulative_cost_;
};

//! The empirical form and its tail's standard errors.
struct EmpiricalSeverity {
  stats::QuantileTable table;
  double tail_threshold = 0.0;
  std::uint64_t tail_count = 0;
  double tail_scale_se = -1.0, tail_shape_se = -1.0;
};

//! Knots at `knots` probabilities (denser towards the tail) and a generalised Pareto tail above
//! the top `tail_fraction` (at least 50 points; none when that would be over a quarter).
EmpiricalSeverity fit_empirical(const WeightedSample& sample, int knots, double tail_fraction);

//! Summaries for the report.
CostSummary summarize(const WeightedSample& s, const std::vector<double>& thresholds,
                      const std::vector<double>& levels);
CostSummary summarize(const ParametricSeverity& f, const std::vector<double>& thresholds,
                      const std::vector<double>& levels);
CostSummary summarize(const stats::QuantileTable& t, const std::vector<double>& thresholds,
                      const std::vector<double>& levels);

}  // namespace apmsim::calibrate
