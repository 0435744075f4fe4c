// Agreements in sequence ([[contract.agreement]]): each agreement rebases the benchmark on the
// baseline_years calendar years before it, so a provider's savings lower its next benchmark (the
// ratchet). Checked by hand on written tallies (the rebased benchmark, the ratchet and its cost,
// MSSP's prior savings adjustment, leaving at renewal) and against the closed form of a simple
// simulated world: with a true effect e on every cost and a stationary population, the second
// agreement's benchmark is exp(-e) times the first's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "contract/evaluate.hpp"
#include "engine/model.hpp"
#include "model/tally_layout.hpp"
#include "run/simulate.hpp"
#include "scenario/load.hpp"
#include "scenario_tallies.hpp"

namespace apmsim::run {
namespace {

namespace c = contract;

// One provider and its region's comparison population, two baseline years and two agreements
// of two performance years each; the contract is appended by each test.
std::string world(const std::string& contract) { return one_provider_world(4, contract); }


// Baseline 1000 and 1100; the provider saves in PY1-PY2 (costs 950 and 990 against
// counterfactual 1000 and 1100) and after.
// 100 units a year for each.
struct Written {
  HandTallies tallies;
  c::Records evaluate(const scenario::Scenario& s) const { return run::evaluate(s, tallies); }
};
Written written(const scenario::Scenario& s, double region_unit = 1000.0) {
  Written t{HandTallies(s)};
  const double cost[6] = {1000, 1100, 950, 990, 1000, 1000};
  const double cf[6] = {1000, 1100, 1000, 1100, 1050, 1050};
  for (int y = 0; y < 6; ++y) {
    t.tallies.set(0, y, 100.0, 100.0 * cost[y], 100.0 * cf[y]);
    t.tallies.set(1, y, 100.0, 100.0 * region_unit, 100.0 * region_unit);
  }
  return t;
}

const std::string kTwoAgreements = R"(
[contract.benchmark]
method = "historical"
risk_adjust = false
[contract.sharing]
minimum_savings_rate = 0.0
savings_rate = 0.5
loss_rate = 0.5
[[contract.agreement]]
years = 2
[[contract.agreement]]
years = 2
)";

TEST(Agreements, EachAgreementRebasesOnItsLatestYearsAndTheRatchetIsTheSavingsItTook) {
  const auto s = scenario::parse_scenario(world("[contract]\n" + kTwoAgreements), "two.toml");
  ASSERT_EQ(s.contract.agreements.size(), 2u);
  const c::Records r = written(s).evaluate(s);
  // Agreement 1 (PY1-2): baseline calendar years 0-1; agreement 2 (PY3-4): years 2-3 = PY1-2.
  for (int y = 0; y < 2; ++y) {
    EXPECT_DOUBLE_EQ(r.record(0, 0, y)[c::kBenchmarkPerUnit], 1050.0);
    EXPECT_EQ(r.record(0, 0, y)[c::kAgreement], 0.0);
    EXPECT_EQ(r.record(0, 0, y)[c::kRatchet], 0.0);
  }
  for (int y = 2; y < 4; ++y) {
    const double* rec = r.record(0, 0, y);
    EXPECT_DOUBLE_EQ(rec[c::kBenchmarkPerUnit], (950.0 + 990.0) / 2);
    EXPECT_EQ(rec[c::kAgreement], 1.0);
    EXPECT_EQ(rec[c::kInProgram], 1.0);
    // Rebased on the counterfactual PY1-2 the benchmark would be (1000 + 1100) / 2 = 1050.
    EXPECT_NEAR(rec[c::kRatchet], 100.0 * (1050.0 - 970.0), 1e-9);
    // Half of the savings is shared: the ratchet costs half of the benchmark it took.
    EXPECT_NEAR(rec[c::kRatchetCost], 0.5 * 100.0 * (1050.0 - 970.0), 1e-9);
  }
}

TEST(Agreements, OneAgreementOverEveryYearIsTheContractWithoutAgreements) {
  const auto with = scenario::parse_scenario(
      world("[contract]\n" + kTwoAgreements.substr(0, kTwoAgreements.find("[[contract.agreement]]")) +
            "[[contract.agreement]]\nyears = 4\n"),
      "one.toml");
  const auto without = scenario::parse_scenario(
      world("[contract]\n" + kTwoAgreements.substr(0, kTwoAgreements.find("[[contract.agreement]]"))),
      "none.toml");
  const c::Records a = written(with).evaluate(with), b = written(without).evaluate(without);
  ASSERT_EQ(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i)
    if (!std::isnan(a.values[i]) || !std::isnan(b.values[i])) {
      EXPECT_EQ(a.values[i], b.values[i]) << i;
    }
}

// MSSP's prior savings adjustment (42 CFR 425.658) in the second agreement: half the mean savings
// per unit of the baseline years, in place of a negative regional adjustment, at most the cap.
TEST(Agreements, PriorSavingsAdjustmentReplacesANegativeRegionalAdjustmentUpToItsCap) {
  const std::string contract = R"(
[contract]
[contract.benchmark]
method = "regional_adjustment"
regional_weight_below = 0.35
regional_weight_above = 0.15
risk_adjust = false
national_cost_per_unit = 1000.0
[contract.sharing]
minimum_savings_rate = 0.0
savings_rate = 0.5
loss_rate = 0.5
[[contract.agreement]]
years = 2
[[contract.agreement]]
years = 2
benchmark.prior_savings_share = 0.5
)";
  // The region costs 900 a unit: above it, the provider's regional adjustment is negative.
  const auto s = scenario::parse_scenario(world(contract), "psa.toml");
  const c::Records r = written(s, 900.0).evaluate(s);
  // Agreement 1: historical 1050, adjustment 0.15 x (900 - 1050) = -22.5.
  EXPECT_NEAR(r.record(0, 0, 0)[c::kBenchmarkPerUnit], 1050.0 - 22.5, 1e-9);
  // Savings per unit in PY1-2: 1027.5 - 950 and 1027.5 - 990; their mean x 0.5.
  const double psa = 0.5 * ((1027.5 - 950.0) + (1027.5 - 990.0)) / 2;
  // Agreement 2: historical 970, regional adjustment 0.15 x (900 - 970) < 0, replaced by psa.
  EXPECT_NEAR(r.record(0, 0, 2)[c::kBenchmarkPerUnit], 970.0 + psa, 1e-9);

