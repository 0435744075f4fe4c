#include "calibrate/parametric_severity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "calibrate/bounded_minimum.hpp"
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

SeverityStats& SeverityStats::operator+=(const SeverityStats& o) {
  weight += o.weight;
  sum += o.sum;
  sum_squares += o.sum_squares;
  tail_weight += o.tail_weight;
  tail_log += o.tail_log;
  histogram += o.histogram;
  return *this;
}

SeverityStats& SeverityStats::operator-=(const SeverityStats& o) {
  weight -= o.weight;
  sum -= o.sum;
  sum_squares -= o.sum_squares;
  tail_weight -= o.tail_weight;
  tail_log -= o.tail_log;
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
    with_body +=
        grid.weight[j] * (gaps[j] <= log_c ? 1.0 : std::exp(-f.cat_shape * (gaps[j] - log_c)));
  const double addon = (1.0 - f.p_any) * pareto_survival(f.cat_scale, f.cat_shape, x) +
                       f.p_any * std::min(1.0, with_body);
  return (1.0 - f.pi) * body_only + f.pi * addon;
}

//! Maximises f over one coordinate in [lo, hi]; returns the argument.
template <class F>
double maximise(F f, double lo, double hi) {
  return bounded_minimum([&](double x) { return -f(x); }, lo, hi, 24);
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
    above_ = std::max(
        0.0, s.histogram.total() - lump_ - std::accumulate(counts_.begin(), counts_.end(), 0.0));
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
      if (counts_[b] > 0.0)
        l += counts_[b] * std::log(std::max(1e-300, survival[b] - survival[b + 1]));
    return l + above_ * std::log(std::max(1e-300, survival.back()));
  }

 private:
  std::vector<double> edges_, counts_;
  double lump_ = 0.0, above_ = 0.0, p_positive_;
  mutable std::unique_ptr<BodyGrid> grid_;
  mutable std::vector<std::vector<double>> gaps_;
  mutable double mu_ = 0.0, sd_ = 0.0;
};

//! A coarse grid over the add-on for the start (the likelihood has local maxima at small
//! scales), the body held at its quartiles in x[0], x[1]; x gets the best point.
void coarse_addon_start(const Likelihood& likelihood, double threshold, double* x) {
  double best = -std::numeric_limits<double>::infinity();
  double trial[5] = {x[0], x[1], 0.0, 0.0, 0.0};
  for (double pi : {0.001, 0.004, 0.015, 0.05, 0.15})
    for (int k = 0; k <= 12; ++k)
      for (double a : {2.2, 2.8, 3.6, 5.0, 8.0}) {
        trial[2] = std::log(pi);
        trial[3] = std::log(threshold * std::pow(10.0, -1.5 + 2.5 * k / 12.0));
        trial[4] = a;
        const double v = likelihood(trial);
        if (v > best) {
          best = v;
          std::copy(trial, trial + 5, x);
        }
      }
}

}  // namespace

ParametricSeverity fit_parametric(const SeverityStats& s, double threshold, double p_positive,
                                  const ParametricSeverity* hint) {
  // Start: the body from the log-cost quartiles, no add-on.
  const double q25 = s.histogram.quantile(0.25), q50 = s.histogram.quantile(0.5),
               q75 = s.histogram.quantile(0.75);
  double x[5] = {q50, std::log(std::max((q75 - q25) / kIqrToSd, 1e-3)), std::log(0.004),
                 std::log(threshold), 3.0};
  const Likelihood likelihood(s, 120, p_positive);
  const auto l = [&](const double* v) { return likelihood(v); };
  const double lower[5] = {q50 - 3.0, x[1] - 1.5, std::log(1e-5), std::log(threshold / 100.0),
                           kMinShape};
  const double upper[5] = {q50 + 3.0, x[1] + 1.0, std::log(0.3), std::log(threshold * 20.0), 15.0};
  if (hint && hint->pi > 0.0) {
    const double h[5] = {hint->mu, std::log(hint->log_sd), std::log(hint->pi),
                         std::log(hint->cat_scale), hint->cat_shape};
    std::copy(h, h + 5, x);
  } else if (s.tail_weight >= 20.0) {
    coarse_addon_start(likelihood, threshold, x);
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

CostSummary summarize(const ParametricSeverity& f, const std::vector<double>& thresholds,
                      const std::vector<double>& levels) {
  CostSummary c;
  const double m = f.body_mean();
  const double body2 = m * m * std::exp(f.log_sd * f.log_sd);
  double second = body2;
  c.mean = m;
  if (f.pi > 0.0) {
    const double a = f.cat_shape, cs = f.cat_scale;
    const double c1 = cs * a / (a - 1.0),
                 c2 = a > 2.0 ? cs * cs * a / (a - 2.0) : std::numeric_limits<double>::infinity();
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

}  // namespace apmsim::calibrate
