#pragma once
//! The additive sums behind every estimate calibrate_claims makes from sums (all but the
//! empirical tables), kept per jackknife group: the full-sample estimate comes from the total,
//! a grouped (delete-a-group) jackknife replicate from the total less one group.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "calibrate/calibration.hpp"
#include "calibrate/claims_rows.hpp"
#include "calibrate/parametric_severity.hpp"

namespace apmsim::calibrate {

struct PositiveCosts;

//! Bins of the ln(cost) histograms the parametric fits read.
inline constexpr int kHistogramBins = 2048;

//! The jackknife's groups of rows: providers when there are at least two per group, else members,
//! so members' years and providers' members are never split between groups.
struct Grouping {
  int count = 0;
  bool by_provider = false;
  std::vector<std::uint8_t> of_row;  //!< each row's group
};

//! Group `key` (a provider or member index) falls in, of `groups`: a multiplicative hash.
std::uint64_t hashed_group(std::uint64_t key, int groups);

//! The rows' groups for `groups` groups (at least 2).
Grouping jackknife_grouping(const ClaimsData& data, int groups);

//! Cost and risk exposure per (stratum, year) cell, stratum-major.
struct CostCells {
  int strata = 0, years = 0;
  std::vector<double> cost, weight;
  CostCells(int s, int t)
      : strata(s), years(t), cost(std::size_t(s) * t), weight(std::size_t(s) * t) {}
  void add(const ClaimsRows& rows, std::size_t i);
  //! The trend: weighted least squares of ln(mean cost per exposure) on the year, weighted by
  //! exposure, with a stratum effect; expm1 of the slope.
  double trend() const;
};

//! Additive sums of one group of rows (providers or members): every estimator is a function of
//! these, so a jackknife replicate is the total less one group.
struct GroupSums {
  int strata = 0;
  std::vector<double> entry, weight, positive, risk;  //!< per stratum
  CostCells cells;
  double churn_at_risk = 0.0, churn_stayed = 0.0;
  std::vector<double> moves;  //!< [from * strata + to]
  double lag1 = 0.0, pairs1 = 0.0, lag2 = 0.0, pairs2 = 0.0;
  std::vector<SeverityStats> severity;  //!< per stratum

  //! Zero sums; `ranges` are each stratum's ln(cost) range for its histogram.
  GroupSums(int s, int t, const std::vector<std::pair<double, double>>& ranges);
  //! Adds row i (positive costs from `costs`); the frailty pairs are added apart (frailty.hpp).
  void add(const ClaimsRows& rows, std::size_t i, const PositiveCosts& costs);
  GroupSums& operator+=(const GroupSums& o);
  GroupSums& operator-=(const GroupSums& o);

 private:
  template <class Op>
  void combine(const GroupSums& o, Op op);
};

//! The estimates that come from sums (everything but the empirical tables).
struct Point {
  std::vector<double> share, p_positive, risk;
  double trend = 0.0, churn = 0.0, tau2 = 0.0, rho = 1.0;
  std::vector<double> moves;  //!< [from * strata + to], rows normalised
  std::vector<ParametricSeverity> severity;
};

//! The estimates from sums `g`; `thresholds` are the strata's tail thresholds. A `hint` (the
//! full sample's estimates, for a jackknife replicate) narrows the severity fits.
Point estimate(const GroupSums& g, const std::vector<double>& thresholds,
               const Point* hint = nullptr);

//! The sum of `groups` (histograms over `costs.ranges`), in order.
GroupSums total_of(const std::vector<GroupSums>& groups, const PositiveCosts& costs);

//! The grouped jackknife's standard error of values over the replicates: sqrt((g - 1) / g
//! sum (v_r - mean)^2) (-1 with fewer than two replicates).
double jackknife_se(const std::vector<double>& values);

//! A quantity of the full-sample estimates with its jackknife standard error over `replicates`.
template <class T, class Quantity>
Estimate jackknife_estimate(const T& full, const std::vector<T>& replicates, Quantity quantity) {
  std::vector<double> values;
  for (const T& r : replicates) values.push_back(quantity(r));
  const double se = jackknife_se(values);
  return Estimate{quantity(full), se, std::move(values)};
}

//! The sums of every group and their estimates: the full sample's and each replicate's.
struct SumsEstimates {
  std::vector<GroupSums> groups;
  GroupSums total;
  Point full;
  std::vector<Point> replicates;  //!< the total less group g, for each g
};

//! Sums the rows by group, adds the frailty pairs (which need a first severity fit), and
//! estimates from the total and from each jackknife replicate.
SumsEstimates estimate_from_sums(const ClaimsRows& rows, const PositiveCosts& costs,
                                 const Grouping& grouping);

}  // namespace apmsim::calibrate
