#include "stats/severity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/statistics.hpp"

namespace apmsim::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

//! E[min(Y, b)] for Y ~ GPD(sigma, xi), b >= 0 (b = inf: the mean).
double gpd_limited_mean(double sigma, double xi, double b) {
  if (b <= 0.0) return 0.0;
  if (std::fabs(xi) < 1e-12) return sigma * (std::isinf(b) ? 1.0 : -std::expm1(-b / sigma));
  if (xi < 0.0) b = std::min(b, -sigma / xi);  // bounded support
  if (std::isinf(b)) return sigma / (1.0 - xi);
  // sigma / (1 - xi) (1 - (1 + xi b / sigma)^(1 - 1/xi))
  const double z = std::log1p(xi * b / sigma);
  return sigma / (1.0 - xi) * -std::expm1((1.0 - 1.0 / xi) * z);
}

//! E[Y^2] for Y ~ GPD(sigma, xi): 2 sigma^2 / ((1 - xi)(1 - 2 xi)) for xi < 1/2.
double gpd_second_moment(double sigma, double xi) {
  if (xi >= 0.5) return kInf;
  return 2.0 * sigma * sigma / ((1.0 - xi) * (1.0 - 2.0 * xi));
}

//! P(Y > y) for Y ~ GPD(sigma, xi).
double gpd_survival(double sigma, double xi, double y) {
  if (y <= 0.0) return 1.0;
  if (std::fabs(xi) < 1e-12) return std::exp(-y / sigma);
  const double t = 1.0 + xi * y / sigma;
  if (t <= 0.0) return 0.0;
  return std::exp(-std::log(t) / xi);
}

//! Standard normal density.
double normal_density(double x) { return std::exp(-0.5 * x * x) * 0.39894228040143267794; }

}  // namespace

QuantileTable::QuantileTable(std::vector<double> probabilities, std::vector<double> quantiles,
                             double tail_scale, double tail_shape)
    : p_(std::move(probabilities)), q_(std::move(quantiles)), sigma_(tail_scale), xi_(tail_shape) {
  if (p_.size() < 2) throw std::invalid_argument("an empirical severity needs at least 2 knots");
  if (p_.size() != q_.size())
    throw std::invalid_argument("probabilities and quantiles must have the same length (" +
                                std::to_string(p_.size()) + " and " + std::to_string(q_.size()) +
                                ")");
  if (p_.front() != 0.0) throw std::invalid_argument("the first probability must be 0");
  for (std::size_t j = 1; j < p_.size(); ++j) {
    if (!(p_[j] > p_[j - 1]))
      throw std::invalid_argument("probabilities must increase (knot " + std::to_string(j) + ")");
    if (!(q_[j] >= q_[j - 1]))
      throw std::invalid_argument("quantiles must not decrease (knot " + std::to_string(j) + ")");
  }
  if (!(p_.back() <= 1.0)) throw std::invalid_argument("the last probability must be <= 1");
  if (!(q_.front() >= 0.0)) throw std::invalid_argument("quantiles must be >= 0 (costs)");
  if (has_tail()) {
    if (!(sigma_ > 0.0)) throw std::invalid_argument("a tail needs tail_scale > 0");
    if (!(xi_ < 1.0)) throw std::invalid_argument("tail_shape must be < 1 (a finite mean)");
  }
}

double QuantileTable::quantile(double p) const {
  if (p <= 0.0) return q_.front();
  if (p <= p_.back()) {
    const auto it = std::upper_bound(p_.begin(), p_.end(), p);
    const std::size_t j = std::min<std::size_t>(static_cast<std::size_t>(it - p_.begin()), p_.size() - 1);
    const std::size_t i = j - 1;
    return q_[i] + (q_[j] - q_[i]) * (p - p_[i]) / (p_[j] - p_[i]);
  }
  const double v = (1.0 - p) / tail_probability();  // survival within the tail, in (0, 1)
  if (v <= 0.0) return xi_ < 0.0 ? q_.back() - sigma_ / xi_ : kInf;
  if (std::fabs(xi_) < 1e-12) return q_.back() - sigma_ * std::log(v);
  return q_.back() + sigma_ / xi_ * std::expm1(-xi_ * std::log(v));
}

double QuantileTable::cdf(double x) const {
  if (x < q_.front()) return 0.0;
  if (x >= q_.back()) {
    if (!has_tail()) return 1.0;
    return 1.0 - tail_probability() * gpd_survival(sigma_, xi_, x - q_.back());
  }
  // The largest p with Q(p) <= x: the last segment whose lower end is <= x.
  for (std::size_t j = q_.size() - 1; j-- > 0;) {
    if (q_[j] <= x) {
      if (q_[j + 1] == q_[j]) return p_[j + 1];
      return p_[j] + (p_[j + 1] - p_[j]) * (x - q_[j]) / (q_[j + 1] - q_[j]);
    }
  }
  return 0.0;
}

