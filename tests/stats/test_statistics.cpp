// Statistics library: normal and Student t quantiles against reference values, empirical VaR/TVaR
// on hand-computed and large exponential samples, moments, correlation, blend weights, and the
// batch-means / plain-mean Monte Carlo estimates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "stats/statistics.hpp"

namespace apmsim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> one_to_hundred_shuffled() {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  std::mt19937_64 rng(17);
  std::shuffle(v.begin(), v.end(), rng);
  return v;
}

std::vector<double> normal_sample(std::size_t n, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(0.0, sd);
  std::vector<double> v(n);
  for (double& x : v) x = dist(rng);
  return v;
}

// Mean of x[first, first + count).
double slice_mean(const std::vector<double>& x, std::uint64_t first, std::uint64_t count) {
  double s = 0.0;
  for (std::uint64_t i = first; i < first + count; ++i) s += x[i];
  return s / static_cast<double>(count);
}

// --- normal -----------------------------------------------------------------------------------

TEST(NormalCdf, KnownValues) {
  EXPECT_DOUBLE_EQ(normal_cdf(0.0), 0.5);
  EXPECT_NEAR(normal_cdf(1.959963984540054), 0.975, 1e-15);
  EXPECT_NEAR(normal_cdf(-10.0) / 7.6198530241605261e-24, 1.0, 1e-13);  // accurate lower tail
  EXPECT_NEAR(normal_cdf(3.0) + normal_cdf(-3.0), 1.0, 1e-15);
}

TEST(NormalQuantile, KnownValues) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(normal_quantile(0.025), -1.959963984540054, 1e-13);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_NEAR(normal_quantile(0.999), 3.0902323061678135, 1e-13);
  EXPECT_NEAR(normal_quantile(0.3), -0.52440051270804078, 1e-13);
  EXPECT_NEAR(normal_quantile(1e-10), -6.3613409024040562, 1e-12);
}

TEST(NormalQuantile, RoundTripWithCdf) {
  for (double p : {1e-300, 1e-50, 1e-12, 1e-6, 0.001, 0.02, 0.02425, 0.03, 0.2, 0.5, 0.7, 0.97,
                   0.999, 1.0 - 1e-9}) {
    const double x = normal_quantile(p);
    const double back = p < 0.5 ? normal_cdf(x) : 1.0 - normal_cdf(x);
    const double target = p < 0.5 ? p : 1.0 - p;
    EXPECT_NEAR(back / target, 1.0, 1e-12) << "p = " << p;
  }
  for (double x = -8.0; x <= 8.0; x += 0.25) {
    const double p = normal_cdf(x);
    if (p <= 0.0 || p >= 1.0) continue;
    // Near 1, p = Phi(x) is only known to an absolute 1.1e-16, worth 1.1e-16 / density in x.
    const double density = std::exp(-0.5 * x * x) / 2.5066282746310002;
    EXPECT_NEAR(normal_quantile(p), x, 1e-12 + 2.3e-16 / density) << "x = " << x;
  }
}

TEST(NormalQuantile, RejectsOutsideOpenUnitInterval) {
  EXPECT_THROW(normal_quantile(0.0), std::invalid_argument);
  EXPECT_THROW(normal_quantile(1.0), std::invalid_argument);
  EXPECT_THROW(normal_quantile(-0.5), std::invalid_argument);
  EXPECT_THROW(normal_quantile(kNaN), std::invalid_argument);
}

// --- Student t --------------------------------------------------------------------------------

TEST(StudentTQuantile, TableValues) {
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706204736, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.302652730, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 3), 3.182446305, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.776445105, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.995, 5), 4.032142984, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.9, 10), 1.372183641, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 19), 2.093024054, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.042272456, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 1000), 1.962339081, 1e-8);
}

TEST(StudentTQuantile, ClosedFormsAndSymmetry) {
  EXPECT_NEAR(student_t_quantile(0.75, 1), 1.0, 1e-14);                   // Cauchy quartile
  EXPECT_NEAR(student_t_quantile(0.9, 2), 0.8 / std::sqrt(0.18), 1e-14);  // (2p-1)/sqrt(2p(1-p))
  EXPECT_EQ(student_t_quantile(0.5, 7), 0.0);
  for (int df : {1, 2, 3, 5, 19, 1000, 200000})
    for (double p : {0x1p-30, 0x1p-7, 0.25, 0.4375})  // 1 - p exact for these
      EXPECT_NEAR(student_t_quantile(p, df), -student_t_quantile(1.0 - p, df),
                  1e-9 * std::max(1.0, std::fabs(student_t_quantile(p, df))))
          << "df = " << df << " p = " << p;
}

