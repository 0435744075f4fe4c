// Benchmark calibration: bias, sd, rmse and correlations of each method on hand-made errors, and
// the optimal blend weight against w* = (var_h - cov) / (var_h + var_r - 2 cov) on synthetic
// records built to have known error variances and covariance.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analysis/benchmark.hpp"
#include "hand_records.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::find_table;
using handmade::HandRecords;
using handmade::mean_of;
using handmade::se_of;

scenario::Contract blend_contract(double regional_weight) {
  scenario::Contract contract;
  contract.present = true;
  contract.years.resize(2);
  for (auto& terms : contract.years) terms.benchmark.regional_weight = regional_weight;
  return contract;
}

// Two replications of the same four provider-years (providers 0-1, years 1-2), and a third
// provider without units (its errors are NaN and must be left out):
//   efficiency  eff   =  1,  0, -1,  0     historical h = 0.05 + 0.2 eff
//   shock       shock =  0,  1,  0, -1     regional   g = -0.02 + 0.1 shock
// eff and shock have mean 0, mean square 1/2 and are orthogonal, so every moment is by hand.
struct MethodWorld {
  HandRecords hand{2, 3, 2};
  MethodWorld() {
    const double eff[4] = {1, 0, -1, 0}, shock[4] = {0, 1, 0, -1};
    for (std::uint64_t rep = 0; rep < 2; ++rep) {
      for (int i = 0; i < 4; ++i) {
        const std::size_t p = static_cast<std::size_t>(i / 2);
        const int y = i % 2;
        hand.at(rep, p, y, c::kEfficiency) = eff[i];
        hand.at(rep, p, y, c::kRegionShock) = shock[i];
        hand.at(rep, p, y, c::kHistoricalError) = 0.05 + 0.2 * eff[i];
        hand.at(rep, p, y, c::kRegionalError) = -0.02 + 0.1 * shock[i];
      }
      for (int y = 0; y < 2; ++y) {
        hand.at(rep, 2, y, c::kHistoricalError) = std::nan("");
        hand.at(rep, 2, y, c::kRegionalError) = std::nan("");
        hand.at(rep, 2, y, c::kEfficiency) = 5;  // would spoil every correlation if counted
      }
    }
  }
};

TEST(BenchmarkMethods, BiasSdRmseAndCorrelationsByHand) {
  const MethodWorld world;
  const auto tables = benchmark_analysis(world.hand.view(2), blend_contract(0.25));
  const EstimateTable* t = find_table(tables, "methods");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows,
            (std::vector<std::string>{"historical", "regional", "blend_w=0.25", "optimal_blend"}));
  const std::size_t all = 2;  // columns: performance years 1, 2, then all
  const double n = 8;         // provider-years with units
  // An error a + b eff + d shock has mean a, population variance (b^2 + d^2) / 2,
  // sd = sqrt(variance x n / (n - 1)), rmse = sqrt(a^2 + variance), corr with eff b / sqrt(b^2
  // + d^2) and with shock d / sqrt(b^2 + d^2).
  const auto expect_method = [&](std::size_t row, double a, double b, double d) {
    const double variance = (b * b + d * d) / 2;
    EXPECT_NEAR(mean_of(*t, "bias", row, all), a, 1e-14) << t->rows[row];
    EXPECT_NEAR(mean_of(*t, "sd", row, all), std::sqrt(variance * n / (n - 1)), 1e-14);
    EXPECT_NEAR(mean_of(*t, "rmse", row, all), std::sqrt(a * a + variance), 1e-14);
    EXPECT_NEAR(mean_of(*t, "corr_efficiency", row, all), b / std::sqrt(b * b + d * d), 1e-14);
    EXPECT_NEAR(mean_of(*t, "corr_region_shock", row, all), d / std::sqrt(b * b + d * d), 1e-14);
    EXPECT_EQ(se_of(*t, "bias", row, all), 0) << "both replications are the same";
  };
  expect_method(0, 0.05, 0.2, 0.0);
  expect_method(1, -0.02, 0.0, 0.1);
  expect_method(2, 0.75 * 0.05 + 0.25 * -0.02, 0.75 * 0.2, 0.25 * 0.1);
  // Uncentred: w* = E[h (h - g)] / E[(h - g)^2], h - g = 0.07 + 0.2 eff - 0.1 shock:
  // E[h (h - g)] = 0.05 x 0.07 + 0.2 x 0.2 / 2 = 0.0235, E[(h - g)^2] = 0.0049 + 0.02 + 0.005.
  const double w = 0.0235 / 0.0299;
  expect_method(3, (1 - w) * 0.05 + w * -0.02, (1 - w) * 0.2, w * 0.1);
  const EstimateTable* weight = find_table(tables, "optimal_weight");
  ASSERT_NE(weight, nullptr);
  EXPECT_NEAR(mean_of(*weight, "optimal_weight", 0, all), w, 1e-14);
  EXPECT_EQ(se_of(*weight, "optimal_weight", 0, all), 0);
  // No blend has a smaller rmse than the optimal one.
  for (std::size_t row = 0; row < 3; ++row)
    EXPECT_LE(mean_of(*t, "rmse", 3, all), mean_of(*t, "rmse", row, all));
}

