#include "analysis/stop_loss_exhibit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "analysis/quantity_table.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
//! The rule of three: with no event in n trials, 3 / n bounds the probability at 95%.
constexpr double kRuleOfThree = 3.0;

enum class Exhibit {
  kAttachmentFactor,
  kExpectedClaims,
  kExpectedRecoveries,
  kExpectedRetained,
  kAttachProbability,
  kAttachCount,
  kAttachProbabilityUpper,
  kRetainedP50,
  kRetainedP75,
  kRetainedP90,
  kRetainedP95,
  kRetainedP99,
  kEpd
};
using E = Exhibit;
constexpr std::array kExhibitQuantities{
    QuantityInfo<E>{E::kAttachmentFactor, "attachment_factor", "factor",
                    "attachment / expected claims (aggregate)"},
    QuantityInfo<E>{E::kExpectedClaims, "expected_claims", "currency/provider-year",
                    "expected claims the arrangement covers"},
    QuantityInfo<E>{E::kExpectedRecoveries, "expected_recoveries", "currency/provider-year",
                    "expected stop-loss recoveries"},
    QuantityInfo<E>{E::kExpectedRetained, "expected_retained", "currency/provider-year",
                    "expected retained claims = claims - recoveries"},
    QuantityInfo<E>{E::kAttachProbability, "attach_probability", "fraction",
                    "P(claims reach the attachment)"},
    QuantityInfo<E>{E::kAttachCount, "attach_count", "provider-years",
                    "provider-years reaching the attachment in the run"},
    QuantityInfo<E>{E::kAttachProbabilityUpper, "attach_probability_upper", "fraction",
                    "95% upper bound 3 / provider-years when none attach (rule of three)"},
    QuantityInfo<E>{E::kRetainedP50, "retained_p50", "fraction",
                    "median retained claims / expected retained"},
    QuantityInfo<E>{E::kRetainedP75, "retained_p75", "fraction",
                    "75th percentile of retained / expected retained"},
    QuantityInfo<E>{E::kRetainedP90, "retained_p90", "fraction",
                    "90th percentile of retained / expected retained"},
    QuantityInfo<E>{E::kRetainedP95, "retained_p95", "fraction",
                    "95th percentile of retained / expected retained"},
    QuantityInfo<E>{E::kRetainedP99, "retained_p99", "fraction",
                    "99th percentile of retained / expected retained"},
    QuantityInfo<E>{E::kEpd, "epd", "fraction",
                    "expected policyholder deficit E[(retained - E retained)+] / E retained"},
};
static_assert(listed_in_order(kExhibitQuantities));
constexpr const auto& quantity_table(Exhibit) { return kExhibitQuantities; }

struct Percentile {
  double level;
  Exhibit quantity;
};
constexpr Percentile kPercentiles[] = {{0.50, E::kRetainedP50},
                                       {0.75, E::kRetainedP75},
                                       {0.90, E::kRetainedP90},
                                       {0.95, E::kRetainedP95},
                                       {0.99, E::kRetainedP99}};

//! One row: a specific attachment (a tally threshold) or an aggregate attachment rule.
struct Arrangement {
  enum Kind { kSpecific, kFactor, kMonthly, kBreakEven } kind;
  std::string label;
  std::size_t threshold = 0;  //!< kSpecific: tally threshold index
  double factor = 0;          //!< kFactor, kBreakEven: of expected claims
  double monthly = 0, minimum = 0;
};

//! Months in a patient-year: member months = 12 x units.
constexpr double kMonthsPerYear = 12;

//! Claims, attachment, recovery and the specific recovery of one record under `a`, given the
//! provider-year's expected claims.
StopLossYear year_of(const Arrangement& a, ProviderYear r, double expected_claims) {
  StopLossYear y;
  if (a.kind == Arrangement::kSpecific) {
    y.claims = r[c::kActualCost];
    y.recovery = r.excess_over(a.threshold);
    y.attachment = kNaN;  // per unit: no aggregate factor
  } else {
    y.other_recovery = r[c::kStopLossRecovery];
    y.claims = r[c::kActualCost] - y.other_recovery;
    y.attachment = a.kind == Arrangement::kMonthly
                       ? std::max(a.monthly * kMonthsPerYear * r[c::kUnits], a.minimum)
                       : a.factor * expected_claims;
    y.recovery = std::max(y.claims - y.attachment, 0.0);
  }
  y.expected_claims = expected_claims;
  return y;
}