TEST(StudentTQuantile, ApproachesNormalForLargeDf) {
  const double z = normal_quantile(0.975);
  const double t1000 = student_t_quantile(0.975, 1000);
  EXPECT_GT(t1000, z);
  EXPECT_LT(t1000 - z, 0.003);
  // Monotone in df and continuous across the switch to the Cornish-Fisher series (df = 1e5).
  const double below = student_t_quantile(0.975, 99999);
  const double at = student_t_quantile(0.975, 100000);
  EXPECT_GT(below, at);
  EXPECT_GT(at, z);
  EXPECT_NEAR(below - at, 2.372e-10, 5e-12);  // d t / d df ~ -(z^3 + z) / (4 df^2)
  EXPECT_NEAR(student_t_quantile(0.975, 2147483647) - z, (z * z * z + z) / 4.0 / 2147483647.0,
              1e-13);
}

TEST(StudentTQuantile, RejectsBadArguments) {
  EXPECT_THROW(student_t_quantile(0.0, 5), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(1.0, 5), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.9, 0), std::invalid_argument);
}

// --- VaR / TVaR -------------------------------------------------------------------------------

TEST(ValueAtRisk, OneToHundred) {
  const std::vector<double> v = one_to_hundred_shuffled();
  // n (1 - p) = 5: the 5 worst outcomes 96..100.
  EXPECT_EQ(value_at_risk(v, 0.95), 95.0);
  EXPECT_DOUBLE_EQ(tail_value_at_risk(v, 0.95), 98.0);
  // n (1 - p) = 2.5 (fractional): VaR = 98, TVaR = (99 + 100 + 98 * 0.5) / 2.5 = 99.2.
  EXPECT_EQ(value_at_risk(v, 0.975), 98.0);
  EXPECT_DOUBLE_EQ(tail_value_at_risk(v, 0.975), 99.2);
  // n (1 - p) = 50: mean of 51..100.
  EXPECT_EQ(value_at_risk(v, 0.5), 50.0);
  EXPECT_DOUBLE_EQ(tail_value_at_risk(v, 0.5), 75.5);
  // p n = 7 must not round up to rank 8 (0.07 * 100 = 7.000000000000001 in double).
  EXPECT_EQ(value_at_risk(v, 0.07), 7.0);
  // n (1 - p) = 0.1 < 1: TVaR = VaR = the maximum.
  EXPECT_EQ(value_at_risk(v, 0.999), 100.0);
  EXPECT_EQ(tail_value_at_risk(v, 0.999), 100.0);
}

