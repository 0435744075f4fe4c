#include "calibrate/severity_fit.hpp"

#include <algorithm>
#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "stats/statistics.hpp"

namespace apmsim::calibrate {
namespace {

constexpr double kIqrToSd = 1.3489795003921634;  // 2 Phi^-1(0.75)
//! The add-on's Pareto shape is kept above 2: a finite variance, since provider-year variance
//! drives the risk analyses (the empirical form's tail is fitted freely).
constexpr double kMinShape = 2.05;

double normal_density(double z) { return 0.3989422804014327 * std::exp(-0.5 * z * z); }

//! Simpson's rule with n (even) intervals.
template <class F>
double simpson(F f, double lo, double hi, int n) {
  if (!(hi > lo)) return 0.0;
  const double h = (hi - lo) / n;
  double s = f(lo) + f(hi);
  for (int i = 1; i < n; ++i) s += f(lo + i * h) * (i % 2 ? 4.0 : 2.0);
  return s * h / 3.0;
}

//! P(C > x) for C ~ Pareto(c, alpha).
double pareto_survival(double c, double alpha, double x) {
  return x <= c ? 1.0 : std::pow(x / c, -alpha);
}

//! E[min(C, a)] for C ~ Pareto(c, alpha), alpha > 1.
double pareto_limited(double c, double alpha, double a) {
  if (a <= c) return std::max(a, 0.0);
  return c * alpha / (alpha - 1.0) - std::pow(c, alpha) * std::pow(a, 1.0 - alpha) / (alpha - 1.0);
}

double lognormal_survival(double mu, double s, double x) {
  if (x <= 0.0) return 1.0;
  return stats::normal_cdf(-(std::log(x) - mu) / s);
}

double lognormal_limited(double mu, double s, double a) {
  if (a <= 0.0) return 0.0;
  const double z = (std::log(a) - mu) / s;
  return std::exp(mu + 0.5 * s * s) * stats::normal_cdf(z - s) + a * stats::normal_cdf(-z);
}

//! P(X > x) for a unit with an add-on: X = B' + C, B' the body with probability p_any.
double addon_survival(const ParametricSeverity& f, double x) {
  const double c = f.cat_scale, alpha = f.cat_shape;
  double with_body = 1.0;
  if (x > c) {
    // The body's part b < x - c leaves C above x - b with probability ((x - b) / c)^-alpha.
    const double top = (std::log(x - c) - f.mu) / f.log_sd;
    with_body = lognormal_survival(f.mu, f.log_sd, x - c) +
                simpson(
                    [&](double z) {
                      const double b = std::exp(f.mu + f.log_sd * z);
                      return normal_density(z) * pareto_survival(c, alpha, x - b);
                    },
                    -12.0, std::min(top, 12.0), 400);
  }
  return (1.0 - f.p_any) * pareto_survival(c, alpha, x) + f.p_any * with_body;
}

double addon_limited(const ParametricSeverity& f, double a) {
  const double c = f.cat_scale, alpha = f.cat_shape;
  const double with_body = simpson(
      [&](double z) {
        const double b = std::exp(f.mu + f.log_sd * z);
        return normal_density(z) * (b >= a ? a : b + pareto_limited(c, alpha, a - b));
      },
      -12.0, 12.0, 800);
  return (1.0 - f.p_any) * pareto_limited(c, alpha, a) + f.p_any * with_body;
}

}  // namespace

// --- LogHistogram -----------------------------------------------------------------------

LogHistogram::LogHistogram(double low, double high, int bins)
    : low_(low), width_((high - low) / bins), counts_(static_cast<std::size_t>(bins), 0.0) {
  if (!(width_ > 0.0)) width_ = 1e-9;
}

void LogHistogram::add(double log_cost, double weight) {
  const double x = (log_cost - low_) / width_;
  const auto bins = static_cast<double>(counts_.size());
  const auto i = static_cast<std::size_t>(std::clamp(x, 0.0, bins - 1.0));
  counts_[i] += weight;
}

LogHistogram& LogHistogram::operator+=(const LogHistogram& o) {
  if (counts_.empty()) *this = LogHistogram(o.low_, o.low_ + o.width_ * o.counts_.size(), int(o.counts_.size()));
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  return *this;
}

LogHistogram& LogHistogram::operator-=(const LogHistogram& o) {
  for (std::size_t i = 0; i < counts_.size() && i < o.counts_.size(); ++i) counts_[i] -= o.counts_[i];
  return *this;
}

double LogHistogram::total() const { return std::accumulate(counts_.begin(), counts_.end(), 0.0); }

double LogHistogram::weight_below(double log_cost) const {
  const double x = (log_cost - low_) / width_;
  if (x <= 0.0) return 0.0;
  double below = 0.0;
  const auto full = std::min<std::size_t>(counts_.size(), static_cast<std::size_t>(x));
  for (std::size_t i = 0; i < full; ++i) below += counts_[i];
  if (full < counts_.size()) below += counts_[full] * (x - static_cast<double>(full));
  return below;
}

double LogHistogram::quantile(double level) const {
  const double target = level * total();
  double below = 0.0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (below + counts_[i] >= target && counts_[i] > 0.0)
      return low_ + width_ * (static_cast<double>(i) + (target - below) / counts_[i]);
    below += counts_[i];
  }
  return low_ + width_ * static_cast<double>(counts_.size());
}

