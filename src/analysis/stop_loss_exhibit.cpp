#include "analysis/stop_loss_exhibit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/quantity_table.hpp"
#include "contract/stop_loss.hpp"
#include "scenario/toml_text.hpp"

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
  kEpd,
  kPremium,
  kLossRatio,
  kPurePremiumPmpm,
  kLoadedPremiumPmpm
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
    QuantityInfo<E>{E::kPremium, "premium", "currency/provider-year",
                    "the contract's premium for the cover (contract rows)"},
    QuantityInfo<E>{E::kLossRatio, "loss_ratio", "fraction",
                    "expected recoveries / premium (contract rows; 1: priced at cost)"},
    QuantityInfo<E>{E::kPurePremiumPmpm, "pure_premium_pmpm", "currency/member-month",
                    "contract rows: sum recovery / sum units / 12 (patient-year units)"},
    QuantityInfo<E>{E::kLoadedPremiumPmpm, "loaded_premium_pmpm", "currency/member-month",
                    "pure x (1 + loading) + sd_loading x sd of recovery per member-month"},
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

//! One row: a specific attachment (a tally threshold), an aggregate attachment rule, or a cover
//! the contract buys (its total, its aggregate cover, or one of its specific layers).
struct Arrangement {
  enum Kind {
    kSpecific,
    kFactor,
    kMonthly,
    kBreakEven,
    kContractTotal,
    kContractAggregate,
    kContractLayer
  } kind;
  std::string label;
  std::size_t threshold = 0;  //!< kSpecific: tally threshold index
  double factor = 0;          //!< kFactor, kBreakEven: of expected claims
  double monthly = 0, minimum = 0;
  //! A part of a specific cover: the share it pays of the cost between two tally thresholds
  //! (indices; attachment -1: from 0, limit -1: none).
  struct Piece {
    double share;
    int attachment, limit;
  };
  //! Contract rows, per performance year: whether the cover is in force, its pieces (one for a
  //! layer or band, every band for the bands together) and its premium per unit.
  std::vector<bool> in_force{};
  std::vector<std::vector<Piece>> pieces{};
  std::vector<double> premium{};
  std::vector<scenario::AggregateStopLoss> aggregate{};  //!< kContractAggregate, per year
};

//! Months in a patient-year: member months = 12 x units.
constexpr double kMonthsPerYear = 12;

//! Claims, attachment, recovery, premium and the specific recovery of one record of performance
//! year `year` under `a`, given the provider-year's expected claims.
StopLossYear year_of(const Arrangement& a, ProviderYear r, int year, double expected_claims) {
  StopLossYear y;
  const auto at = static_cast<std::size_t>(year);
  const double specific = r[c::kStopLossRecovery] - r[c::kAggregateRecovery];
  switch (a.kind) {
    case Arrangement::kSpecific:
      y.claims = r[c::kActualCost];
      y.recovery = r.excess_over(a.threshold);
      y.attachment = kNaN;  // per unit: no aggregate factor
      break;
    case Arrangement::kContractTotal:
      y.claims = r[c::kActualCost];
      y.recovery = r[c::kStopLossRecovery];
      y.premium = r[c::kStopLossPremium];
      y.attachment = kNaN;
      break;
    case Arrangement::kContractLayer:
      y.claims = r[c::kActualCost];
      y.attachment = kNaN;
      if (a.in_force[at]) {
        // share x (cost between attachment and limit), counting no cost above the truncation
        // point: the excess over the limit is at least the truncation excess.
        for (const Arrangement::Piece& piece : a.pieces[at]) {
          const double above_limit =
              std::max(piece.limit >= 0 ? r.excess_over(static_cast<std::size_t>(piece.limit)) : 0.0,
                       r[c::kTruncationExcess]);
          const double above_attachment =
              piece.attachment >= 0 ? r.excess_over(static_cast<std::size_t>(piece.attachment))
                                    : r[c::kActualCost];
          y.recovery += piece.share * (above_attachment - above_limit);
        }
        y.premium = a.premium[at] * r[c::kUnits];
      }
      break;
    case Arrangement::kContractAggregate:
      y.other_recovery = specific;
      y.claims = r[c::kActualCost] - r[c::kTruncationExcess] - specific;
      if (a.in_force[at]) {
        y.attachment =
            c::aggregate_attachment(a.aggregate[at], r[c::kUnits], r[c::kBenchmark]);
        y.recovery = r[c::kAggregateRecovery];
        y.premium = a.aggregate[at].premium * r[c::kUnits];
      }
      break;
    default:
      y.other_recovery = specific;
      y.claims = r[c::kActualCost] - y.other_recovery;
      y.attachment = a.kind == Arrangement::kMonthly
                         ? std::max(a.monthly * kMonthsPerYear * r[c::kUnits], a.minimum)
                         : a.factor * expected_claims;
      y.recovery = std::max(y.claims - y.attachment, 0.0);
  }
  y.expected_claims = expected_claims;
  y.units = r[c::kUnits];
  return y;
}