//! Per provider-year cell, the mean over all replications of value(StopLossYear).
template <typename Value>
std::vector<double> cell_means(const RecordView& view, const Arrangement& a,
                               const std::vector<double>& expected_claims, Value value) {
  std::vector<double> sum(view.cells(), 0.0), count(view.cells(), 0.0);
  view.for_each_cell(view.everyone(), view.all_replications(),
                     [&](ProviderYear r, std::uint64_t, std::size_t cell) {
                       sum[cell] += value(year_of(a, r, expected_claims[cell]));
                       ++count[cell];
                     });
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] = count[i] > 0 ? sum[i] / count[i] : kNaN;
  return sum;
}

//! The provider-years of `range` under `a`, with their expectations.
struct Expectations {
  std::vector<double> claims, retained;
};
Expectations expectations(const RecordView& view, const Arrangement& a) {
  const std::vector<double> none(view.cells(), 0.0);
  Expectations e;
  e.claims = cell_means(view, a, none, [](const StopLossYear& y) { return y.claims; });
  e.retained =
      cell_means(view, a, e.claims, [](const StopLossYear& y) { return y.claims - y.recovery; });
  return e;
}

std::vector<StopLossYear> years_of(const RecordView& view, const Arrangement& a,
                                   const Expectations& e, const Selection& selection,
                                   ReplicationRange range) {
  std::vector<StopLossYear> years;
  view.for_each_cell(selection, range, [&](ProviderYear r, std::uint64_t, std::size_t cell) {
    StopLossYear y = year_of(a, r, e.claims[cell]);
    y.expected_retained = e.retained[cell];
    years.push_back(y);
  });
  return years;
}

//! The batch-means quantities of some provider-years: means, P(attach), EPD and the factor.
QuantityGrid<Exhibit> exhibit_values(const std::vector<StopLossYear>& years, const Arrangement& a) {
  double claims = 0, recovery = 0, attachment = 0, expected = 0, attached = 0, deficit = 0,
         expected_retained = 0;
  for (const StopLossYear& y : years) {
    claims += y.claims;
    recovery += y.recovery;
    attachment += y.attachment;
    expected += y.expected_claims;
    attached += y.recovery > 0 ? 1 : 0;
    deficit += std::max(y.claims - y.recovery - y.expected_retained, 0.0);
    expected_retained += y.expected_retained;
  }
  const double n = static_cast<double>(years.size());
  QuantityGrid<Exhibit> v;
  if (years.empty()) return v;
  v(E::kAttachmentFactor) =
      a.kind == Arrangement::kBreakEven ? break_even_factor(years) : attachment / expected;
  v(E::kExpectedClaims) = claims / n;
  v(E::kExpectedRecoveries) = recovery / n;
  v(E::kExpectedRetained) = (claims - recovery) / n;
  v(E::kAttachProbability) = attached / n;
  v(E::kEpd) = expected_retained > 0 ? deficit / expected_retained : kNaN;
  return v;
}