SeverityStats& SeverityStats::operator+=(const SeverityStats& o) {
  weight += o.weight;
  sum += o.sum;
  sum_squares += o.sum_squares;
  tail_weight += o.tail_weight;
  tail_log += o.tail_log;
  far_weight += o.far_weight;
  histogram += o.histogram;
  return *this;
}

SeverityStats& SeverityStats::operator-=(const SeverityStats& o) {
  weight -= o.weight;
  sum -= o.sum;
  sum_squares -= o.sum_squares;
  tail_weight -= o.tail_weight;
  tail_log -= o.tail_log;
  far_weight -= o.far_weight;
  histogram -= o.histogram;
  return *this;
}

// --- Parametric form ----------------------------------------------------------------------

double ParametricSeverity::body_mean() const { return std::exp(mu + 0.5 * log_sd * log_sd); }

double parametric_limited_mean(const ParametricSeverity& f, double a) {
  const double body = lognormal_limited(f.mu, f.log_sd, a);
  if (f.pi <= 0.0) return body;
  return (1.0 - f.pi) * body + f.pi * addon_limited(f, a);
}

double parametric_cdf(const ParametricSeverity& f, double x) {
  const double body = 1.0 - lognormal_survival(f.mu, f.log_sd, x);
  if (f.pi <= 0.0) return body;
  return (1.0 - f.pi) * body + f.pi * (1.0 - addon_survival(f, x));
}

double parametric_quantile(const ParametricSeverity& f, double p) {
  double lo = std::exp(f.mu - 12.0 * f.log_sd), hi = std::exp(f.mu + 12.0 * f.log_sd);
  if (f.pi > 0.0) hi = std::max(hi, f.cat_scale * std::pow(1e-12, -1.0 / f.cat_shape));
  for (int i = 0; i < 200 && hi / lo > 1.0 + 1e-10; ++i) {
    const double mid = std::sqrt(lo * hi);
    (parametric_cdf(f, mid) < p ? lo : hi) = mid;
  }
  return std::sqrt(lo * hi);
}

