// Per-year truncation and observed trends through the Evaluator, on hand-written tallies: each
// calendar year is truncated at its own amount (MSSP: the year's national 99th percentile,
// 42 CFR 425.602(a)(4)), and the observed trend is the growth of the pooled national cost per
// unit (provider and comparison population together) blended with the region's.
#include <gtest/gtest.h>

#include "hand_tallies.hpp"

namespace apmsim::contract {
namespace {

using handmade::contract_of;
using handmade::HandTallies;

// Two baseline years and one performance year, truncated at 20,000 / 21,000 / 22,000. Tallies
// hold sum min(cost, A) for each amount; the contract must read year b's own amount.
TEST(PerYear, EachYearIsTruncatedAtItsOwnAmount) {
  const std::vector<double> amounts{20000.0, 21000.0, 22000.0};
  HandTallies world(2, 1, amounts);
  // Provider: 100 units a year; capped sums differ by amount, so a wrong index shows.
  world.set_year(0, 0, 100.0, 1.2e6, 1.0, {1.00e6, 1.01e6, 1.02e6});
  world.set_year(0, 1, 100.0, 1.3e6, 1.0, {1.05e6, 1.06e6, 1.07e6});
  world.set_year(0, 2, 100.0, 1.4e6, 1.0, {1.10e6, 1.11e6, 1.12e6});
  for (int y = 0; y < 3; ++y) world.set_year(1, y, 1000.0, 1.0e7, 1.0);
  scenario::ContractTerms terms;
  terms.benchmark.risk_adjust = false;
  terms.benchmark.truncate_percentile = 0.99;
  terms.benchmark.truncate_by_year = amounts;
  const Records r = world.evaluate(contract_of(terms, 2, 1));
  const double* year = r.record(0, 0, 0);
  // Baseline year 0 at 20,000 (1.00e6), year 1 at 21,000 (1.06e6): benchmark 10,300 per unit.
  EXPECT_DOUBLE_EQ(year[kBenchmarkPerUnit], 0.5 * (1.00e6 + 1.06e6) / 100.0);
  // The performance year at 22,000.
  EXPECT_DOUBLE_EQ(year[kAccountableCost], 1.12e6);
}

// National pool: the populations outside the contract. With the participant (100 units) and
// the comparison (300 units) it is the comparison alone; made non-participant, the provider
// joins it. Costs per unit: provider 100, 110, 120; comparison 200, 210, 231; pooled 175, 185,
// 203.25. Region: the comparison population. Weight 0.4 national.
TEST(PerYear, ObservedTrendPoolsThePopulationsOutsideTheContract) {
  HandTallies world(2, 1);
  const double own[] = {100.0, 110.0, 120.0}, region[] = {200.0, 210.0, 231.0};
  for (int y = 0; y < 3; ++y) {
    world.set_year(0, y, 100.0, 100.0 * own[y]);
    world.set_year(1, y, 300.0, 300.0 * region[y]);
  }
  scenario::ContractTerms terms;
  terms.benchmark.risk_adjust = false;
  terms.benchmark.observed_trend = true;
  terms.benchmark.trend_national_weight = 0.4;
  const auto g = [&](double na, double nc, double ra, double rc) {
    return 0.4 * nc / na + 0.6 * rc / ra;
  };
  const auto expected = [&](double n0, double n1, double n2) {
    const double update = g(n1, n2, 210.0, 231.0);
    return 0.5 * 100.0 * g(n0, n1, 200.0, 210.0) * update + 0.5 * 110.0 * update;
  };
  // The participant's own savings do not move its national trend: national = region here.
  const Records r = world.evaluate(contract_of(terms, 2, 1));
  EXPECT_NEAR(r.record(0, 0, 0)[kBenchmarkPerUnit], expected(200.0, 210.0, 231.0), 1e-9);
  // No population outside the contract: the pool is every population.
  world.model.entities[1].participant = true;
  const scenario::Contract contract = contract_of(terms, 2, 1);
  const Evaluator all(world.model, contract, 2, 0.0);
  Records pooled = all.make_records();
  all.add(world.tallies, pooled);
  EXPECT_NEAR(pooled.record(0, 0, 0)[kBenchmarkPerUnit], expected(175.0, 185.0, 203.25), 1e-9);
}

// Enrollment types (42 CFR 425.602(a)(2)): each type's benchmark from its own truncated baseline
// and risk, weighted by the performance year's type mix; the accountable cost is the sum of the
// types' truncated costs. Type 0 (aged): 900 units at 10,000 per unit in the baseline (truncated
// 9,500), risk 1.0 -> 1.02; type 1 (esrd): 100 units at 80,000 (truncated 70,000), risk 1.0.
// Performance year mix: 850 aged, 150 esrd.
TEST(PerYear, EnrollmentTypeBenchmarksWeightedByTheYearsMix) {
  HandTallies world(1, 1, {1.0e5}, 0, 2);
  world.add_type_year(0, 0, 0, 900.0, 900.0 * 10000.0, 900.0 * 9500.0, 1.0);
  world.add_type_year(0, 0, 1, 100.0, 100.0 * 80000.0, 100.0 * 70000.0, 1.0);
  world.add_type_year(0, 1, 0, 850.0, 850.0 * 10400.0, 850.0 * 9900.0, 1.02);
  world.add_type_year(0, 1, 1, 150.0, 150.0 * 83000.0, 150.0 * 72000.0, 1.0);
  for (int y = 0; y < 2; ++y) {
    world.add_type_year(1, y, 0, 9000.0, 9000.0 * 10000.0, 9000.0 * 9500.0);
    world.add_type_year(1, y, 1, 1000.0, 1000.0 * 80000.0, 1000.0 * 70000.0);
  }
  // The contract truncates (the types' own amounts are in their truncated sums).
  scenario::ContractTerms terms;
  terms.benchmark.truncate_at = 1.0e5;
  terms.benchmark.assumed_trend = 0.04;
  const Records r = world.evaluate(contract_of(terms, 1, 1));
  const double* year = r.record(0, 0, 0);
  const double aged = 9500.0 * 1.04 * 1.02, esrd = 70000.0 * 1.04 * 1.0;
  EXPECT_NEAR(year[kBenchmarkPerUnit], 0.85 * aged + 0.15 * esrd, 1e-9);
  // One pool instead: (900 x 9,500 + 100 x 70,000) / 1,000 = 15,550 per unit, risk 1.0 -> 1.003:
  // the mix shift towards ESRD would be missed.
  EXPECT_GT(year[kBenchmarkPerUnit], 15550.0 * 1.04 * 1.003 * 1.05);
  EXPECT_DOUBLE_EQ(year[kAccountableCost], 850.0 * 9900.0 + 150.0 * 72000.0);
}

}  // namespace
}  // namespace apmsim::contract
