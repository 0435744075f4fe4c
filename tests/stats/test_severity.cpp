// Empirical severities' closed forms against numerical integration: the quantile table's mean,
// second moment and limited means E[min(X, a)] against the integral of min(Q(p), a) over p, its
// CDF against its quantile function, and the engine's normal-score grid against the table it
// tabulates (they differ only by linear interpolation in normal scores).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "stats/severity.hpp"

namespace apmsim {
namespace {

//! A skewed body with a heavy generalised Pareto tail above the 98th percentile.
stats::QuantileTable heavy_table() {
  return stats::QuantileTable({0.0, 0.2, 0.5, 0.8, 0.9, 0.98}, {50.0, 400.0, 1500.0, 5000.0, 9000.0, 30000.0},
                              12000.0, 0.35);
}

//! The integral of f(Q(p)) over p in [0, 1]: Simpson on the body's segments, and on the tail
//! in the variable t = -ln((1 - p) / (1 - p_K)) (the tail's integrand decays like e^-(1-xi) t).
double integrate_quantile(const stats::QuantileTable& q, double (*f)(double, double), double a) {
  double sum = 0.0;
  const auto& p = q.probabilities();
  const auto simpson = [](auto g, double lo, double hi, int n) {
    const double h = (hi - lo) / n;
    double s = g(lo) + g(hi);
    for (int i = 1; i < n; ++i) s += g(lo + i * h) * (i % 2 ? 4.0 : 2.0);
    return s * h / 3.0;
  };
  for (std::size_t j = 0; j + 1 < p.size(); ++j)
    sum += simpson([&](double u) { return f(q.quantile(u), a); }, p[j], p[j + 1], 2000);
  if (q.has_tail()) {
    // Q at 1 - (1 - p_K) e^-t, written out (1 - tiny would round to 1 in p).
    const double width = q.tail_probability(), xi = q.tail_shape(), sigma = q.tail_scale();
    const double top = q.quantiles().back();
    const auto tail_quantile = [&](double t) {
      return xi == 0.0 ? top + sigma * t : top + sigma / xi * std::expm1(xi * t);
    };
    sum += simpson([&](double t) { return f(tail_quantile(t), a) * width * std::exp(-t); }, 0.0,
                   90.0, 400000);
  }
  return sum;
}

double identity(double x, double) { return x; }
double square(double x, double) { return x * x; }
double limited(double x, double a) { return std::min(x, a); }

TEST(Severity, TableMomentsEqualTheIntegralOfTheQuantileFunction) {
  const stats::QuantileTable q = heavy_table();
  EXPECT_NEAR(q.mean(), integrate_quantile(q, identity, 0.0), 1e-6 * q.mean());
  EXPECT_NEAR(q.second_moment(), integrate_quantile(q, square, 0.0), 1e-5 * q.second_moment());
  for (double a : {10.0, 50.0, 700.0, 5000.0, 29000.0, 30000.0, 45000.0, 250000.0, 1e7})
    EXPECT_NEAR(q.limited_mean(a), integrate_quantile(q, limited, a), 1e-6 * q.mean()) << a;
}

TEST(Severity, ExponentialAndBoundedTails) {
  for (double xi : {0.0, -0.4}) {
    const stats::QuantileTable q({0.0, 0.5, 0.95}, {100.0, 1000.0, 8000.0}, 4000.0, xi);
    EXPECT_NEAR(q.mean(), integrate_quantile(q, identity, 0.0), 1e-6 * q.mean()) << xi;
    for (double a : {500.0, 9000.0, 20000.0})
      EXPECT_NEAR(q.limited_mean(a), integrate_quantile(q, limited, a), 1e-6 * q.mean()) << xi;
  }
  // Without a tail the largest cost is the last quantile.
  const stats::QuantileTable bounded({0.0, 0.5, 1.0}, {0.0, 10.0, 30.0});
  EXPECT_DOUBLE_EQ(bounded.mean(), 0.5 * 5.0 + 0.5 * 20.0);
  EXPECT_DOUBLE_EQ(bounded.limited_mean(10.0), 0.5 * 5.0 + 0.5 * 10.0);
  EXPECT_DOUBLE_EQ(bounded.quantile(1.0), 30.0);
}

TEST(Severity, CdfInvertsTheQuantileFunction) {
  const stats::QuantileTable q = heavy_table();
  for (double p : {0.0001, 0.1, 0.35, 0.5, 0.85, 0.97, 0.98, 0.985, 0.999, 0.9999999})
    EXPECT_NEAR(q.cdf(q.quantile(p)), p, 1e-12) << p;
  EXPECT_EQ(q.cdf(10.0), 0.0);
}

TEST(Severity, RefusesBadTables) {
  EXPECT_THROW(stats::QuantileTable({0.0}, {1.0}), std::invalid_argument);
  EXPECT_THROW(stats::QuantileTable({0.1, 1.0}, {1.0, 2.0}), std::invalid_argument);
  EXPECT_THROW(stats::QuantileTable({0.0, 0.5, 0.5}, {1.0, 2.0, 3.0}), std::invalid_argument);
  EXPECT_THROW(stats::QuantileTable({0.0, 1.0}, {2.0, 1.0}), std::invalid_argument);
  EXPECT_THROW(stats::QuantileTable({0.0, 0.9}, {1.0, 2.0}), std::invalid_argument);  // no tail
  EXPECT_THROW(stats::QuantileTable({0.0, 0.9}, {1.0, 2.0}, 1.0, 1.0), std::invalid_argument);
}

// The grid is the table evaluated at normal scores and interpolated linearly: its moments are
// the table's within the interpolation error (about (h g'/g)^2 / 8, h = 12/2048), far below any
// Monte Carlo standard error; and the grid's own closed forms are what the engine samples.
TEST(Severity, ScoreGridAgreesWithItsTable) {
  const stats::QuantileTable q = heavy_table();
  const stats::ScoreGrid g(q, 2048, 6.0);
  ASSERT_EQ(g.values().size(), 2049u);
  EXPECT_NEAR(g.mean(), q.mean(), 2e-4 * q.mean());
  for (double a : {100.0, 1000.0, 5000.0, 9000.0, 30000.0, 100000.0})
    EXPECT_NEAR(g.limited_mean(a), q.limited_mean(a), 2e-4 * q.limited_mean(a)) << a;
  EXPECT_FLOAT_EQ(g.values().front(), static_cast<float>(q.quantile(1e-9)));
}

}  // namespace
}  // namespace apmsim