namespace {

//! The body's distribution on a grid of normal scores (Simpson weights), with ln(x - b_j) for a
//! fixed x: P(B + C > x) is then a sum of exponentials, cheap enough for the nested solves.
struct BodyGrid {
  std::vector<double> weight, body;
  //! `points` (even) intervals over z in [-10, 10].
  BodyGrid(double mu, double s, int points) : weight(std::size_t(points) + 1), body(weight.size()) {
    const double h = 20.0 / points;
    for (int j = 0; j <= points; ++j) {
      const double z = -10.0 + h * j;
      weight[std::size_t(j)] =
          normal_density(z) * h / 3.0 * (j == 0 || j == points ? 1.0 : (j % 2 ? 4.0 : 2.0));
      body[std::size_t(j)] = std::exp(mu + s * z);
    }
  }
  //! ln(x - b_j), or -inf where the body alone passes x.
  std::vector<double> gaps(double x) const {
    std::vector<double> g(body.size());
    for (std::size_t j = 0; j < body.size(); ++j)
      g[j] = x > body[j] ? std::log(x - body[j]) : -std::numeric_limits<double>::infinity();
    return g;
  }
};

//! P(X > x | positive) at a fixed x from the grid: body-only units and add-on units.
double grid_survival(const ParametricSeverity& f, const BodyGrid& grid,
                     const std::vector<double>& gaps, double x) {
  const double body_only = lognormal_survival(f.mu, f.log_sd, x);
  if (f.pi <= 0.0) return body_only;
  const double log_c = std::log(f.cat_scale);
  double with_body = 0.0;
  for (std::size_t j = 0; j < gaps.size(); ++j)
    with_body += grid.weight[j] * (gaps[j] <= log_c ? 1.0 : std::exp(-f.cat_shape * (gaps[j] - log_c)));
  const double addon = (1.0 - f.p_any) * pareto_survival(f.cat_scale, f.cat_shape, x) +
                       f.p_any * std::min(1.0, with_body);
  return (1.0 - f.pi) * body_only + f.pi * addon;
}

}  // namespace

namespace {

//! Maximises f over one coordinate in [lo, hi] (Brent); returns the argument.
template <class F>
double maximise(F f, double lo, double hi) {
  return boost::math::tools::brent_find_minima([&](double x) { return -f(x); }, lo, hi, 24).first;
}

//! The binned log-likelihood of positive costs under the parametric form: counts in coarse bins
//! of ln(cost) between the 0.1st percentile and the largest cost (the rest lumped below), each
//! bin's probability from the form's CDF, the add-on's through a grid over the body.
class Likelihood {
 public:
  Likelihood(const SeverityStats& s, int bins, double p_positive) : p_positive_(p_positive) {
    const double low = s.histogram.quantile(0.001), high = s.histogram.quantile(1.0);
    lump_ = s.histogram.weight_below(low);
    for (int b = 0; b <= bins; ++b) edges_.push_back(std::exp(low + (high - low) * b / bins));
    edges_.back() *= 1.0 + 1e-9;
    for (int b = 0; b < bins; ++b)
      counts_.push_back(s.histogram.weight_between(std::log(edges_[std::size_t(b)]),
                                                   std::log(edges_[std::size_t(b) + 1])));
    above_ = std::max(0.0, s.histogram.total() - lump_ -
                               std::accumulate(counts_.begin(), counts_.end(), 0.0));
  }
  //! The form for (mu, ln S, ln pi, ln c, alpha); pi = 0 for ln pi = -inf.
  ParametricSeverity form(const double* x) const {
    ParametricSeverity f;
    f.mu = x[0];
    f.log_sd = std::exp(x[1]);
    f.pi = std::exp(x[2]);
    f.cat_scale = std::exp(x[3]);
    f.cat_shape = x[4];
    f.p_any = (p_positive_ - f.pi * p_positive_) / (1.0 - f.pi * p_positive_);
    return f;
  }
  double operator()(const double* x) const {
    const ParametricSeverity f = form(x);
    // The body grid and its gaps change only with (mu, S): most evaluations move the add-on.
    if (!grid_ || f.mu != mu_ || f.log_sd != sd_) {
      grid_ = std::make_unique<BodyGrid>(f.mu, f.log_sd, 120);
      gaps_.clear();
      for (double e : edges_) gaps_.push_back(grid_->gaps(e));
      mu_ = f.mu;
      sd_ = f.log_sd;
    }
    std::vector<double> survival(edges_.size());
    for (std::size_t b = 0; b < edges_.size(); ++b)
      survival[b] = grid_survival(f, *grid_, gaps_[b], edges_[b]);
    double l = lump_ * std::log(std::max(1e-300, 1.0 - survival.front()));
    for (std::size_t b = 0; b < counts_.size(); ++b)
      if (counts_[b] > 0.0) l += counts_[b] * std::log(std::max(1e-300, survival[b] - survival[b + 1]));
    return l + above_ * std::log(std::max(1e-300, survival.back()));
  }

 private:
  std::vector<double> edges_, counts_;
  double lump_ = 0.0, above_ = 0.0, p_positive_;
  mutable std::unique_ptr<BodyGrid> grid_;
  mutable std::vector<std::vector<double>> gaps_;
  mutable double mu_ = 0.0, sd_ = 0.0;
};

}  // namespace

