#pragma once
//! `apmsim calibrate`: a scenario population estimated from a claims extract, every estimate with
//! a standard error (docs/calibration.md, "Calibrate to your own data").
//!
//! Estimators (each a smooth function of sums over the rows, so one pass gives them all):
//! - stratum share: exposure-weighted stratum of each member's first row (the model's new
//!   patients, at the start and after churn);
//! - P(cost > 0), risk score: exposure-weighted means per stratum;
//! - trend: weighted least squares of ln(mean cost per exposure-year) on the year with a stratum
//!   effect (within-stratum: case-mix shifts do not count as trend), risk-adjusted when there
//!   are risk scores (cost per unit of risk score times exposure);
//! - churn: share of members of a year (not the last) absent the next year; transitions: the
//!   stratum moves of members present in consecutive years;
//! - frailty: with r the normal score of a positive cost within its stratum scaled by the
//!   stratum's robust log-cost sd and centred within its provider-year (so provider efficiency
//!   and regional shocks drop out), C1 = E[r_t r_t+1] = rho tau^2 and C2 = E[r_t r_t+2] =
//!   rho^2 tau^2 over members' positive years, each pair counted for how much frailty signal it
//!   carries under the fitted severity (add-on units none; the body's scores a factor
//!   c_1 = E[W h(W)] of it): rho = C2 / C1, tau^2 = C1^2 / C2;
//! - provider efficiency: the random-effects variance of ln(observed / expected cost) over
//!   providers by unweighted moments, net of each provider's sampling variance (the spread of its
//!   members' cost totals over the expected cost squared), divided by the body's share of cost
//!   squared (efficiency scales the body only);
//! - severity, per stratum, on positive costs in first-year money: a lognormal body (robust
//!   quantile fit) plus a Pareto catastrophic add-on matched to the mean, the exceedance of a
//!   high threshold and the tail index above it; and an empirical form: quantile knots of the
//!   data with a generalised Pareto tail (Grimshaw's maximum likelihood) above the top 2%.
//! Standard errors: grouped (delete-a-group) jackknife over 20 groups of providers (of members
//! when there are fewer than 40 providers), so members' years and providers' members are never
//! split between groups. First-stage quantities (the trend used to deflate costs, ranks, the
//! tail thresholds) are held at their full-sample values.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "calibrate/claims.hpp"
#include "calibrate/cost_summary.hpp"

namespace apmsim::calibrate {

//! A value with its standard error (se < 0: not estimated, e.g. not identified).
struct Estimate {
  Estimate(double v = 0.0, double s = -1.0, std::vector<double> r = {})
      : value(v), se(s), replicates(std::move(r)) {}
  double value;
  double se;
  //! The value in each jackknife replicate (the sample less one group), in group order: the
  //! scenario's [parameter_risk] deviations (empty: none, or not on the rows' groups).
  std::vector<double> replicates;
};

//! One stratum's estimates and diagnostics.
struct StratumFit {
  std::string name;
  std::uint64_t members = 0, rows = 0, positive = 0;
  Estimate share, p_positive, risk_score;
  // Parametric form: lognormal body + Pareto add-on.
  Estimate p_any, mean, cv, cat_prob, cat_scale, cat_shape;
  // Empirical form: knots and a generalised Pareto tail.
  std::vector<double> probabilities, quantiles;
  Estimate tail_scale, tail_shape;
  //! The mean of positive costs: the empirical body's level, whose replicates scale its
  //! quantiles and tail in the scenario's [parameter_risk].
  Estimate positive_mean;
  double score_sd = 1.0;
  double log_sd = 0.0;  //!< robust sd of ln(positive cost): the body's spread with frailty
  double tail_threshold = 0.0;
  std::uint64_t tail_count = 0;
  Estimate hill;  //!< Hill's tail index of positive costs above the parametric tail threshold
  double hill_threshold = 0.0;
  // Diagnostics on positive costs (first-year money).
  CostSummary observed, parametric, empirical;
  //! Mean relative error of the limited means at the report's thresholds, each form fitted on
  //! one half of the groups and judged on the other (two-fold, averaged).
  double parametric_error = 0.0, empirical_error = 0.0;
  std::vector<double> qq_observed, qq_parametric, qq_empirical;  //!< log cost at QQ levels
};

//! What `apmsim calibrate` estimated from a claims file.
struct Calibration {
  std::string source;  //!< the claims file (or continuance table)
  std::string origin;  //!< what the scenario's first comment says it came from ("": claims)
  std::uint64_t rows = 0, members = 0, providers = 0;
  int first_year = 0, years = 0;
  std::vector<StratumFit> strata;
  std::vector<std::vector<Estimate>> transition;  //!< [from][to]; empty without strata
  bool transitions = false;
  Estimate trend, churn, frailty_sd, frailty_rho;
  bool rho_identified = true;  //!< false with fewer than three consecutive years
  Estimate efficiency_parametric, efficiency_empirical;  //!< sd of e(p) for each form
  std::vector<std::string> regions, groups;
  std::vector<std::uint32_t> group_providers;  //!< providers per group
  std::vector<double> group_panel;             //!< mean members per provider-year, per group
  std::vector<std::uint32_t> group_region;
  std::vector<double> thresholds;        //!< the report's limited-mean thresholds
  std::vector<double> percentile_levels;  //!< the report's percentile levels
  std::vector<double> qq_levels;          //!< QQ plot probability levels
  int jackknife_groups = 0;
  std::string grouping;  //!< "providers" or "members"
  std::uint64_t negative_zeroed = 0, negative_dropped = 0, duplicates_summed = 0;
  std::uint64_t outliers_capped = 0, outliers_dropped = 0, outlier_rows_dropped = 0;
  std::vector<std::string> notes;  //!< what the user should know (e.g. rho not identified)
  //! Which form fits better out of sample over all strata: "parametric" or "empirical".
  std::string better;
};

//! Settings of the fit (command-line options).
struct CalibrationSettings {
  int jackknife_groups = 20;
  int knots = 256;              //!< empirical quantile knots (64 to 1024)
  double tail_fraction = 0.02;  //!< share of positive costs in the generalised Pareto tail
  std::uint64_t min_members = 50;    //!< per stratum
  std::uint64_t min_positive = 100;  //!< positive-cost rows per stratum
};

//! Estimates a population from claims. Throws DataError for a stratum too small to fit.
Calibration calibrate_claims(const ClaimsData& data, const CalibrationSettings& settings);

}  // namespace apmsim::calibrate
