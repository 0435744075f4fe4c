// Accuracy of the model's elementary functions against double-precision libm, and agreement of
// the scalar and 8/16-lane policies bit for bit (the model must round alike on every path).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "model/math.hpp"
#include "model/random.hpp"
#include "model/unit.hpp"

namespace apmsim::model {
namespace {

using S = ScalarLanes;
using V8 = VectorLanes<8>;
using V16 = VectorLanes<16>;
constexpr double kUlp = 5.96e-8;  // 2^-24, half an ulp of 1 in float

double rel_err(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

TEST(Math, ExpWithinFourUlp) {
  double worst = 0.0;
  for (double x = -87.0; x <= 88.0; x += 0.000731) {
    const float xf = static_cast<float>(x);
    worst = std::max(worst, rel_err(exp_approx<S>(xf), std::exp(double(xf))));
  }
  EXPECT_LT(worst, 8 * kUlp) << "worst relative error " << worst;
}

TEST(Math, LogWithinFourUlpAbsoluteNearOne) {
  double worst = 0.0;
  std::mt19937 mt(5);
  for (int i = 0; i < 400000; ++i) {
    const float x =
        std::ldexp(1.0f + (mt() >> 9) * 1.1920929e-07f, static_cast<int>(mt() % 200) - 100);
    const double want = std::log(double(x));
    // Near x = 1 the log is tiny: measure against max(|log x|, 1) as libm does in ulps of 1.
    worst = std::max(worst, std::fabs(log_approx<S>(x) - want) / std::max(1.0, std::fabs(want)));
  }
  EXPECT_LT(worst, 8 * kUlp) << "worst error " << worst;
}

TEST(Math, SinCosOfTurnsWithinFourUlp) {
  double worst = 0.0;
  for (int k = 0; k < (1 << 23); k += 7) {
    const float u = (k + 0.5f) * 1.1920928955078125e-07f;
    float s, c;
    sincos_2pi<S>(u, s, c);
    const double a = 2.0 * M_PI * double(u);
    worst = std::max({worst, std::fabs(s - std::sin(a)), std::fabs(c - std::cos(a))});
  }
  EXPECT_LT(worst, 8 * kUlp) << "worst absolute error " << worst;
}

TEST(Math, UniformIsExactHalfGridNeverZeroOrOne) {
  const std::uint32_t words[] = {0u, 1u, 511u, 512u, 0x80000000u, 0xfffffdffu, 0xffffffffu};
  for (std::uint32_t w : words) {
    const float u = uniform<S>(w);
    const double want = ((w >> 9) + 0.5) / 8388608.0;
    EXPECT_EQ(double(u), want) << w;
    EXPECT_GT(u, 0.0f);
    EXPECT_LT(u, 1.0f);
  }
}

template <class V>
void expect_lanes_equal_scalar() {
  std::mt19937 mt(11);
  for (int rep = 0; rep < 2000; ++rep) {
    typename V::F x, u;
    typename V::U bits;
    for (int l = 0; l < V::width; ++l) {
      x[l] = std::ldexp(static_cast<float>(mt()) / 4294967296.0f - 0.5f, 8);  // [-128, 128)
      bits[l] = static_cast<std::uint32_t>(mt());
      u[l] = uniform<S>(bits[l]);
    }
    const auto e = exp_approx<V>(x);
    const auto g = log_approx<V>(u);
    const auto un = uniform<V>(bits);
    typename V::F s, c, z0, z1;
    sincos_2pi<V>(u, s, c);
    box_muller<V>(u, un, z0, z1);
    for (int l = 0; l < V::width; ++l) {
      float ss, cs, a0, a1;
      sincos_2pi<S>(u[l], ss, cs);
      box_muller<S>(u[l], un[l], a0, a1);
      ASSERT_EQ(e[l], exp_approx<S>(x[l]));
      ASSERT_EQ(g[l], log_approx<S>(u[l]));
      ASSERT_EQ(un[l], uniform<S>(bits[l]));
      ASSERT_EQ(s[l], ss);
      ASSERT_EQ(c[l], cs);
      ASSERT_EQ(z0[l], a0);
      ASSERT_EQ(z1[l], a1);
    }
  }
}

TEST(Math, EightLanesBitIdenticalToScalar) { expect_lanes_equal_scalar<V8>(); }
TEST(Math, SixteenLanesBitIdenticalToScalar) { expect_lanes_equal_scalar<V16>(); }

// Box-Muller normals: mean 0, variance 1, kurtosis 3, from 2^20 pairs. With n = 2^21 normals the
// standard errors are 1/sqrt(n) = 6.9e-4 (mean), sqrt(2/n) = 9.8e-4 (variance) and
// sqrt(96/n) = 6.8e-3 (fourth moment); tolerances are 5 standard errors.
TEST(Math, BoxMullerMoments) {
  double m1 = 0, m2 = 0, m4 = 0;
  const int pairs = 1 << 20;
  for (int i = 0; i < pairs; ++i) {
    const auto b = philox4x32_10<S>(Philox4<S>{std::uint32_t(i), 0, 0, 0}, 7, 9);
    float z0, z1;
    box_muller<S>(uniform<S>(b.x), uniform<S>(b.y), z0, z1);
    for (double z : {double(z0), double(z1)}) {
      m1 += z;
      m2 += z * z;
      m4 += z * z * z * z;
    }
  }
  const double n = 2.0 * pairs;
  EXPECT_NEAR(m1 / n, 0.0, 5 * 6.9e-4);
  EXPECT_NEAR(m2 / n, 1.0, 5 * 9.8e-4);
  EXPECT_NEAR(m4 / n, 3.0, 5 * 6.8e-3);
}

// The fourth uniform of a word triplet (from low bits) is uniform on the same grid and
// uncorrelated with the triplet's top-bit uniforms. n = 2^21: the mean's standard error is
// sqrt(1/12/n) = 2.0e-4, a correlation's about 1/sqrt(n) = 6.9e-4, and a 64-bin chi-square
// (63 degrees of freedom) exceeds 110 with probability below 1e-4.
TEST(Math, LowBitUniformsAreUniformAndIndependent) {
  const int n = 1 << 21;
  double sum = 0, sum2 = 0, cross0 = 0, cross2 = 0;
  std::vector<int> bins(64, 0);
  for (int i = 0; i < n; ++i) {
    const auto b = philox4x32_10<S>(Philox4<S>{std::uint32_t(i), 17, 0, 0}, 3, 5);
    const double low = low_bits_uniform<S>(b.x, b.y, b.z);
    const double top0 = uniform<S>(b.x), top2 = uniform<S>(b.z);
    sum += low;
    sum2 += low * low;
    cross0 += (low - 0.5) * (top0 - 0.5);
    cross2 += (low - 0.5) * (top2 - 0.5);
    ++bins[static_cast<int>(low * 64)];
  }
  EXPECT_NEAR(sum / n, 0.5, 4 * 2.0e-4);
  EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 4 * 1.0 / 12 * std::sqrt(0.8 / n) * 2);
  EXPECT_NEAR(cross0 / n * 12, 0.0, 4 * 6.9e-4);
  EXPECT_NEAR(cross2 / n * 12, 0.0, 4 * 6.9e-4);
  double chi2 = 0;
  for (int c : bins) chi2 += (c - n / 64.0) * (c - n / 64.0) / (n / 64.0);
  EXPECT_LT(chi2, 110.0);
}

}  // namespace
}  // namespace apmsim::model