  // Capped at 2% of national cost per unit (20 < psa = 28.75).
  const auto capped = scenario::parse_scenario(
      world(contract + "benchmark.prior_savings_cap = 0.02\n"), "cap.toml");
  EXPECT_NEAR(written(capped, 900.0).evaluate(capped).record(0, 0, 2)[c::kBenchmarkPerUnit],
              970.0 + 20.0, 1e-9);
  // A positive regional adjustment above psa stands: region 1300, 0.35 x (1300 - 970) = 115.5.
  const c::Records high = written(s, 1300.0).evaluate(s);
  EXPECT_NEAR(high.record(0, 0, 2)[c::kBenchmarkPerUnit], 970.0 + 0.35 * (1300.0 - 970.0), 1e-9);
}

TEST(Agreements, AProviderWhoseRebasedBenchmarkFallsTooFarLeavesWithNoContractFlows) {
  // Rebased 970 against the expiring 1050: a ratio of 0.924.
  const auto leaves = scenario::parse_scenario(
      world("[contract]\n" + kTwoAgreements + "leave_below = 0.95\n"), "leave.toml");
  const c::Records r = written(leaves).evaluate(leaves);
  for (int y = 0; y < 2; ++y) EXPECT_EQ(r.record(0, 0, y)[c::kInProgram], 1.0);
  for (int y = 2; y < 4; ++y) {
    const double* rec = r.record(0, 0, y);
    EXPECT_EQ(rec[c::kInProgram], 0.0);
    EXPECT_EQ(rec[c::kReconciliation], 0.0);
    EXPECT_EQ(rec[c::kNetProviderResult], 0.0);
    EXPECT_EQ(rec[c::kPayment], rec[c::kActualCost]);  // fee-for-service claims, nothing else
  }
  const auto stays = scenario::parse_scenario(
      world("[contract]\n" + kTwoAgreements + "leave_below = 0.9\n"), "stay.toml");
  EXPECT_EQ(written(stays).evaluate(stays).record(0, 0, 2)[c::kInProgram], 1.0);
}

TEST(Agreements, AgreementsSurviveTheScenarioDescription) {
  const auto s = scenario::parse_scenario(
      world("[contract]\n" + kTwoAgreements + "leave_below = 0.95\nmin_units = 50\n"), "d.toml");
  const auto again = scenario::parse_scenario(scenario::describe(s), "again.toml");
  ASSERT_EQ(again.contract.agreements.size(), 2u);
  EXPECT_EQ(again.contract.agreements[1].first, 2);
  EXPECT_EQ(again.contract.agreements[1].leave_below, 0.95);
  EXPECT_EQ(again.contract.years[3].min_units, 50.0);
  EXPECT_EQ(again.contract.years[0].min_units, 0.0);
}