TEST(BenchmarkMethods, PerformanceYearColumnsSeeOnlyTheirYear) {
  const MethodWorld world;
  const auto tables = benchmark_analysis(world.hand.view(2), blend_contract(0.25));
  const EstimateTable& t = *find_table(tables, "methods");
  // Year 1 holds the provider-years eff = 1 and -1 (shock 0): h = 0.25, -0.15; g = -0.02 twice.
  EXPECT_NEAR(mean_of(t, "bias", 0, 0), 0.05, 1e-14);
  EXPECT_NEAR(mean_of(t, "rmse", 0, 0), std::sqrt((0.25 * 0.25 + 0.15 * 0.15) / 2), 1e-14);
  EXPECT_NEAR(mean_of(t, "bias", 1, 0), -0.02, 1e-14);
  EXPECT_TRUE(std::isnan(mean_of(t, "corr_efficiency", 1, 0))) << "a constant error";
}

// h = a z1 and g = b z1 + c z2 with z1, z2 orthogonal, mean 0 and equal mean squares s^2:
// var_h = a^2 s^2, var_r = (b^2 + c^2) s^2, cov = a b s^2, exactly, so the weight minimising the
// blend's error is w* = (var_h - cov) / (var_h + var_r - 2 cov) to rounding.
TEST(BenchmarkOptimalWeight, KnownVariancesAndCovarianceByConstruction) {
  const double a = 0.10, b = 0.02, c_ = 0.05;
  HandRecords hand(3, 4, 1);
  const double z1[4] = {1, -1, 1, -1}, z2[4] = {1, 1, -1, -1};
  for (std::uint64_t rep = 0; rep < 3; ++rep)
    for (std::size_t p = 0; p < 4; ++p) {
      hand.at(rep, p, 0, c::kHistoricalError) = a * z1[p];
      hand.at(rep, p, 0, c::kRegionalError) = b * z1[p] + c_ * z2[p];
    }
  const double var_h = a * a, var_r = b * b + c_ * c_, cov = a * b;
  const double w = (var_h - cov) / (var_h + var_r - 2 * cov);  // 0.008 / 0.0089
  const RecordView view = hand.view(3);
  const stats::Estimate e = optimal_weight_estimate(view, view.everyone());
  EXPECT_NEAR(e.value, w, 1e-14);
  EXPECT_NEAR(e.se, 0, 1e-14);
  const auto tables = benchmark_analysis(view, blend_contract(0.5));
  EXPECT_EQ(mean_of(*find_table(tables, "optimal_weight"), "optimal_weight", 0, 1), e.value);
}

// Random errors with sd_h = 10%, sd_r = 6% and correlation 0.3 (w* = 0.6571): the estimate from
// 4000 provider-years lies within 4 batch-means standard errors of w*. With 20 batches the SE
// itself is estimated to about 16%, and the t(19) probability beyond 4 is below 1e-3; the seed
// is fixed, so the test is deterministic.
TEST(BenchmarkOptimalWeight, RandomErrorsWithinFourStandardErrors) {
  const double sd_h = 0.10, sd_r = 0.06, rho = 0.3;
  const double cov = rho * sd_h * sd_r;
  const double w = (sd_h * sd_h - cov) / (sd_h * sd_h + sd_r * sd_r - 2 * cov);
  HandRecords hand(400, 10, 1);
  std::mt19937_64 engine(20261201);
  const auto normal = [&engine] {
    const double u = (static_cast<double>(engine() >> 11) + 0.5) * 0x1p-53;
    return stats::normal_quantile(u);
  };
  for (std::uint64_t rep = 0; rep < 400; ++rep)
    for (std::size_t p = 0; p < 10; ++p) {
      const double z1 = normal(), z2 = normal();
      hand.at(rep, p, 0, c::kHistoricalError) = sd_h * z1;
      hand.at(rep, p, 0, c::kRegionalError) = sd_r * (rho * z1 + std::sqrt(1 - rho * rho) * z2);
    }
  const RecordView view = hand.view(20);
  const stats::Estimate e = optimal_weight_estimate(view, view.everyone());
  EXPECT_NEAR(e.value, w, 4 * e.se) << "se " << e.se;
  // Delta-method scale of the error: about 0.017 for 4000 pairs.
  EXPECT_GT(e.se, 0.005);
  EXPECT_LT(e.se, 0.05);
}

}  // namespace
}  // namespace apmsim::analysis
