#include "contract/provider_year.hpp"

#include <limits>

namespace apmsim::contract {

namespace {

using model::TallyLayout;

//! A record's figures in the place's view: the whole population, or one enrollment type.
struct View {
  const TallyLayout& layout;
  int type;  //!< -1: whole population
  double units(const double* r) const {
    return type < 0 ? r[TallyLayout::kUnits] : r[layout.type_field(type, TallyLayout::kTypeUnits)];
  }
  double cost(const double* r) const {
    return type < 0 ? r[TallyLayout::kCost] : r[layout.type_field(type, TallyLayout::kTypeCost)];
  }
  double risk(const double* r) const {
    return type < 0 ? r[TallyLayout::kRiskScore]
                    : r[layout.type_field(type, TallyLayout::kTypeRisk)];
  }
  //! The cost the contract counts: truncated when the contract truncates (`truncation`, the
  //! year's tally threshold index). With enrollment types each type is truncated at its own
  //! amount: the type's truncated sum, or the sum over the types for the whole population.
  double counted(const double* r, int truncation) const {
    if (type >= 0) return r[layout.type_field(type, TallyLayout::kTypeTruncated)];
    if (truncation < 0) return r[TallyLayout::kCost];
    if (layout.types == 0) return r[layout.capped_field(truncation)];
    double sum = 0.0;
    for (int t = 0; t < layout.types; ++t) sum += r[layout.type_field(t, TallyLayout::kTypeTruncated)];
    return sum;
  }
  //! The counted cost's sum of squares (the size-based rate's cv; whole population only).
  double counted_squared(const double* r, int truncation) const {
    return truncation >= 0 ? r[layout.capped_squared_field(truncation)] : r[TallyLayout::kCostSquared];
  }
};

//! Per-unit costs and weighted risk scores of the baseline years, and the provider's cost sums.
void read_baseline(const engine::BatchTallies& tallies, const TallyLayout& layout,
                   const TallyPlace& at, const std::vector<double>& weights, BaselineYears& out) {
  const auto years = static_cast<std::size_t>(at.baseline_years);
  out.cost_per_unit.resize(years);
  out.full_cost_per_unit.resize(years);
  out.regional_cost_per_unit.resize(years);
  out.risk_per_unit = out.regional_risk_per_unit = 0.0;
  out.units = out.cost = out.cost_squared = 0.0;
  out.first = at.baseline_first;
  out.savings_per_unit.assign(years, std::numeric_limits<double>::quiet_NaN());
  const View view{layout, at.type};
  for (int b = 0; b < at.baseline_years; ++b) {
    const auto yb = static_cast<std::size_t>(b);
    const int c = at.baseline_first + b;  // the calendar year
    const double* own = tallies.record(at.replication, at.provider, c);
    const double* region = tallies.record(at.replication, at.comparison, c);
    const double n = view.units(own), n_region = view.units(region);
    const int truncation = truncation_in(at, c);
    out.cost_per_unit[yb] = per_unit(view.counted(own, truncation), n);
    out.full_cost_per_unit[yb] = per_unit(view.cost(own), n);
    out.regional_cost_per_unit[yb] = per_unit(view.counted(region, truncation), n_region);
    out.risk_per_unit += weights[yb] * per_unit(view.risk(own), n);
    out.regional_risk_per_unit += weights[yb] * per_unit(view.risk(region), n_region);
    out.last_risk_per_unit = per_unit(view.risk(own), n);
    out.units += n;
    // Truncated when the contract truncates: the size-based rate's cv is of the cost it counts.
    out.cost += view.counted(own, truncation);
    out.cost_squared += view.counted_squared(own, truncation);
  }
}

//! Per-measure rates now and over the baseline years pooled, as measured and on complete data.
void read_quality(const engine::BatchTallies& tallies, const TallyLayout& layout,
                  const TallyPlace& at, Quality& measured, Quality& complete) {
  const auto measures = static_cast<std::size_t>(layout.measures);
  for (Quality* q : {&measured, &complete}) {
    q->rate.resize(measures);
    q->baseline.resize(measures);
  }
  const double* now = tallies.record(at.replication, at.provider, at.year);
  const auto field = [&layout](std::size_t m, int which) {
    return layout.measure_field(static_cast<int>(m), which);
  };
  for (std::size_t m = 0; m < measures; ++m) {
    double achieved = 0.0, responded = 0.0, achieved_true = 0.0, eligible = 0.0;
    for (int b = 0; b < at.baseline_years; ++b) {
      const double* own = tallies.record(at.replication, at.provider, at.baseline_first + b);
      achieved += own[field(m, TallyLayout::kAchieved)];
      responded += own[field(m, TallyLayout::kMeasured)];
      achieved_true += own[field(m, TallyLayout::kAchievedTrue)];
      eligible += own[field(m, TallyLayout::kEligible)];
    }
    measured.baseline[m] = rate_of(achieved, responded);
    complete.baseline[m] = rate_of(achieved_true, eligible);
    measured.rate[m] =
        rate_of(now[field(m, TallyLayout::kAchieved)], now[field(m, TallyLayout::kMeasured)]);
    complete.rate[m] =
        rate_of(now[field(m, TallyLayout::kAchievedTrue)], now[field(m, TallyLayout::kEligible)]);
  }
}

//! Cost per unit by calendar year 0..at.year of the national pool (at.national) and of the
//! provider's region, truncated as the contract truncates and not.
void read_cost_paths(const engine::BatchTallies& tallies, const TallyLayout& layout,
                     const TallyPlace& at, CostPaths& counted, CostPaths& full) {
  const auto years = static_cast<std::size_t>(at.year) + 1;
  for (CostPaths* paths : {&counted, &full}) {
    paths->national.assign(years, 0.0);
    paths->regional.assign(years, 0.0);
  }
  const View view{layout, at.type};
  for (int c = 0; c <= at.year; ++c) {
    const auto yc = static_cast<std::size_t>(c);
    const int truncation = truncation_in(at, c);
    double units = 0.0, cost = 0.0, full_cost = 0.0;
    for (std::uint32_t e : *at.national) {
      const double* record = tallies.record(at.replication, e, c);
      units += view.units(record);
      cost += view.counted(record, truncation);
      full_cost += view.cost(record);
    }
    counted.national[yc] = per_unit(cost, units);
    full.national[yc] = per_unit(full_cost, units);
    const double* region = tallies.record(at.replication, at.comparison, c);
    const double n = view.units(region);
    counted.regional[yc] = per_unit(view.counted(region, truncation), n);
    full.regional[yc] = per_unit(view.cost(region), n);
  }
}

}  // namespace

void read_provider_year(const engine::BatchTallies& tallies, const TallyLayout& layout,
                        const TallyPlace& at, const std::vector<double>& baseline_weights,
                        ProviderYear& out) {
  const double* now = tallies.record(at.replication, at.provider, at.year);
  const double* region = tallies.record(at.replication, at.comparison, at.year);
  const View view{layout, at.type};
  out.year = at.year;
  out.units = view.units(now);
  out.cost = view.cost(now);
  const int truncation = truncation_in(at, at.year);
  out.truncated_cost = view.counted(now, truncation);
  out.capped.clear();
  if (at.capped)
    for (const auto& [boundary, index] : *at.capped)
      out.capped.emplace_back(boundary, now[layout.capped_field(index)]);
  out.counterfactual = now[TallyLayout::kCounterfactual];
  out.catastrophic = now[TallyLayout::kCatastrophicCost];
  out.risk_per_unit = per_unit(view.risk(now), out.units);
  out.regional_units = view.units(region);
  out.regional_risk_per_unit = per_unit(view.risk(region), out.regional_units);
  out.regional_cost_per_unit = per_unit(view.counted(region, truncation), out.regional_units);
  out.regional_full_cost_per_unit = per_unit(view.cost(region), out.regional_units);
  read_baseline(tallies, layout, at, baseline_weights, out.baseline);
  read_quality(tallies, layout, at, out.quality, out.quality_complete);
  if (at.observed_trend) read_cost_paths(tallies, layout, at, out.observed, out.observed_full);
}

}  // namespace apmsim::contract
