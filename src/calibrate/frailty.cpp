#include "calibrate/frailty.hpp"

#include <algorithm>
#include <cmath>

#include "stats/statistics.hpp"

namespace apmsim::calibrate {

double score_signal(const ParametricSeverity& f) {
  if (f.pi <= 0.0) return 1.0;
  const int n = 200;
  const double lo = -7.0, h = 14.0 / n;
  double sum = 0.0;
  for (int j = 0; j <= n; ++j) {
    const double w = lo + h * j;
    const double p =
        std::clamp(parametric_cdf(f, std::exp(f.mu + f.log_sd * w)), 1e-15, 1.0 - 1e-15);
    const double simpson = j == 0 || j == n ? 1.0 : (j % 2 ? 4.0 : 2.0);
    sum += simpson * w * stats::normal_quantile(p) * std::exp(-0.5 * w * w);
  }
  return sum * h / 3.0 / std::sqrt(2.0 * M_PI);
}

namespace {

//! Each positive cost's log-cost residual: its normal score times its stratum's robust log-cost
//! sd, centred within its provider-year (0 for rows without a positive cost).
std::vector<double> provider_year_residuals(const ClaimsRows& rows, const PositiveCosts& costs,
                                            const std::vector<ParametricSeverity>& severity) {
  const ClaimsData& d = rows.data;
  const std::size_t n = rows.size();
  std::vector<double> residual(n, 0.0);
  std::vector<double> cell_sum(d.providers.size() * std::size_t(rows.years), 0.0),
      cell_count(cell_sum.size(), 0.0);
  const auto cell = [&](std::size_t i) {
    return std::size_t(d.provider[i]) * rows.years + std::size_t(rows.year_index(i));
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (costs.cost[i] <= 0.0) continue;
    residual[i] = costs.score[i] * severity[d.stratum[i]].log_sd;
    cell_sum[cell(i)] += residual[i];
    cell_count[cell(i)] += 1.0;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (costs.cost[i] > 0.0) residual[i] -= cell_sum[cell(i)] / cell_count[cell(i)];
  return residual;
}

}  // namespace

void add_frailty_pairs(const ClaimsRows& rows, const PositiveCosts& costs,
                       const std::vector<ParametricSeverity>& severity,
                       const std::vector<std::uint8_t>& group, std::vector<GroupSums>& groups) {
  // What a pair of positive years tells of frailty, per stratum: the add-on's units none (they
  // are independent of it: their share 1 - pi dilutes the covariance), and the body's scores
  // S h(W), h(w) = Phi^-1(F(e^(mu + S w))) with F the fitted distribution of positive costs,
  // carry it scaled by c_1 = E[W h(W)] (to first order in the year-to-year correlation). Each
  // pair counts for (1 - pi)(1 - pi') c_1 c_1' in the denominator.
  std::vector<double> signal;
  for (const ParametricSeverity& f : severity) signal.push_back((1.0 - f.pi) * score_signal(f));
  const std::vector<double> residual = provider_year_residuals(rows, costs, severity);
  const std::vector<double>& x = costs.cost;
  const auto& stratum = rows.data.stratum;
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
    if (!rows.followed(i, 1)) continue;
    GroupSums& g = groups[group[i]];
    if (x[i] > 0.0 && x[i + 1] > 0.0) {
      g.lag1 += residual[i] * residual[i + 1];
      g.pairs1 += signal[stratum[i]] * signal[stratum[i + 1]];
    }
    if (rows.followed(i, 2) && x[i] > 0.0 && x[i + 2] > 0.0) {
      g.lag2 += residual[i] * residual[i + 2];
      g.pairs2 += signal[stratum[i]] * signal[stratum[i + 2]];
    }
  }
}

void frailty_moments(const GroupSums& g, double& tau2, double& rho) {
  // C1 = rho tau^2, C2 = rho^2 tau^2.
  const double c1 = g.pairs1 > 0.0 ? g.lag1 / g.pairs1 : 0.0;
  if (c1 <= 0.0) {
    tau2 = 0.0;
    rho = 0.0;
  } else if (g.pairs2 > 0.0) {
    const double c2 = g.lag2 / g.pairs2;
    rho = std::clamp(c2 / c1, 1e-6, 1.0);
    tau2 = c1 / rho;
  } else {
    rho = 1.0;  // not identified with two years: a permanent frailty
    tau2 = c1;
  }
}

}  // namespace apmsim::calibrate
