#include "contract/benchmark.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace apmsim::contract {

double historical_benchmark(const std::vector<double>& cost, const std::vector<double>& weights,
                            double assumed_trend, int year) {
  if (cost.empty() || cost.size() != weights.size())
    throw std::invalid_argument("historical_benchmark: one weight per baseline year");
  double total_weight = 0.0, sum = 0.0;
  for (std::size_t b = 0; b < cost.size(); ++b) {
    total_weight += weights[b];
    sum += weights[b] * cost[b] * std::pow(1.0 + assumed_trend, year - static_cast<int>(b));
  }
  if (!(total_weight > 0.0)) throw std::invalid_argument("historical_benchmark: weights sum to 0");
  return sum / total_weight;
}

double risk_adjustment(double risk, double baseline_risk, double growth_cap) {
  if (!(baseline_risk > 0.0)) return 1.0;
  return std::min(risk / baseline_risk, 1.0 + growth_cap);
}

double blended_benchmark(double historical, double regional, double w) {
  return (1.0 - w) * historical + w * regional;
}

double contract_benchmark(double historical, double regional, double w, double risk_factor,
                          double discount) {
  return blended_benchmark(historical, regional, w) * risk_factor * (1.0 - discount);
}

}  // namespace apmsim::contract
