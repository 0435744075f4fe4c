// Capitation with a gain/loss corridor, from hand-written tallies through the Evaluator: the cost
// above truncate_at is insured by the commissioner, and a provider below min_units shares no
// gain or loss (docs/scenario-reference.md, "Payments per provider-year").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "hand_tallies.hpp"

namespace apmsim::contract {
namespace {

using handmade::contract_of;
using handmade::HandTallies;

constexpr double kTruncateAt = 20000.0;
constexpr double kUnits = 1000.0;

// Seed 003 sec. 7 (Figure 2) and 7.3: a capitated budget, the provider bearing gains and losses up
// to +/-10% of the budget, the commissioner the rest, and each patient's cost above GBP 20,000
// insured. The budget is the historical cost per patient truncated at 20,000: 4,800 a year.
scenario::ContractTerms monitor_terms() {
  scenario::ContractTerms terms;
  terms.base = scenario::BasePayment::Capitation;
  terms.benchmark.risk_adjust = false;
  terms.benchmark.truncate_at = kTruncateAt;
  terms.corridor = {{-0.10, 0.10, 1.0}};
  return terms;
}

//! Three baseline years of 1,000 patients costing 5,000 each on average, 4,800 below 20,000; a
//! performance year of `cost`, of which `truncated` below 20,000.
HandTallies monitor_tallies(double cost, double truncated) {
  HandTallies world(3, 1, {kTruncateAt});
  for (int b = 0; b < 3; ++b) world.set_year(0, b, kUnits, 5.0e6, 1.0, {4.8e6});
  world.set_year(0, 3, kUnits, cost, 1.0, {truncated});
  return world;
}

// The case: a measured gain of 4.5% of the budget (truncated cost 4,584,000 against a
// budget of 4,800,000) with 17.6% of the budget (844,800) above the truncation point. Before the
// fix the provider paid that excess itself and netted 216,000 - 844,800 = -628,800 (-13.1% of the
// budget); the per-patient cover now pays it, and the provider nets its corridor share, +4.5%.
TEST(Capitation, CostAboveTruncationIsInsured) {
  const double budget = 4.8e6, truncated = 4.584e6, excess = 0.176 * budget;
  const Records r =
      monitor_tallies(truncated + excess, truncated).evaluate(contract_of(monitor_terms(), 3, 1));
  const double* year = r.record(0, 0, 0);
  EXPECT_DOUBLE_EQ(year[kBenchmark], budget);
  EXPECT_DOUBLE_EQ(year[kAccountableCost], truncated);
  EXPECT_NEAR(year[kSavingsRate], 0.045, 1e-12);
  EXPECT_NEAR(year[kNetProviderResult], 0.045 * budget, 1e-6);
  EXPECT_NEAR(year[kNetProviderResult] / budget, 0.045, 1e-12);
  // The commissioner pays the budget, takes back nothing inside the corridor, and pays the excess.
  EXPECT_NEAR(year[kPayment], budget + excess, 1e-6);
}

// Seed 004 (HCP-LAN Roadmap, "Set Minimum Episode Thresholds"): a minimum volume keeps a small
// provider out of shared savings and shared losses. With min_units above its 1,000 patients and
// a loss of 44% of the budget, the provider used to take the whole loss (-2,112,000); it now
// takes none: the commissioner tops the budget up to the provider's cost.
TEST(Capitation, IneligibleProviderSharesNoGainOrLoss) {
  scenario::ContractTerms terms = monitor_terms();
  terms.min_units = 2000.0;
  const double budget = 4.8e6, truncated = 1.44 * budget;
  const Records r =
      monitor_tallies(truncated + 1.0e5, truncated).evaluate(contract_of(terms, 3, 1));
  const double* year = r.record(0, 0, 0);
  EXPECT_EQ(year[kEligible], 0.0);
  // shared_result is the corridor's share before eligibility (-10% of the budget); the
  // reconciliation ignores it and tops the budget up to the accountable cost.
  EXPECT_NEAR(year[kSharedResult], -0.10 * budget, 1e-6);
  EXPECT_NEAR(year[kReconciliation], truncated - budget, 1e-6);
  EXPECT_NEAR(year[kNetProviderResult], 0.0, 1e-6);
  EXPECT_NEAR(year[kPayment], truncated + 1.0e5, 1e-6);
}

// The test: with a +/-10% corridor the provider's net result stays within 10% of the
// budget, less any forfeited pot, whatever truncate_at (here 20,000 or none) or min_units is, on
// gains and losses of up to 40% and excess cost of up to 30% of the budget; inside the corridor
// it is the savings itself. Seed 003 sec. 7, Figure 2: a 10% outcomes pot earned back on a
// sliding scale (here a score of 0.60 between 0.55 and 0.65: half the pot, 5% of the budget).
TEST(Capitation, NetResultStaysWithinTheCorridor) {
  const double budget = 4.8e6;
  for (const double truncate_at : {kTruncateAt, 0.0})
    for (const double min_units : {0.0, 500.0, 1000.0, 5000.0})
      for (const double rate : {-0.40, -0.15, -0.10, -0.05, 0.0, 0.045, 0.10, 0.25, 0.40})
        for (const double excess_share : {0.0, 0.05, 0.30}) {
          scenario::ContractTerms terms = monitor_terms();
          terms.benchmark.truncate_at = truncate_at;
          terms.min_units = min_units;
          const double truncated = (1.0 - rate) * budget, cost = truncated + excess_share * budget;
          terms.quality_weights = {1.0};
          terms.withhold.rate = 0.10;
          terms.withhold.scoring = scenario::Scoring::Linear;
          terms.withhold.floor = 0.55;
          terms.withhold.target = 0.65;
          HandTallies world(3, 1, {kTruncateAt}, 1);
          for (int b = 0; b < 3; ++b) world.set_year(0, b, kUnits, 5.0e6, 1.0, {4.8e6});
          world.set_year(0, 3, kUnits, cost, 1.0, {truncated});
          world.set_measure(0, 3, 0, kUnits, 0.60);
          if (truncate_at == 0.0) {  // no truncation: the budget and the cost are the full cost
            for (int b = 0; b < 3; ++b) world.set_year(0, b, kUnits, 4.8e6, 1.0, {4.8e6});
            world.set_year(0, 3, kUnits, truncated, 1.0, {truncated});
          }
          const Records records = world.evaluate(contract_of(terms, 3, 1));  // owns the record
          const double* year = records.record(0, 0, 0);
          const double net = year[kNetProviderResult];
          SCOPED_TRACE(testing::Message()
                       << "truncate_at " << truncate_at << ", min_units " << min_units << ", rate "
                       << rate << ", excess " << excess_share);
          const double forfeited = year[kForfeited];
          EXPECT_NEAR(forfeited, 0.05 * budget, 1e-6);
          EXPECT_LE(std::abs(net + forfeited), 0.10 * budget + 1e-6);
          const double expected =
              kUnits >= min_units ? std::clamp(rate, -0.10, 0.10) * budget : 0.0;
          EXPECT_NEAR(net, expected - forfeited, 1e-6);
        }
}

}  // namespace
}  // namespace apmsim::contract
