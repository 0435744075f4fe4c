// Withhold and outcome-pot earn-back, through earn_share (what the evaluator runs), against the
// seed documents' own numbers and hand-computed cases.
#include <gtest/gtest.h>

#include "contract/outcome_pot.hpp"

namespace apmsim::contract {
namespace {

//! An attainment-only tier (no improvement condition).
scenario::QualityTier at(double score, double earn) {
  scenario::QualityTier t;
  t.at = score;
  t.earn = earn;
  return t;
}

//! Measured quality with these rates now and a baseline of 0 (improvement = the rate).
Quality rates(std::vector<double> now) {
  Quality q;
  q.baseline.assign(now.size(), 0.0);
  q.rate = std::move(now);
  return q;
}

scenario::WithholdTerms per_measure(std::vector<std::vector<scenario::QualityTier>> tiers) {
  scenario::WithholdTerms w;
  w.rate = 1.0;
  w.scoring = scenario::Scoring::PerMeasure;
  w.measure_tiers = std::move(tiers);
  return w;
}

// Monitor 2016, Table 2 ("Example for linking payment to outcome in stages"): year 1 pot GBP 1m,
// outcome 1 pays 9% / 18% / 40% of the pot at Good / Improved / Excellent, outcome 2 is not yet
// linked; year 2 pot GBP 3m, outcome 1 18% / 25% / 50%, outcome 2 10% / 25% / 50%.
TEST(OutcomePot, MonitorTableTwoPhasedTiers) {
  const double good = 0.5, improved = 0.7, excellent = 0.9;  // threshold scores
  const auto year1 = per_measure({{at(good, 0.09), at(improved, 0.18), at(excellent, 0.40)}, {}});
  const auto year2 = per_measure({{at(good, 0.18), at(improved, 0.25), at(excellent, 0.50)},
                                  {at(good, 0.10), at(improved, 0.25), at(excellent, 0.50)}});
  const auto pot = [](double size, const scenario::WithholdTerms& w, std::vector<double> now) {
    return size * earn_share(w, rates(std::move(now)));
  };
  // The table's "Total" row: both outcomes at the same threshold.
  EXPECT_DOUBLE_EQ(pot(1e6, year1, {good, good}), 90000.0);
  EXPECT_DOUBLE_EQ(pot(1e6, year1, {improved, improved}), 180000.0);
  EXPECT_DOUBLE_EQ(pot(1e6, year1, {excellent, excellent}), 400000.0);
  EXPECT_DOUBLE_EQ(pot(3e6, year2, {good, good}), 840000.0);             // 28%
  EXPECT_DOUBLE_EQ(pot(3e6, year2, {improved, improved}), 1500000.0);    // 50%
  EXPECT_DOUBLE_EQ(pot(3e6, year2, {excellent, excellent}), 3000000.0);  // 100%
  // Mixed attainment and a score below Good.
  EXPECT_DOUBLE_EQ(pot(3e6, year2, {excellent, 0.3}), 1500000.0);
  EXPECT_DOUBLE_EQ(pot(3e6, year2, {improved, good}), 3e6 * 0.35);
}

TEST(OutcomePot, TiersByAttainmentOrImprovement) {
  scenario::QualityTier improved = at(0.8, 0.6);
  improved.improve = 0.05;  // reached at 0.8, or by gaining 5 points over the baseline
  const std::vector<scenario::QualityTier> tiers{at(0.9, 1.0), improved, at(0.6, 0.3)};
  EXPECT_DOUBLE_EQ(tier_earn(tiers, 0.65, 0.01), 0.3);
  EXPECT_DOUBLE_EQ(tier_earn(tiers, 0.65, 0.06), 0.6);  // improvement reaches the middle tier
  EXPECT_DOUBLE_EQ(tier_earn(tiers, 0.95, 0.0), 1.0);   // the highest earn reached, any order
  EXPECT_DOUBLE_EQ(tier_earn(tiers, 0.5, 0.0), 0.0);

  scenario::WithholdTerms w;
  w.rate = 0.02;
  w.tiers = tiers;
  Quality q;
  q.score = 0.65;
  q.baseline_score = 0.59;
  EXPECT_DOUBLE_EQ(earn_share(w, q), 0.6);  // improvement over the baseline score
  w.gate = 0.7;
  EXPECT_DOUBLE_EQ(earn_share(w, q), 0.0);  // below the gate nothing is earned
}

TEST(OutcomePot, LinearScale) {
  EXPECT_DOUBLE_EQ(linear_earn(0.5, 0.4, 0.8), 0.25);
  EXPECT_DOUBLE_EQ(linear_earn(0.3, 0.4, 0.8), 0.0);
  EXPECT_DOUBLE_EQ(linear_earn(0.9, 0.4, 0.8), 1.0);
  scenario::WithholdTerms w;
  w.scoring = scenario::Scoring::Linear;
  w.floor = 0.4;
  w.target = 0.8;
  Quality q;
  q.score = 0.7;
  EXPECT_DOUBLE_EQ(earn_share(w, q), 0.75);
}

TEST(OutcomePot, PerMeasureSharesCappedAtThePot) {
  const auto w = per_measure({{at(0.5, 0.7)}, {at(0.5, 0.6)}});
  EXPECT_DOUBLE_EQ(earn_share(w, rates({0.6, 0.6})), 1.0);  // 130% of the pot: the whole pot
  EXPECT_DOUBLE_EQ(earn_share(w, rates({0.6, 0.4})), 0.7);
}

TEST(Quality, WeightedScores) {
  Quality q;
  q.rate = {0.8, 0.4};
  q.baseline = {0.6, 0.5};
  score_quality({0.75, 0.25}, {}, q);
  EXPECT_DOUBLE_EQ(q.score, 0.7);
  EXPECT_DOUBLE_EQ(q.baseline_score, 0.575);
  EXPECT_DOUBLE_EQ(rate_of(3.0, 4.0), 0.75);
  EXPECT_DOUBLE_EQ(rate_of(3.0, 0.0), 0.0);  // nobody measured
}

}  // namespace
}  // namespace apmsim::contract
