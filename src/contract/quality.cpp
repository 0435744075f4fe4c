#include "contract/quality.hpp"

#include <algorithm>

namespace apmsim::contract {

double points_of(const std::vector<scenario::PointsTier>& points, double rate) {
  double earned = 0.0;
  for (const scenario::PointsTier& tier : points)
    if (rate >= tier.at) earned = std::max(earned, tier.points);
  return earned;
}

namespace {

//! A rate on a points table's scale: points earned over the most points; the rate itself
//! without a table.
double scaled(const std::vector<scenario::PointsTier>& points, double rate) {
  double most = 0.0;
  for (const scenario::PointsTier& tier : points) most = std::max(most, tier.points);
  return most > 0.0 ? points_of(points, rate) / most : rate;
}

}  // namespace

void score_quality(const std::vector<double>& weights,
                   const std::vector<scenario::PointsTier>& points, Quality& q,
                   const std::vector<std::vector<scenario::PointsTier>>& measure_points) {
  double score = 0.0, baseline_score = 0.0;
  for (std::size_t m = 0; m < q.rate.size(); ++m) {
    const auto& table =
        m < measure_points.size() && !measure_points[m].empty() ? measure_points[m] : points;
    score += weights[m] * scaled(table, q.rate[m]);
    baseline_score += weights[m] * scaled(table, q.baseline[m]);
  }
  q.score = score;
  q.baseline_score = baseline_score;
}

}  // namespace apmsim::contract
