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

//! Sample kurtosis m4 / m2^2 with central moments m_k = mean((x - mean)^k): 3 for a normal
//! sample; NaN for an empty sample or one without spread.
double kurtosis(const std::vector<double>& x);

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

//! Sample standard deviation of i.i.d. values with its delete-one jackknife standard error:
//! se^2 = (n-1)/n sum_i (s_(-i) - mean_j s_(-j))^2, s_(-i) the sd without value i, from
//! SS_(-i) = SS - n/(n-1) (x_i - mean)^2 (no second pass); 95% interval value +- 1.96 se (se and
//! interval NaN for n < 3). Unlike batch means it uses every replication's own influence, so a
//! batch holding a few large values does not decide the error (docs/analyses.md, honest tails).
Estimate standard_deviation_estimate(const std::vector<double>& x);

//! VaR at `level` of i.i.d. losses with the asymptotic standard error sqrt(p (1-p) / n) / f(VaR)
//! of a sample quantile, the sparsity 1 / f estimated by the difference quotient of the sample
//! quantiles at p -/+ h with Hall and Sheather's (1988) bandwidth
//! h = n^(-1/3) 1.96^(2/3) (1.5 phi(z_p)^2 / (2 z_p^2 + 1))^(1/3) (Koenker 2005, sec. 3.4):
//! 1 / f = (L_(b) - L_(a)) / ((b - a) / n) at ranks a = ceil(n (p - h)), b = ceil(n (p + h)),
//! each at least one rank from the VaR's own and clamped to the sample, so a small sample's se is
//! never 0 for lack of a neighbour (0 only with ties); the 95% interval is the distribution-free
//! one at ranks n p -/+ 1.96 sqrt(n p (1-p)). The interval's width / 3.92, the se before, reaches
//! the sample's extremes and overstated the error in a one-sided tail (mean z^2 0.5 at 99.5% on
//! 1,000 replications); quantiles at -/+ one binomial sd of ranks are too close to each other for a
//! steady difference. Batch means would not do: a batch smaller than 1 / (1 - level) sees no
//! tail at all.
Estimate value_at_risk_estimate(std::vector<double> losses, double level);
//! The same of losses already sorted by sort_for_quantiles: several levels of one sample sort it
//! once.
Estimate value_at_risk_estimate_sorted(const std::vector<double>& sorted, double level);
//! Sorts losses ascending for the *_sorted estimates; throws std::invalid_argument on a NaN, as
//! every risk measure does.
void sort_for_quantiles(std::vector<double>& losses);

//! TVaR at `level` of i.i.d. losses with the delta-method standard error
//! sqrt((Var(L | L >= VaR) + level (TVaR - VaR)^2) / (n (1 - level))) (Manistre and Hancock 2005).
Estimate tail_value_at_risk_estimate(const std::vector<double>& losses, double level);

//! Capital at `level`, VaR_p(L) - mean(L), of i.i.d. losses with the delta-method standard error
//! of the difference: se^2 = se_VaR^2 + s^2 / n - 2 cov(VaR, mean), where by the Bahadur
//! representation cov = (1-p) (TVaR_p - mean) / (n f(VaR)) and 1 / f(VaR) = se_VaR
//! sqrt(n / (p (1-p))) (se_VaR of value_at_risk_estimate): cov = se_VaR (TVaR_p - mean)
//! sqrt((1-p) / (n p)). 95% interval value +- 1.96 se.
Estimate capital_estimate(const std::vector<double>& losses, double level);

}  // namespace apmsim::stats
