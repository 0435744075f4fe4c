#include "calibrate/efficiency.hpp"

#include <algorithm>
#include <cmath>

namespace apmsim::calibrate {

double random_effects_variance(const std::vector<double>& l, const std::vector<double>& v,
                               const std::vector<bool>& use) {
  double sum = 0.0, sum2 = 0.0, noise = 0.0;
  int k = 0;
  for (std::size_t p = 0; p < l.size(); ++p) {
    if (!use[p] || !(v[p] > 0.0) || !std::isfinite(l[p])) continue;
    sum += l[p];
    sum2 += l[p] * l[p];
    noise += v[p];
    ++k;
  }
  if (k < 3) return 0.0;
  const double variance = (sum2 - sum * sum / k) / (k - 1);
  return std::max(0.0, variance - noise / k);
}

namespace {

//! Per provider: l_p = ln(observed / expected cost) and its sampling variance v_p.
struct ProviderRatios {
  std::vector<double> log_ratio, variance;
};

ProviderRatios provider_ratios(const ClaimsRows& rows, const std::vector<double>& cell_mean) {
  const ClaimsData& d = rows.data;
  const std::size_t P = d.providers.size();
  std::vector<double> observed(P, 0.0), expected(P, 0.0), noise(P, 0.0);
  double member_gap = 0.0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double e = rows.risk_exposure(i) * cell_mean[rows.cell(i)];
    observed[d.provider[i]] += d.cost[i];
    expected[d.provider[i]] += e;
    member_gap += d.cost[i] - e;
    if (rows.last(i)) {
      noise[d.provider[i]] += member_gap * member_gap;
      member_gap = 0.0;
    }
  }
  ProviderRatios r{std::vector<double>(P), std::vector<double>(P)};
  for (std::size_t p = 0; p < P; ++p) {
    r.log_ratio[p] =
        observed[p] > 0.0 && expected[p] > 0.0 ? std::log(observed[p] / expected[p]) : std::nan("");
    // The delta method around the expected cost (the observed one correlates with the noise).
    r.variance[p] = expected[p] > 0.0 ? noise[p] / (expected[p] * expected[p]) : 0.0;
  }
  return r;
}

//! The body's share of positive cost under the parametric form, over all strata.
double body_share(const SumsEstimates& sums) {
  double body = 0.0, all = 0.0;
  for (std::size_t s = 0; s < sums.full.severity.size(); ++s) {
    const ParametricSeverity& f = sums.full.severity[s];
    const double w = sums.total.weight[s] * sums.full.p_positive[s];
    const double m = f.body_mean();
    const double addon = f.pi > 0.0 ? f.cat_scale * f.cat_shape / (f.cat_shape - 1.0) : 0.0;
    body += w * ((1.0 - f.pi) * m + f.pi * f.p_any * m);
    all += w * ((1.0 - f.pi) * m + f.pi * (f.p_any * m + addon));
  }
  return all > 0.0 ? body / all : 1.0;
}

}  // namespace

EfficiencyFit provider_efficiency(const ClaimsRows& rows, const std::vector<double>& cell_mean,
                                  const SumsEstimates& sums, int groups) {
  const ProviderRatios r = provider_ratios(rows, cell_mean);
  const std::size_t P = r.log_ratio.size();
  const auto efficiency_of = [&](const std::vector<bool>& use) {
    return random_effects_variance(r.log_ratio, r.variance, use);
  };
  const double tau2 = efficiency_of(std::vector<bool>(P, true));
  std::vector<double> replicates;
  if (P >= 3) {
    const std::size_t provider_groups = P >= std::size_t(2 * groups) ? std::size_t(groups) : P;
    for (std::size_t g = 0; g < provider_groups; ++g) {
      std::vector<bool> use(P, true);
      for (std::size_t p = 0; p < P; ++p)
        if ((provider_groups == P ? p : hashed_group(p, groups)) == g) use[p] = false;
      replicates.push_back(efficiency_of(use));
    }
  }
  const double share = body_share(sums);
  const auto sd_of = [](double t, double body) { return std::sqrt(t) / body; };
  return EfficiencyFit{
      jackknife_estimate(tau2, replicates, [&](double t) { return sd_of(t, share); }),
      jackknife_estimate(tau2, replicates, [&](double t) { return sd_of(t, 1.0); })};
}

}  // namespace apmsim::calibrate