//! The performance year of a provider-year cell.
int year_in(const RecordView& view, std::size_t cell) {
  return static_cast<int>(cell % static_cast<std::size_t>(view.years()));
}

//! Per provider-year cell, the mean over all replications of value(StopLossYear).
template <typename Value>
std::vector<double> cell_means(const RecordView& view, const Arrangement& a,
                               const std::vector<double>& expected_claims, Value value) {
  std::vector<double> sum(view.cells(), 0.0), count(view.cells(), 0.0);
  view.for_each_cell(view.everyone(), view.all_replications(),
                     [&](ProviderYear r, std::uint64_t, std::size_t cell) {
                       sum[cell] += value(year_of(a, r, year_in(view, cell), expected_claims[cell]));
                       ++count[cell];
                     });
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] = count[i] > 0 ? sum[i] / count[i] : kNaN;
  return sum;
}

//! The provider-years of `range` under `a`, with their expectations.
struct Expectations {
  std::vector<double> claims, retained;
  //! With every_year(): each record's StopLossYear, replication r's cell c at r x cells + c, made
  //! once for the batches and columns that select from them; `in_program` says which records
  //! the analyses see (RecordView::for_each_cell leaves out a provider's years after it left).
  std::vector<StopLossYear> years;
  std::vector<char> in_program;
};
Expectations expectations(const RecordView& view, const Arrangement& a) {
  const std::vector<double> none(view.cells(), 0.0);
  Expectations e;
  e.claims = cell_means(view, a, none, [](const StopLossYear& y) { return y.claims; });
  e.retained =
      cell_means(view, a, e.claims, [](const StopLossYear& y) { return y.claims - y.recovery; });
  return e;
}

//! The StopLossYear of one record (cell `cell`) under `a`.
StopLossYear stop_loss_year(const RecordView& view, const Arrangement& a, const Expectations& e,
                            ProviderYear r, std::size_t cell) {
  StopLossYear y = year_of(a, r, year_in(view, cell), e.claims[cell]);
  y.expected_retained = e.retained[cell];
  return y;
}

//! `e` with every record's StopLossYear (Expectations::years).
Expectations every_year(const RecordView& view, const Arrangement& a, Expectations e) {
  e.years.assign(view.cells() * view.replications(), StopLossYear{});
  e.in_program.assign(e.years.size(), 0);
  view.for_each_cell(view.everyone(), view.all_replications(),
                     [&](ProviderYear r, std::uint64_t rep, std::size_t cell) {
                       const std::size_t i = static_cast<std::size_t>(rep) * view.cells() + cell;
                       e.years[i] = stop_loss_year(view, a, e, r, cell);
                       e.in_program[i] = 1;
                     });
  return e;
}

std::vector<StopLossYear> years_of(const RecordView& view, const Arrangement& a,
                                   const Expectations& e, const Selection& selection,
                                   ReplicationRange range) {
  std::vector<StopLossYear> years;
  if (e.years.empty()) {
    view.for_each_cell(selection, range, [&](ProviderYear r, std::uint64_t, std::size_t cell) {
      years.push_back(stop_loss_year(view, a, e, r, cell));
    });
    return years;
  }
  // The same provider-years in the same order (RecordView::for_each_cell), taken from e.years.
  const std::size_t cells = view.cells();
  const auto n = static_cast<std::size_t>(view.years());
  for (std::uint64_t rep = range.first; rep < range.first + range.count; ++rep)
    for (std::size_t provider : selection.providers)
      for (std::size_t year = 0; year < n; ++year)
        if (selection.covers(static_cast<int>(year))) {
          const std::size_t i = static_cast<std::size_t>(rep) * cells + provider * n + year;
          if (e.in_program[i]) years.push_back(e.years[i]);
        }
  return years;
}

