#include "contract/outcome_pot.hpp"

#include <algorithm>

namespace apmsim::contract {

double tier_earn(const std::vector<scenario::QualityTier>& tiers, double score,
                 double improvement) {
  double earn = 0.0;
  for (const scenario::QualityTier& tier : tiers)
    if (score >= tier.at || improvement >= tier.improve) earn = std::max(earn, tier.earn);
  return earn;
}

double linear_earn(double score, double floor, double target, double full) {
  if (score <= floor) return 0.0;
  if (score >= target) return full;
  return full * (score - floor) / (target - floor);
}

double earn_share(const scenario::WithholdTerms& terms, const Quality& quality) {
  if (quality.score < terms.gate) return 0.0;
  switch (terms.scoring) {
    case scenario::Scoring::Tiers:
      return tier_earn(terms.tiers, quality.score, quality.score - quality.baseline_score);
    case scenario::Scoring::Linear:
      return linear_earn(quality.score, terms.floor, terms.target);
    case scenario::Scoring::PerMeasure: {
      double earn = 0.0;
      for (std::size_t m = 0; m < terms.measure_tiers.size(); ++m)
        earn += tier_earn(terms.measure_tiers[m], quality.rate[m],
                          quality.rate[m] - quality.baseline[m]);
      return std::min(earn, 1.0);
    }
  }
  return 0.0;
}

}  // namespace apmsim::contract
