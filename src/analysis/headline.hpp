#pragma once
//! The headline figures of a variant: a few agreement totals and analysis results that the
//! summary prints first and `--target-se NAME=REL` can name. Each is computed straight from the
//! records by the same code as the table it comes from, so the driver can ask for one alone.

#include <string>
#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "scenario/contract.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

//! The headline figures, in headline table order: what `--target-se NAME=REL` accepts.
const std::vector<Quantity>& headline_quantities();

//! Headline `name` of every participant over the agreement, with its standard error:
//! payer_net_savings, net_provider_result, reconciliation, forfeited, savings_rate and
//! true_savings_rate as in contract_portfolio; var_99 and tvar_99 of the portfolio's loss as in
//! risk/net_result; optimal_weight as in benchmark/optimal_weight; false_reward at the first
//! min_units tested as in threshold/rates (NaN when no year pays on savings). Throws
//! std::out_of_range for a name not in headline_quantities().
stats::Estimate headline_estimate(const RecordView& view, const scenario::Contract& contract,
                                  const scenario::AnalysisSettings& settings,
                                  const std::string& name);

//! The table headline `name` is read from, as run::Figure names tables: `contract_portfolio`,
//! `risk/net_result`, `benchmark/optimal_weight` or `threshold/rates`; "" for a name not in
//! headline_quantities().
std::string headline_source_table(const std::string& name);

//! The headline table of a variant whose contract tables and analyses are made: one row
//! ("participants"), one column ("agreement"), each figure read by name from the table it belongs
//! to (what headline_estimate computes alone); NaN where the run made no such table (or left it
//! empty: TablesNeeded).
EstimateTable headline_table(const VariantSummary& summary,
                             const scenario::AnalysisSettings& settings);

}  // namespace apmsim::analysis
