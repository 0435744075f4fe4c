#include "calibrate/positive_costs.hpp"

#include <algorithm>
#include <cmath>

#include "calibrate/group_sums.hpp"
#include "stats/statistics.hpp"

namespace apmsim::calibrate {
namespace {

//! Each positive cost in first-year money by the full-sample trend, and each stratum's (cost,
//! row) pairs in file order.
void deflate(const ClaimsRows& rows, PositiveCosts& c) {
  const ClaimsData& d = rows.data;
  std::vector<double> deflator(static_cast<std::size_t>(rows.years));
  for (int t = 0; t < rows.years; ++t) deflator[std::size_t(t)] = std::pow(1.0 + c.trend, -t);
  c.cost.assign(rows.size(), 0.0);
  c.sorted.assign(static_cast<std::size_t>(rows.strata()), {});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (d.cost[i] <= 0.0) continue;
    c.cost[i] = rows.annual_cost(i) * deflator[std::size_t(rows.year_index(i))];
    c.sorted[d.stratum[i]].emplace_back(c.cost[i], static_cast<std::uint32_t>(i));
  }
}

//! Each row's normal score within its stratum: mid-ranks of the sorted costs, ties averaged.
void normal_scores(const ClaimsRows& rows, const std::vector<CostRow>& sorted, double total,
                   std::vector<double>& score) {
  double below = 0.0;
  for (std::size_t a = 0; a < sorted.size();) {
    std::size_t b = a;
    double tied = 0.0;
    while (b < sorted.size() && sorted[b].first == sorted[a].first)
      tied += rows.exposure_years(sorted[b++].second);
    const double z = stats::normal_quantile((below + tied / 2.0) / total);
    for (std::size_t j = a; j < b; ++j) score[sorted[j].second] = z;
    below += tied;
    a = b;
  }
}

}  // namespace

PositiveCosts positive_costs(const ClaimsRows& rows, double tail_fraction) {
  PositiveCosts c;
  CostCells cells(rows.strata(), rows.years);
  for (std::size_t i = 0; i < rows.size(); ++i) cells.add(rows, i);
  c.trend = cells.trend();
  c.cell_mean.resize(cells.cost.size());
  for (std::size_t k = 0; k < c.cell_mean.size(); ++k)
    c.cell_mean[k] = cells.weight[k] > 0.0 ? cells.cost[k] / cells.weight[k] : 0.0;
  deflate(rows, c);
  const auto strata = static_cast<std::size_t>(rows.strata());
  c.samples.resize(strata);
  c.thresholds.resize(strata);
  c.ranges.resize(strata);
  c.score.assign(rows.size(), 0.0);
  for (std::size_t s = 0; s < strata; ++s) {
    auto& sorted = c.sorted[s];
    std::sort(sorted.begin(), sorted.end());
    WeightedSample& w = c.samples[s];
    w.cost.reserve(sorted.size());
    w.weight.reserve(sorted.size());
    for (const auto& [cost, i] : sorted) {
      w.cost.push_back(cost);
      w.weight.push_back(rows.exposure_years(i));
    }
    w.prepare();
    c.thresholds[s] = w.quantile(1.0 - tail_fraction);
    c.ranges[s] = {std::log(w.cost.front()), std::log(w.cost.back()) + 1e-9};
    normal_scores(rows, sorted, w.total(), c.score);
  }
  for (double t : c.thresholds) c.log_thresholds.push_back(std::log(t));
  return c;
}

}  // namespace apmsim::calibrate
