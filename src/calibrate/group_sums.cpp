#include "calibrate/group_sums.hpp"

#include <cmath>
#include <functional>
#include <numeric>

#include "calibrate/frailty.hpp"
#include "calibrate/positive_costs.hpp"

namespace apmsim::calibrate {

std::uint64_t hashed_group(std::uint64_t key, int groups) {
  return (key * 0x9E3779B97F4A7C15ull >> 32) % std::uint64_t(groups);
}

Grouping jackknife_grouping(const ClaimsData& d, int groups) {
  Grouping g;
  g.count = std::max(2, groups);
  g.by_provider = d.providers.size() >= std::size_t(2 * g.count);
  g.of_row.resize(d.rows());
  for (std::size_t i = 0; i < d.rows(); ++i)
    g.of_row[i] = static_cast<std::uint8_t>(
        hashed_group(g.by_provider ? d.provider[i] : d.member[i], g.count));
  return g;
}

void CostCells::add(const ClaimsRows& rows, std::size_t i) {
  const std::size_t c = rows.cell(i);
  cost[c] += rows.data.cost[i];
  weight[c] += rows.risk_exposure(i);
}

double CostCells::trend() const {
  double num = 0.0, den = 0.0;
  for (int s = 0; s < strata; ++s) {
    double w = 0.0, wt = 0.0, wl = 0.0;
    for (int t = 0; t < years; ++t) {
      const std::size_t c = std::size_t(s) * years + t;
      if (cost[c] <= 0.0 || weight[c] <= 0.0) continue;
      const double l = std::log(cost[c] / weight[c]);
      w += weight[c];
      wt += weight[c] * t;
      wl += weight[c] * l;
    }
    if (w <= 0.0) continue;
    const double tbar = wt / w, lbar = wl / w;
    for (int t = 0; t < years; ++t) {
      const std::size_t c = std::size_t(s) * years + t;
      if (cost[c] <= 0.0 || weight[c] <= 0.0) continue;
      const double l = std::log(cost[c] / weight[c]);
      num += weight[c] * (t - tbar) * (l - lbar);
      den += weight[c] * (t - tbar) * (t - tbar);
    }
  }
  return den > 0.0 ? std::expm1(num / den) : 0.0;
}

GroupSums::GroupSums(int s, int t, const std::vector<std::pair<double, double>>& ranges)
    : strata(s),
      entry(std::size_t(s)),
      weight(std::size_t(s)),
      positive(std::size_t(s)),
      risk(std::size_t(s)),
      cells(s, t),
      moves(std::size_t(s) * s),
      severity(std::size_t(s)) {
  for (int k = 0; k < s; ++k)
    severity[std::size_t(k)].histogram =
        LogHistogram(ranges[std::size_t(k)].first, ranges[std::size_t(k)].second, kHistogramBins);
}

void GroupSums::add(const ClaimsRows& rows, std::size_t i, const PositiveCosts& costs) {
  const ClaimsData& d = rows.data;
  const int s = d.stratum[i];
  const double w = rows.exposure_years(i);
  if (rows.entry(i)) entry[std::size_t(s)] += w;
  weight[std::size_t(s)] += w;
  if (d.cost[i] > 0.0) positive[std::size_t(s)] += w;
  risk[std::size_t(s)] += w * d.risk_score[i];
  cells.add(rows, i);
  if (rows.year_index(i) < rows.years - 1) {
    churn_at_risk += 1.0;
    if (rows.followed(i, 1)) {
      churn_stayed += 1.0;
      moves[std::size_t(s * strata + d.stratum[i + 1])] += 1.0;
    }
  }
  const double x = costs.cost[i];
  if (x > 0.0) {
    SeverityStats& v = severity[std::size_t(s)];
    v.weight += w;
    v.sum += w * x;
    v.sum_squares += w * x * x;
    const double log_x = std::log(x);
    v.histogram.add(log_x, w);
    if (x > costs.thresholds[std::size_t(s)]) {
      v.tail_weight += w;
      v.tail_log += w * (log_x - costs.log_thresholds[std::size_t(s)]);
    }
  }
}

template <class Op>
void GroupSums::combine(const GroupSums& o, Op op) {
  const auto each = [&](std::vector<double>& a, const std::vector<double>& b) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = op(a[i], b[i]);
  };
  each(entry, o.entry);
  each(weight, o.weight);
  each(positive, o.positive);
  each(risk, o.risk);
  each(cells.cost, o.cells.cost);
  each(cells.weight, o.cells.weight);
  each(moves, o.moves);
  churn_at_risk = op(churn_at_risk, o.churn_at_risk);
  churn_stayed = op(churn_stayed, o.churn_stayed);
  lag1 = op(lag1, o.lag1);
  pairs1 = op(pairs1, o.pairs1);
  lag2 = op(lag2, o.lag2);
  pairs2 = op(pairs2, o.pairs2);
}

