#pragma once
//! Small, pure statistics used by the analyses: normal and Student t quantiles, empirical risk
//! measures (VaR, TVaR), moments, correlation, blend weights and Monte Carlo standard errors.

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace apmsim::stats {

//! Standard normal CDF, Phi(x) = erfc(-x / sqrt(2)) / 2 (accurate in both tails).
double normal_cdf(double x);

//! Inverse of the standard normal CDF for p in (0,1): Acklam's rational approximation refined by
//! one Halley step on normal_cdf (|error| < 1e-12). Throws std::invalid_argument outside (0,1).
double normal_quantile(double p);

//! Student t quantile for p in (0,1) and df >= 1: closed forms for df 1 and 2; Hill's (1970)
//! expansion refined by Newton on the t CDF (regularized incomplete beta) for df < 1e5; the
//! Cornish-Fisher series to 1/df^4 for df >= 1e5. Error < 1e-9. Throws outside p in (0,1), df < 1.
double student_t_quantile(double p, int df);

//! Empirical lower quantile of a sample, VaR_p = min{x : F_n(x) >= p} = sorted[ceil(p n) - 1];
//! p n within rounding of an integer counts as that integer. Throws for p outside (0,1) or n = 0.
double value_at_risk(std::vector<double> losses, double level);

//! Tail value at risk (expected shortfall), Acerbi-Tasche form exact for discrete samples:
//! (sum of losses > VaR + VaR (n(1-p) - #{losses > VaR})) / (n(1-p)); equals VaR if n(1-p) < 1.
double tail_value_at_risk(std::vector<double> losses, double level);

//! Arithmetic mean, sum(x) / n; NaN for an empty sample.
double mean(const std::vector<double>& x);

//! Sample standard deviation with the n-1 divisor; 0 for n < 2.
double standard_deviation(const std::vector<double>& x);

//! Pearson correlation, cov(x,y) / (sd(x) sd(y)); NaN if the sizes differ, n < 2, or either
//! sample has zero variance.
double pearson_correlation(const std::vector<double>& x, const std::vector<double>& y);

//! Weight w minimising mean(((1-w) h + w g)^2): w = sum h(h-g) / sum (h-g)^2 (unconstrained);
//! NaN if the sizes differ or the denominator is 0.
double optimal_blend_weight(const std::vector<double>& h, const std::vector<double>& g);

//! An estimate with its Monte Carlo standard error and 95% interval.
struct Estimate {
  double value = std::numeric_limits<double>::quiet_NaN();    //!< estimator on the whole sample
  double se = std::numeric_limits<double>::quiet_NaN();       //!< standard error
  double ci_low = std::numeric_limits<double>::quiet_NaN();   //!< value - t_{0.975,df} se
  double ci_high = std::numeric_limits<double>::quiet_NaN();  //!< value + t_{0.975,df} se
};

//! Batch means over n replications in K = min(batches, n) contiguous batches, batch j covering
//! [j n / K, (j+1) n / K) (integer division, sizes differ by at most one).
//! value = estimator(0, n); se = sd of the finite batch values / sqrt(K') with K' their count
//! (NaN if K' < 2); 95% interval with Student t, K'-1 df. All NaN if value is NaN or n = 0
//! (the estimator is then not called). Throws std::invalid_argument if batches < 1.
Estimate batch_means(
    std::uint64_t n, int batches,
    const std::function<double(std::uint64_t first, std::uint64_t count)>& estimator);

//! Plain mean of i.i.d. per-replication values: value = mean, se = sd / sqrt(n), 95% interval
//! with Student t, n-1 df (se and interval NaN for n < 2; everything NaN for n = 0).
Estimate mean_estimate(const std::vector<double>& per_replication);

//! VaR at `level` of i.i.d. losses with a distribution-free interval from order statistics:
//! ranks n p -/+ 1.96 sqrt(n p (1-p)) of the sorted sample (binomial count below the quantile);
//! se = interval width / (2 x 1.96). Batch means would not do here: a batch smaller than
//! 1 / (1 - level) sees no tail at all.
Estimate value_at_risk_estimate(std::vector<double> losses, double level);

//! TVaR at `level` of i.i.d. losses with the delta-method standard error
//! sqrt((Var(L | L >= VaR) + level (TVaR - VaR)^2) / (n (1 - level))) (Manistre and Hancock 2005).
Estimate tail_value_at_risk_estimate(const std::vector<double>& losses, double level);

}  // namespace apmsim::stats