//! The batch-means quantities of some provider-years: means, P(attach), EPD and the factor.
//! How the contract rows load their per-member premiums: [analysis.risk] loading and
//! sd_loading, and whether units are member-years (else PMPM is undefined).
struct Loading {
  double loading = 0, sd_loading = 0;
  bool member_months = false;
};

QuantityGrid<Exhibit> exhibit_values(const std::vector<StopLossYear>& years, const Arrangement& a,
                                     const Loading& load) {
  double claims = 0, recovery = 0, attachment = 0, expected = 0, attached = 0, deficit = 0,
         expected_retained = 0, premium = 0;
  for (const StopLossYear& y : years) {
    claims += y.claims;
    premium += y.premium;
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
  if (a.kind >= Arrangement::kContractTotal) {
    v(E::kPremium) = premium / n;
    v(E::kLossRatio) = premium > 0 ? recovery / premium : kNaN;
    if (load.member_months) {  // per member-month, as the specific layers quote it
      double units = 0;
      std::vector<double> rate;
      for (const StopLossYear& y : years) {
        units += y.units;
        rate.push_back(y.units > 0 ? y.recovery / y.units / kMonthsPerYear : 0.0);
      }
      const double pure = units > 0 ? recovery / units / kMonthsPerYear : kNaN;
      v(E::kPurePremiumPmpm) = pure;
      v(E::kLoadedPremiumPmpm) =
          pure * (1 + load.loading) + load.sd_loading * stats::standard_deviation(rate);
    }
  }
  return v;
}

//! Every quantity of one arrangement on the selected provider-years: batch means, then counts and
//! percentiles on all replications (order-statistic intervals; a batch would see too little of
//! the tail). Expectations are each provider-year cell's own, whatever the selection.
EstimateGrid<Exhibit> exhibit_estimates(const RecordView& view, const Arrangement& a,
                                        const Expectations& e, const Selection& selection,
                                        const Loading& load) {
  EstimateGrid<Exhibit> out = batch_means<Exhibit>(view, 1, [&](ReplicationRange range) {
    return exhibit_values(years_of(view, a, e, selection, range), a, load);
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
  if (!ratios.empty()) {
    stats::sort_for_quantiles(ratios);  // once for every percentile
    for (const Percentile& p : kPercentiles)
      out(p.quantity) = stats::value_at_risk_estimate_sorted(ratios, p.level);
  }
  return out;
}

//! The tally threshold index of amount `a` (the contract's boundaries are tally thresholds).
int threshold_of(const RecordView& view, double a) {
  const std::vector<double>& t = view.thresholds();
  const auto it = std::find(t.begin(), t.end(), a);
  if (it == t.end())
    throw std::logic_error("stop-loss exhibit: " + format_number(a) + " is not a tally threshold");
  return static_cast<int>(it - t.begin());
}

//! "20000-50000 x0.8": a layer's or band's bounds and the share it pays.
std::string bounds_label(double lower, double upper, double share) {
  return format_number(lower) + "-" +
         (upper < scenario::kNoLimit ? format_number(upper) : std::string("inf")) + " x" +
         format_number(share);
}

//! The covers the contract buys, over its performance years: the total, each distinct specific
//! layer, each band and the bands together, and the aggregate cover, each in force in the years
//! whose terms have it.
std::vector<Arrangement> contract_rows(const RecordView& view, const scenario::Contract& contract) {
  std::vector<Arrangement> rows;
  const int years = view.years();
  bool any = false;
  for (const scenario::ContractTerms& t : contract.years) any = any || t.stop_loss.any();
  if (!contract.present || !any || static_cast<int>(contract.years.size()) != years) return rows;
  const auto n = static_cast<std::size_t>(years);
  const auto blank = [n](Arrangement::Kind kind, std::string label) {
    Arrangement a{kind, std::move(label)};
    a.in_force.assign(n, false);
    a.pieces.assign(n, {});
    a.premium.assign(n, 0.0);
    a.aggregate.assign(n, {});
    return a;
  };
  rows.push_back(blank(Arrangement::kContractTotal, "contract stop-loss"));
  rows.back().in_force.assign(n, true);
  // The row of `label`, made on first sight.
  const auto row_of = [&rows, &blank](const std::string& label) -> Arrangement& {
    for (Arrangement& a : rows)
      if (a.label == label) return a;
    rows.push_back(blank(Arrangement::kContractLayer, label));
    return rows.back();
  };
  for (std::size_t y = 0; y < n; ++y) {
    const scenario::ContractTerms& t = contract.years[y];
    const scenario::StopLossTerms& sl = t.stop_loss;
    // The year's cover as the contract settles it (its calendar year: after the baseline years).
    const auto& by_year = t.benchmark.truncate_by_year;
    const int calendar = by_year.empty() ? 0 : static_cast<int>(by_year.size() - n + y);
    const c::StopLossPlan plan =
        c::stop_loss_plan(sl, scenario::truncation_in(t.benchmark, calendar));
    const std::vector<scenario::StopLossLayer> all = sl.specific_layers();
    const std::size_t own = all.size() - sl.bands.size();  // layers before the bands
    // The row of specific layer i (a band's from its own terms), made on first sight.
    const auto row_of_layer = [&](std::size_t i) -> Arrangement& {
      if (i >= own) {
        const scenario::StopLossBand& band = sl.bands[i - own];
        return row_of("contract band " + bounds_label(band.lower, band.upper, band.share));
      }
      const scenario::StopLossLayer& layer = all[i];
      return row_of(
          "contract layer " + bounds_label(layer.attachment, layer.limit, 1.0 - layer.coinsurance) +
          (layer.premium > 0 ? " premium=" + format_number(layer.premium) : std::string()));
    };
    for (std::size_t i = 0; i < all.size(); ++i) row_of_layer(i);  // rows even when not in force
    std::vector<Arrangement::Piece> bands;
    for (const c::LayerInForce& layer : plan.layers) {
      Arrangement& row = row_of_layer(layer.source);
      row.in_force[y] = true;
      row.pieces[y] = {{layer.share, layer.attachment > 0 ? threshold_of(view, layer.attachment) : -1,
                        layer.limit < scenario::kNoLimit ? threshold_of(view, layer.limit) : -1}};
      row.premium[y] = layer.premium;
      if (layer.source >= own) bands.push_back(row.pieces[y].front());
    }
    if (!sl.bands.empty()) {
      Arrangement& row = row_of("contract bands");
      row.in_force[y] = !bands.empty();
      row.pieces[y] = bands;
      row.premium[y] = plan.band_premium;
    }
  }
  Arrangement aggregate = blank(Arrangement::kContractAggregate, "contract aggregate");
  for (std::size_t y = 0; y < n; ++y) {
    aggregate.in_force[y] = contract.years[y].stop_loss.aggregate.enabled;
    aggregate.aggregate[y] = contract.years[y].stop_loss.aggregate;
  }
  if (std::find(aggregate.in_force.begin(), aggregate.in_force.end(), true) !=
      aggregate.in_force.end())
    rows.push_back(aggregate);
  return rows;
}

std::vector<Arrangement> arrangements(const RecordView& view, const scenario::Contract& contract,
                                      const scenario::AnalysisSettings& settings) {
  std::vector<Arrangement> rows = contract_rows(view, contract);
  for (std::size_t t : view.quoted_thresholds())
    rows.push_back(
        {Arrangement::kSpecific, "specific attachment=" + format_number(view.thresholds()[t]), t});
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
                                             const scenario::Contract& contract,
                                             const scenario::AnalysisSettings& settings) {
  std::vector<Arrangement> rows = arrangements(view, contract, settings);
  if (view.replications() == 0) return {};
  const Loading load{settings.risk_loading, settings.risk_sd_loading, view.member_years()};
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
  // Row by row: each arrangement's expectations and provider-years, the same in every column,
  // made once (and only one row's kept at a time).
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Expectations expected = every_year(view, rows[i], expectations(view, rows[i]));
    for (std::size_t column = 0; column < columns.size(); ++column) {
      const Selection selection = view.everyone(column_year(column, view.years()));
      put_row(table, i, column, exhibit_estimates(view, rows[i], expected, selection, load));
    }
  }
  return {{"risk", "stop_loss_exhibit",
           "stop-loss exhibit: each specific attachment and each aggregate attachment (net of "
           "the specific stop-loss), per provider-year",
           table}};
}

}  // namespace apmsim::analysis
