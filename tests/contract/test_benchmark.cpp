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

TEST(Benchmark, RiskAdjustmentCapsGrowthOnly) {
  EXPECT_DOUBLE_EQ(risk_adjustment(1.02, 1.0, 0.03), 1.02);
  EXPECT_DOUBLE_EQ(risk_adjustment(1.10, 1.0, 0.03), 1.03);  // coding intensity capped
  EXPECT_DOUBLE_EQ(risk_adjustment(0.95, 1.0, 0.03), 0.95);  // falls pass through
}

TEST(Benchmark, BlendRiskAndDiscount) {
  EXPECT_DOUBLE_EQ(blended_benchmark(100.0, 120.0, 0.0), 100.0);
  EXPECT_DOUBLE_EQ(blended_benchmark(100.0, 120.0, 1.0), 120.0);
  EXPECT_DOUBLE_EQ(blended_benchmark(100.0, 120.0, 1.0 / 3.0), 100.0 * 2.0 / 3.0 + 120.0 / 3.0);
  // CJR-like: 2/3 provider + 1/3 regional, 3% discount.
  EXPECT_NEAR(contract_benchmark(30000.0, 27000.0, 1.0 / 3.0, 1.0, 0.03), 29000.0 * 0.97, 1e-9);
  EXPECT_NEAR(contract_benchmark(100.0, 100.0, 0.5, 1.03, 0.0), 103.0, 1e-12);
}

}  // namespace
}  // namespace apmsim::contract
