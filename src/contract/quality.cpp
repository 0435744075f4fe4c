#include "contract/quality.hpp"

namespace apmsim::contract {

void score_quality(const std::vector<double>& weights, Quality& q) {
  double score = 0.0, baseline_score = 0.0;
  for (std::size_t m = 0; m < q.rate.size(); ++m) {
    score += weights[m] * q.rate[m];
    baseline_score += weights[m] * q.baseline[m];
  }
  q.score = score;
  q.baseline_score = baseline_score;
}

}  // namespace apmsim::contract