TEST(Agreements, BadAgreementsAreRefusedWithTheirKey) {
  const auto message = [](const std::string& contract) {
    try {
      scenario::parse_scenario(world("[contract]\n" + contract), "bad.toml");
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("[[contract.agreement]]\nyears = 3\n").find("'contract.agreement[0].years'"),
            std::string::npos);  // covers 3 of 4 years
  EXPECT_NE(message("[[contract.agreement]]\nyears = 4\nleave_below = 0.9\n")
                .find("the first agreement"),
            std::string::npos);
  EXPECT_NE(message("[contract.benchmark]\nprior_savings_share = 0.5\n").find("regional_adjustment"),
            std::string::npos);
  EXPECT_NE(message("[[contract.agreement]]\nyears = 2\nyeras = 2\n").find("did you mean"),
            std::string::npos);
}

// The closed form: one stratum, no churn, trend, shocks or provider spread, a true effect e on
// every cost from PY1. Every year's expected cost per unit is m (baseline) or m exp(-e), so the
// second agreement's benchmark (rebased on PY1-3) is exp(-e) times the first's (on B1-B3), and
// the ratchet per unit is m (1 - exp(-e)) - each within Monte Carlo error of its mean.
TEST(Agreements, SecondBenchmarkIsLoweredByTheTrueEffectInASimpleWorld) {
  const double e = 0.05;
  const std::string text = R"(
[simulation]
replications = 400
seed = 5
baseline_years = 3
performance_years = 6
batch_size = 100
[[region]]
name = "r"
comparison_size = 2000
shock_sd = 0.0
initial_sd = 0.0
[[stratum]]
name = "s"
share = 1.0
p_any = 1.0
mean = 1000.0
cv = 0.8
[patients]
churn = 0.0
[[provider_group]]
name = "p"
count = 4
region = "r"
panel_size = 2000
efficiency_sd = 0.0
effect_mean = 0.05
effect_sd = 0.0
[contract]
[contract.benchmark]
method = "historical"
risk_adjust = false
[[contract.agreement]]
years = 3
[[contract.agreement]]
years = 3
)";
  const auto s = scenario::parse_scenario(text, "closed.toml");
  RunSettings options;
  options.keep_records = true;
  const analysis::Results results = simulate(s, options);
  ASSERT_TRUE(results.has_records);
  const analysis::RecordDump& d = results.records.front();
  const std::size_t fields = d.fields.size(), providers = d.providers.size();
  const auto at = [&](std::uint64_t rep, std::size_t p, int y, c::Field f) {
    return d.values[((rep * providers + p) * static_cast<std::size_t>(d.years) +
                     static_cast<std::size_t>(y)) * fields + f];
  };
  // Per replication: the ratio of the providers' mean benchmark per unit in PY4 to PY1, and the
  // ratchet per unit of PY4 over the counterfactual benchmark per unit.
  double sum = 0, sum2 = 0, rsum = 0, rsum2 = 0;
  const double n = static_cast<double>(d.replications);
  for (std::uint64_t rep = 0; rep < d.replications; ++rep) {
    double first = 0, second = 0, ratchet = 0, unratcheted = 0;
    for (std::size_t p = 0; p < providers; ++p) {
      first += at(rep, p, 0, c::kBenchmarkPerUnit);
      second += at(rep, p, 3, c::kBenchmarkPerUnit);
      ratchet += at(rep, p, 3, c::kRatchet) / at(rep, p, 3, c::kUnits);
      unratcheted += at(rep, p, 3, c::kBenchmarkPerUnit) +
                     at(rep, p, 3, c::kRatchet) / at(rep, p, 3, c::kUnits);
    }
    const double ratio = second / first, share = ratchet / unratcheted;
    sum += ratio;
    sum2 += ratio * ratio;
    rsum += share;
    rsum2 += share * share;
  }
  const double mean = sum / n, se = std::sqrt(std::max(0.0, sum2 / n - mean * mean) / (n - 1));
  EXPECT_NEAR(mean, std::exp(-e), 4 * se) << "se " << se;
  EXPECT_LT(se, 0.002);
  const double rmean = rsum / n,
               rse = std::sqrt(std::max(0.0, rsum2 / n - rmean * rmean) / (n - 1));
  // The effect multiplies every cost by exp(-e) in single precision: the same share in each.
  EXPECT_NEAR(rmean, 1 - std::exp(-e), 4 * rse + 1e-5) << "se " << rse;
}

}  // namespace
}  // namespace apmsim::run
