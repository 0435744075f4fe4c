#include "analysis/headline.hpp"

#include <algorithm>
#include <stdexcept>

#include "analysis/benchmark.hpp"
#include "analysis/contract_tables.hpp"
#include "analysis/quantity_table.hpp"
#include "analysis/risk.hpp"
#include "analysis/threshold.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;

enum class Headline {
  kPayerNetSavings,
  kNetProviderResult,
  kReconciliation,
  kForfeited,
  kSavingsRate,
  kTrueSavingsRate,
  kVar99,
  kTvar99,
  kOptimalWeight,
  kFalseReward,
};

//! A headline that is the agreement total of a contract field: the field's name and unit.
constexpr QuantityInfo<Headline> field_total(Headline headline, c::Field field,
                                             const char* description) {
  return {headline, c::kFields[field].name, c::kFields[field].unit, description};
}

constexpr std::array kHeadlineQuantities{
    field_total(Headline::kPayerNetSavings, c::kPayerNetSavings,
                "payer net savings over the agreement, all providers"),
    field_total(Headline::kNetProviderResult, c::kNetProviderResult,
                "net provider result over the agreement, all providers"),
    field_total(Headline::kReconciliation, c::kReconciliation,
                "shared savings / losses paid over the agreement"),
    field_total(Headline::kForfeited, c::kForfeited, "withhold forfeited over the agreement"),
    field_total(Headline::kSavingsRate, c::kSavingsRate,
                "portfolio savings rate against the benchmark"),
    field_total(Headline::kTrueSavingsRate, c::kTrueSavingsRate, "portfolio true savings rate"),
    QuantityInfo<Headline>{Headline::kVar99, "var_99", "currency",
                           "99% VaR of the portfolio's loss over the agreement"},
    QuantityInfo<Headline>{Headline::kTvar99, "tvar_99", "currency",
                           "99% TVaR of the portfolio's loss over the agreement"},
    QuantityInfo<Headline>{Headline::kOptimalWeight, "optimal_weight", "weight",
                           "RMSE-minimising regional benchmark weight"},
    QuantityInfo<Headline>{Headline::kFalseReward, "false_reward", "fraction",
                           "false reward rate (as designed, given eligibility), all providers, first min_units tested"},
};
static_assert(listed_in_order(kHeadlineQuantities));
constexpr const auto& quantity_table(Headline) { return kHeadlineQuantities; }

//! The risk level of the VaR and TVaR headlines.
constexpr double kHeadlineRiskLevel = 0.99;

//! Whether `headline` is a column of contract_portfolio.
bool is_contract_total(Headline headline) {
  switch (headline) {
    case Headline::kPayerNetSavings:
    case Headline::kNetProviderResult:
    case Headline::kReconciliation:
    case Headline::kForfeited:
    case Headline::kSavingsRate:
    case Headline::kTrueSavingsRate:
      return true;
    default:
      return false;
  }
}

//! The contract quantity `name` from the portfolio's contract_cells over the agreement.
stats::Estimate contract_total(const std::vector<RunningMoments>& portfolio,
                               const std::string& name) {
  const std::vector<ContractQuantity>& quantities = contract_quantities();
  for (std::size_t q = 0; q < quantities.size(); ++q)
    if (quantities[q].quantity.name == name) return moments_estimate(portfolio[q]);
  throw std::out_of_range("no contract quantity named " + name);
}

//! A headline from an analysis table (not a contract total).
stats::Estimate analysis_headline(const RecordView& view, const scenario::Contract& contract,
                                  const scenario::AnalysisSettings& settings, Headline headline) {
  switch (headline) {
    case Headline::kVar99:
      return stats::value_at_risk_estimate(
          replication_losses(view, view.everyone(), view.all_replications()), kHeadlineRiskLevel);
    case Headline::kTvar99:
      return stats::tail_value_at_risk_estimate(
          replication_losses(view, view.everyone(), view.all_replications()), kHeadlineRiskLevel);
    case Headline::kOptimalWeight:
      return optimal_weight_estimate(view, view.everyone());
    case Headline::kFalseReward:
      return false_reward_estimate(view, contract, settings);
    default:
      throw std::logic_error("analysis_headline: a contract total");
  }
}

//! Where a headline stands in a variant's tables: the table (nullptr when the run made none),
//! the row and the column.
struct HeadlineSource {
  const EstimateTable* table = nullptr;
  std::string row, column;
};

//! The table a headline is read from, as run::Figure names tables.
std::string source_table(Headline headline) {
  switch (headline) {
    case Headline::kVar99:
    case Headline::kTvar99:
      return "risk/net_result";
    case Headline::kOptimalWeight:
      return "benchmark/optimal_weight";
    case Headline::kFalseReward:
      return "threshold/rates";
    default:
      return "contract_portfolio";
  }
}

HeadlineSource headline_source(const VariantSummary& summary,
                               const scenario::AnalysisSettings& settings, Headline headline) {
  const std::string name = source_table(headline);
  const auto slash = name.find('/');
  const AnalysisTable* analysis =
      slash == std::string::npos
          ? nullptr
          : summary.analysis_table(name.substr(0, slash), name.substr(slash + 1));
  const EstimateTable* table = slash == std::string::npos ? &summary.contract_portfolio
                               : analysis                 ? &analysis->table
                                                          : nullptr;
  switch (headline) {
    case Headline::kVar99:
    case Headline::kTvar99:
      return {table, "portfolio", "agreement"};
    case Headline::kOptimalWeight:
      return {table, "participants", "all"};
    case Headline::kFalseReward:
      if (settings.threshold_min_units.empty()) return {};
      return {table, "all min_units=" + format_number(settings.threshold_min_units.front()),
              "agreement"};
    default:
      return {table, "participants", "agreement"};
  }
}

}  // namespace

const std::vector<Quantity>& headline_quantities() {
  static const std::vector<Quantity> all = quantities_of<Headline>();
  return all;
}

stats::Estimate headline_estimate(const RecordView& view, const scenario::Contract& contract,
                                  const scenario::AnalysisSettings& settings,
                                  const std::string& name) {
  const Headline headline = quantity_named<Headline>(name);
  if (is_contract_total(headline))
    return contract_total(contract_cells(view, {view.everyone()}).front(), name);
  return analysis_headline(view, contract, settings, headline);
}

std::string headline_source_table(const std::string& name) {
  const auto& all = headline_quantities();
  if (std::none_of(all.begin(), all.end(), [&](const Quantity& q) { return q.name == name; }))
    return "";
  return source_table(quantity_named<Headline>(name));
}

EstimateTable headline_table(const VariantSummary& summary,
                             const scenario::AnalysisSettings& settings) {
  EstimateTable table = make_table({"participants"}, {"agreement"}, headline_quantities(), 0);
  // Each figure keeps the interval of the table it comes from: one figure, one interval.
  for (const QuantityInfo<Headline>& info : kHeadlineQuantities) {
    const HeadlineSource source = headline_source(summary, settings, info.quantity);
    if (!source.table || source.table->rows.empty()) continue;
    put(table, info.name, 0, 0, read(*source.table, info.name, source.row, source.column));
    set_multiplier(table, info.name, source.table->multiplier(source.table->quantity(info.name)));
  }
  return table;
}

}  // namespace apmsim::analysis