TEST(ValueAtRisk, TiesAtTheQuantile) {
  const std::vector<double> v = {2.0, 5.0, 1.0, 2.0, 2.0};
  // p = 0.5: rank ceil(2.5) = 3 -> VaR 2; worst 2.5 outcomes 5, 2, half a 2 -> 8 / 2.5 = 3.2.
  EXPECT_EQ(value_at_risk(v, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(tail_value_at_risk(v, 0.5), 3.2);
  // p = 0.6: rank 3 -> VaR 2; worst 2 outcomes 5, 2 -> 3.5.
  EXPECT_EQ(value_at_risk(v, 0.6), 2.0);
  EXPECT_DOUBLE_EQ(tail_value_at_risk(v, 0.6), 3.5);
  // p = 0.2: rank 1 -> VaR 1; worst 4 outcomes 5, 2, 2, 2 -> 2.75.
  EXPECT_EQ(value_at_risk(v, 0.2), 1.0);
  EXPECT_DOUBLE_EQ(tail_value_at_risk(v, 0.2), 2.75);
}

TEST(ValueAtRisk, ExponentialSample) {
  std::mt19937_64 rng(20240611);
  std::exponential_distribution<double> dist(1.0);
  std::vector<double> v(200000);
  for (double& x : v) x = dist(rng);
  const double var = value_at_risk(v, 0.99);
  const double tvar = tail_value_at_risk(v, 0.99);
  EXPECT_NEAR(var / std::log(100.0), 1.0, 0.03);
  EXPECT_NEAR(tvar / (1.0 + std::log(100.0)), 1.0, 0.03);
  EXPECT_GT(tvar, var);
}

// VaR's se: sqrt(p (1-p) / n) x the sparsity (L_b - L_a) / ((b - a) / n) at ranks
// a, b = ceil(n (p -/+ h)), Hall-Sheather's h = n^(-1/3) 1.96^(2/3) (1.5 phi(z)^2 / (2 z^2 +
// 1))^(1/3). On the squares L_k = k^2, k = 1..200, the sparsity is (a + b) n. h by hand (scipy):
// 0.0592 at 90% (ranks 169, 192), 0.0363 at 95% (183, 198), 0.0120 at 99% (196, 200: p + h
// clamped); and on 24 values at 99% h = 0.024 reaches past the sample on both sides of rank 24:
// ranks 23, 24.
TEST(ValueAtRisk, HallSheatherSparsityStandardError) {
  std::vector<double> squares;
  for (int k = 1; k <= 200; ++k) squares.push_back(static_cast<double>(k) * k);
  const std::tuple<double, double, double> cases[] = {
      {0.90, 169, 192}, {0.95, 183, 198}, {0.99, 196, 200}};
  for (const auto& [p, a, b] : cases) {
    const Estimate e = value_at_risk_estimate(squares, p);
    EXPECT_NEAR(e.se, (a + b) * 200 * std::sqrt(p * (1 - p) / 200), 1e-9) << p;
  }
  std::vector<double> few(squares.begin(), squares.begin() + 24);
  EXPECT_NEAR(value_at_risk_estimate(few, 0.99).se,
              (24.0 * 24 - 23.0 * 23) * 24 * std::sqrt(0.99 * 0.01 / 24), 1e-9);
}

TEST(ValueAtRisk, RejectsBadArguments) {
  EXPECT_THROW(value_at_risk({}, 0.9), std::invalid_argument);
  EXPECT_THROW(value_at_risk({1.0, 2.0}, 0.0), std::invalid_argument);
  EXPECT_THROW(tail_value_at_risk({1.0, 2.0}, 1.0), std::invalid_argument);
  EXPECT_THROW(tail_value_at_risk({1.0, kNaN}, 0.5), std::invalid_argument);
}

// --- moments, correlation, blend --------------------------------------------------------------

TEST(Moments, MeanAndStandardDeviation) {
  EXPECT_DOUBLE_EQ(mean({1.0, 2.0, 3.0, 4.0}), 2.5);
  EXPECT_DOUBLE_EQ(standard_deviation({1.0, 2.0, 3.0, 4.0}), std::sqrt(5.0 / 3.0));
  EXPECT_EQ(standard_deviation({3.0}), 0.0);
  EXPECT_EQ(standard_deviation({}), 0.0);
  EXPECT_TRUE(std::isnan(mean({})));
}

// Kurtosis m4 / m2^2: {0, 0, 0, 4} has deviations -1, -1, -1, 3: m2 = 3, m4 = 21, 21 / 9.
TEST(Moments, Kurtosis) {
  EXPECT_NEAR(stats::kurtosis({0, 0, 0, 4}), 21.0 / 9, 1e-15);
  EXPECT_NEAR(stats::kurtosis({-1, 1, -1, 1}), 1.0, 1e-15);
  EXPECT_TRUE(std::isnan(stats::kurtosis({2, 2})));
  EXPECT_TRUE(std::isnan(stats::kurtosis({})));
}

// The jackknife se of the sd from the leave-one-out identity equals a brute-force jackknife
// (every sd without one value, recomputed), and the value is the sample sd.
TEST(StandardDeviationEstimate, JackknifeEqualsBruteForce) {
  std::mt19937_64 rng(5);
  std::lognormal_distribution<double> draw(0.0, 1.0);
  std::vector<double> x(300);
  for (double& v : x) v = draw(rng);
  const stats::Estimate e = stats::standard_deviation_estimate(x);
  std::vector<double> without;
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> rest = x;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
    without.push_back(stats::standard_deviation(rest));
  }
  const double n = static_cast<double>(x.size()), average = stats::mean(without);
  double spread = 0;
  for (double s : without) spread += (s - average) * (s - average);
  EXPECT_EQ(e.value, stats::standard_deviation(x));
  EXPECT_NEAR(e.se, std::sqrt((n - 1) / n * spread), 1e-10 * e.se);
  EXPECT_TRUE(std::isnan(stats::standard_deviation_estimate({1, 2}).se));
}

TEST(PearsonCorrelation, LinearAndKnownValues) {
  const std::vector<double> x = {1.0, 2.0, 3.0, 4.0, 5.0};
  std::vector<double> up, down;
  for (double v : x) {
    up.push_back(3.0 * v + 2.0);
    down.push_back(-0.5 * v + 1.0);
  }
  EXPECT_DOUBLE_EQ(pearson_correlation(x, up), 1.0);
  EXPECT_DOUBLE_EQ(pearson_correlation(x, down), -1.0);
  EXPECT_DOUBLE_EQ(pearson_correlation(x, {2.0, 1.0, 4.0, 3.0, 5.0}), 0.8);  // 8 / sqrt(10 * 10)
}

TEST(PearsonCorrelation, DegenerateIsNaN) {
  EXPECT_TRUE(std::isnan(pearson_correlation({1.0, 2.0, 3.0}, {4.0, 4.0, 4.0})));
  EXPECT_TRUE(std::isnan(pearson_correlation({1.0, 2.0, 3.0}, {1.0, 2.0})));
  EXPECT_TRUE(std::isnan(pearson_correlation({1.0}, {2.0})));
}

TEST(OptimalBlendWeight, RecoversInverseVarianceWeight) {
  // h ~ N(0, a = 4), g ~ N(0, b = 1) independent: the minimiser is a / (a + b) = 0.8.
  const std::size_t n = 200000;
  const std::vector<double> h = normal_sample(n, 2.0, 1);
  const std::vector<double> g = normal_sample(n, 1.0, 2);
  const double w = optimal_blend_weight(h, g);
  EXPECT_NEAR(w, 0.8, 0.01);
  // It is the exact minimiser on the sample.
  auto objective = [&](double u) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double b = (1.0 - u) * h[i] + u * g[i];
      s += b * b;
    }
    return s / static_cast<double>(n);
  };
  EXPECT_LT(objective(w), objective(w - 0.01));
  EXPECT_LT(objective(w), objective(w + 0.01));
}

