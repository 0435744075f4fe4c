#include "analysis/contract_tables.hpp"

#include <limits>
#include <utility>

#include "analysis/quantity_table.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

//! A field's name, unit and description from the record field table.
Quantity field_quantity(c::Field field) {
  const c::FieldInfo& info = c::kFields[field];
  return {info.name, info.unit, info.description};
}

//! The total of `field` over the cell.
ContractQuantity total(c::Field field) {
  return {field_quantity(field), [field](const FieldSums& sums) { return sums[field]; }};
}

//! The mean of `field` over the cell's provider-years, described as `quantity`.
ContractQuantity average(c::Field field, Quantity quantity) {
  return {std::move(quantity), [field](const FieldSums& sums) {
            return sums.provider_years > 0 ? sums[field] / sums.provider_years : kNaN;
          }};
}

//! 1 - cost / base of the cell's totals: the savings rate of the sums, not a mean of rates.
ContractQuantity rate_of_totals(c::Field rate, c::Field cost, c::Field base) {
  return {field_quantity(rate), [cost, base](const FieldSums& sums) {
            return sums[base] > 0 ? 1.0 - sums[cost] / sums[base] : kNaN;
          }};
}

//! The field sums of the provider-years of `selection` in one replication.
FieldSums field_sums(const RecordView& view, const Selection& selection,
                     std::uint64_t replication) {
  FieldSums sums;
  view.for_each(selection, {replication, 1}, [&sums](ProviderYear record) {
    for (int f = 0; f < c::kFixedFields; ++f) sums.sum[f] += record[static_cast<c::Field>(f)];
    sums.provider_years += 1;
  });
  return sums;
}

}  // namespace

const std::vector<ContractQuantity>& contract_quantities() {
  Quantity mean_quality = field_quantity(c::kQualityScore);
  mean_quality.description += ", mean over provider-years";
  static const std::vector<ContractQuantity> all{
      total(c::kUnits),
      total(c::kBenchmark),
      total(c::kActualCost),
      total(c::kAccountableCost),
      total(c::kCounterfactualCost),
      rate_of_totals(c::kSavingsRate, c::kAccountableCost, c::kBenchmark),
      rate_of_totals(c::kTrueSavingsRate, c::kActualCost, c::kCounterfactualCost),
      average(c::kQualityScore, mean_quality),
      average(c::kEligible,
              {"eligible_share", "fraction", "share of provider-years with units >= min_units"}),
      total(c::kBasePayment),
      total(c::kWithheld),
      total(c::kEarnedBack),
      total(c::kForfeited),
      total(c::kReconciliation),
      total(c::kStopLossRecovery),
      total(c::kAggregateRecovery),
      total(c::kStopLossPremium),
      total(c::kTruncationExcess),
      total(c::kPayment),
      total(c::kNetProviderResult),
      total(c::kPayerNetSavings),
  };
  return all;
}

std::vector<ContractQuantity> contract_quantities(const RecordView& view) {
  std::vector<ContractQuantity> all = contract_quantities();
  for (const c::Field field : view.extra_fields()) {
    if (field == c::kRatchet)
      all.push_back({{"provider_years", "count",
                      "provider-years in the program (a provider that left counts no more)"},
                     [](const FieldSums& sums) { return sums.provider_years; }});
    all.push_back(total(field));
  }
  return all;
}

std::vector<std::vector<RunningMoments>> contract_cells(const RecordView& view,
                                                        const std::vector<Selection>& cells) {
  const std::vector<ContractQuantity> quantities = contract_quantities(view);
  std::vector<std::vector<RunningMoments>> moments(cells.size(),
                                                   std::vector<RunningMoments>(quantities.size()));
  // Replication by replication: one replication's records stay in cache for every cell.
  for (std::uint64_t rep = 0; rep < view.replications(); ++rep)
    for (std::size_t cell = 0; cell < cells.size(); ++cell) {
      const FieldSums sums = field_sums(view, cells[cell], rep);
      for (std::size_t q = 0; q < quantities.size(); ++q)
        moments[cell][q].add(quantities[q].value(sums));
    }
  return moments;
}

void contract_tables(const RecordView& view, VariantSummary& out) {
  const std::vector<ContractQuantity> quantities = contract_quantities(view);
  std::vector<Quantity> described;
  for (const ContractQuantity& quantity : quantities) described.push_back(quantity.quantity);
  const std::vector<std::string> columns = year_columns(view.years(), "agreement");
  out.contract_provider = make_table(view.provider_names(), columns, described, 0);
  out.contract_portfolio = make_table({"participants"}, columns, described, 0);
  // Cells: every provider and then the portfolio, in every column.
  std::vector<Selection> cells;
  for (std::size_t provider = 0; provider <= view.providers(); ++provider)
    for (std::size_t column = 0; column < columns.size(); ++column) {
      const int year = column_year(column, view.years());
      cells.push_back(provider < view.providers() ? Selection{{provider}, year}
                                                  : view.everyone(year));
    }
  const std::vector<std::vector<RunningMoments>> moments = contract_cells(view, cells);
  for (std::size_t cell = 0; cell < cells.size(); ++cell) {
    const std::size_t row = cell / columns.size(), column = cell % columns.size();
    EstimateTable& table = row < view.providers() ? out.contract_provider : out.contract_portfolio;
    for (std::size_t q = 0; q < quantities.size(); ++q)
      put(table, quantities[q].quantity.name, row < view.providers() ? row : 0, column,
          moments_estimate(moments[cell][q]));
  }
}

stats::Estimate moments_estimate(const RunningMoments& moments) {
  stats::Estimate estimate;
  estimate.value = moments.mean();
  estimate.se = moments.standard_error();
  return estimate;
}

}  // namespace apmsim::analysis
