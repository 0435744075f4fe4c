#pragma once
//! Withholds and outcome pots (DESIGN 5.5, docs/scenario-reference.md `[contract.withhold]`): a
//! share of the base payment is at risk and earned back by quality, by tiers on the quality
//! score (attainment or improvement over the baseline), a linear scale, or each measure's own
//! tiers with their shares added (Monitor 2016: Good / Improved / Excellent).

#include <vector>

#include "contract/quality.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! Share a score earns on a list of tiers: the highest `earn` of the tiers reached, a tier being
//! reached when score >= at or improvement (score - baseline score) >= improve; 0 below every
//! tier. Tiers need not be given in order. (Monitor 2016, Table 2: a measure's share of the
//! annual incentive pot at the Good, Improved or Excellent threshold.)
double tier_earn(const std::vector<scenario::QualityTier>& tiers, double score, double improvement);

//! Linear scale: 0 at or below `floor`, `full` at or above `target`, linear in between.
double linear_earn(double score, double floor, double target, double full = 1.0);

//! Share of the withhold (or pot) earned back, in [0, 1]: 0 below the gate; else by `scoring`:
//! tiers on the quality score, linear between floor and target, or per measure, each measure's
//! tier_earn on its own rate added up to at most the whole pot (a measure without tiers is not
//! yet linked to payment).
double earn_share(const scenario::WithholdTerms& terms, const Quality& quality);

}  // namespace apmsim::contract