GroupSums& GroupSums::operator+=(const GroupSums& o) {
  combine(o, std::plus<double>());
  for (std::size_t k = 0; k < severity.size(); ++k) severity[k] += o.severity[k];
  return *this;
}

GroupSums& GroupSums::operator-=(const GroupSums& o) {
  combine(o, std::minus<double>());
  for (std::size_t k = 0; k < severity.size(); ++k) severity[k] -= o.severity[k];
  return *this;
}

namespace {

//! Each stratum's row of moves normalised to transition probabilities (no moves: stay).
std::vector<double> transition_rows(const GroupSums& g) {
  std::vector<double> p(g.moves.size(), 0.0);
  for (int a = 0; a < g.strata; ++a) {
    double row = 0.0;
    for (int b = 0; b < g.strata; ++b) row += g.moves[std::size_t(a * g.strata + b)];
    for (int b = 0; b < g.strata; ++b)
      p[std::size_t(a * g.strata + b)] =
          row > 0.0 ? g.moves[std::size_t(a * g.strata + b)] / row : (a == b ? 1.0 : 0.0);
  }
  return p;
}

}  // namespace

Point estimate(const GroupSums& g, const std::vector<double>& thresholds, const Point* hint) {
  Point p;
  const double entries = std::accumulate(g.entry.begin(), g.entry.end(), 0.0);
  for (int s = 0; s < g.strata; ++s) {
    const auto k = std::size_t(s);
    p.share.push_back(entries > 0.0 ? g.entry[k] / entries : 0.0);
    p.p_positive.push_back(g.weight[k] > 0.0 ? g.positive[k] / g.weight[k] : 0.0);
    p.risk.push_back(g.weight[k] > 0.0 ? g.risk[k] / g.weight[k] : 1.0);
    p.severity.push_back(fit_parametric(g.severity[k], thresholds[k], p.p_positive.back(),
                                        hint ? &hint->severity[k] : nullptr));
  }
  p.trend = g.cells.trend();
  p.churn = g.churn_at_risk > 0.0 ? 1.0 - g.churn_stayed / g.churn_at_risk : 0.0;
  p.moves = transition_rows(g);
  frailty_moments(g, p.tau2, p.rho);
  return p;
}

GroupSums total_of(const std::vector<GroupSums>& groups, const PositiveCosts& costs) {
  GroupSums total(groups.front().strata, groups.front().cells.years, costs.ranges);
  for (const GroupSums& g : groups) total += g;
  return total;
}

double jackknife_se(const std::vector<double>& values) {
  const std::size_t g = values.size();
  if (g < 2) return -1.0;
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= double(g);
  double ss = 0.0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return std::sqrt(ss * double(g - 1) / double(g));
}

SumsEstimates estimate_from_sums(const ClaimsRows& rows, const PositiveCosts& costs,
                                 const Grouping& grouping) {
  SumsEstimates e{std::vector<GroupSums>(std::size_t(grouping.count),
                                         GroupSums(rows.strata(), rows.years, costs.ranges)),
                  GroupSums(rows.strata(), rows.years, costs.ranges),
                  Point{},
                  {}};
  for (std::size_t i = 0; i < rows.size(); ++i) e.groups[grouping.of_row[i]].add(rows, i, costs);
  // The frailty pairs weigh each pair by the fitted severity: fit it first without them.
  const Point without_pairs = estimate(total_of(e.groups, costs), costs.thresholds);
  add_frailty_pairs(rows, costs, without_pairs.severity, grouping.of_row, e.groups);
  e.total = total_of(e.groups, costs);
  e.full = estimate(e.total, costs.thresholds);
  for (const GroupSums& g : e.groups) {
    GroupSums rest = e.total;
    rest -= g;
    e.replicates.push_back(estimate(rest, costs.thresholds, &e.full));
  }
  return e;
}

}  // namespace apmsim::calibrate
