#include "calibrate/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "calibrate/claims_rows.hpp"
#include "calibrate/csv_file.hpp"
#include "calibrate/efficiency.hpp"
#include "calibrate/group_sums.hpp"
#include "calibrate/outliers.hpp"
#include "calibrate/positive_costs.hpp"
#include "calibrate/stratum_fit.hpp"
#include "scenario/limits.hpp"

namespace apmsim::calibrate {
namespace {

//! What the data are: the file, its counts, what the reader's options changed, the years.
Calibration describe_data(const ClaimsData& d) {
  Calibration out;
  out.source = d.path;
  out.rows = d.rows();
  out.members = d.members;
  out.providers = d.providers.size();
  out.negative_zeroed = d.negative_zeroed;
  out.negative_dropped = d.negative_dropped;
  out.duplicates_summed = d.duplicates_summed;
  out.outliers_capped = d.outliers_capped;
  out.outliers_dropped = d.outliers_dropped;
  out.outlier_rows_dropped = d.outlier_rows_dropped;
  const auto [lo_year, hi_year] = std::minmax_element(d.year.begin(), d.year.end());
  out.first_year = *lo_year;
  out.years = *hi_year - *lo_year + 1;
  if (out.years > 200)
    throw DataError(d.path, "years span " + std::to_string(out.years) + " years");
  return out;
}

//! Members (at entry), rows and positive costs per stratum.
struct StrataSizes {
  std::vector<std::uint64_t> members, positive, rows;
};

//! The strata's sizes; throws DataError for a stratum too small to fit.
StrataSizes strata_sizes(const ClaimsRows& rows, const CalibrationSettings& settings) {
  const ClaimsData& d = rows.data;
  const auto S = static_cast<std::size_t>(rows.strata());
  StrataSizes n{std::vector<std::uint64_t>(S, 0), std::vector<std::uint64_t>(S, 0),
                std::vector<std::uint64_t>(S, 0)};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows.entry(i)) ++n.members[d.stratum[i]];
    if (d.cost[i] > 0.0) ++n.positive[d.stratum[i]];
    ++n.rows[d.stratum[i]];
  }
  for (std::size_t s = 0; s < S; ++s)
    if (n.members[s] < settings.min_members || n.positive[s] < settings.min_positive)
      throw DataError(d.path, "stratum '" + d.strata[s] + "' has " + std::to_string(n.members[s]) +
                                  " members and " + std::to_string(n.positive[s]) +
                                  " rows with a positive cost; fitting a stratum needs at least " +
                                  std::to_string(settings.min_members) + " members and " +
                                  std::to_string(settings.min_positive) +
                                  " positive costs: merge it with a similar stratum (give both "
                                  "the same name in the stratum column) or drop its rows");
  return n;
}

//! Trend, churn, frailty and transitions with their standard errors.
void patient_estimates(const ClaimsRows& rows, const SumsEstimates& sums, Calibration& out) {
  const auto estimate = [&](auto quantity) {
    return jackknife_estimate(sums.full, sums.replicates, quantity);
  };
  out.trend = estimate([](const Point& p) { return p.trend; });
  out.churn = estimate([](const Point& p) { return p.churn; });
  out.frailty_sd = estimate([](const Point& p) { return std::sqrt(p.tau2); });
  out.frailty_rho = estimate([](const Point& p) { return p.rho; });
  if (!out.rho_identified) out.frailty_rho = Estimate{1.0, -1.0};
  const int S = rows.strata();
  out.transitions = rows.data.has_stratum && sums.total.churn_stayed > 0.0;
  out.transition.assign(std::size_t(S), std::vector<Estimate>(static_cast<std::size_t>(S)));
  for (int a = 0; a < S; ++a)
    for (int b = 0; b < S; ++b)
      out.transition[std::size_t(a)][std::size_t(b)] =
          estimate([k = std::size_t(a * S + b)](const Point& p) { return p.moves[k]; });
}

//! Provider groups: count, members per provider-year, the most common region.
void provider_groups(const ClaimsRows& rows, Calibration& out) {
  const ClaimsData& d = rows.data;
  out.regions = d.regions;
  out.groups = d.groups;
  out.group_providers.assign(d.groups.size(), 0);
  std::vector<double> group_weight(d.groups.size(), 0.0);
  std::vector<std::vector<std::uint32_t>> region_count(
      d.groups.size(), std::vector<std::uint32_t>(d.regions.size()));
  for (std::size_t p = 0; p < d.providers.size(); ++p) {
    ++out.group_providers[d.provider_group[p]];
    ++region_count[d.provider_group[p]][d.provider_region[p]];
  }
  for (std::size_t i = 0; i < rows.size(); ++i)
    group_weight[d.provider_group[d.provider[i]]] += rows.exposure_years(i);
  for (std::size_t g = 0; g < d.groups.size(); ++g) {
    out.group_panel.push_back(out.group_providers[g]
                                  ? group_weight[g] / (out.group_providers[g] * double(rows.years))
                                  : 0.0);
    out.group_region.push_back(static_cast<std::uint32_t>(
        std::max_element(region_count[g].begin(), region_count[g].end()) -
        region_count[g].begin()));
  }
}

