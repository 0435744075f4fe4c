#include "stats/statistics.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <stdexcept>

namespace apmsim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
//! The standard normal's 97.5% quantile: 95% intervals of estimates with a normal limit.
constexpr double kZ975 = 1.959963984540054;
constexpr double kPi = 3.14159265358979323846264338327950288;
constexpr double kSqrt2 = 1.41421356237309504880168872420969808;
constexpr double kSqrt2Pi = 2.50662827463100050241576528481104525;
//! From this many degrees of freedom on, t quantiles come from the Cornish-Fisher series alone.
constexpr int kCornishFisherDf = 100000;

//! Acklam's rational approximation of the normal quantile for p in (0, 0.5] (relative error
//! about 1.15e-9), before refinement.
double acklam_lower(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

//! ln Gamma(a + 1/2) - ln Gamma(a) for a > 0, without the cancellation of two large lgamma
//! values: Stirling's series for a >= 20, std::lgamma below.
double log_gamma_half_ratio(double a) {
  if (a < 20.0) return std::lgamma(a + 0.5) - std::lgamma(a);
  // Stirling remainder S(z) = 1/(12z) - 1/(360z^3) + 1/(1260z^5) - 1/(1680z^7).
  auto series = [](double z) {
    const double z2 = 1.0 / (z * z);
    return (1.0 / 12.0 - z2 * (1.0 / 360.0 - z2 * (1.0 / 1260.0 - z2 / 1680.0))) / z;
  };
  // (a) ln(a + 1/2) - (a - 1/2) ln a - 1/2 = ln(a) / 2 + a log1p(1/(2a)) - 1/2.
  return 0.5 * std::log(a) + (a * std::log1p(0.5 / a) - 0.5) + series(a + 0.5) - series(a);
}

//! Continued fraction of the regularized incomplete beta I_x(a, b) (Numerical Recipes betacf,
//! modified Lentz); converges fast for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 1000000;
  constexpr double kEps = 1e-16;
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < kEps) break;
  }
  return h;
}

//! Cornish-Fisher expansion of the t quantile about the normal deviate z = Phi^-1(p), through
//! 1/nu^4 (Abramowitz & Stegun 26.7.5); error below 1e-11 for nu >= 1e5 and any double p.
double cornish_fisher_t_quantile(double p, double nu) {
  const double z = normal_quantile(p);
  const double z2 = z * z;
  const double g1 = (z2 + 1.0) * z / 4.0;
  const double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
  const double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
  const double g4 =
      ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
  return z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu;
}

//! Upper tail P(T > t) of Student t with nu degrees of freedom, for t >= 0:
//! 0.5 I_x(nu/2, 1/2) with x = nu / (nu + t^2).
double t_upper_tail(double t, double nu) {
  if (t <= 0.0) return 0.5;
  const double a = 0.5 * nu, b = 0.5;
  const double t2 = t * t;
  const double x = nu / (nu + t2);
  const double y = t2 / (nu + t2);
  // ln B(a, 1/2) = ln Gamma(1/2) + ln Gamma(a) - ln Gamma(a + 1/2).
  const double log_beta = 0.5 * std::log(kPi) - log_gamma_half_ratio(a);
  const double log_front = -a * std::log1p(t2 / nu) + b * std::log(y) - log_beta;
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return 0.5 * front * beta_continued_fraction(a, b, x) / a;
  return 0.5 * (1.0 - front * beta_continued_fraction(b, a, y) / b);
}

//! Density of Student t with nu degrees of freedom.
double t_density(double t, double nu) {
  const double a = 0.5 * nu;
  return std::exp(log_gamma_half_ratio(a) - 0.5 * std::log(nu * kPi) -
                  (a + 0.5) * std::log1p(t * t / nu));
}

