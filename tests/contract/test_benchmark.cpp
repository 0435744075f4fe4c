// Benchmark arithmetic against hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>

#include "contract/benchmark.hpp"

namespace apmsim::contract {
namespace {

// Baseline years 0, 1, 2 at 10,000 / 10,400 / 10,816 (4% growth), weights 10/30/60, assumed
// trend 4%: every trended year equals 10,000 * 1.04^3 in performance year 3.
TEST(Benchmark, HistoricalWeightsTrendEachYearForward) {
  const std::vector<double> cost{10000.0, 10400.0, 10816.0};
  EXPECT_NEAR(historical_benchmark(cost, {0.1, 0.3, 0.6}, 0.04, 3), 10000.0 * std::pow(1.04, 3),
              1e-9);
  // Assumed trend 2% while costs grew 4%: the weights matter.
  const double expected =
      0.1 * 10000.0 * std::pow(1.02, 3) + 0.3 * 10400.0 * std::pow(1.02, 2) + 0.6 * 10816.0 * 1.02;
  EXPECT_NEAR(historical_benchmark(cost, {0.1, 0.3, 0.6}, 0.02, 3), expected, 1e-9);
  EXPECT_NEAR(historical_benchmark(cost, {1.0, 3.0, 6.0}, 0.02, 3), expected, 1e-9);  // normalised
  EXPECT_THROW(historical_benchmark(cost, {0.5, 0.5}, 0.0, 3), std::invalid_argument);
}

// Observed trend, baseline years 0-2, performance year 4 (L = 2). National cost per unit 100,
// 104, 108, 111, 115.44; regional 200, 210, 214.2, 220, 231. National weight 0.25:
//   g(a -> c) = 0.25 N_c / N_a + 0.75 R_c / R_a,  factor(b) = g(b -> 2) * g(2 -> 4).
TEST(Benchmark, ObservedTrendBlendsNationalAndRegionalGrowth) {
  scenario::BenchmarkTerms t;
  t.observed_trend = true;
  t.trend_national_weight = 0.25;
  const CostPaths paths{{100.0, 104.0, 108.0, 111.0, 115.44}, {200.0, 210.0, 214.2, 220.0, 231.0}};
  const Trend trend(t, paths, 3, 4);
  const double update = 0.25 * 115.44 / 108.0 + 0.75 * 231.0 / 214.2;
  EXPECT_NEAR(trend.update(), update, 1e-15);
  EXPECT_NEAR(trend.factor(0), (0.25 * 1.08 + 0.75 * 1.071) * update, 1e-15);
  EXPECT_NEAR(trend.factor(1), (0.25 * 108.0 / 104.0 + 0.75 * 214.2 / 210.0) * update, 1e-15);
  EXPECT_NEAR(trend.factor(2), update, 1e-15);
  // Weights 0.2 / 0.3 / 0.5 on baseline costs 1,000 / 1,050 / 1,100.
  const std::vector<double> cost{1000.0, 1050.0, 1100.0};
  EXPECT_NEAR(historical_benchmark(cost, {0.2, 0.3, 0.5}, trend),
              0.2 * 1000.0 * trend.factor(0) + 0.3 * 1050.0 * trend.factor(1) +
                  0.5 * 1100.0 * trend.factor(2),
              1e-9);
  // National only (MSSP before 2019): the national ratio, whatever the region did.
  t.trend_national_weight = 1.0;
  EXPECT_NEAR(Trend(t, paths, 3, 4).factor(0), 1.1544, 1e-15);
}

// MSSP agreements from 2024: the update is 1/3 ACPT + 2/3 the observed blend; BY1 and BY2 are
// still trended to BY3 by the blend alone. ACPT 4.5%, two years after BY3.
TEST(Benchmark, AcptUpdateIsOneThirdOfTheUpdate) {
  scenario::BenchmarkTerms t;
  t.observed_trend = true;
  t.prospective_trend = 0.045;
  t.prospective_weight = 1.0 / 3.0;
  const CostPaths paths{{100.0, 104.0, 108.0, 111.0, 115.44}, {}};
  const Trend trend(t, paths, 3, 4);
  const double update = std::pow(1.045, 2) / 3.0 + 2.0 / 3.0 * 115.44 / 108.0;
  EXPECT_NEAR(trend.update(), update, 1e-15);
  EXPECT_NEAR(trend.factor(0), 1.08 * update, 1e-15);
}

// REACH: a prospective trend of 3% a year, corrected to the observed one when they differ by
// more than 1% (the retrospective trend adjustment), kept when within the corridor.
TEST(Benchmark, RetrospectiveTrendAdjustmentBeyondTheCorridor) {
  scenario::BenchmarkTerms t;
  t.observed_trend = true;
  t.prospective_trend = 0.03;
  t.prospective_weight = 1.0;
  t.trend_corridor = 0.01;
  // Observed 6% in one year: 1.03 / 1.06 - 1 = -2.8%, outside: the observed factor.
  EXPECT_NEAR(Trend(t, CostPaths{{100.0, 106.0}, {}}, 1, 1).update(), 1.06, 1e-15);
  // Observed 3.5%: 1.03 / 1.035 - 1 = -0.48%, inside: the prospective factor stands.
  EXPECT_NEAR(Trend(t, CostPaths{{100.0, 103.5}, {}}, 1, 1).update(), 1.03, 1e-15);
  // Without a corridor the prospective trend always stands.
  t.trend_corridor = scenario::kNoLimit;
  EXPECT_NEAR(Trend(t, CostPaths{{100.0, 106.0}, {}}, 1, 1).update(), 1.03, 1e-15);
}

// The assumed trend through Trend gives the same bits as before the blends: one power.
TEST(Benchmark, AssumedTrendIsOnePower) {
  scenario::BenchmarkTerms t;
  t.assumed_trend = 0.037;
  const CostPaths none;
  const Trend trend(t, none, 3, 5);
  EXPECT_EQ(trend.factor(0), std::pow(1.037, 5));
  EXPECT_EQ(trend.update(), std::pow(1.037, 3));
}

TEST(Benchmark, RiskAdjustmentCapsGrowthOnly) {
  EXPECT_DOUBLE_EQ(risk_adjustment(1.02, 1.0, 0.03), 1.02);
  EXPECT_DOUBLE_EQ(risk_adjustment(1.10, 1.0, 0.03), 1.03);  // coding intensity capped
  EXPECT_DOUBLE_EQ(risk_adjustment(0.95, 1.0, 0.03), 0.95);  // falls pass through
}

TEST(Benchmark, Blend) {
  EXPECT_DOUBLE_EQ(blended_benchmark(100.0, 120.0, 0.0), 100.0);
  EXPECT_DOUBLE_EQ(blended_benchmark(100.0, 120.0, 1.0), 120.0);
  EXPECT_DOUBLE_EQ(blended_benchmark(100.0, 120.0, 1.0 / 3.0), 100.0 * 2.0 / 3.0 + 120.0 / 3.0);
}

//! A provider-year with flat baseline costs and risk scores of 1 everywhere.
ProviderYear flat_year(double own_cost, double regional_cost, int baseline_years) {
  ProviderYear year;
  year.year = baseline_years;
  year.units = 100;
  year.risk_per_unit = year.regional_risk_per_unit = 1.0;
  year.regional_cost_per_unit = regional_cost;
  year.baseline.cost_per_unit.assign(static_cast<std::size_t>(baseline_years), own_cost);
  year.baseline.regional_cost_per_unit.assign(static_cast<std::size_t>(baseline_years),
                                              regional_cost);
  year.baseline.risk_per_unit = year.baseline.regional_risk_per_unit = 1.0;
  return year;
}

// CJR-like: 2/3 the provider's own history + 1/3 regional, 3% discount, replaced by 1.5% at a
// quality score of 0.7 and 1% at 0.9.
TEST(Benchmark, CjrBlendWithQualityTieredDiscount) {
  scenario::BenchmarkTerms t;
  t.method = scenario::BenchmarkMethod::Blend;
  t.regional_weight = 1.0 / 3.0;
  t.baseline_weights = {0.5, 0.5};
  t.discount = 0.03;
  t.quality_discount = {{0.9, 0.01}, {0.7, 0.015}};
  const ProviderYear year = flat_year(30000.0, 27000.0, 2);
  const RiskAdjustment risk = adjust_for_risk(t, year);
  const CostPaths none;
  const MethodBenchmarks m = method_benchmarks(t, year.baseline.cost_per_unit,
                                               year.regional_cost_per_unit, risk, Trend(t, none, 2, 2));
  EXPECT_NEAR(method_benchmark(t, m), 29000.0, 1e-9);
  EXPECT_DOUBLE_EQ(discount_in_force(t, 0.5), 0.03);
  EXPECT_DOUBLE_EQ(discount_in_force(t, 0.75), 0.015);
  EXPECT_DOUBLE_EQ(discount_in_force(t, 0.95), 0.01);  // the highest tier reached, any order
}

// Risk scores up 5% against a 3% cap: the historical benchmark rises 3%; the regional one is the
// region's cost per unit of risk times the provider's capped risk.
TEST(Benchmark, RiskAdjustmentOfBothMethods) {
  scenario::BenchmarkTerms t;
  t.baseline_weights = {1.0};
  t.risk_growth_cap = 0.03;
  ProviderYear year = flat_year(100.0, 120.0, 1);
  year.risk_per_unit = 1.05;
  year.baseline.risk_per_unit = 1.0;
  year.regional_risk_per_unit = 1.2;
  const RiskAdjustment risk = adjust_for_risk(t, year);
  EXPECT_DOUBLE_EQ(risk.factor, 1.03);
  EXPECT_DOUBLE_EQ(risk.case_mix, 1.03 / 1.2);
  const CostPaths none;
  const MethodBenchmarks m = method_benchmarks(t, year.baseline.cost_per_unit,
                                               year.regional_cost_per_unit, risk, Trend(t, none, 1, 1));
  EXPECT_NEAR(m.historical, 103.0, 1e-12);
  EXPECT_NEAR(m.regional, 120.0 * 1.03 / 1.2, 1e-12);
  EXPECT_DOUBLE_EQ(method_benchmark(t, m), m.historical);
  t.method = scenario::BenchmarkMethod::Regional;
  EXPECT_DOUBLE_EQ(method_benchmark(t, m), m.regional);
  t.risk_adjust = false;
  EXPECT_DOUBLE_EQ(adjust_for_risk(t, year).factor, 1.0);
  EXPECT_DOUBLE_EQ(adjust_for_risk(t, year).case_mix, 1.0);
}

// Baseline 900 per unit against a region at 1,000: half the 11.1% gap is added back; a provider
// above its region is not adjusted.
TEST(Benchmark, EfficiencyAdjustmentRaisesEfficientProviders) {
  scenario::BenchmarkTerms t;
  t.baseline_weights = {0.5, 0.5};
  t.efficiency_adjustment = 0.5;
  const ProviderYear efficient = flat_year(900.0, 1000.0, 2);
  EXPECT_NEAR(efficiency_adjusted(t, 950.0, efficient.baseline), 950.0 * (1 + 0.5 * 100.0 / 900.0),
              1e-9);
  const ProviderYear costly = flat_year(1100.0, 1000.0, 2);
  EXPECT_DOUBLE_EQ(efficiency_adjusted(t, 950.0, costly.baseline), 950.0);
  t.efficiency_adjustment = 0.0;
  EXPECT_DOUBLE_EQ(efficiency_adjusted(t, 950.0, efficient.baseline), 950.0);
}

}  // namespace
}  // namespace apmsim::contract