//! Throws DataError (naming the claims file, not the population never written) for an estimate
//! that is not finite or outside what a scenario takes; notes a trend far from the usual.
void check_plausible(const Calibration& c) {
  const auto check = [&](const std::string& what, double v, double lo, double hi) {
    if (std::isfinite(v) && v >= lo && v <= hi) return;
    char range[80];
    std::snprintf(range, sizeof range, "[%g, %g]", lo, hi);
    throw DataError(c.source, "the fitted " + what + " is " + std::to_string(v) +
                                  (std::isfinite(v) ? ", outside the range a scenario takes " +
                                                          std::string(range)
                                                    : " (the fit broke down)") +
                                  ": the data hold values calibrate cannot fit; look for costs, "
                                  "exposures or risk scores that differ wildly from the rest");
  };
  check("trend", c.trend.value, -0.99, 0.99);
  check("churn", c.churn.value, 0.0, 1.0);
  check("frailty_sd", c.frailty_sd.value, 0.0, scenario::kMaxLogSd);
  check("frailty_rho", c.frailty_rho.value, 0.0, 1.0);
  check("efficiency_sd (parametric form)", c.efficiency_parametric.value, 0.0, scenario::kMaxLogSd);
  check("efficiency_sd (empirical form)", c.efficiency_empirical.value, 0.0, scenario::kMaxLogSd);
  for (const StratumFit& s : c.strata) {
    const std::string of = " of stratum '" + shown(s.name, 40) + "'";
    check("share" + of, s.share.value, 0.0, 1.0);
    check("P(cost > 0)" + of, s.p_positive.value, 0.0, 1.0);
    check("risk_score" + of, s.risk_score.value, kMinRiskScore, kMaxRiskScore);
    check("mean" + of, s.mean.value, 0.0, kMaxAnnualCost);
    check("cv" + of, s.cv.value, 0.0, 1e6);
    check("cat_scale" + of, s.cat_scale.value, 0.0, kMaxAnnualCost);
    check("tail_scale" + of, s.tail_scale.value, 0.0, kMaxAnnualCost);
    check("tail_shape" + of, s.tail_shape.value, -1.0, 0.95);
    for (double q : s.quantiles) check("quantile" + of, q, 0.0, 1e12);
  }
}

}  // namespace

Calibration calibrate_claims(const ClaimsData& d, const CalibrationSettings& settings) {
  Calibration out = describe_data(d);
  const ClaimsRows rows{d, out.first_year, out.years};
  const StrataSizes sizes = strata_sizes(rows, settings);
  const Grouping grouping = jackknife_grouping(d, settings.jackknife_groups);
  out.jackknife_groups = grouping.count;
  out.grouping = grouping.by_provider ? "providers" : "members";

  const PositiveCosts costs = positive_costs(rows, settings.tail_fraction);
  const SumsEstimates sums = estimate_from_sums(rows, costs, grouping);
  out.rho_identified = sums.total.pairs2 > 0.0;
  if (!out.rho_identified)
    out.notes.push_back(
        "frailty_rho is not identified with fewer than three consecutive years per member: "
        "frailty is taken as permanent (rho = 1)");
  const EfficiencyFit efficiency = provider_efficiency(rows, costs.cell_mean, sums, grouping.count);
  out.efficiency_parametric = efficiency.parametric;
  out.efficiency_empirical = efficiency.empirical;
  if (!d.has_provider)
    out.notes.push_back("no provider column: provider efficiency is not estimated (0)");

  const ReportLevels levels = report_levels(costs.samples);
  out.thresholds = levels.thresholds;
  out.percentile_levels = levels.percentiles;
  out.qq_levels = levels.qq;
  const StratumInputs inputs{rows, settings, costs, grouping, sums, efficiency, levels};
  double parametric_error = 0.0, empirical_error = 0.0;
  for (int s = 0; s < rows.strata(); ++s) {
    StratumFit f = fit_stratum(inputs, s);
    f.members = sizes.members[std::size_t(s)];
    f.positive = sizes.positive[std::size_t(s)];
    f.rows = sizes.rows[std::size_t(s)];
    parametric_error += f.parametric_error * sums.total.weight[std::size_t(s)];
    empirical_error += f.empirical_error * sums.total.weight[std::size_t(s)];
    out.strata.push_back(std::move(f));
  }
  out.better = empirical_error < parametric_error ? "empirical" : "parametric";
  patient_estimates(rows, sums, out);
  if (out.years < 2)
    out.notes.push_back("one year of data: no trend, churn, frailty or transitions");
  provider_groups(rows, out);
  check_plausible(out);
  if (std::fabs(out.trend.value) > 0.25)
    out.notes.push_back("a trend of " + std::to_string(out.trend.value) +
                        " a year is far from the usual 0 to 0.1: check that every year's costs "
                        "are in the same units and cover the same services");
  return out;
}

}  // namespace apmsim::calibrate
