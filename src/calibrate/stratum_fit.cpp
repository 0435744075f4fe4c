#include "calibrate/stratum_fit.hpp"

#include <algorithm>
#include <cmath>

#include "calibrate/empirical_severity.hpp"

namespace apmsim::calibrate {
namespace {

//! Rounds to three significant digits (report thresholds a person reads).
double round3(double x) {
  if (!(x > 0.0)) return x;
  const double p = std::pow(10.0, std::floor(std::log10(x)) - 2.0);
  return std::round(x / p) * p;
}

//! Mean relative error of `fit`'s limited means against `observed`'s.
double relative_error(const CostSummary& fit, const CostSummary& observed) {
  double e = 0.0;
  for (std::size_t i = 0; i < observed.limited.size(); ++i)
    e += std::fabs(fit.limited[i] - observed.limited[i]) / observed.limited[i];
  return observed.limited.empty() ? 0.0 : e / double(observed.limited.size());
}

//! The parametric form's estimates, the body's cv within a patient and the empirical body's
//! score spread (frailty and efficiency removed), and Hill's tail index.
void parametric_estimates(const StratumInputs& in, int s, StratumFit& f) {
  const auto k = std::size_t(s);
  const Point& full = in.sums.full;
  const auto estimate = [&](auto quantity) {
    return jackknife_estimate(full, in.sums.replicates, quantity);
  };
  f.share = estimate([k](const Point& p) { return p.share[k]; });
  f.p_positive = estimate([k](const Point& p) { return p.p_positive[k]; });
  f.risk_score = estimate([k](const Point& p) { return p.risk[k]; });
  f.p_any = estimate([k](const Point& p) { return p.severity[k].p_any; });
  f.mean = estimate([k](const Point& p) { return p.severity[k].body_mean(); });
  const Estimate log_sd = estimate([k](const Point& p) { return p.severity[k].log_sd; });
  f.cat_prob = estimate([k](const Point& p) { return p.severity[k].pi * p.p_positive[k]; });
  f.cat_scale = estimate([k](const Point& p) { return p.severity[k].cat_scale; });
  f.cat_shape = estimate([k](const Point& p) { return p.severity[k].cat_shape; });
  const SeverityStats& tail = in.sums.total.severity[k];
  if (tail.tail_log > 0.0) {
    const double a = tail.tail_weight / tail.tail_log;
    f.hill = {a, a / std::sqrt(tail.tail_weight)};
  }
  f.hill_threshold = in.costs.thresholds[k];
  if (full.severity[k].pi <= 0.0) f.cat_prob = f.cat_scale = f.cat_shape = Estimate{0.0, -1.0};
  // The scenario's cv is the body's within a patient: frailty and efficiency removed.
  const double tau2 = full.tau2;
  const double sigma_e2 = in.efficiency.parametric.value * in.efficiency.parametric.value;
  f.log_sd = log_sd.value;
  const double body_var = std::max(log_sd.value * log_sd.value - tau2 - sigma_e2, 1e-6);
  f.cv = {std::sqrt(std::expm1(body_var)),
          log_sd.se < 0
              ? -1.0
              : log_sd.se * log_sd.value * std::exp(body_var) / std::sqrt(std::expm1(body_var)),
          {}};
  // Its replicates take each replicate's frailty and efficiency too: the data identify the
  // total spread, so a draw with more frailty has a narrower body (efficiency only where its
  // jackknife runs over the same groups: groups of providers).
  const std::vector<double>& efficiency = in.efficiency.parametric.replicates;
  const bool same_groups = in.grouping.by_provider && efficiency.size() == log_sd.replicates.size();
  for (std::size_t g = 0; g < log_sd.replicates.size(); ++g) {
    const double l = log_sd.replicates[g];
    const double e = same_groups ? efficiency[g] : in.efficiency.parametric.value;
    f.cv.replicates.push_back(
        std::sqrt(std::expm1(std::max(l * l - in.sums.replicates[g].tau2 - e * e, 1e-6))));
  }
  f.score_sd = std::sqrt(std::max(log_sd.value * log_sd.value - tau2 -
                                      in.efficiency.empirical.value * in.efficiency.empirical.value,
                                  1e-6));
}

//! Both forms summarised beside the observed costs, and their QQ points.
void diagnostics(const WeightedSample& sample, const ParametricSeverity& ps,
                 const EmpiricalSeverity& e, const ReportLevels& levels, StratumFit& f) {
  f.observed = summarize(sample, levels.thresholds, levels.percentiles);
  f.parametric = summarize(ps, levels.thresholds, levels.percentiles);
  f.empirical = summarize(e.table, levels.thresholds, levels.percentiles);
  for (double p : levels.qq) {
    f.qq_observed.push_back(std::log(sample.quantile(p)));
    f.qq_parametric.push_back(std::log(parametric_quantile(ps, p)));
    f.qq_empirical.push_back(std::log(std::max(e.table.quantile(p), 1e-300)));
  }
}

//! Out of sample: each form fitted on one half of the groups, judged on the other, both ways.
void out_of_sample(const StratumInputs& in, int s, StratumFit& f) {
  const auto k = std::size_t(s);
  const int G = in.grouping.count;
  const std::vector<double>& thresholds = in.levels.thresholds;
  for (int half = 0; half < 2; ++half) {
    WeightedSample fit_on, judge_on;
    SeverityStats stats;
    stats.histogram =
        LogHistogram(in.costs.ranges[k].first, in.costs.ranges[k].second, kHistogramBins);
    double pos_w = 0.0, all_w = 0.0;
    for (const auto& [cost, i] : in.costs.sorted[k]) {  // already in cost order
      WeightedSample& target = (in.grouping.of_row[i] < G / 2) == (half == 0) ? fit_on : judge_on;
      target.cost.push_back(cost);
      target.weight.push_back(in.rows.exposure_years(i));
    }
    for (int g = 0; g < G; ++g)
      if ((g < G / 2) == (half == 0)) {
        const GroupSums& sums = in.sums.groups[std::size_t(g)];
        stats += sums.severity[k];
        all_w += sums.weight[k];
        pos_w += sums.positive[k];
      }
    if (fit_on.cost.size() < 100 || judge_on.cost.size() < 100) continue;
    fit_on.prepare();
    judge_on.prepare();
    const CostSummary judged = summarize(judge_on, thresholds, {});
    const ParametricSeverity half_ps =
        fit_parametric(stats, in.costs.thresholds[k], all_w > 0.0 ? pos_w / all_w : 1.0);
    const EmpiricalSeverity half_e =
        fit_empirical(fit_on, in.settings.knots, in.settings.tail_fraction);
    f.parametric_error += 0.5 * relative_error(summarize(half_ps, thresholds, {}), judged);
    f.empirical_error += 0.5 * relative_error(summarize(half_e.table, thresholds, {}), judged);
  }
}

}  // namespace

ReportLevels report_levels(const std::vector<WeightedSample>& samples) {
  // Pooled percentiles by bisection on the strata's weighted CDFs (no pooled sort).
  const auto pooled_cdf = [&](double c) {
    double below = 0.0, all = 0.0;
    for (const WeightedSample& w : samples) {
      below += w.weight_below(c);
      all += w.total();
    }
    return below / all;
  };
  double smallest = samples.front().cost.front(), largest = samples.front().cost.back();
  for (const WeightedSample& w : samples) {
    smallest = std::min(smallest, w.cost.front());
    largest = std::max(largest, w.cost.back());
  }
  ReportLevels levels;
  for (double p : {0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999}) {
    double lo = smallest, hi = largest;
    for (int k = 0; k < 100 && hi - lo > 1e-9 * hi; ++k) {
      const double mid = 0.5 * (lo + hi);
      (pooled_cdf(mid) < p ? lo : hi) = mid;
    }
    levels.thresholds.push_back(round3(hi));
  }
  for (double a : {100000.0, 250000.0}) levels.thresholds.push_back(a);
  std::sort(levels.thresholds.begin(), levels.thresholds.end());
  levels.thresholds.erase(std::unique(levels.thresholds.begin(), levels.thresholds.end()),
                          levels.thresholds.end());
  levels.percentiles = {0.5, 0.75, 0.9, 0.95, 0.99, 0.995};
  for (int k = 1; k < 100; ++k) levels.qq.push_back(k / 100.0);
  for (double p : {0.995, 0.999, 0.9995}) levels.qq.push_back(p);
  return levels;
}

StratumFit fit_stratum(const StratumInputs& in, int s) {
  const auto k = std::size_t(s);
  StratumFit f;
  f.name = in.rows.data.strata[k];
  parametric_estimates(in, s, f);
  // The empirical form from the whole stratum.
  const WeightedSample& sample = in.costs.samples[k];
  const EmpiricalSeverity e = fit_empirical(sample, in.settings.knots, in.settings.tail_fraction);
  f.probabilities = e.table.probabilities();
  f.quantiles = e.table.quantiles();
  f.tail_scale = {e.table.tail_scale(), e.tail_scale_se};
  f.tail_shape = {e.table.tail_shape(), e.tail_shape_se};
  f.tail_threshold = e.tail_threshold;
  // The mean of positive costs from the sums, each replicate's less its group.
  const SeverityStats& all = in.sums.total.severity[k];
  f.positive_mean.value = all.sum / all.weight;
  for (const GroupSums& g : in.sums.groups) {
    const SeverityStats& out = g.severity[k];
    f.positive_mean.replicates.push_back((all.sum - out.sum) / (all.weight - out.weight));
  }
  f.positive_mean.se = jackknife_se(f.positive_mean.replicates);
  f.tail_count = e.tail_count;
  diagnostics(sample, in.sums.full.severity[k], e, in.levels, f);
  out_of_sample(in, s, f);
  return f;
}

}  // namespace apmsim::calibrate