//! Hill (1970, CACM Algorithm 396) approximation of the upper t quantile for the two-sided tail
//! probability P = 2 q (q <= 1/2), df >= 3; the starting point of the Newton refinement.
double hill_t_quantile(double two_sided, double n) {
  const double a = 1.0 / (n - 0.5);
  const double b = 48.0 / (a * a);
  double c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36;
  const double d = ((94.5 / (b + c) - 3.0) / b + 1.0) * std::sqrt(a * kPi / 2.0) * n;
  double y = std::pow(d * two_sided, 2.0 / n);
  if (y > 0.05 + a) {
    // Asymptotic inverse expansion about the normal (Cornish-Fisher type).
    const double x = normal_quantile(0.5 * two_sided);
    y = x * x;
    if (n < 5.0) c += 0.3 * (n - 4.5) * (x + 0.6);
    c = (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b + c;
    y = (((((0.4 * y + 6.3) * y + 36.0) * y + 94.5) / c - y - 3.0) / b + 1.0) * x;
    y = std::expm1(a * y * y);
  } else {
    y = ((1.0 / (((n + 6.0) / (n * y) - 0.089 * d - 0.822) * (n + 2.0) * 3.0) + 0.5 / (n + 4.0)) *
             y -
         1.0) *
            (n + 1.0) / (n + 2.0) +
        1.0 / y;
  }
  return std::sqrt(n * y);
}

//! Rank of the empirical p-quantile: k = ceil(p n) in [1, n] and the tail mass n (1 - p), with p n
//! snapped to the nearest integer when within rounding of it.
struct QuantileRank {
  std::size_t k;
  double tail_mass;
};

QuantileRank quantile_rank(double p, std::size_t n) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("risk level must lie in (0, 1)");
  if (n == 0) throw std::invalid_argument("risk measure of an empty sample");
  const double dn = static_cast<double>(n);
  double pn = p * dn;
  const double nearest = std::round(pn);
  if (std::fabs(pn - nearest) <= 1e-12 * std::max(1.0, pn)) pn = nearest;
  const double k = std::min(std::max(std::ceil(pn), 1.0), dn);
  return {static_cast<std::size_t>(k), dn - pn};
}

void sort_losses(std::vector<double>& losses) {
  for (double v : losses)
    if (std::isnan(v)) throw std::invalid_argument("risk measure of a sample containing NaN");
  std::sort(losses.begin(), losses.end());
}

//! The 95% interval value +- t_{0.975, df} se, filled into `e` (NaN stays NaN).
void fill_interval(Estimate& e, std::uint64_t df) {
  const int d = static_cast<int>(std::min<std::uint64_t>(df, static_cast<std::uint64_t>(INT_MAX)));
  const double half = student_t_quantile(0.975, d) * e.se;
  e.ci_low = e.value - half;
  e.ci_high = e.value + half;
}

}  // namespace

double normal_cdf(double x) { return 0.5 * std::erfc(-x / kSqrt2); }

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("normal_quantile: p must lie in (0, 1)");
  // 1 - p is exact for p >= 1/2, so the upper half goes through the accurate lower tail.
  if (p > 0.5) return -normal_quantile(1.0 - p);
  double x = acklam_lower(p);
  // One Halley step on Phi(x) - p.
  const double e = normal_cdf(x) - p;
  const double u = e * kSqrt2Pi * std::exp(0.5 * x * x);
  if (std::isfinite(u)) x -= u / (1.0 + 0.5 * x * u);
  return x;
}

double student_t_quantile(double p, int df) {
  if (!(p > 0.0 && p < 1.0))
    throw std::invalid_argument("student_t_quantile: p must lie in (0, 1)");
  if (df < 1) throw std::invalid_argument("student_t_quantile: df must be >= 1");
  if (p == 0.5) return 0.0;
  // Work with the smaller tail q (exact: 1 - p is exact for p >= 1/2) and restore the sign.
  const double q = std::min(p, 1.0 - p);
  const double sign = p < 0.5 ? -1.0 : 1.0;
  if (df == 1) return sign / std::tan(kPi * q);  // cot(pi q), accurate for small q
  if (df == 2) return sign * std::sqrt(2.0 / (4.0 * q * (1.0 - q)) - 2.0);
  const double nu = static_cast<double>(df);
  // For very large df the continued fraction loses accuracy (a = nu/2 huge, x near 1) while the
  // Cornish-Fisher series is already exact to double precision.
  if (df >= kCornishFisherDf) return cornish_fisher_t_quantile(p, nu);
  double t = hill_t_quantile(2.0 * q, nu);
  if (!(t > 0.0) || !std::isfinite(t)) t = -normal_quantile(q);
  // Safeguarded Newton on ln P(T > t) - ln q, keeping a bracket [lo, hi].
  const double log_q = std::log(q);
  double lo = 0.0, hi = std::numeric_limits<double>::infinity();
  for (int it = 0; it < 200; ++it) {
    const double tail = t_upper_tail(t, nu);
    const double g = std::log(tail) - log_q;
    if (g == 0.0) break;
    if (g > 0.0)
      lo = t;
    else
      hi = t;
    double next = t + g * tail / t_density(t, nu);
    if (!(next > lo && next < hi)) next = std::isfinite(hi) ? 0.5 * (lo + hi) : 2.0 * t;
    const bool done = std::fabs(next - t) <= 1e-15 * t;
    t = next;
    if (done || hi - lo <= 1e-15 * t) break;
  }
  return sign * t;
}

