// Withhold and outcome-pot earn-back, through earn_share (what the evaluator runs), against the
// seed documents' own numbers and hand-computed cases.
#include <gtest/gtest.h>

#include "contract/outcome_pot.hpp"
#include "hand_tallies.hpp"

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
  // The cap is on the sum, not on each measure: three measures of 0.5 earn the pot, not 1.5.
  const auto three = per_measure({{at(0.5, 0.5)}, {at(0.5, 0.5)}, {at(0.5, 0.5)}});
  EXPECT_DOUBLE_EQ(earn_share(three, rates({0.6, 0.6, 0.6})), 1.0);
  EXPECT_DOUBLE_EQ(earn_share(three, rates({0.6, 0.4, 0.4})), 0.5);
  // A measure without tiers earns nothing; the gate, on the quality score, comes first.
  auto gated = per_measure({{at(0.5, 0.7)}, {}});
  EXPECT_DOUBLE_EQ(earn_share(gated, rates({0.6, 0.9})), 0.7);
  gated.gate = 0.5;
  Quality q = rates({0.6, 0.9});
  q.score = 0.4;
  EXPECT_DOUBLE_EQ(earn_share(gated, q), 0.0);
  q.score = 0.5;
  EXPECT_DOUBLE_EQ(earn_share(gated, q), 0.7);
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

// A scenario without [[measure]] (or a year whose weights give no points available) scores 0, and
// its baseline score 0: a quality_gate above 0 then pays no savings, quality-scaled sharing
// shares nothing (docs/scenario-reference.md, [contract.quality]).
TEST(Quality, NoMeasuresScoresZero) {
  Quality q;
  q.score = q.baseline_score = 0.9;  // overwritten
  score_quality({}, {}, q);
  EXPECT_EQ(q.score, 0.0);
  EXPECT_EQ(q.baseline_score, 0.0);
  score_quality({}, {{0.5, 2.0}}, q);  // points tables change nothing without measures
  EXPECT_EQ(q.score, 0.0);
}

// The same through the Evaluator: a provider without measures saving 10% of a benchmark of
// 5,000,000 shares half of it, 250,000, unless a quality gate or quality scaling meets its score 0.
TEST(Quality, NoMeasuresMeetTheGateAndScalingWithZero) {
  handmade::HandTallies world(3, 1);  // no [[measure]]
  for (int b = 0; b < 3; ++b) world.set_year(0, b, 1000.0, 5.0e6);
  world.set_year(0, 3, 1000.0, 4.5e6);
  scenario::ContractTerms terms;
  terms.benchmark.risk_adjust = false;
  terms.sharing.enabled = true;
  terms.sharing.savings_rate = 0.5;
  const auto shared = [&world](const scenario::ContractTerms& t) {
    const Records r = world.evaluate(handmade::contract_of(t, 3, 1));
    EXPECT_EQ(r.record(0, 0, 0)[kQualityScore], 0.0);
    return r.record(0, 0, 0)[kSharedResult];
  };
  EXPECT_NEAR(shared(terms), 250000.0, 1e-6);
  scenario::ContractTerms gated = terms;
  gated.quality_gate = 0.01;
  EXPECT_EQ(shared(gated), 0.0);
  scenario::ContractTerms scaled = terms;
  scaled.sharing.quality_scaled = true;
  EXPECT_EQ(shared(scaled), 0.0);
}

}  // namespace
}  // namespace apmsim::contract
