#pragma once
//! The contract records: one per (replication, participant provider, performance year), with the
//! fields of the waterfall's results and the by-products the analyses need. `kFields` is the one
//! list of the fixed fields: the HDF5 writer, the contract tables and the summary take names,
//! units and descriptions from it.

#include <cstdint>
#include <string>
#include <vector>

namespace apmsim::contract {

//! Fixed fields of a record, in record order; `kFields` says what each holds. Money is in
//! currency (totals for the provider-year, not per unit) unless the name says per_unit.
enum Field : int {
  kUnits,
  kBenchmark,
  kBenchmarkPerUnit,
  kActualCost,
  kAccountableCost,
  kCounterfactualCost,
  kSavingsRate,
  kTrueSavingsRate,
  kQualityScore,
  kEligible,
  kMinimumSavingsRate,
  kBasePayment,
  kWithheld,
  kEarnedBack,
  kForfeited,
  kReconciliation,
  kStopLossRecovery,
  kAggregateRecovery,
  kStopLossPremium,
  kTruncationExcess,
  kPayment,
  kNetProviderResult,
  kPayerNetSavings,
  // Agreements, run-out and timing (docs/scenario-reference.md `[[contract.agreement]]`,
  // `[contract.run_out]`).
  kInitialReconciliation,
  kTrueUp,
  kCompletionError,
  kAgreement,
  kInProgram,
  kRatchet,
  kRatchetCost,
  // By-products for the analyses.
  kEarnShare,
  kEarnShareComplete,
  kSharedResult,
  kNullSavingsRate,
  kNullSharedResult,
  kTargetSharedResult,
  kHistoricalError,
  kRegionalError,
  kEfficiency,
  kRegionShock,
  kFixedFields
};

//! One fixed field: its place, its name (the HDF5 `fields` entry and the contract table's
//! quantity), its unit and one line for humans.
struct FieldInfo {
  Field field;
  const char* name;
  const char* unit;
  const char* description;
};

//! Every fixed field, in record order. The descriptions are those the contract tables write
//! (VariantSummary::contract_portfolio), so they are part of the results file.
inline constexpr FieldInfo kFields[kFixedFields] = {
    {kUnits, "units", "units", "units"},
    {kBenchmark, "benchmark", "currency", "benchmark total (per-unit benchmark x units)"},
    {kBenchmarkPerUnit, "benchmark_per_unit", "currency/unit",
     "risk-adjusted, discounted benchmark per unit"},
    {kActualCost, "actual_cost", "currency", "cost with the intervention effect (claims)"},
    {kAccountableCost, "accountable_cost", "currency",
     "cost after truncation and specific stop-loss (capitation: plus its premium)"},
    {kCounterfactualCost, "counterfactual_cost", "currency",
     "cost without the intervention effect (same draws)"},
    {kSavingsRate, "savings_rate", "fraction", "(benchmark - accountable cost) / benchmark"},
    {kTrueSavingsRate, "true_savings_rate", "fraction", "(counterfactual - cost) / counterfactual"},
    {kQualityScore, "quality_score", "fraction", "weighted measure rates"},
    {kEligible, "eligible", "indicator", "1 when units >= min_units"},
    {kMinimumSavingsRate, "minimum_savings_rate", "fraction",
     "the minimum savings rate in force (size-based rules depend on units)"},
    {kBasePayment, "base_payment", "currency", "claims (ffs), budget (capitation) or fees (fee)"},
    {kWithheld, "withheld", "currency", "withhold / outcome pot at risk"},
    {kEarnedBack, "earned_back", "currency", "withhold earned back"},
    {kForfeited, "forfeited", "currency", "withhold forfeited"},
    {kReconciliation, "reconciliation", "currency",
     "shared savings (+) or losses (-); capitation: the payer's gain/loss adjustment"},
    {kStopLossRecovery, "stop_loss_recovery", "currency",
     "cost the stop-loss takes off the provider: specific layers, bands and aggregate"},
    {kAggregateRecovery, "aggregate_recovery", "currency",
     "the aggregate stop-loss's part of stop_loss_recovery"},
    {kStopLossPremium, "stop_loss_premium", "currency",
     "the stop-loss premiums the provider pays (each per unit x units; 0 without cover)"},
    {kTruncationExcess, "truncation_excess", "currency",
     "cost above the truncation amounts, sum (cost - A)+ (capitation: paid to the provider)"},
    {kPayment, "payment", "currency", "what the payer pays the provider"},
    {kNetProviderResult, "net_provider_result", "currency", "payment - the provider's costs"},
    {kPayerNetSavings, "payer_net_savings", "currency", "counterfactual cost - the payer's outlay"},
    {kInitialReconciliation, "initial_reconciliation", "currency",
     "the reconciliation settled at the run-out cut-off (= reconciliation without a true-up)"},
    {kTrueUp, "true_up", "currency",
     "the true-up: reconciliation on complete claims - initial_reconciliation (0 without one)"},
    {kCompletionError, "completion_error", "currency",
     "accountable cost as reconciled (paid by the cut-off / completion factor) - as incurred"},
    {kAgreement, "agreement", "index", "the agreement the provider-year is in (0 = first)"},
    {kInProgram, "in_program", "indicator", "1 while the provider is in the program, 0 once it left"},
    {kRatchet, "ratchet", "currency",
     "benchmark lost to rebasing: benchmark on the counterfactual baseline - benchmark (units x per unit)"},
    {kRatchetCost, "ratchet_cost", "currency",
     "net result lost to rebasing: the sharing result on the counterfactual baseline's benchmark - the paid one"},
    {kEarnShare, "earn_share", "fraction", "share of the withhold earned back, in [0, 1]"},
    {kEarnShareComplete, "earn_share_complete", "fraction",
     "the earn share on complete data (every eligible patient measured)"},
    {kSharedResult, "shared_result", "currency",
     "the sharing rule's result before eligibility (capitation: the gain share)"},
    {kNullSavingsRate, "null_savings_rate", "fraction",
     "savings rate had the true effect been zero (same draws)"},
    {kNullSharedResult, "null_shared_result", "currency",
     "the sharing rule's result had the true effect been zero"},
    {kTargetSharedResult, "target_shared_result", "currency",
     "the sharing rule's result had the true effect been the target effect"},
    {kHistoricalError, "historical_error", "fraction",
     "(historical benchmark - counterfactual) / counterfactual, per unit"},
    {kRegionalError, "regional_error", "fraction",
     "(regional benchmark - counterfactual) / counterfactual, per unit"},
    {kEfficiency, "efficiency", "log cost", "the provider's efficiency effect e(p)"},
    {kRegionShock, "region_shock", "log cost", "its region's shock v(r, k)"},
};

//! Whether every row of kFields sits at its own field's index (the table is indexed by Field).
constexpr bool fields_in_order() {
  for (int f = 0; f < kFixedFields; ++f)
    if (kFields[f].field != f) return false;
  return true;
}
static_assert(fields_in_order(), "kFields must list the fields in Field order");

//! The name of a fixed field ("benchmark", "net_provider_result", ...).
constexpr const char* field_name(Field field) { return kFields[field].name; }

//! One record per (replication, provider, performance year), providers = the participants.
//! Fields: the fixed ones, then for each tally threshold A the cost above it, sum (cost - A)+,
//! then for each the units with cost above it (claimants).
//! Index = ((rep * providers + p) * years + y) * fields + f.
struct Records {
  std::vector<std::string> names;        //!< field names
  std::vector<double> thresholds;        //!< tally thresholds, for the excess fields
  std::vector<std::uint32_t> providers;  //!< entity index of each participant provider
  int years = 0;                         //!< performance years
  int fields = 0;                        //!< fixed fields plus one per threshold
  std::uint64_t replications = 0;        //!< replications recorded so far
  std::vector<double> values;            //!< the records, in index order

  //! The fields of one provider-year.
  const double* record(std::uint64_t rep, std::size_t p, int y) const {
    return &values[((rep * providers.size() + p) * static_cast<std::uint64_t>(years) +
                    static_cast<std::uint64_t>(y)) *
                   static_cast<std::uint64_t>(fields)];
  }
  //! Field index of the excess over threshold t.
  int excess_field(std::size_t t) const { return kFixedFields + static_cast<int>(t); }
};

}  // namespace apmsim::contract
