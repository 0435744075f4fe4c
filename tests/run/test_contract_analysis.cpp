// The contract waterfall on hand-made tallies, and the analyses against closed forms on small
// simulated worlds: false reward against the normal approximation, sweeps against single runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "run/simulate.hpp"
#include "stats/statistics.hpp"
#include "contract/evaluate.hpp"
#include "engine/model.hpp"
#include "model/tally_layout.hpp"
#include "scenario/load.hpp"
#include "scenario_tallies.hpp"

namespace apmsim::run {
namespace {

using namespace apmsim::analysis;  // NOLINT: the results and analyses these runs make

using model::TallyLayout;

// One region with a comparison population, one participant provider, one measure, two baseline
// and two performance years; the contract is appended by each test.
std::string world(const std::string& contract) {
  return one_provider_world(2, "[[measure]]\nname = \"m\"\n" + contract);
}


TEST(ContractWaterfall, FfsBlendSharingAndWithholdByHand) {
  const auto s = scenario::parse_scenario(world(R"(
[contract]
base = "ffs"
[contract.benchmark]
method = "blend"
regional_weight = 0.25
baseline_weights = [1.0, 3.0]
assumed_trend = 0.10
risk_adjust = false
discount = 0.02
[contract.sharing]
minimum_savings_rate = 0.02
savings_rate = 0.5
savings_cap = 0.10
[contract.withhold]
rate = 0.02
tiers = [{ at = 0.6, earn = 0.5 }, { at = 0.8, earn = 1.0 }]
)"),
                                          "hand.toml");
  HandTallies h(s);
  const std::uint32_t comparison = h.model.providers;
  // Baseline: 1000 then 1100 per unit; region 1000 per unit every year.
  h.set(0, 0, 100, 100000, 100000);
  h.set(0, 1, 100, 110000, 110000);
  for (int y = 0; y < 4; ++y) h.set(comparison, y, 1000, 1000000, 1000000);
  // Performance year 1 (calendar 2): 100 units cost 100,000 (counterfactual 105,000), quality 0.7.
  h.set(0, 2, 100, 100000, 105000, 70, 100);
  h.set(0, 3, 100, 150000, 150000, 90, 100);
  const contract::Records r = evaluate(s, h);
  const double* y1 = r.record(0, 0, 0);
  // historical = 0.25 * 1000 * 1.1^2 + 0.75 * 1100 * 1.1 = 302.5 + 907.5 = 1210 per unit
  // blend = 0.75 * 1210 + 0.25 * 1000 = 1157.5; discounted 2%: 1134.35; x 100 units.
  EXPECT_NEAR(y1[contract::kBenchmarkPerUnit], 1134.35, 1e-9);
  EXPECT_NEAR(y1[contract::kBenchmark], 113435.0, 1e-7);
  const double savings = 113435.0 - 100000.0;  // 11.8% > MSR: half, under the 10% cap
  EXPECT_NEAR(y1[contract::kSavingsRate], savings / 113435.0, 1e-12);
  EXPECT_NEAR(y1[contract::kReconciliation], 6717.5, 1e-7);
  EXPECT_NEAR(y1[contract::kWithheld], 2000.0, 1e-9);           // 2% of claims
  EXPECT_NEAR(y1[contract::kEarnedBack], 1000.0, 1e-9);         // quality 0.7: half
  EXPECT_NEAR(y1[contract::kNetProviderResult], 6717.5 - 1000.0, 1e-7);
  EXPECT_NEAR(y1[contract::kPayerNetSavings], 105000.0 - (100000.0 - 1000.0 + 6717.5), 1e-7);
  EXPECT_NEAR(y1[contract::kTrueSavingsRate], 5000.0 / 105000.0, 1e-12);
  // The threshold test's worlds: null cost = counterfactual 105,000 (7.4% savings: half of
  // 8,435); target (0.02 of the total cost): 105,000 x 0.98 = 102,900, half of 10,535.
  EXPECT_NEAR(y1[contract::kNullSavingsRate], 8435.0 / 113435.0, 1e-12);
  EXPECT_NEAR(y1[contract::kNullSharedResult], 4217.5, 1e-7);
  EXPECT_NEAR(y1[contract::kTargetSharedResult], 5267.5, 1e-7);
  const double* y2 = r.record(0, 0, 1);  // a loss, upside only: nothing owed; quality 0.9: all
  EXPECT_EQ(y2[contract::kReconciliation], 0.0);
  EXPECT_NEAR(y2[contract::kEarnedBack], 3000.0, 1e-9);
  EXPECT_NEAR(y2[contract::kNetProviderResult], 0.0, 1e-9);
}

// Monitor 2016 sec. 7: capitation, 90% core and a 10% outcomes pot, gains and losses borne up to
// +/-10% of the budget; beyond that the commissioner carries them. Per-patient cost insurance at
// GBP 20,000 takes the excess off the provider.
TEST(ContractWaterfall, MonitorCapitationCorridorAndPerPatientCap) {
  const auto s = scenario::parse_scenario(world(R"(
[contract]
base = "capitation"
[contract.benchmark]
method = "historical"
risk_adjust = false
[[contract.corridor]]
lower = -0.10
upper = 0.10
share = 1.0
[contract.stop_loss]
attachment = 20000.0
[contract.withhold]
rate = 0.10
scoring = "linear"
floor = 0.5
target = 0.9
)"),
                                          "monitor.toml");
  HandTallies h(s);
  for (int y = 0; y < 2; ++y) h.set(0, y, 100, 1000000, 1000000);  // budget 10,000 per patient
  for (int y = 0; y < 4; ++y) h.set(h.model.providers, y, 1000, 1e7, 1e7);
  h.set(0, 2, 100, 1250000, 1250000, 70, 100);  // 25% over budget, quality halfway
  h.set(0, 3, 100, 950000, 950000, 90, 100);    // 5% under budget, full quality
  // 30,000 of year 1's cost is above GBP 20,000 a patient: the attachment's capped sum is lower.
  const int t = 0;  // the only threshold: 20,000
  h.at(0, 2)[h.model.layout.capped_field(t)] = 1250000 - 30000;
  const contract::Records r = evaluate(s, h);
  const double* y1 = r.record(0, 0, 0);
  EXPECT_NEAR(y1[contract::kBenchmark], 1000000.0, 1e-6);
  EXPECT_NEAR(y1[contract::kStopLossRecovery], 30000.0, 1e-9);
  EXPECT_NEAR(y1[contract::kAccountableCost], 1220000.0, 1e-6);
  // The provider bears the loss down to -10% of the budget; the pot earns (0.7-0.5)/0.4 = half.
  EXPECT_NEAR(y1[contract::kNetProviderResult], -100000.0 - 50000.0, 1e-6);
  const double* y2 = r.record(0, 0, 1);
  EXPECT_NEAR(y2[contract::kNetProviderResult], 50000.0, 1e-6);  // keeps the 5% gain, full pot
  EXPECT_NEAR(y2[contract::kForfeited], 0.0, 1e-9);
}

TEST(GlidePath, OverridesOnlyTheNamedTerms) {
  const auto s = scenario::parse_scenario(world(R"(
[contract]
min_units = 10
[contract.sharing]
savings_rate = 0.5
loss_rate = 0.3
[[contract.year]]
year = 1
sharing.loss_rate = 0.0
)"),
                                          "glide.toml");
  ASSERT_EQ(s.contract.years.size(), 2u);
  EXPECT_EQ(s.contract.years[0].sharing.loss_rate, 0.0);
  EXPECT_EQ(s.contract.years[1].sharing.loss_rate, 0.3);
  EXPECT_EQ(s.contract.years[0].sharing.savings_rate, 0.5);
  EXPECT_EQ(s.contract.years[0].min_units, 10.0);
  // Round trip through the resolved text keeps the glide path.
  const auto again = scenario::parse_scenario(scenario::describe(s), "again.toml");
  EXPECT_EQ(again.contract.years[0].sharing.loss_rate, 0.0);
  EXPECT_EQ(again.contract.years[1].sharing.loss_rate, 0.3);
}

// A world where the savings rate under no true effect is close to normal with a known variance:
// independent unit costs (no frailty), a regional benchmark from a large comparison population,
// no regional shock, efficiency or coding growth. Var(s) = cv^2 / n + cv^2 / N.
TEST(ThresholdTest, FalseRewardMatchesTheNormalApproximation) {
  const double n = 1000, N = 20000, mean = 5000, cv = 1.0, p_any = 0.9;
  // Unit cost = 1{any} * lognormal(mean, cv): E = p m, E[c^2] = p m^2 (1 + cv^2).
  const double e1 = p_any * mean, e2 = p_any * mean * mean * (1 + cv * cv);
  const double unit_cv = std::sqrt(e2 - e1 * e1) / e1;
  const double sd = unit_cv * std::sqrt(1 / n + 1 / N);
  const double msr = sd;  // one standard deviation: false reward ~ 15.9%
  const std::string text = R"(
[simulation]
replications = 600
seed = 11
baseline_years = 1
performance_years = 2
batch_size = 100
[[region]]
name = "r"
comparison_size = 20000
[[stratum]]
name = "s"
share = 1.0
p_any = 0.9
mean = 5000.0
cv = 1.0
[patients]
churn = 1.0
[[provider_group]]
name = "p"
count = 4
region = "r"
panel_size = 1000
effect_mean = 0.05
[contract]
[contract.benchmark]
method = "regional"
risk_adjust = false
[contract.sharing]
minimum_savings_rate = )" + std::to_string(msr) +
                           R"(
[analysis.threshold]
alpha = 0.05
)";
  const auto s = scenario::parse_scenario(text, "normal.toml");
  RunSettings options;
  const Results results = simulate(s, options);
  const VariantSummary& v = results.variants.front();
  const AnalysisTable* rates = nullptr;
  const AnalysisTable* msr_table = nullptr;
  for (const auto& t : v.analyses) {
    if (t.analysis == "threshold" && t.name == "rates") rates = &t;
    if (t.analysis == "threshold" && t.name == "msr") msr_table = &t;
  }
  ASSERT_NE(rates, nullptr);
  ASSERT_NE(msr_table, nullptr);
  const EstimateTable& t = rates->table;
  const std::size_t i = t.index(t.quantity("false_reward"), 0, t.columns.size() - 1);
  const double expected = 1 - stats::normal_cdf(msr / sd);
  EXPECT_NEAR(t.mean[i], expected, 4 * t.se[i] + 0.01) << "se " << t.se[i];
  EXPECT_LT(t.se[i], 0.02);
  // The MSR that keeps false reward at 5%: 1.645 sd.
  const EstimateTable& m = msr_table->table;
  const std::size_t j = m.index(m.quantity("msr_normal"), 0, m.columns.size() - 1);
  EXPECT_NEAR(m.mean[j], stats::normal_quantile(0.95) * sd, 4 * m.se[j] + 0.1 * sd);
  const std::size_t k = m.index(m.quantity("null_savings_rate_sd"), 0, m.columns.size() - 1);
  EXPECT_NEAR(m.mean[k], sd, 4 * m.se[k] + 0.05 * sd);
}

