#include "analysis/withhold.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "analysis/moments.hpp"
#include "analysis/quantity_table.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- forfeit and provider tables ---------------------------------------------------------------

enum class Forfeit {
  kWithheld,
  kEarnedBack,
  kForfeited,
  kForfeitShare,
  kForfeitProbability,
  kShortfallForfeit,
  kNoiseForfeit,
  kNoiseForfeitProbability,
};

constexpr std::array kForfeitQuantities{
    QuantityInfo<Forfeit>{Forfeit::kWithheld, "withheld", "currency",
                          "withheld a replication, all providers"},
    QuantityInfo<Forfeit>{Forfeit::kEarnedBack, "earned_back", "currency", "earned back"},
    QuantityInfo<Forfeit>{Forfeit::kForfeited, "forfeited", "currency",
                          "forfeited: the withhold's expected cost to the providers"},
    QuantityInfo<Forfeit>{Forfeit::kForfeitShare, "forfeit_share", "fraction",
                          "forfeited / withheld"},
    QuantityInfo<Forfeit>{Forfeit::kForfeitProbability, "forfeit_probability", "fraction",
                          "share of provider-years that forfeit anything"},
    QuantityInfo<Forfeit>{
        Forfeit::kShortfallForfeit, "shortfall_forfeit", "currency",
        "forfeit on complete data (every eligible patient measured): real shortfall"},
    QuantityInfo<Forfeit>{Forfeit::kNoiseForfeit, "noise_forfeit", "currency",
                          "forfeited - shortfall forfeit: forfeit due to measurement"},
    QuantityInfo<Forfeit>{Forfeit::kNoiseForfeitProbability, "noise_forfeit_probability",
                          "fraction",
                          "P(forfeit > 0 | complete-data score earns the whole withhold): "
                          "providers at target quality who forfeit"},
};
static_assert(listed_in_order(kForfeitQuantities));
constexpr const auto& quantity_table(Forfeit) { return kForfeitQuantities; }

//! Whether a provider-year forfeits anything (more than rounding of its withhold).
bool forfeits(ProviderYear record) { return record[c::kForfeited] > 1e-12 * record[c::kWithheld]; }

//! The sums the forfeit quantities are made of, over some provider-years.
struct ForfeitTotals {
  double withheld = 0, earned_back = 0, forfeited = 0, shortfall_forfeit = 0;
  double provider_years = 0, forfeiting = 0;
  //! Provider-years whose complete-data score earns the whole withhold, and those forfeiting.
  double at_target = 0, at_target_forfeiting = 0;

  void add(ProviderYear record) {
    withheld += record[c::kWithheld];
    earned_back += record[c::kEarnedBack];
    forfeited += record[c::kForfeited];
    shortfall_forfeit += record[c::kWithheld] * (1 - record[c::kEarnShareComplete]);
    ++provider_years;
    forfeiting += forfeits(record) ? 1 : 0;
    if (record[c::kEarnShareComplete] >= 1.0 && record[c::kWithheld] > 0) {
      ++at_target;
      at_target_forfeiting += forfeits(record) ? 1 : 0;
    }
  }
};

//! The forfeit quantities of the provider-years of `selection` in `range` (money a replication).
QuantityGrid<Forfeit> forfeit_values(const RecordView& view, const Selection& selection,
                                     ReplicationRange range) {
  ForfeitTotals totals;
  view.for_each(selection, range, [&totals](ProviderYear record) { totals.add(record); });
  const double replications = static_cast<double>(range.count);
  QuantityGrid<Forfeit> values;
  values(Forfeit::kWithheld) = totals.withheld / replications;
  values(Forfeit::kEarnedBack) = totals.earned_back / replications;
  values(Forfeit::kForfeited) = totals.forfeited / replications;
  values(Forfeit::kForfeitShare) = totals.withheld > 0 ? totals.forfeited / totals.withheld : kNaN;
  values(Forfeit::kForfeitProbability) =
      totals.provider_years > 0 ? totals.forfeiting / totals.provider_years : kNaN;
  values(Forfeit::kShortfallForfeit) = totals.shortfall_forfeit / replications;
  values(Forfeit::kNoiseForfeit) = (totals.forfeited - totals.shortfall_forfeit) / replications;
  values(Forfeit::kNoiseForfeitProbability) =
      totals.at_target > 0 ? totals.at_target_forfeiting / totals.at_target : kNaN;
  return values;
}

//! Batch-means estimates of the forfeit quantities of `selection`.
EstimateGrid<Forfeit> forfeit_estimates(const RecordView& view, const Selection& selection) {
  return batch_means<Forfeit>(
      view, 1, [&](ReplicationRange range) { return forfeit_values(view, selection, range); });
}