TEST(OptimalBlendWeight, HandComputedAndDegenerate) {
  // h = (2, 0), g = (0, 1): sum h(h-g) = 4, sum (h-g)^2 = 5.
  EXPECT_DOUBLE_EQ(optimal_blend_weight({2.0, 0.0}, {0.0, 1.0}), 0.8);
  EXPECT_TRUE(std::isnan(optimal_blend_weight({1.0, 2.0}, {1.0, 2.0})));
  EXPECT_TRUE(std::isnan(optimal_blend_weight({1.0, 2.0}, {1.0})));
}

// --- batch means / mean estimate --------------------------------------------------------------

TEST(BatchMeans, StandardErrorOfSampleMean) {
  const std::uint64_t n = 100000;
  const std::vector<double> x = normal_sample(n, 1.0, 99);
  const Estimate e = batch_means(
      n, 20, [&](std::uint64_t first, std::uint64_t count) { return slice_mean(x, first, count); });
  EXPECT_DOUBLE_EQ(e.value, mean(x));
  EXPECT_NEAR(e.se * std::sqrt(static_cast<double>(n)), 1.0, 0.3);
  const double half = student_t_quantile(0.975, 19) * e.se;
  EXPECT_DOUBLE_EQ(e.ci_low, e.value - half);
  EXPECT_DOUBLE_EQ(e.ci_high, e.value + half);
}

TEST(BatchMeans, PartitionIsContiguousAndBalanced) {
  const std::vector<std::pair<std::uint64_t, int>> cases = {{103, 10}, {7, 3}, {100, 20}, {5, 20}};
  for (const auto& [n, batches] : cases) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
    batch_means(n, batches, [&](std::uint64_t first, std::uint64_t count) {
      calls.emplace_back(first, count);
      return static_cast<double>(first);
    });
    const std::uint64_t k = std::min<std::uint64_t>(static_cast<std::uint64_t>(batches), n);
    ASSERT_EQ(calls.size(), k + 1) << "n = " << n;
    EXPECT_EQ(calls[0], (std::pair<std::uint64_t, std::uint64_t>{0, n}));  // whole sample first
    std::uint64_t next = 0, smallest = n, largest = 0;
    for (std::size_t j = 1; j < calls.size(); ++j) {
      EXPECT_EQ(calls[j].first, next) << "n = " << n << " batch " << j - 1;
      EXPECT_GE(calls[j].second, 1u);
      next += calls[j].second;
      smallest = std::min(smallest, calls[j].second);
      largest = std::max(largest, calls[j].second);
      // Batch j covers [j n / K, (j + 1) n / K).
      EXPECT_EQ(calls[j].first, (j - 1) * n / k);
    }
    EXPECT_EQ(next, n);
    EXPECT_LE(largest - smallest, 1u);
  }
}

