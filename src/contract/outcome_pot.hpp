#pragma once
//! Withholds and outcome pots (DESIGN 5.5): a share of the payment is at risk and earned back by
//! quality scores, per measure by tiers (e.g. Good / Improved / Excellent) or a linear scale.

#include <vector>

namespace apmsim::contract {

//! A tier: reaching `at` on the measure's score earns `earn` (a share of the pot).
struct Tier {
  double at;
  double earn;
};

//! Share of the pot a score earns: the `earn` of the highest tier reached (0 below every tier).
//! Tiers need not be given in order. (Monitor 2016, Table 2: a measure's share of the annual
//! incentive pot at the Good, Improved or Excellent threshold.)
double tier_earn(const std::vector<Tier>& tiers, double score);

//! Linear scale: 0 at or below `floor`, `full` at or above `target`, linear in between.
double linear_earn(double score, double floor, double target, double full = 1.0);

//! A measure's place in an outcome pot for one year: its tiers (empty = not yet linked to payment,
//! as a measure whose data arrive only in year 2).
struct PotMeasure {
  std::vector<Tier> tiers;
};

//! Amount of a pot earned: pot * sum over measures of tier_earn(tiers_m, score_m), at most the pot.
//! Below `gate` on the gate score nothing is earned.
double pot_earned(double pot, const std::vector<PotMeasure>& measures,
                  const std::vector<double>& scores, double gate_score = 1.0, double gate = 0.0);

}  // namespace apmsim::contract
