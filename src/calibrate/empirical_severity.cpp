#include "calibrate/empirical_severity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "calibrate/bounded_minimum.hpp"

namespace apmsim::calibrate {
namespace {

//! Grimshaw's profile log-likelihood of a generalised Pareto at theta = xi / sigma.
struct GpdProfile {
  const std::vector<double>& y;
  const std::vector<double>& w;
  double total;
  double xi(double theta) const {
    if (std::fabs(theta) < 1e-300) return 0.0;
    double s = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) s += w[i] * std::log1p(theta * y[i]);
    return s / total;
  }
  double log_likelihood(double theta, double mean) const {
    const double x = xi(theta);
    if (std::fabs(x) < 1e-9) return -total * std::log(mean) - total;  // exponential
    const double sigma = x / theta;
    if (!(sigma > 0.0)) return -std::numeric_limits<double>::infinity();
    return -total * std::log(sigma) - total * (1.0 + x);
  }
};

//! The generalised Pareto maximum likelihood with xi in [-0.5, 0.95].
void fit_gpd(const std::vector<double>& y, const std::vector<double>& w, double& sigma,
             double& xi) {
  double total = 0.0, sum = 0.0, largest = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    total += w[i];
    sum += w[i] * y[i];
    largest = std::max(largest, y[i]);
  }
  const double mean = sum / total;
  const GpdProfile profile{y, w, total};
  // theta on both sides of 0 (theta > -1 / max y), then Brent around the best point.
  std::vector<double> grid;
  for (int k = 1; k <= 60; ++k) grid.push_back(-(1.0 - std::pow(10.0, -k / 10.0)) / largest);
  grid.push_back(0.0);
  for (int k = -60; k <= 40; ++k) grid.push_back(std::pow(10.0, k / 10.0) / mean);
  std::sort(grid.begin(), grid.end());
  std::size_t best = 0;
  double best_l = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < grid.size(); ++k) {
    const double l = profile.log_likelihood(grid[k], mean);
    if (l > best_l) {
      best_l = l;
      best = k;
    }
  }
  const double lo = grid[best > 0 ? best - 1 : 0], hi = grid[std::min(best + 1, grid.size() - 1)];
  const double theta = bounded_minimum(
      [&](double theta) { return -profile.log_likelihood(theta, mean); }, lo, hi, 40);
  xi = profile.xi(theta);
  sigma = std::fabs(xi) < 1e-9 ? mean : xi / theta;
  if (xi > 0.95 || xi < -0.5) {
    // Keep xi inside what the engine takes; sigma by maximum likelihood at that xi.
    xi = std::clamp(xi, -0.5, 0.95);
    const auto neg = [&](double log_sigma) {
      const double s = std::exp(log_sigma);
      double l = -total * log_sigma;
      for (std::size_t i = 0; i < y.size(); ++i) {
        const double t = 1.0 + xi * y[i] / s;
        if (t <= 0.0) return std::numeric_limits<double>::infinity();
        l -= w[i] * (1.0 + 1.0 / xi) * std::log(t);
      }
      return -l;
    };
    const double floor = xi < 0.0 ? std::log(-xi * largest) + 1e-9 : std::log(mean) - 10.0;
    sigma = std::exp(bounded_minimum(neg, floor, std::log(mean) + 10.0, 40));
  }
  if (std::fabs(xi) < 1e-9) xi = 0.0;
}

}  // namespace

EmpiricalSeverity fit_empirical(const WeightedSample& s, int knots, double tail_fraction) {
  EmpiricalSeverity e;
  const std::size_t n = s.cost.size();
  std::size_t k =
      std::max<std::size_t>(50, static_cast<std::size_t>(std::llround(tail_fraction * n)));
  const bool tail = k <= n / 4;
  const double p_tail = tail ? 1.0 - static_cast<double>(k) / static_cast<double>(n) : 1.0;
  knots = std::clamp(knots, 2, 4095);
  std::vector<double> p(static_cast<std::size_t>(knots) + 1), q(p.size());
  for (int j = 0; j <= knots; ++j) {
    const double u = static_cast<double>(j) / knots;
    // Denser towards the top, where costs spread out: p_tail (1 - (1 - u)^2).
    p[static_cast<std::size_t>(j)] = p_tail * (1.0 - (1.0 - u) * (1.0 - u));
    q[static_cast<std::size_t>(j)] = s.quantile(p[static_cast<std::size_t>(j)]);
  }
  p.front() = 0.0;
  q.front() = s.cost.front();
  if (!tail) q.back() = s.cost.back();
  for (std::size_t j = 1; j < q.size(); ++j) q[j] = std::max(q[j], q[j - 1]);
  double sigma = 0.0, xi = 0.0;
  if (tail) {
    std::vector<double> y, w;
    for (std::size_t i = 0; i < n; ++i)
      if (s.cost[i] > q.back()) {
        y.push_back(s.cost[i] - q.back());
        w.push_back(s.weight[i]);
      }
    if (y.size() < 10) {
      // Ties at the top: no tail to fit; the largest cost closes the table.
      p.back() = 1.0;
      q.back() = s.cost.back();
    } else {
      fit_gpd(y, w, sigma, xi);
      double sw = 0.0, sw2 = 0.0;
      for (double v : w) {
        sw += v;
        sw2 += v * v;
      }
      const double effective = sw * sw / sw2;
      e.tail_count = y.size();
      e.tail_shape_se = (1.0 + xi) / std::sqrt(effective);
      e.tail_scale_se = sigma * std::sqrt(2.0 * (1.0 + xi) / effective);
    }
  }
  e.tail_threshold = q.back();
  e.table = stats::QuantileTable(p, q, sigma, xi);
  return e;
}

CostSummary summarize(const stats::QuantileTable& t, const std::vector<double>& thresholds,
                      const std::vector<double>& levels) {
  CostSummary c;
  c.mean = t.mean();
  c.cv = std::sqrt(std::max(0.0, t.second_moment() - c.mean * c.mean)) / c.mean;
  for (double p : levels) c.percentiles.push_back(t.quantile(p));
  for (double a : thresholds) c.limited.push_back(t.limited_mean(a));
  return c;
}

}  // namespace apmsim::calibrate