// The noise-only null world at 5,000 and 50,000 beneficiaries (DeLia, Hoover & Cantor 2012):
// per-capita cv 2, a historical benchmark from one independent baseline year, flat 2% MSR and
// MLR, half shared both ways. The as-designed null world has coding growth (+2% risk score,
// risk-adjusted) and benchmark drift (assumed trend 1%, true trend 0); the noise-only world has
// neither, so its rates follow the normal approximation with the run's own noise-only sd:
// P(paid) = 1 - Phi(0.02 / sd0), P(charged) = Phi(-0.02 / sd0), within 3 SE of the rate and of
// the approximation (through sd0's error).
TEST(ThresholdTest, NoiseOnlyRatesMatchTheNormalApproximationAt5000And50000) {
  const std::string text = R"(
[simulation]
replications = 400
seed = 13
baseline_years = 1
performance_years = 1
batch_size = 100
trend = 0.0
[[region]]
name = "r"
[[stratum]]
name = "s"
share = 1.0
p_any = 1.0
mean = 10000.0
cv = 2.0
[patients]
churn = 1.0
[[provider_group]]
name = "small"
count = 4
region = "r"
panel_size = 5000
coding_growth = 0.02
[[provider_group]]
name = "large"
count = 2
region = "r"
panel_size = 50000
coding_growth = 0.02
[contract]
[contract.benchmark]
method = "historical"
assumed_trend = 0.01
risk_adjust = true
[contract.sharing]
minimum_savings_rate = 0.02
minimum_loss_rate = "same"
savings_rate = 0.5
loss_rate = 0.5
)";
  const Results results = simulate(scenario::parse_scenario(text, "noise.toml"), {});
  const VariantSummary& v = results.variants.front();
  const EstimateTable& rates = v.analysis_table("threshold", "rates")->table;
  const EstimateTable& msr = v.analysis_table("threshold", "msr")->table;
  const std::size_t agreement = rates.columns.size() - 1;
  for (const std::string group : {"small", "large"}) {
    SCOPED_TRACE(group);
    const std::size_t g = group == "small" ? 0 : 1;
    const std::size_t sd_i = msr.index(msr.quantity("noise_savings_rate_sd"), g, agreement);
    const double sd0 = msr.mean[sd_i], sd0_se = msr.se[sd_i];
    const double n = group == "small" ? 5000 : 50000;
    EXPECT_NEAR(sd0, 2.0 * std::sqrt(2 / n), 0.1 * 2.0 * std::sqrt(2 / n));  // cv sqrt(2 / n)
    const double z = 0.02 / sd0;
    // d/d sd of 1 - Phi(0.02 / sd): phi(z) z / sd.
    const double approx_se = std::exp(-z * z / 2) / std::sqrt(2 * M_PI) * z / sd0 * sd0_se;
    const auto check = [&](const char* quantity, double expected) {
      const std::size_t i = rates.index(rates.quantity(quantity), g, agreement);
      const double se = std::hypot(rates.se[i], approx_se);
      EXPECT_NEAR(rates.mean[i], expected, 3 * se) << quantity << " se " << se;
      EXPECT_LT(se, 0.03) << quantity;
      std::printf("%s %s: %.4f vs normal %.4f (se %.4f)\n", group.c_str(), quantity,
                  rates.mean[i], expected, se);
    };
    check("noise_false_reward", 1 - stats::normal_cdf(z));
    check("noise_false_penalty", stats::normal_cdf(-z));
    // As designed, coding growth and drift lift the null savings rate (about +3%): more reward.
    const std::size_t reward = rates.index(rates.quantity("false_reward"), g, agreement);
    const std::size_t noise = rates.index(rates.quantity("noise_false_reward"), g, agreement);
    EXPECT_GT(rates.mean[reward], rates.mean[noise] + 3 * rates.se[reward]);
    const std::size_t mean_i = msr.index(msr.quantity("null_savings_rate_mean"), g, agreement);
    EXPECT_GT(msr.mean[mean_i], 0.015);
    std::printf("%s as designed: false_reward %.4f, null savings rate mean %.4f; sd0 %.4f\n",
                group.c_str(), rates.mean[reward], msr.mean[mean_i], sd0);
  }
}

