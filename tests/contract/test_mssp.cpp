// MSSP's rules on hand-written tallies and hand-computed figures (42 CFR part 425; the notes'
// figures in docs/scenario-reference.md): the risk-score cap against benchmark year 3, the
// regional adjustment, the loss rate tied to the sharing rate, loss limits on participant revenue
// and quality points.
#include <gtest/gtest.h>

#include <cmath>

#include "contract/quality.hpp"
#include "contract/risk_sharing.hpp"
#include "hand_tallies.hpp"

namespace apmsim::contract {
namespace {

using handmade::contract_of;
using handmade::HandTallies;

//! 1,000 beneficiaries a year at 10,000 (provider) and 11,000 (its region) per unit in the
//! baseline years, risk scores `risk` by baseline year, then one performance year.
HandTallies aco(const double (&risk)[3], double performance_risk, double own = 1.0e4,
                double region = 1.1e4) {
  HandTallies world(3, 1);
  for (int b = 0; b < 3; ++b) {
    world.set_year(0, b, 1000, own * 1000, risk[b]);
    world.set_year(1, b, 1000, region * 1000, 1.0);
  }
  world.set_year(0, 3, 1000, own * 1000, performance_risk);
  world.set_year(1, 3, 1000, region * 1000, 1.0);
  return world;
}

scenario::ContractTerms mssp_terms() {
  scenario::ContractTerms terms;
  terms.benchmark.risk_growth_cap = 0.03;
  return terms;
}

// 42 CFR 425.605(a)(1): risk-score growth from BY3 capped at +3%. Scores 0.96 / 1.00 / 1.04 in
// BY1-3 (weighted 10/30/60: 1.02) and 1.10 in the performance year. Against the weighted baseline
// the factor is min(1.10 / 1.02, 1.03) = 1.03; against BY3 it is 1.04 / 1.02 * min(1.10 / 1.04,
// 1.03) = 1.050196..., on a historical benchmark of 10,000.
TEST(MsspRiskCap, GrowthCappedAgainstBenchmarkYearThree) {
  const HandTallies world = aco({0.96, 1.00, 1.04}, 1.10);
  scenario::ContractTerms terms = mssp_terms();
  scenario::Contract contract = contract_of(terms, 3, 1);
  contract.years[0].benchmark.baseline_weights = {0.1, 0.3, 0.6};
  EXPECT_NEAR(world.evaluate(contract).record(0, 0, 0)[kBenchmarkPerUnit], 10300.0, 1e-6);
  contract.years[0].benchmark.risk_growth_from_last_year = true;
  EXPECT_NEAR(world.evaluate(contract).record(0, 0, 0)[kBenchmarkPerUnit],
              1.0e4 * 1.04 / 1.02 * 1.03, 1e-6);
  // Below the cap the two references give the same factor, 1.03 / 1.02.
  const HandTallies small_growth = aco({0.96, 1.00, 1.04}, 1.03);
  EXPECT_NEAR(small_growth.evaluate(contract).record(0, 0, 0)[kBenchmarkPerUnit],
              1.0e4 * 1.03 / 1.02, 1e-6);
}

// 42 CFR 425.601(f)(1): 35% of the gap to the region when the ACO spends below it, 15% when
// above; (a)(8)(ii)(C): at most 5% (here 3%) of national per capita cost (10,000 in BY3).
TEST(MsspRegionalAdjustment, AsymmetricWeightsAndCap) {
  scenario::ContractTerms terms = mssp_terms();
  terms.benchmark.method = scenario::BenchmarkMethod::RegionalAdjustment;
  const scenario::Contract contract = contract_of(terms, 3, 1);
  const double flat[3] = {1.0, 1.0, 1.0};
  // Below the region (10,000 against 11,000): 10,000 + 0.35 * 1,000.
  EXPECT_NEAR(aco(flat, 1.0).evaluate(contract).record(0, 0, 0)[kBenchmarkPerUnit], 10350.0, 1e-6);
  // Above it (12,000 against 11,000): 12,000 - 0.15 * 1,000.
  EXPECT_NEAR(aco(flat, 1.0, 1.2e4).evaluate(contract).record(0, 0, 0)[kBenchmarkPerUnit], 11850.0,
              1e-6);
  // Capped at 3% of 10,000; with a 5% assumed trend both baselines and the cap are trended:
  // H = 10,000 * (1.05^3 + 1.05^2 + 1.05) / 3 = 11,033.75, the region's 12,137.125, 35% of the gap
  // 386.18 > the cap 300 * 1.05 = 315.
  scenario::Contract capped = contract;
  capped.years[0].benchmark.regional_adjustment_cap = 0.03;
  capped.years[0].benchmark.national_cost_per_unit = 1.0e4;
  EXPECT_NEAR(aco(flat, 1.0).evaluate(capped).record(0, 0, 0)[kBenchmarkPerUnit], 10300.0, 1e-6);
  capped.years[0].benchmark.assumed_trend = 0.05;
  EXPECT_NEAR(aco(flat, 1.0).evaluate(capped).record(0, 0, 0)[kBenchmarkPerUnit], 11033.75 + 315.0,
              1e-6);
}

// 42 CFR 425.610(f) (ENHANCED): the shared loss rate is 1 - the final sharing rate (75% times the
// quality score), at least 40% and at most 75%; losses capped at 15% of the benchmark.
TEST(MsspLossRate, OneMinusTheFinalSharingRate) {
  scenario::SharingTerms t;
  t.savings_rate = 0.75;
  t.loss_rate_from_sharing = true;
  t.loss_cap = 0.15;
  EXPECT_DOUBLE_EQ(loss_sharing_rate(t, 0.9), 0.40);  // 1 - 0.675 = 0.325, raised to 40%
  EXPECT_DOUBLE_EQ(loss_sharing_rate(t, 0.4), 0.70);  // 1 - 0.30
  EXPECT_DOUBLE_EQ(loss_sharing_rate(t, 0.0), 0.75);  // 1, lowered to 75%
  const MinimumRates none{0.0, 0.0};
  // A 4% loss on 1,000,000 at quality 0.4: 70% of 40,000; a 30% loss: capped at 150,000.
  EXPECT_NEAR(shared_savings(t, none, 1.0e6, 1.04e6, 0.4), -28000.0, 1e-6);
  EXPECT_NEAR(shared_savings(t, none, 1.0e6, 1.30e6, 0.4), -150000.0, 1e-6);
  // Savings are still shared at the final sharing rate: 75% * 0.4 of 40,000.
  EXPECT_NEAR(shared_savings(t, none, 1.0e6, 0.96e6, 0.4), 12000.0, 1e-6);
}

// 42 CFR 425.605(d)(1)(iii) (BASIC level C): 30% of losses, at most 2% of ACO participants'
// revenue and at most 1% of the benchmark. A benchmark of 10,000,000 and a cost of 10,500,000:
// 30% of 500,000 = 150,000; with participants' revenue 30% of the cost (3,150,000) the limit is
// 63,000; with revenue equal to the cost (6,300,000 x 2% = 210,000) it is 1% of the benchmark.
TEST(MsspLossLimit, ShareOfParticipantRevenueCappedByBenchmark) {
  const double flat[3] = {1.0, 1.0, 1.0};
  HandTallies world = aco(flat, 1.0);
  world.set_year(0, 3, 1000, 1.05e7, 1.0);
  scenario::ContractTerms terms;
  terms.benchmark.risk_adjust = false;
  terms.sharing.enabled = true;
  terms.sharing.savings_rate = 0.5;
  terms.sharing.loss_rate = 0.3;
  terms.sharing.loss_cap = 0.01;
  terms.sharing.loss_cap_revenue = 0.02;
  const scenario::Contract contract = contract_of(terms, 3, 1);
  EXPECT_NEAR(world.evaluate(contract).record(0, 0, 0)[kReconciliation], -100000.0, 1e-6);
  world.model.entities[0].revenue_share = 0.3;
  EXPECT_NEAR(world.evaluate(contract).record(0, 0, 0)[kReconciliation], -63000.0, 1e-6);
  EXPECT_DOUBLE_EQ(loss_limit(terms.sharing, 1.0e7, 3.15e6), 63000.0);
}

// MSSP quality scoring (42 CFR 425.502): each measure earns points by its performance level and
// the score is the points earned over the points available. Rates 0.55 / 0.72 / 0.95 on tiers
// 0.5 -> 1.1, 0.7 -> 1.55, 0.9 -> 2.0 points earn 1.1 / 1.55 / 2.0: a score of 4.65 / 6 = 0.775,
// where the mean of rates is 0.74; a rate below every tier earns nothing.
TEST(MsspQualityPoints, ScoreOnTheProgramsScale) {
  Quality q;
  q.rate = {0.55, 0.72, 0.95};
  q.baseline = {0.40, 0.72, 0.90};
  const std::vector<double> weights(3, 1.0 / 3.0);
  score_quality(weights, {}, q);
  EXPECT_NEAR(q.score, 0.74, 1e-12);
  const std::vector<scenario::PointsTier> points{{0.5, 1.1}, {0.7, 1.55}, {0.9, 2.0}};
  score_quality(weights, points, q);
  EXPECT_NEAR(q.score, (1.1 + 1.55 + 2.0) / 3.0 / 2.0, 1e-12);
  EXPECT_NEAR(q.baseline_score, (0.0 + 1.55 + 2.0) / 3.0 / 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(points_of(points, 0.49), 0.0);
  // Each measure on its own benchmarks: the third measure's 0.95 is below its 0.96 for 2 points.
  const std::vector<std::vector<scenario::PointsTier>> own{{}, {}, {{0.9, 1.1}, {0.96, 2.0}}};
  score_quality(weights, points, q, own);
  EXPECT_NEAR(q.score, (1.1 + 1.55 + 1.1) / 3.0 / 2.0, 1e-12);
}

// Points earned over points available, not the mean of each measure's share of its own most
// points: one measure earning 2 of 2 and one 2 of 4 score 4 / 6 = 0.667 (the mean ratio would
// be 0.75); a measure without a table counts its rate out of 1.
TEST(MsspQualityPoints, PointsEarnedOverPointsAvailable) {
  Quality q;
  q.rate = {0.9, 0.6};
  q.baseline = {0.9, 0.9};
  const std::vector<double> weights(2, 0.5);
  const std::vector<std::vector<scenario::PointsTier>> own{{{0.5, 2.0}},
                                                           {{0.5, 2.0}, {0.8, 4.0}}};
  score_quality(weights, {}, q, own);
  EXPECT_NEAR(q.score, 4.0 / 6.0, 1e-15);
  EXPECT_NEAR(q.baseline_score, 1.0, 1e-15);
  // The second measure without a table: (2 + 0.6) / (2 + 1).
  const std::vector<std::vector<scenario::PointsTier>> mixed{{{0.5, 2.0}}, {}};
  score_quality(weights, {}, q, mixed);
  EXPECT_NEAR(q.score, 2.6 / 3.0, 1e-15);
}

// The size-based rule as CMS derived its MSR table (CMS-1345-P pp. 265-268): one-sided confidence
// 90% at 5,000 beneficiaries, 95% at 20,000, 99% at 50,000 (linear in between), cv of per capita
// cost 2.15 and a 2% floor reproduce 42 CFR 425.604(b)'s table within 0.07 percentage points at
// every breakpoint (the largest gap, 2.635% against 2.7% at 15,000) (hand check: z(0.90) * 2.15 /
// sqrt(5,000) = 3.90%; at 60,000 the rule gives 2.04%, the table 2.0%).
TEST(MsspSizeBasedRate, ConfidenceBySizeReproducesTheTable) {
  scenario::SharingTerms t;
  t.msr_rule = scenario::MsrRule::SizeBased;
  t.confidence_by_size = true;
  t.size_based_floor = 0.02;
  BaselineYears baseline;  // cost per unit 10,000 with sd 21,500: cv 2.15
  baseline.units = 1.0e4;
  baseline.cost = 1.0e4 * 1.0e4;
  baseline.cost_squared = 1.0e4 * (21500.0 * 21500.0 + 1.0e4 * 1.0e4);
  EXPECT_DOUBLE_EQ(size_based_confidence(5000), 0.90);
  EXPECT_DOUBLE_EQ(size_based_confidence(12500), 0.925);
  EXPECT_DOUBLE_EQ(size_based_confidence(35000), 0.97);
  EXPECT_DOUBLE_EQ(size_based_confidence(80000), 0.99);
  for (const double units : {5000.0, 6000.0, 7000.0, 8000.0, 9000.0, 10000.0, 15000.0, 20000.0,
                             50000.0, 60000.0, 100000.0}) {
    SCOPED_TRACE(units);
    EXPECT_NEAR(minimum_rates(t, units, baseline).savings, mssp_minimum_savings_rate(units), 7e-4);
  }
  EXPECT_NEAR(minimum_rates(t, 5000, baseline).savings,
              1.2815515655446004 * 2.15 / std::sqrt(5000.0), 1e-12);
  EXPECT_DOUBLE_EQ(minimum_rates(t, 1.0e6, baseline).savings, 0.02);  // the floor
  t.confidence_by_size = false;  // a fixed 90% falls below the table at 20,000 (1.95% < 2.5%)
  t.size_based_floor = 0.0;
  EXPECT_LT(minimum_rates(t, 20000, baseline).savings, mssp_minimum_savings_rate(20000) - 5e-3);
}

// The size-based rate's cv is of the cost the contract counts: with truncate_at, of truncated cost
// (the tallies' sum of min(cost, A)^2). Baseline: 3 x 1,000 beneficiaries at a truncated mean of
// 10,000 with truncated sd 21,500 (cv 2.15), untruncated sd 40,000; 10,000 beneficiaries now at a
// fixed 90%: z(0.9) * 2.15 / 100 = 2.755%, not z(0.9) * ~4 / 100.
TEST(MsspSizeBasedRate, CvOfTruncatedCost) {
  HandTallies world(3, 1, {125000.0});
  const model::TallyLayout& layout = world.model.layout;
  for (int b = 0; b < 3; ++b) {
    world.set_year(0, b, 1000, 1.1e7, 1.0, {1.0e7});
    double* r = world.record(0, b);
    r[model::TallyLayout::kCostSquared] = 1000 * (4.0e4 * 4.0e4 + 1.1e4 * 1.1e4);
    r[layout.capped_squared_field(0)] = 1000 * (21500.0 * 21500.0 + 1.0e4 * 1.0e4);
    world.set_year(1, b, 1000, 1.0e7, 1.0, {1.0e7});
  }
  world.set_year(0, 3, 10000, 1.0e8, 1.0, {1.0e8});
  world.set_year(1, 3, 1000, 1.0e7, 1.0, {1.0e7});
  scenario::ContractTerms terms;
  terms.benchmark.truncate_at = 125000.0;
  terms.sharing.enabled = true;
  terms.sharing.msr_rule = scenario::MsrRule::SizeBased;
  const Records records = world.evaluate(contract_of(terms, 3, 1));  // owns the record
  const double* year = records.record(0, 0, 0);
  EXPECT_NEAR(year[kMinimumSavingsRate], 1.2815515655446004 * 2.15 / 100.0, 1e-9);
}

}  // namespace
}  // namespace apmsim::contract