ParametricSeverity fit_parametric(const SeverityStats& s, double threshold, double far,
                                  double p_positive, const ParametricSeverity* hint) {
  (void)far;
  // Start: the body from the log-cost quartiles, no add-on.
  const double q25 = s.histogram.quantile(0.25), q50 = s.histogram.quantile(0.5),
               q75 = s.histogram.quantile(0.75);
  double x[5] = {q50, std::log(std::max((q75 - q25) / kIqrToSd, 1e-3)), std::log(0.004),
                 std::log(threshold), 3.0};
  const Likelihood likelihood(s, 120, p_positive);
  const auto l = [&](const double* v) { return likelihood(v); };
  const double lower[5] = {q50 - 3.0, x[1] - 1.5, std::log(1e-5), std::log(threshold / 100.0), kMinShape};
  const double upper[5] = {q50 + 3.0, x[1] + 1.0, std::log(0.3), std::log(threshold * 20.0), 15.0};
  if (hint && hint->pi > 0.0) {
    const double h[5] = {hint->mu, std::log(hint->log_sd), std::log(hint->pi), std::log(hint->cat_scale),
                         hint->cat_shape};
    std::copy(h, h + 5, x);
  } else if (s.tail_weight >= 20.0) {
    // A coarse grid over the add-on for the start (the likelihood has local maxima at small
    // scales), the body held at its quartiles.
    double best = -std::numeric_limits<double>::infinity();
    double trial[5] = {x[0], x[1], 0.0, 0.0, 0.0};
    for (double pi : {0.001, 0.004, 0.015, 0.05, 0.15})
      for (int k = 0; k <= 12; ++k)
        for (double a : {2.2, 2.8, 3.6, 5.0, 8.0}) {
          trial[2] = std::log(pi);
          trial[3] = std::log(threshold * std::pow(10.0, -1.5 + 2.5 * k / 12.0));
          trial[4] = a;
          const double v = l(trial);
          if (v > best) {
            best = v;
            std::copy(trial, trial + 5, x);
          }
        }
  }
  // Coordinate-wise maximum likelihood: Brent on each of the first `count` parameters in turn.
  const int cycles = hint ? 2 : 6;
  const auto ascend = [&](double* p, int count) {
    for (int cycle = 0; cycle < cycles; ++cycle)
      for (int k = 0; k < count; ++k) {
        double v[5];
        std::copy(p, p + 5, v);
        p[k] = maximise(
            [&](double value) {
              v[k] = value;
              return l(v);
            },
            lower[k], upper[k]);
      }
  };
  ascend(x, s.tail_weight >= 20.0 ? 5 : 2);  // the body alone with too few large costs
  // The body alone, fitted the same way, against the body with the add-on: keep the add-on
  // only for a likelihood-ratio statistic above 10 (about p = 0.02 for three parameters).
  double alone[5] = {x[0], x[1], -800.0, x[3], x[4]};
  ascend(alone, 2);
  const bool addon = s.tail_weight >= 20.0 && 2.0 * (l(x) - l(alone)) > 10.0;
  ParametricSeverity f = likelihood.form(addon ? x : alone);
  if (!addon) {
    f.pi = 0.0;
    f.p_any = p_positive;
  }
  return f;
}

// --- Weighted samples and the empirical form ----------------------------------------------------

double WeightedSample::total() const {
  return cumulative_weight_.empty() ? std::accumulate(weight.begin(), weight.end(), 0.0)
                                    : cumulative_weight_.back();
}

void WeightedSample::sort() {
  std::vector<std::pair<double, double>> pairs(cost.size());
  for (std::size_t i = 0; i < cost.size(); ++i) pairs[i] = {cost[i], weight[i]};
  std::sort(pairs.begin(), pairs.end());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    cost[i] = pairs[i].first;
    weight[i] = pairs[i].second;
  }
  prepare();
}

double WeightedSample::weight_below(double c) const {
  const auto k = static_cast<std::size_t>(std::lower_bound(cost.begin(), cost.end(), c) - cost.begin());
  return k ? cumulative_weight_[k - 1] : 0.0;
}