double QuantileTable::limited_mean(double a) const {
  double sum = 0.0;
  for (std::size_t j = 0; j + 1 < p_.size(); ++j) {
    const double dp = p_[j + 1] - p_[j], lo = q_[j], hi = q_[j + 1];
    if (hi <= a) {
      sum += dp * (lo + hi) / 2.0;
    } else if (lo >= a) {
      sum += dp * a;
    } else {  // the segment crosses a at the fraction f of its probability
      const double f = (a - lo) / (hi - lo);
      sum += dp * (f * (lo + a) / 2.0 + (1.0 - f) * a);
    }
  }
  if (has_tail()) {
    const double top = q_.back();
    sum += tail_probability() *
           (a <= top ? a : top + gpd_limited_mean(sigma_, xi_, a - top));
  }
  return sum;
}

double QuantileTable::mean() const { return limited_mean(kInf); }

double QuantileTable::second_moment() const {
  double sum = 0.0;
  for (std::size_t j = 0; j + 1 < p_.size(); ++j) {
    const double lo = q_[j], hi = q_[j + 1];
    sum += (p_[j + 1] - p_[j]) * (lo * lo + lo * hi + hi * hi) / 3.0;
  }
  if (has_tail()) {
    const double top = q_.back();
    const double m1 = gpd_limited_mean(sigma_, xi_, kInf), m2 = gpd_second_moment(sigma_, xi_);
    sum += tail_probability() * (top * top + 2.0 * top * m1 + m2);
  }
  return sum;
}

ScoreGrid::ScoreGrid(const QuantileTable& table, int cells, double limit)
    : table_(table), g_(static_cast<std::size_t>(cells) + 1), limit_(limit) {
  for (int j = 0; j <= cells; ++j) {
    const double w = -limit + 2.0 * limit * j / cells;
    // Q(Phi(w)), with the upper half through 1 - Phi(w) = Phi(-w) (accurate near 1).
    const double p = w <= 0.0 ? normal_cdf(w) : 1.0 - normal_cdf(-w);
    g_[static_cast<std::size_t>(j)] = static_cast<float>(table.quantile(p));
  }
}

double ScoreGrid::limited_mean(double a) const {
  const std::size_t cells = g_.size() - 1;
  const double h = 2.0 * limit_ / static_cast<double>(cells);
  // Below the grid: g(w_0).
  double sum = normal_cdf(-limit_) * std::min<double>(g_.front(), a);
  for (std::size_t j = 0; j < cells; ++j) {
    const double w0 = -limit_ + h * static_cast<double>(j), w1 = w0 + h;
    const double g0 = g_[j], g1 = g_[j + 1];
    // Integral of (c0 + c1 w) phi(w) over [lo, hi].
    const auto linear = [](double c0, double c1, double lo, double hi) {
      return c0 * (normal_cdf(hi) - normal_cdf(lo)) + c1 * (normal_density(lo) - normal_density(hi));
    };
    const double slope = (g1 - g0) / h, intercept = g0 - slope * w0;
    if (g1 <= a) {
      sum += linear(intercept, slope, w0, w1);
    } else if (g0 >= a) {
      sum += a * (normal_cdf(w1) - normal_cdf(w0));
    } else {
      const double cross = w0 + (a - g0) / slope;
      sum += linear(intercept, slope, w0, cross) + a * (normal_cdf(w1) - normal_cdf(cross));
    }
  }
  // Above the grid: the table's tail (the engine's series for 1 - Phi is within 3e-4 of it, on
  // a probability of 1e-9).
  const double p_top = 1.0 - normal_cdf(-limit_);
  const double tail_mass = normal_cdf(-limit_);
  if (!table_.has_tail() || table_.probabilities().back() >= p_top) {
    sum += tail_mass * std::min<double>(g_.back(), a);
  } else {
    // E[min(Q(U), a); U > p_top] = E[min(X, a)] - E[min(X, a); U <= p_top], over the tail only:
    // the tail above p_top is the GPD tail's own tail, so the limited mean of a GPD excess.
    const double q_top = table_.quantile(p_top);
    if (a <= q_top) {
      sum += tail_mass * a;
    } else {
      // Given U > p_top, X - q_top is GPD(sigma + xi (q_top - q_K), xi).
      const double sigma = table_.tail_scale() +
                           table_.tail_shape() * (q_top - table_.quantiles().back());
      sum += tail_mass * (q_top + gpd_limited_mean(sigma, table_.tail_shape(), a - q_top));
    }
  }
  return sum;
}

double ScoreGrid::mean() const { return limited_mean(kInf); }

}  // namespace apmsim::stats