//! The forfeit quantities that are a replication's money totals.
constexpr std::array kMoneyTotals{Forfeit::kWithheld, Forfeit::kEarnedBack, Forfeit::kForfeited,
                                  Forfeit::kShortfallForfeit, Forfeit::kNoiseForfeit};

//! Puts the money totals of `selection` that `table` has into (`row`, `column`) as the contract
//! tables estimate a total: the mean over replications with its standard error and the normal
//! interval. `forfeited` here and in contract_portfolio is then one figure with one interval; the
//! shares and probabilities keep their batch means.
void put_money_totals(EstimateTable& table, std::size_t row, std::size_t column,
                      const RecordView& view, const Selection& selection) {
  std::array<RunningMoments, kMoneyTotals.size()> moments;
  for (std::uint64_t rep = 0; rep < view.replications(); ++rep) {
    const QuantityGrid<Forfeit> values = forfeit_values(view, selection, {rep, 1});
    for (std::size_t k = 0; k < kMoneyTotals.size(); ++k) moments[k].add(values(kMoneyTotals[k]));
  }
  for (std::size_t k = 0; k < kMoneyTotals.size(); ++k) {
    const std::string name = describe(kMoneyTotals[k]).name;
    if (std::none_of(table.quantities.begin(), table.quantities.end(),
                     [&](const Quantity& q) { return q.name == name; }))
      continue;
    stats::Estimate estimate;
    estimate.value = moments[k].mean();
    estimate.se = moments[k].standard_error();
    put(table, name, row, column, estimate);
    set_multiplier(table, name, kNormal95);
  }
}

AnalysisTable forfeit_table(const RecordView& view) {
  const std::vector<std::string> columns = year_columns(view.years(), "agreement");
  EstimateTable table =
      make_table({"participants"}, columns, quantities_of<Forfeit>(), view.batch_count());
  for (std::size_t column = 0; column < columns.size(); ++column) {
    const Selection everyone = view.everyone(column_year(column, view.years()));
    put_row(table, 0, column, forfeit_estimates(view, everyone));
    put_money_totals(table, 0, column, view, everyone);
  }
  return {"withhold", "forfeit", "withhold earned back and forfeited, portfolio totals", table};
}

AnalysisTable provider_table(const RecordView& view) {
  EstimateTable table = make_table(
      view.provider_names(), {"agreement"},
      quantities_of({Forfeit::kForfeited, Forfeit::kForfeitShare, Forfeit::kForfeitProbability}),
      view.batch_count());
  for (std::size_t provider = 0; provider < view.providers(); ++provider) {
    put_row(table, provider, 0, forfeit_estimates(view, {{provider}, kAllYears}));
    put_money_totals(table, provider, 0, view, {{provider}, kAllYears});
  }
  return {"withhold", "provider", "forfeit per provider over the agreement", table};
}

// ---- earn share distribution -------------------------------------------------------------------

enum class EarnShareBin { kProbability };
constexpr std::array kEarnShareBinQuantities{
    QuantityInfo<EarnShareBin>{EarnShareBin::kProbability, "probability", "fraction",
                               "share of provider-years whose earn share is in the bin"}};
static_assert(listed_in_order(kEarnShareBinQuantities));
constexpr const auto& quantity_table(EarnShareBin) { return kEarnShareBinQuantities; }

//! Bins of width 1 / kEarnShareBins; the last one includes 1.
constexpr int kEarnShareBins = 10;

//! The share of provider-years in each earn-share bin (grid rows = bins).
QuantityGrid<EarnShareBin> earn_share_histogram(const RecordView& view, ReplicationRange range) {
  std::vector<double> counts(kEarnShareBins, 0.0);
  double provider_years = 0;
  view.for_each(view.everyone(), range, [&](ProviderYear record) {
    // Clamped as a double: a share outside [0, 1] (or NaN) never becomes an out-of-range int.
    const double bin = std::floor(record[c::kEarnShare] * kEarnShareBins);
    if (std::isnan(bin)) return;
    counts[static_cast<std::size_t>(std::clamp(bin, 0.0, kEarnShareBins - 1.0))] += 1;
    ++provider_years;
  });
  QuantityGrid<EarnShareBin> shares(kEarnShareBins);
  for (std::size_t bin = 0; bin < counts.size(); ++bin)
    shares(EarnShareBin::kProbability, bin) =
        provider_years > 0 ? counts[bin] / provider_years : kNaN;
  return shares;
}

