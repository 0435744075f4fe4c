#include "calibrate/completion_pattern.hpp"

#include <algorithm>
#include <cmath>

#include "calibrate/claims.hpp"

namespace apmsim::calibrate {
namespace {

//! The triangle's cumulative paid by lag, lags past L counted at L.
std::vector<std::vector<double>> cumulative_paid(const PaidTriangle& t, int lags) {
  std::vector<std::vector<double>> d(t.paid.size(), std::vector<double>(std::size_t(lags) + 1));
  for (std::size_t i = 0; i < t.paid.size(); ++i) {
    double sum = 0.0;
    for (std::size_t k = 0; k < t.paid[i].size(); ++k) {
      sum += t.paid[i][k];
      if (k <= std::size_t(lags))
        d[i][k] = sum;
      else
        d[i][std::size_t(lags)] = sum;
    }
  }
  return d;
}

//! sqrt of Var(sum_k w_k F_k) by the delta method over ln f_j (v_j = Var f_j / f_j^2); -1 when
//! a factor it depends on has no variance.
double linear_se(const std::vector<double>& w, const std::vector<double>& cumulative,
                 const std::vector<double>& v) {
  double variance = 0.0, gradient = 0.0;
  for (std::size_t j = 0; j < v.size(); ++j) {
    gradient += w[j] * cumulative[j];  // d Q / d ln f_j = -sum_{k <= j} w_k F_k
    if (gradient == 0.0) continue;
    if (v[j] < 0.0) return -1.0;
    variance += v[j] * gradient * gradient;
  }
  return std::sqrt(variance);
}

}  // namespace

std::vector<double> completion_weights(int lags, int run_out) {
  std::vector<double> w(std::size_t(lags) + 1, 0.0);
  for (int m = 0; m < 12; ++m) w[std::size_t(std::min(lags, 11 + run_out - m))] += 1.0 / 12.0;
  return w;
}

CompletionPattern estimate_completion(const PaidTriangle& t) {
  const int lags = std::min(t.max_lag, t.months() - 2);
  if (lags < 1)
    throw DataError(t.path, "its months of service span " + std::to_string(t.months()) +
                                " month(s) up to the extract date " + month_text(t.as_of) +
                                ": a completion pattern needs at least 3 (each development "
                                "factor compares two months of service or more)");
  CompletionPattern p;
  p.source = t.path;
  p.first_month = t.first_month;
  p.as_of = t.as_of;
  p.lags = lags;
  p.rows = t.rows;
  p.total = t.total;
  const std::vector<std::vector<double>> d = cumulative_paid(t, lags);
  std::vector<double> sigma2(std::size_t(lags), -1.0), v(std::size_t(lags), -1.0), f(lags);
  for (int k = 0; k < lags; ++k) {
    double below = 0.0, above = 0.0;
    int months = 0, positive = 0;
    for (int i = 0; i < t.months() && t.seen(i) >= k + 1; ++i) {
      below += d[i][k], above += d[i][k + 1], ++months;
      positive += d[i][k] > 0.0;
    }
    if (!(below > 0.0))
      throw DataError(t.path, "nothing was paid within " + std::to_string(k) +
                                  " month(s) of service for the " + std::to_string(months) +
                                  " months of service seen " + std::to_string(k + 1) +
                                  " months later: the development from lag " + std::to_string(k) +
                                  " is not identified (check the dates, or use --max-lag " +
                                  std::to_string(std::max(1, k)) + " on a longer extract)");
    f[k] = above / below;
    if (positive >= 2) {
      double s = 0.0;
      for (int i = 0; i < t.months() && t.seen(i) >= k + 1; ++i)
        if (d[i][k] > 0.0) s += d[i][k] * std::pow(d[i][k + 1] / d[i][k] - f[k], 2);
      sigma2[k] = s / (positive - 1);
    } else if (k >= 2 && sigma2[k - 1] >= 0.0 && sigma2[k - 2] >= 0.0) {
      const double s1 = sigma2[k - 1], s2 = sigma2[k - 2];  // Mack (1993), eq. 9 ff.
      sigma2[k] = std::min({s2 > 0.0 ? s1 * s1 / s2 : 0.0, s1, s2});
    }
    if (sigma2[k] >= 0.0) v[k] = sigma2[k] / below / (f[k] * f[k]);
    p.factor.emplace_back(f[k], sigma2[k] >= 0.0 ? std::sqrt(sigma2[k] / below) : -1.0);
    p.factor_months.push_back(months);
  }
  std::vector<double> cumulative(std::size_t(lags) + 1, 1.0);
  for (int k = lags - 1; k >= 0; --k) cumulative[k] = cumulative[k + 1] / f[k];
  const auto linear = [&](const std::vector<double>& w) {
    double value = 0.0;
    for (std::size_t k = 0; k < w.size(); ++k) value += w[k] * cumulative[k];
    return Estimate(value, linear_se(w, cumulative, v));
  };
  for (int k = 0; k <= lags; ++k) {
    std::vector<double> w(std::size_t(lags) + 1, 0.0);
    w[k] = 1.0;
    p.cumulative.push_back(linear(w));
    if (k > 0) w[k - 1] = -1.0;
    p.share.push_back(linear(w));
  }
  for (const int r : p.run_out) p.completion.push_back(linear(completion_weights(lags, r)));
  for (std::size_t k = std::size_t(lags) + 1; k < t.rows_by_lag.size(); ++k)
    p.beyond_last_lag += t.rows_by_lag[k];
  if (lags < t.max_lag)
    p.notes.push_back("lags 0 to " + std::to_string(lags) + " estimated, not " +
                      std::to_string(t.max_lag) + ": the months of service span " +
                      std::to_string(t.months()) +
                      " months up to the extract date (each factor needs two months seen at "
                      "its later lag)");
  if (p.beyond_last_lag > 0)
    p.notes.push_back(std::to_string(p.beyond_last_lag) + " payments later than " +
                      std::to_string(lags) + " months after service are counted at lag " +
                      std::to_string(lags) + " (no tail factor)");
  return p;
}

}  // namespace apmsim::calibrate
