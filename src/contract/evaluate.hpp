#pragma once
//! The contract waterfall (DESIGN section 5) on tallies: for each replication, participant provider
//! and performance year, the benchmark, accountable cost, eligibility, reconciliation, withhold,
//! base payment and the net results, plus the by-products the four analyses need. Runs on tallies
//! only, so a contract variant costs microseconds per replication whatever the panel sizes.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "engine/tallies.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! Fields of one (replication, provider, performance year) record. Money is in currency (totals
//! for the provider-year, not per unit) unless the name says per_unit.
enum Field : int {
  kUnits,               //!< units n
  kBenchmark,           //!< benchmark total: per-unit benchmark times units
  kBenchmarkPerUnit,    //!< risk-adjusted, discounted benchmark per unit
  kActualCost,          //!< cost with the intervention effect (claims)
  kAccountableCost,     //!< after truncation and specific stop-loss, plus its premium
  kCounterfactualCost,  //!< the same draws without the intervention effect
  kSavingsRate,         //!< (benchmark - accountable cost) / benchmark
  kTrueSavingsRate,     //!< (counterfactual - cost) / counterfactual
  kQualityScore,        //!< weighted measure rates (achieved / measured)
  kEligible,            //!< 1 when units >= min_units
  kMinimumSavingsRate,  //!< the MSR in force (size-based rules depend on units)
  kBasePayment,         //!< claims (ffs), budget (capitation) or fees (fee)
  kWithheld,            //!< withhold rate times base payment
  kEarnedBack,          //!< withheld times the earn share
  kForfeited,           //!< withheld - earned back
  kReconciliation,      //!< shared savings (+) or losses (-), or the capitation adjustment
  kStopLossRecovery,    //!< what the specific stop-loss takes off the provider's cost
  kPayment,             //!< what the payer pays the provider
  kNetProviderResult,   //!< payment - the provider's costs
  kPayerNetSavings,     //!< counterfactual cost - the payer's outlay
  // By-products for the analyses.
  kEarnShare,           //!< share of the withhold earned back, in [0, 1]
  kEarnShareComplete,   //!< the same on complete data (every eligible patient measured)
  kSharedResult,        //!< the sharing rule's result before eligibility (capitation: gain share)
  kNullSavingsRate,     //!< savings rate had the true effect been zero (same draws)
  kNullSharedResult,    //!< sharing rule's result had the true effect been zero
  kTargetSharedResult,  //!< sharing rule's result had the true effect been the target effect
  kHistoricalError,     //!< (historical benchmark - counterfactual) / counterfactual, per unit
  kRegionalError,       //!< (regional benchmark - counterfactual) / counterfactual, per unit
  kEfficiency,          //!< the provider's efficiency effect e(p)
  kRegionShock,         //!< its region's shock v(r, k)
  kFixedFields
};

//! The name of a fixed field ("benchmark", "net_provider_result", ...).
const char* field_name(int field);

//! One record per (replication, provider, performance year), providers = the participants.
//! Fields: the fixed ones, then for each tally threshold A the cost above it, sum (cost - A)+.
//! Index = ((rep * providers + p) * years + y) * fields + f.
struct Records {
  std::vector<std::string> names;       //!< field names
  std::vector<double> thresholds;       //!< tally thresholds, for the excess fields
  std::vector<std::uint32_t> providers;  //!< entity index of each participant provider
  int years = 0;                        //!< performance years
  int fields = 0;
  std::uint64_t replications = 0;
  std::vector<double> values;

  const double* record(std::uint64_t rep, std::size_t p, int y) const {
    return &values[((rep * providers.size() + p) * static_cast<std::uint64_t>(years) +
                     static_cast<std::uint64_t>(y)) *
                    static_cast<std::uint64_t>(fields)];
  }
  //! Field index of the excess over threshold t.
  int excess_field(std::size_t t) const { return kFixedFields + static_cast<int>(t); }
};

//! Evaluates a contract on a model's tallies. Thresholds the contract needs must be in the model.
class Evaluator {
 public:
  //! `target_effect`: the true effect (log cost) for the false-negative by-product.
  Evaluator(const engine::Model& model, const scenario::Contract& contract, int baseline_years,
            double target_effect);

  //! Empty records with names, providers and thresholds set.
  Records make_records() const;

  //! Appends the records of every replication of `tallies` to `out`.
  void add(const engine::BatchTallies& tallies, Records& out) const;

 private:
  void evaluate(const engine::BatchTallies& b, std::uint64_t rep, std::size_t p, int y,
                double* out) const;

  const engine::Model& model_;
  const scenario::Contract& contract_;
  int baseline_years_;
  double target_effect_;
  std::vector<std::uint32_t> providers_;
  std::vector<int> truncate_index_;  //!< per performance year: tally threshold index or -1
  std::vector<int> attach_index_;    //!< per performance year: min(attachment, truncation)
};

}  // namespace apmsim::contract