AnalysisTable earn_share_table(const RecordView& view) {
  std::vector<std::string> bins;
  for (int b = 0; b < kEarnShareBins; ++b)
    bins.push_back("[" + format_number(b / double{kEarnShareBins}) + "," +
                   format_number((b + 1) / double{kEarnShareBins}) +
                   (b + 1 == kEarnShareBins ? "]" : ")"));
  EstimateTable table =
      make_table(bins, {"all"}, quantities_of<EarnShareBin>(), view.batch_count());
  const EstimateGrid<EarnShareBin> shares = batch_means<EarnShareBin>(
      view, kEarnShareBins,
      [&](ReplicationRange range) { return earn_share_histogram(view, range); });
  for (std::size_t bin = 0; bin < bins.size(); ++bin) put_row(table, bin, 0, shares, bin);
  return {"withhold", "earn_share_distribution", "distribution of the earn-back share", table};
}

// ---- solved rate -------------------------------------------------------------------------------

enum class SolvedRate { kRate };
constexpr std::array kSolvedRateQuantities{QuantityInfo<SolvedRate>{
    SolvedRate::kRate, "rate", "fraction", "withhold rate that meets the target"}};
static_assert(listed_in_order(kSolvedRateQuantities));
constexpr const auto& quantity_table(SolvedRate) { return kSolvedRateQuantities; }

//! The targets a rate can be solved for: the grid rows of solved_rates.
enum WithholdTarget : std::size_t { kExpectedForfeitTarget, kForfeitTailTarget, kWithholdTargets };

//! The rate meeting each target asked for in `settings` (NaN for one not asked). Earn shares do
//! not depend on the rate, so the forfeit is the rate times base payment x (1 - earn share).
QuantityGrid<SolvedRate> solved_rates(const RecordView& view,
                                      const scenario::AnalysisSettings& settings,
                                      ReplicationRange range) {
  double base = 0, unearned_base = 0;
  std::vector<double> unearned_shares;
  view.for_each(view.everyone(), range, [&](ProviderYear record) {
    unearned_base += record[c::kBasePayment] * (1 - record[c::kEarnShare]);
    base += record[c::kBasePayment];
    if (std::isfinite(record[c::kEarnShare])) unearned_shares.push_back(1 - record[c::kEarnShare]);
  });
  QuantityGrid<SolvedRate> rates(kWithholdTargets);
  if (settings.target_forfeit > 0)  // nothing unearned: no rate reaches the target, withhold all
    rates(SolvedRate::kRate, kExpectedForfeitTarget) =
        unearned_base > 0 ? std::min(1.0, settings.target_forfeit * base / unearned_base) : 1.0;
  if (settings.forfeit_probability > 0 && !unearned_shares.empty()) {
    const double unearned_quantile =
        stats::value_at_risk(unearned_shares, 1 - settings.forfeit_probability);
    rates(SolvedRate::kRate, kForfeitTailTarget) =
        unearned_quantile > 0 ? std::min(1.0, settings.forfeit_limit / unearned_quantile) : 1.0;
  }
  return rates;
}

//! The solved_rate table, or nothing when `settings` sets no target.
std::vector<AnalysisTable> solved_rate_table(const RecordView& view,
                                             const scenario::AnalysisSettings& settings) {
  std::vector<std::string> rows;
  std::vector<WithholdTarget> targets;
  if (settings.target_forfeit > 0) {
    rows.push_back("expected_forfeit=" + format_number(settings.target_forfeit));
    targets.push_back(kExpectedForfeitTarget);
  }
  if (settings.forfeit_probability > 0) {
    rows.push_back("P(forfeit>" + format_number(settings.forfeit_limit) +
                   ")<=" + format_number(settings.forfeit_probability));
    targets.push_back(kForfeitTailTarget);
  }
  if (targets.empty()) return {};
  EstimateTable table =
      make_table(rows, {"agreement"}, quantities_of<SolvedRate>(), view.batch_count());
  const EstimateGrid<SolvedRate> rates = batch_means<SolvedRate>(
      view, kWithholdTargets,
      [&](ReplicationRange range) { return solved_rates(view, settings, range); });
  for (std::size_t row = 0; row < targets.size(); ++row)
    put_row(table, row, 0, rates, targets[row]);
  return {{"withhold", "solved_rate",
           "withhold rate meeting each target (the forfeit is linear in the rate)", table}};
}

}  // namespace

bool has_withhold(const scenario::Contract& contract) {
  return std::any_of(
      contract.years.begin(), contract.years.end(),
      [](const scenario::ContractTerms& terms) { return terms.withhold.rate > 0.0; });
}

std::vector<AnalysisTable> withhold_analysis(const RecordView& view,
                                             const scenario::Contract& contract,
                                             const scenario::AnalysisSettings& settings) {
  if (!has_withhold(contract)) return {};
  std::vector<AnalysisTable> tables{forfeit_table(view), earn_share_table(view)};
  for (AnalysisTable& table : solved_rate_table(view, settings)) tables.push_back(std::move(table));
  tables.push_back(provider_table(view));
  return tables;
}

}  // namespace apmsim::analysis
