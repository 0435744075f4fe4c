// Exact sums and moments: correctly rounded, and the same bits whatever the order or grouping of
// the terms (what makes shards, MPI ranks and resumed runs reproduce a single run).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "stats/exact_sum.hpp"

namespace apmsim::stats {
namespace {

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// Values with a wide dynamic range and both signs, where naive summation depends on the order.
std::vector<double> awkward_values(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<int> e(-30, 30);
  std::vector<double> v(n);
  for (double& x : v) {
    const double mantissa = u(rng);  // two statements: argument order is unspecified
    x = std::ldexp(mantissa, e(rng)) + 1e4;
  }
  return v;
}

TEST(ExactSum, CorrectlyRounded) {
  ExactSum s;
  for (double x : {1e100, 1.0, -1e100, 1e-100}) s.add(x);
  EXPECT_EQ(s.value(), 1.0);  // naive: 1e-100
  ExactSum t;
  for (int i = 0; i < 10; ++i) t.add(0.1);
  EXPECT_EQ(t.value(), 1.0);  // fsum([0.1] * 10) == 1.0; naive gives 0.9999999999999999
  // Half-way case: 1 + 2^-53 + 2^-106 rounds up to 1 + 2^-52 (ties-to-even would not).
  ExactSum h;
  for (double x : {1.0, std::ldexp(1.0, -53), std::ldexp(1.0, -106)}) h.add(x);
  EXPECT_EQ(h.value(), 1.0 + std::ldexp(1.0, -52));
  ExactSum empty;
  EXPECT_EQ(empty.value(), 0.0);
}

TEST(ExactSum, SameBitsInAnyOrderAndGrouping) {
  std::vector<double> v = awkward_values(5000, 1);
  ExactSum forward;
  for (double x : v) forward.add(x);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(v.begin(), v.end(), rng);
    // Three groups summed separately, then merged.
    ExactSum a, b, c;
    for (std::size_t i = 0; i < v.size(); ++i) (i < 1000 ? a : i < 3100 ? b : c).add(v[i]);
    c.add(a);
    c.add(b);
    EXPECT_EQ(bits(c.value()), bits(forward.value()));
    double hi1, lo1, hi2, lo2;
    c.split(hi1, lo1);
    forward.split(hi2, lo2);
    EXPECT_EQ(bits(hi1), bits(hi2));
    EXPECT_EQ(bits(lo1), bits(lo2));
  }
}

TEST(ExactSum, OverflowIsReported) {
  ExactSum s;
  EXPECT_THROW(s.add(INFINITY), OverflowError);
  s.add(1.7e308);
  EXPECT_THROW(s.add(1.7e308), OverflowError);
  EXPECT_THROW(s.assign({1.0, NAN}), std::invalid_argument);
}

TEST(ExactMoments, AgreesWithTwoPassAndIgnoresOrder) {
  std::vector<double> v = awkward_values(2000, 3);
  v.push_back(NAN);  // skipped
  ExactMoments m;
  for (double x : v) m.add(x);
  long double mean = 0.0L, ss = 0.0L;
  std::size_t n = 0;
  for (double x : v)
    if (!std::isnan(x)) mean += x, ++n;
  mean /= n;
  for (double x : v)
    if (!std::isnan(x)) ss += (x - mean) * (x - mean);
  EXPECT_EQ(m.count(), n);
  // mean() = round(sum) / n: within an ulp or two of the exact mean.
  EXPECT_NEAR(m.mean() / static_cast<double>(mean), 1.0, 5e-16);
  EXPECT_NEAR(m.variance() / static_cast<double>(ss / (n - 1)), 1.0, 1e-12);

  std::mt19937 rng(11);
  std::shuffle(v.begin(), v.end(), rng);
  ExactMoments a, b;
  for (std::size_t i = 0; i < v.size(); ++i) (i % 3 ? a : b).add(v[i]);
  b.add(a);
  EXPECT_EQ(bits(b.mean()), bits(m.mean()));
  EXPECT_EQ(bits(b.variance()), bits(m.variance()));
  EXPECT_EQ(bits(b.standard_error()), bits(m.standard_error()));
}

TEST(ExactMoments, ConstantsHaveZeroVarianceAndLargeOffsetsKeepPrecision) {
  ExactMoments c;
  for (int i = 0; i < 100; ++i) c.add(0.1);
  EXPECT_EQ(c.variance(), 0.0);
  EXPECT_EQ(c.mean(), 0.1);
  // Mean 1e9, SD 1: naive sum of squares loses everything; double-double keeps it.
  ExactMoments big;
  for (int i = 0; i < 1000; ++i) big.add(1e9 + (i % 2 ? 1.0 : -1.0));
  EXPECT_NEAR(big.variance(), 1000.0 / 999.0, 1e-9);
  EXPECT_TRUE(std::isnan(ExactMoments().mean()));
  ExactMoments one;
  one.add(2.0);
  EXPECT_TRUE(std::isnan(one.standard_error()));
  EXPECT_THROW(one.add(-INFINITY), OverflowError);
  EXPECT_THROW(one.add(1e200), OverflowError);  // its square overflows
}

TEST(ExactMoments, SavedStateRestores) {
  ExactMoments m;
  for (double x : awkward_values(300, 5)) m.add(x);
  ExactMoments r;
  r.assign(m.count(), m.min(), m.max(), m.sum().partials(), m.sum_squares().partials());
  EXPECT_EQ(bits(r.mean()), bits(m.mean()));
  EXPECT_EQ(bits(r.variance()), bits(m.variance()));
  EXPECT_THROW(r.assign(3, 2.0, 1.0, {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace apmsim::stats