// A sweep's variants equal the single runs with the same values: contract-only parameters on the
// shared tallies, population parameters re-simulated with the same seed.
TEST(Sweep, VariantsReproduceSingleRuns) {
  const std::string base = world(R"(
[contract]
[contract.benchmark]
method = "blend"
[contract.sharing]
savings_rate = 0.5
)");
  const std::string sweep = R"(
[sweep]
"contract.sharing.savings_rate" = [0.3, 0.6]
"simulation.trend" = [0.0, 0.03]
)";
  auto with_reps = [](std::string text) {
    return text.replace(text.find("replications = 1"), 16, "replications = 40");
  };
  const Results swept = simulate(scenario::parse_scenario(with_reps(base + sweep), "sweep.toml"), {});
  ASSERT_EQ(swept.variants.size(), 4u);
  EXPECT_EQ(swept.variants[3].name, "sharing.savings_rate=0.6,simulation.trend=0.03");
  std::string single = with_reps(base);
  single.replace(single.find("savings_rate = 0.5"), 18, "savings_rate = 0.6");
  single.replace(single.find("seed = 7"), 8, "seed = 7\ntrend = 0.03");
  const Results one = simulate(scenario::parse_scenario(single, "single.toml"), {});
  EXPECT_EQ(swept.variants[3].contract_portfolio.mean, one.variants[0].contract_portfolio.mean);
  EXPECT_EQ(swept.variants[3].headline.mean, one.variants[0].headline.mean);
  // Variants 0 and 2 differ only in the sharing rate: same benchmarks on the same tallies.
  const auto& a = swept.variants[0].contract_portfolio;
  const auto& b = swept.variants[2].contract_portfolio;
  EXPECT_EQ(a.mean[a.index(a.quantity("benchmark"), 0, 2)],
            b.mean[b.index(b.quantity("benchmark"), 0, 2)]);
}

}  // namespace
}  // namespace apmsim::run