//! Every quantity of one arrangement on the selected provider-years: batch means, then counts and
//! percentiles on all replications (order-statistic intervals; a batch would see too little of
//! the tail). Expectations are each provider-year cell's own, whatever the selection.
EstimateGrid<Exhibit> exhibit_estimates(const RecordView& view, const Arrangement& a,
                                        const Selection& selection) {
  const Expectations e = expectations(view, a);
  EstimateGrid<Exhibit> out = batch_means<Exhibit>(view, 1, [&](ReplicationRange range) {
    return exhibit_values(years_of(view, a, e, selection, range), a);
  });
  const std::vector<StopLossYear> all = years_of(view, a, e, selection, view.all_replications());
  std::vector<double> ratios;
  double attached = 0;
  for (const StopLossYear& y : all) {
    attached += y.recovery > 0 ? 1 : 0;
    if (y.expected_retained > 0) ratios.push_back((y.claims - y.recovery) / y.expected_retained);
  }
  out(E::kAttachCount).value = attached;
  out(E::kAttachCount).se = kNaN;
  if (attached == 0 && !all.empty())
    out(E::kAttachProbabilityUpper).value = kRuleOfThree / static_cast<double>(all.size());
  if (!ratios.empty())
    for (const Percentile& p : kPercentiles)
      out(p.quantity) = stats::value_at_risk_estimate(ratios, p.level);
  return out;
}

std::vector<Arrangement> arrangements(const RecordView& view,
                                      const scenario::AnalysisSettings& settings) {
  std::vector<Arrangement> rows;
  for (std::size_t t : view.quoted_thresholds())
    rows.push_back(
        {Arrangement::kSpecific, "specific A=" + format_number(view.thresholds()[t]), t});
  for (const double f : settings.aggregate_attachment_factors)
    rows.push_back({Arrangement::kFactor, "aggregate factor=" + format_number(f), 0, f});
  if (settings.aggregate_monthly_factor > 0)
    rows.push_back({Arrangement::kMonthly,
                    "aggregate monthly=" + format_number(settings.aggregate_monthly_factor) +
                        " minimum=" + format_number(settings.aggregate_minimum_attachment),
                    0, 0, settings.aggregate_monthly_factor,
                    settings.aggregate_minimum_attachment});
  return rows;
}

}  // namespace

double break_even_factor(const std::vector<StopLossYear>& years) {
  const auto gap = [&years](double f) {  // retained - insurers' claims, increasing in f
    double g = 0;
    for (const StopLossYear& y : years) {
      const double attachment = f * y.expected_claims;
      g += std::min(y.claims, attachment) - y.other_recovery - std::max(y.claims - attachment, 0.0);
    }
    return g;
  };
  double hi = 1;
  for (const StopLossYear& y : years)
    if (y.expected_claims > 0) hi = std::max(hi, 2 * y.claims / y.expected_claims);
  if (years.empty() || !(gap(hi) >= 0)) return kNaN;
  double lo = 0;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (gap(mid) < 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::vector<AnalysisTable> stop_loss_exhibit(const RecordView& view,
                                             const scenario::AnalysisSettings& settings) {
  std::vector<Arrangement> rows = arrangements(view, settings);
  if (view.replications() == 0) return {};
  // The break-even row: the factor solved on all replications of the agreement, quoted like the
  // others (its attachment_factor column is each year's own break-even factor).
  const Arrangement unit_factor{Arrangement::kFactor, "", 0, 1.0};
  Arrangement even{Arrangement::kBreakEven, "aggregate break-even"};
  even.factor = break_even_factor(years_of(view, unit_factor, expectations(view, unit_factor),
                                           view.everyone(), view.all_replications()));
  if (std::isfinite(even.factor)) rows.push_back(even);
  if (rows.empty()) return {};
  std::vector<std::string> labels;
  for (const Arrangement& a : rows) labels.push_back(a.label);
  // By performance year and over the agreement, as the net result is.
  const std::vector<std::string> columns = year_columns(view.years(), "agreement");
  EstimateTable table = make_table(labels, columns, quantities_of<Exhibit>(), view.batch_count());
  for (std::size_t column = 0; column < columns.size(); ++column) {
    const Selection selection = view.everyone(column_year(column, view.years()));
    for (std::size_t i = 0; i < rows.size(); ++i)
      put_row(table, i, column, exhibit_estimates(view, rows[i], selection));
  }
  return {{"risk", "stop_loss_exhibit",
           "stop-loss exhibit: each specific attachment and each aggregate attachment (net of "
           "the specific stop-loss), per provider-year",
           table}};
}

}  // namespace apmsim::analysis
