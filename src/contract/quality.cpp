#include "contract/quality.hpp"

#include <algorithm>

namespace apmsim::contract {

double points_of(const std::vector<scenario::PointsTier>& points, double rate) {
  double earned = 0.0;
  for (const scenario::PointsTier& tier : points)
    if (rate >= tier.at) earned = std::max(earned, tier.points);
  return earned;
}

void score_quality(const std::vector<double>& weights,
                   const std::vector<scenario::PointsTier>& points, Quality& q) {
  double most = 0.0;
  for (const scenario::PointsTier& tier : points) most = std::max(most, tier.points);
  const auto scaled = [&](double rate) {
    return points.empty() || !(most > 0.0) ? rate : points_of(points, rate) / most;
  };
  double score = 0.0, baseline_score = 0.0;
  for (std::size_t m = 0; m < q.rate.size(); ++m) {
    score += weights[m] * scaled(q.rate[m]);
    baseline_score += weights[m] * scaled(q.baseline[m]);
  }
  q.score = score;
  q.baseline_score = baseline_score;
}

}  // namespace apmsim::contract
