#include "contract/outcome_pot.hpp"

#include <algorithm>
#include <stdexcept>

namespace apmsim::contract {

double tier_earn(const std::vector<Tier>& tiers, double score) {
  double best_at = -1e300, earn = 0.0;
  for (const Tier& t : tiers)
    if (score >= t.at && t.at >= best_at) {
      best_at = t.at;
      earn = t.earn;
    }
  return earn;
}

double linear_earn(double score, double floor, double target, double full) {
  if (score <= floor) return 0.0;
  if (score >= target) return full;
  return full * (score - floor) / (target - floor);
}

double pot_earned(double pot, const std::vector<PotMeasure>& measures,
                  const std::vector<double>& scores, double gate_score, double gate) {
  if (measures.size() != scores.size())
    throw std::invalid_argument("pot_earned: one score per measure");
  if (gate_score < gate) return 0.0;
  double share = 0.0;
  for (std::size_t m = 0; m < measures.size(); ++m)
    share += tier_earn(measures[m].tiers, scores[m]);
  return pot * std::min(share, 1.0);
}

}  // namespace apmsim::contract