TEST(BatchMeans, MoreBatchesThanReplications) {
  const std::vector<double> x = {1.0, 2.0, 3.0, 4.0, 5.0};
  const Estimate e = batch_means(
      5, 20, [&](std::uint64_t first, std::uint64_t count) { return slice_mean(x, first, count); });
  // K = 5 batches of one: se = sd(x) / sqrt(5), t with 4 df.
  EXPECT_DOUBLE_EQ(e.value, 3.0);
  EXPECT_DOUBLE_EQ(e.se, std::sqrt(2.5) / std::sqrt(5.0));
  EXPECT_NEAR(e.ci_high, 3.0 + 2.776445105 * e.se, 1e-8);
}

TEST(BatchMeans, SkipsNaNBatches) {
  // n = 10 in 5 batches of 2; the batch starting at 2 has no value.
  const std::vector<double> x = {1.0, 3.0, 0.0, 0.0, 2.0, 4.0, 5.0, 7.0, 8.0, 10.0};
  const Estimate e = batch_means(10, 5, [&](std::uint64_t first, std::uint64_t count) {
    return first == 2 && count == 2 ? kNaN : slice_mean(x, first, count);
  });
  // Finite batch values 2, 3, 6, 9: mean 5, sd sqrt(10), K = 4, t with 3 df.
  EXPECT_DOUBLE_EQ(e.value, 4.0);
  EXPECT_DOUBLE_EQ(e.se, std::sqrt(10.0) / 2.0);
  EXPECT_NEAR(e.ci_low, 4.0 - 3.182446305 * e.se, 1e-8);
}

TEST(BatchMeans, NaNWholeValueAndDegenerateCases) {
  const Estimate nan_value = batch_means(
      10, 5, [](std::uint64_t, std::uint64_t count) { return count == 10 ? kNaN : 1.0; });
  EXPECT_TRUE(std::isnan(nan_value.value));
  EXPECT_TRUE(std::isnan(nan_value.se));
  EXPECT_TRUE(std::isnan(nan_value.ci_low));
  EXPECT_TRUE(std::isnan(nan_value.ci_high));

  // One batch (or only one finite batch value): a value but no standard error.
  const Estimate one = batch_means(10, 1, [](std::uint64_t, std::uint64_t) { return 2.0; });
  EXPECT_EQ(one.value, 2.0);
  EXPECT_TRUE(std::isnan(one.se));
  EXPECT_TRUE(std::isnan(one.ci_low));
  const Estimate one_finite = batch_means(10, 5, [](std::uint64_t first, std::uint64_t count) {
    return count == 10 || first == 4 ? 1.0 : kNaN;
  });
  EXPECT_EQ(one_finite.value, 1.0);
  EXPECT_TRUE(std::isnan(one_finite.se));

  // No replications: nothing to estimate, the estimator is not called.
  bool called = false;
  const Estimate none = batch_means(0, 5, [&](std::uint64_t, std::uint64_t) {
    called = true;
    return 1.0;
  });
  EXPECT_FALSE(called);
  EXPECT_TRUE(std::isnan(none.value));
  EXPECT_THROW(batch_means(10, 0, [](std::uint64_t, std::uint64_t) { return 1.0; }),
               std::invalid_argument);
}

TEST(MeanEstimate, MeanStandardErrorAndInterval) {
  const Estimate e = mean_estimate({1.0, 2.0, 3.0, 4.0});
  EXPECT_DOUBLE_EQ(e.value, 2.5);
  EXPECT_DOUBLE_EQ(e.se, std::sqrt(5.0 / 3.0) / 2.0);
  EXPECT_NEAR(e.ci_low, 2.5 - 3.182446305 * e.se, 1e-8);
  EXPECT_NEAR(e.ci_high, 2.5 + 3.182446305 * e.se, 1e-8);

  const Estimate single = mean_estimate({7.0});
  EXPECT_EQ(single.value, 7.0);
  EXPECT_TRUE(std::isnan(single.se));
  EXPECT_TRUE(std::isnan(mean_estimate({}).value));
}

}  // namespace
}  // namespace apmsim::stats