void WeightedSample::prepare() {
  mid_.resize(cost.size());
  cumulative_weight_.resize(cost.size());
  cumulative_cost_.resize(cost.size());
  double below = 0.0, spent = 0.0;
  for (std::size_t i = 0; i < cost.size(); ++i) {
    mid_[i] = below + weight[i] / 2.0;
    below += weight[i];
    spent += weight[i] * cost[i];
    cumulative_weight_[i] = below;
    cumulative_cost_[i] = spent;
  }
  for (double& m : mid_) m /= below;
}

double WeightedSample::quantile(double p) const {
  const auto it = std::lower_bound(mid_.begin(), mid_.end(), p);
  if (it == mid_.begin()) return cost.front();
  if (it == mid_.end()) return cost.back();
  const std::size_t i = static_cast<std::size_t>(it - mid_.begin());
  return cost[i - 1] + (cost[i] - cost[i - 1]) * (p - mid_[i - 1]) / (mid_[i] - mid_[i - 1]);
}

double WeightedSample::mean() const { return cumulative_cost_.back() / cumulative_weight_.back(); }

double WeightedSample::limited_mean(double a) const {
  // Costs below a as they are, the rest at a.
  const auto k = static_cast<std::size_t>(std::lower_bound(cost.begin(), cost.end(), a) - cost.begin());
  const double below_cost = k ? cumulative_cost_[k - 1] : 0.0;
  const double below_weight = k ? cumulative_weight_[k - 1] : 0.0;
  return (below_cost + a * (total() - below_weight)) / total();
}

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
void fit_gpd(const std::vector<double>& y, const std::vector<double>& w, double& sigma, double& xi) {
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
  const auto result = boost::math::tools::brent_find_minima(
      [&](double theta) { return -profile.log_likelihood(theta, mean); }, lo, hi, 40);
  const double theta = result.first;
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
    sigma = std::exp(boost::math::tools::brent_find_minima(neg, floor, std::log(mean) + 10.0, 40).first);
  }
  if (std::fabs(xi) < 1e-9) xi = 0.0;
}

}  // namespace

EmpiricalSeverity fit_empirical(const WeightedSample& s, int knots, double tail_fraction) {
  EmpiricalSeverity e;
  const std::size_t n = s.cost.size();
  std::size_t k = std::max<std::size_t>(50, static_cast<std::size_t>(std::llround(tail_fraction * n)));
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

// --- Summaries -------------------------------------------------------------------------------

CostSummary summarize(const WeightedSample& s, const std::vector<double>& thresholds,
                      const std::vector<double>& levels) {
  CostSummary c;
  c.mean = s.mean();
  double ss = 0.0;
  for (std::size_t i = 0; i < s.cost.size(); ++i) ss += s.weight[i] * s.cost[i] * s.cost[i];
  c.cv = std::sqrt(std::max(0.0, ss / s.total() - c.mean * c.mean)) / c.mean;
  for (double p : levels) c.percentiles.push_back(s.quantile(p));
  for (double a : thresholds) c.limited.push_back(s.limited_mean(a));
  return c;
}

CostSummary summarize(const ParametricSeverity& f, const std::vector<double>& thresholds,
                      const std::vector<double>& levels) {
  CostSummary c;
  const double m = f.body_mean();
  const double body2 = m * m * std::exp(f.log_sd * f.log_sd);
  double second = body2;
  c.mean = m;
  if (f.pi > 0.0) {
    const double a = f.cat_shape, cs = f.cat_scale;
    const double c1 = cs * a / (a - 1.0), c2 = a > 2.0 ? cs * cs * a / (a - 2.0)
                                                       : std::numeric_limits<double>::infinity();
    const double addon1 = f.p_any * m + c1;
    const double addon2 = f.p_any * body2 + 2.0 * f.p_any * m * c1 + c2;
    c.mean = (1.0 - f.pi) * m + f.pi * addon1;
    second = (1.0 - f.pi) * body2 + f.pi * addon2;
  }
  c.cv = std::sqrt(std::max(0.0, second - c.mean * c.mean)) / c.mean;
  for (double p : levels) c.percentiles.push_back(parametric_quantile(f, p));
  for (double a : thresholds) c.limited.push_back(parametric_limited_mean(f, a));
  return c;
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
