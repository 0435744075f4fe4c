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

//! What a measure earns and what it could earn: points and the table's most points (MSSP,
//! 42 CFR 425.502: a score is the points earned over the points available); the rate itself
//! over 1 without a table.
struct Earned {
  double earned, available;
};

Earned earned(const std::vector<scenario::PointsTier>& points, double rate) {
  double most = 0.0;
  for (const scenario::PointsTier& tier : points) most = std::max(most, tier.points);
  return most > 0.0 ? Earned{points_of(points, rate), most} : Earned{rate, 1.0};
}

}  // namespace

void score_quality(const std::vector<double>& weights,
                   const std::vector<scenario::PointsTier>& points, Quality& q,
                   const std::vector<std::vector<scenario::PointsTier>>& measure_points) {
  double earned_sum = 0.0, baseline_sum = 0.0, available = 0.0, weight = 0.0;
  for (std::size_t m = 0; m < q.rate.size(); ++m) {
    const auto& table =
        m < measure_points.size() && !measure_points[m].empty() ? measure_points[m] : points;
    const Earned now = earned(table, q.rate[m]);
    earned_sum += weights[m] * now.earned;
    baseline_sum += weights[m] * earned(table, q.baseline[m]).earned;
    available += weights[m] * now.available;
    weight += weights[m];
  }
  // Points earned over points available, on the weights' scale (weights sum to 1: a score in
  // [0, 1]); with equal most points per measure this is the weighted mean of points / most.
  const double scale = available > 0.0 ? weight / available : 0.0;
  q.score = earned_sum * scale;
  q.baseline_score = baseline_sum * scale;
}

}  // namespace apmsim::contract
