#include "calibrate/weighted_sample.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace apmsim::calibrate {

double WeightedSample::total() const {
  return cumulative_weight_.empty() ? std::accumulate(weight.begin(), weight.end(), 0.0)
                                    : cumulative_weight_.back();
}

void WeightedSample::sort() {
  std::vector<std::pair<double, double>> pairs(cost.size());
  for (std::size_t i = 0; i < cost.size(); ++i) pairs[i] = {cost[i], weight[i]};
  std::sort(pairs.begin(), pairs.end());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    cost[i] = pairs[i].first;
    weight[i] = pairs[i].second;
  }
  prepare();
}

double WeightedSample::weight_below(double c) const {
  const auto k =
      static_cast<std::size_t>(std::lower_bound(cost.begin(), cost.end(), c) - cost.begin());
  return k ? cumulative_weight_[k - 1] : 0.0;
}

void WeightedSample::prepare() {
  mid_.resize(cost.size());
  cumulative_weight_.resize(cost.size());
  cumulative_cost_.resize(cost.size());
  double below = 0.0, spent = 0.0;
  for (std::size_t i = 0; i < cost.size(); ++i) {
    mid_[i] = below + weight[i] / 2.0;
    below += weight[i];
    spent += weight[i] * cost[i];
    cumulative_weight_[i] = below;
    cumulative_cost_[i] = spent;
  }
  for (double& m : mid_) m /= below;
}

double WeightedSample::quantile(double p) const {
  const auto it = std::lower_bound(mid_.begin(), mid_.end(), p);
  if (it == mid_.begin()) return cost.front();
  if (it == mid_.end()) return cost.back();
  const std::size_t i = static_cast<std::size_t>(it - mid_.begin());
  return cost[i - 1] + (cost[i] - cost[i - 1]) * (p - mid_[i - 1]) / (mid_[i] - mid_[i - 1]);
}

double WeightedSample::mean() const { return cumulative_cost_.back() / cumulative_weight_.back(); }

double WeightedSample::limited_mean(double a) const {
  // Costs below a as they are, the rest at a.
  const auto k =
      static_cast<std::size_t>(std::lower_bound(cost.begin(), cost.end(), a) - cost.begin());
  const double below_cost = k ? cumulative_cost_[k - 1] : 0.0;
  const double below_weight = k ? cumulative_weight_[k - 1] : 0.0;
  return (below_cost + a * (total() - below_weight)) / total();
}

CostSummary summarize(const WeightedSample& s, const std::vector<double>& thresholds,
                      const std::vector<double>& levels) {
  CostSummary c;
  c.mean = s.mean();
  double ss = 0.0;
  for (std::size_t i = 0; i < s.cost.size(); ++i) ss += s.weight[i] * s.cost[i] * s.cost[i];
  c.cv = std::sqrt(std::max(0.0, ss / s.total() - c.mean * c.mean)) / c.mean;
  for (double p : levels) c.percentiles.push_back(s.quantile(p));
  for (double a : thresholds) c.limited.push_back(s.limited_mean(a));
  return c;
}

}  // namespace apmsim::calibrate