double value_at_risk(std::vector<double> losses, double level) {
  const QuantileRank r = quantile_rank(level, losses.size());
  for (double v : losses)
    if (std::isnan(v)) throw std::invalid_argument("risk measure of a sample containing NaN");
  // The k-th order statistic by selection: the sorted sample's element, in linear time.
  const auto kth = losses.begin() + static_cast<std::ptrdiff_t>(r.k - 1);
  std::nth_element(losses.begin(), kth, losses.end());
  return *kth;
}

double tail_value_at_risk(std::vector<double> losses, double level) {
  const QuantileRank r = quantile_rank(level, losses.size());
  sort_losses(losses);
  const double var = losses[r.k - 1];
  if (r.tail_mass < 1.0) return var;
  const auto above = std::upper_bound(losses.begin(), losses.end(), var);
  double sum = 0.0;
  for (auto it = above; it != losses.end(); ++it) sum += *it;
  const double count = static_cast<double>(losses.end() - above);
  return (sum + var * (r.tail_mass - count)) / r.tail_mass;
}

double mean(const std::vector<double>& x) {
  if (x.empty()) return kNaN;
  double sum = 0.0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

double standard_deviation(const std::vector<double>& x) {
  if (x.size() < 2) return 0.0;
  const double m = mean(x);
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double kurtosis(const std::vector<double>& x) {
  if (x.empty()) return kNaN;
  const double m = mean(x);
  double m2 = 0.0, m4 = 0.0;
  for (double v : x) {
    const double d2 = (v - m) * (v - m);
    m2 += d2;
    m4 += d2 * d2;
  }
  if (m2 == 0.0) return kNaN;
  const double n = static_cast<double>(x.size());
  return (m4 / n) / ((m2 / n) * (m2 / n));
}

double pearson_correlation(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  const double mx = mean(x), my = mean(y);
  double sxx = 0.0, syy = 0.0, sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx == 0.0 || syy == 0.0) return kNaN;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

double optimal_blend_weight(const std::vector<double>& h, const std::vector<double>& g) {
  if (h.size() != g.size()) return kNaN;
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const double d = h[i] - g[i];
    num += h[i] * d;
    den += d * d;
  }
  return den == 0.0 ? kNaN : num / den;
}

Estimate batch_means(
    std::uint64_t n, int batches,
    const std::function<double(std::uint64_t first, std::uint64_t count)>& estimator) {
  if (batches < 1) throw std::invalid_argument("batch_means: batches must be >= 1");
  Estimate e;
  if (n == 0) return e;
  e.value = estimator(0, n);
  if (std::isnan(e.value)) return Estimate{};
  const std::uint64_t k = std::min<std::uint64_t>(static_cast<std::uint64_t>(batches), n);
  const std::uint64_t whole = n / k, rest = n % k;
  // floor(j n / k) without overflow: j (n / k) + floor(j (n % k) / k).
  auto start = [&](std::uint64_t j) { return j * whole + j * rest / k; };
  std::vector<double> values;
  values.reserve(k);
  for (std::uint64_t j = 0; j < k; ++j) {
    const std::uint64_t first = start(j);
    const double v = estimator(first, start(j + 1) - first);
    if (std::isfinite(v)) values.push_back(v);
  }
  if (values.size() < 2) return e;
  e.se = standard_deviation(values) / std::sqrt(static_cast<double>(values.size()));
  fill_interval(e, values.size() - 1);
  return e;
}

Estimate mean_estimate(const std::vector<double>& per_replication) {
  Estimate e;
  const std::size_t n = per_replication.size();
  if (n == 0) return e;
  e.value = mean(per_replication);
  if (n < 2) return e;
  e.se = standard_deviation(per_replication) / std::sqrt(static_cast<double>(n));
  fill_interval(e, n - 1);
  return e;
}

Estimate standard_deviation_estimate(const std::vector<double>& x) {
  Estimate e;
  const std::size_t n = x.size();
  if (n == 0) return e;
  e.value = standard_deviation(x);
  if (n < 3) return e;
  const double m = mean(x), dn = static_cast<double>(n);
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  std::vector<double> without(n);  // s_(-i)
  for (std::size_t i = 0; i < n; ++i) {
    const double d = x[i] - m;
    without[i] = std::sqrt(std::max(ss - dn / (dn - 1.0) * d * d, 0.0) / (dn - 2.0));
  }
  const double average = mean(without);
  double spread = 0.0;
  for (double s : without) spread += (s - average) * (s - average);
  e.se = std::sqrt((dn - 1.0) / dn * spread);
  e.ci_low = e.value - kZ975 * e.se;
  e.ci_high = e.value + kZ975 * e.se;
  return e;
}

Estimate value_at_risk_estimate(std::vector<double> losses, double level) {
  if (losses.empty()) return {};
  sort_losses(losses);
  return value_at_risk_estimate_sorted(losses, level);
}

void sort_for_quantiles(std::vector<double>& losses) { sort_losses(losses); }

Estimate value_at_risk_estimate_sorted(const std::vector<double>& losses, double level) {
  Estimate e;
  const std::size_t n = losses.size();
  if (n == 0) return e;
  e.value = losses[quantile_rank(level, n).k - 1];  // value_at_risk, the sample sorted once
  if (n < 2) return e;
  const double dn = static_cast<double>(n);
  const auto at_rank = [&](double rank) {  // 1-based rank, clamped to the sample
    const double r = std::clamp(rank, 1.0, dn);
    return losses[static_cast<std::size_t>(r) - 1];
  };
  // Hall-Sheather bandwidth (alpha = 0.05) and the sparsity 1 / f(VaR) between the quantiles
  // at level -/+ h.
  const double q = normal_quantile(level);
  const double density = std::exp(-0.5 * q * q) / kSqrt2Pi;
  const double h = std::pow(dn, -1.0 / 3.0) * std::pow(kZ975, 2.0 / 3.0) *
                   std::cbrt(1.5 * density * density / (2.0 * q * q + 1.0));
  // Ranks ceil(n (p -/+ h)), at least one either side of the VaR's own and within the sample.
  const double center = dn * level, k = static_cast<double>(quantile_rank(level, n).k);
  const double low = std::clamp(std::min(std::ceil(dn * (level - h) - 1e-9), k - 1), 1.0, dn);
  const double high = std::clamp(std::max(std::ceil(dn * (level + h) - 1e-9), k + 1), 1.0, dn);
  const double sparsity = (at_rank(high) - at_rank(low)) / ((high - low) / dn);
  e.se = sparsity * std::sqrt(level * (1.0 - level) / dn);
  const double spread = std::sqrt(center * (1.0 - level));
  e.ci_low = at_rank(std::floor(center - kZ975 * spread));
  e.ci_high = at_rank(std::ceil(center + kZ975 * spread));
  return e;
}

Estimate tail_value_at_risk_estimate(const std::vector<double>& losses, double level) {
  Estimate e;
  const std::size_t n = losses.size();
  if (n == 0) return e;
  e.value = tail_value_at_risk(losses, level);
  if (n < 2) return e;
  const double var = value_at_risk(losses, level);
  std::vector<double> tail;
  for (double x : losses)
    if (x >= var) tail.push_back(x);
  const double tail_variance = tail.size() > 1 ? std::pow(standard_deviation(tail), 2) : 0.0;
  const double gap = e.value - var;
  e.se = std::sqrt((tail_variance + level * gap * gap) /
                   (static_cast<double>(n) * (1.0 - level)));
  e.ci_low = e.value - kZ975 * e.se;
  e.ci_high = e.value + kZ975 * e.se;
  return e;
}

Estimate capital_estimate(const std::vector<double>& losses, double level) {
  Estimate e;
  const std::size_t n = losses.size();
  if (n == 0) return e;
  const Estimate var = value_at_risk_estimate(losses, level);
  const double average = mean(losses);
  e.value = var.value - average;
  if (n < 2) return e;
  const double dn = static_cast<double>(n), sd = standard_deviation(losses);
  const double covariance = var.se * (tail_value_at_risk(losses, level) - average) *
                            std::sqrt((1.0 - level) / (dn * level));
  e.se = std::sqrt(std::max(var.se * var.se + sd * sd / dn - 2.0 * covariance, 0.0));
  e.ci_low = e.value - kZ975 * e.se;
  e.ci_high = e.value + kZ975 * e.se;
  return e;
}

}  // namespace apmsim::stats
