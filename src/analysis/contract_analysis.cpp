#include "analysis/contract_analysis.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "analysis/benchmark.hpp"
#include "analysis/cash.hpp"
#include "analysis/contract_tables.hpp"
#include "analysis/loss_totals.hpp"
#include "analysis/record_view.hpp"
#include "analysis/risk.hpp"
#include "analysis/threshold.hpp"
#include "analysis/withhold.hpp"

namespace apmsim::analysis {

namespace {

//! The truncation amount per unit the contract applied to each calendar year's costs (baseline
//! years: the first performance year's terms), in the portfolio table beside the tallies' figures:
//! with truncate_percentile, the pilot's amounts (engine/truncation.hpp). Exact: SE 0.
void add_truncation(const scenario::Scenario& scenario, EstimateTable& portfolio) {
  const scenario::Contract& contract = scenario.contract;
  const int baseline = scenario.simulation.baseline_years;
  bool any = false;
  for (const scenario::ContractTerms& t : contract.years)
    any = any || t.benchmark.truncate_at > 0.0 || t.benchmark.truncate_percentile > 0.0;
  if (!any || portfolio.years <= 0) return;
  portfolio.quantities.push_back(
      {"truncation_at", "currency/unit",
       "per-unit cost cap the contract applied to the year's costs (0 = none): truncate_at, or "
       "truncate_percentile of the year's national cost per unit from the seeded pilot"});
  // With enrollment types, each type's own amounts too: truncation_at.<type>.
  const int types = static_cast<int>(scenario.enrollment_types.size());
  for (int t = 0; t < types; ++t)
    portfolio.quantities.push_back(
        {"truncation_at." + scenario.enrollment_types[static_cast<std::size_t>(t)], "currency/unit",
         "per-unit cost cap the contract applied to the year's costs of this enrollment type"});
  for (int t = -1; t < types; ++t)
    for (std::size_t r = 0; r < portfolio.rows.size(); ++r)
      for (int c = 0; c < portfolio.years; ++c) {
        const scenario::BenchmarkTerms& terms = scenario::benchmark_in(contract, baseline, c);
        portfolio.mean.push_back(t < 0 ? scenario::truncation_in(terms, c)
                                       : scenario::truncation_in_type(terms, c, t));
        portfolio.se.push_back(0.0);
      }
}

}  // namespace

void analyse_contract(const scenario::Scenario& scenario, const engine::Model& model,
                      const contract::Records& records, VariantSummary& out,
                      const TablesNeeded& needed) {
  const RecordView view = make_record_view(scenario, model, records);
  const scenario::Contract& contract = scenario.contract;
  const scenario::AnalysisSettings& settings = scenario.analysis;
  // The one table read: a headline's is the table it is read from. An unknown headline: all.
  const bool headline = needed.table == "headline";
  const std::string table = headline ? headline_source_table(needed.quantity) : needed.table;
  const bool all = needed.all() || table.empty();
  const auto wants = [&](const std::string& analysis) {
    return all || table.rfind(analysis + "/", 0) == 0;
  };
  out.has_contract = true;
  add_truncation(scenario, out.portfolio);
  // The contract tables, the four analyses and the loss totals read the view alone and write
  // their own outputs: OpenMP tasks (in parallel inside Run::summaries' team, at once where there
  // is none), joined in this fixed order, so the numbers do not depend on the threads.
  std::vector<AnalysisTable> parts[5];
  std::exception_ptr failed[7];
  std::vector<double> revenue_shares;  // the cash analysis's repayment mechanism
  for (const std::uint32_t entity : records.providers)
    revenue_shares.push_back(model.entities[entity].revenue_share);
  const auto guarded = [&failed](int slot, const auto& work) {
    try {
      work();
    } catch (...) {
      failed[slot] = std::current_exception();
    }
  };
#pragma omp taskgroup
  {
    if (all || table == "contract_portfolio" || table == "contract_provider") {
#pragma omp task default(shared)
      guarded(0, [&] { contract_tables(view, out); });
    }
    if (wants("withhold")) {
#pragma omp task default(shared)
      guarded(1, [&] { parts[0] = withhold_analysis(view, contract, settings); });
    }
    if (wants("benchmark")) {
#pragma omp task default(shared)
      guarded(2, [&] { parts[1] = benchmark_analysis(view, contract); });
    }
    if (wants("threshold")) {
#pragma omp task default(shared)
      guarded(3, [&] { parts[2] = threshold_analysis(view, contract, settings); });
    }
    if (wants("risk")) {
#pragma omp task default(shared)
      guarded(4, [&] { parts[3] = risk_analysis(view, contract, settings); });
    }
    if (wants("cash")) {
#pragma omp task default(shared)
      guarded(6, [&] { parts[4] = cash_analysis(view, contract, revenue_shares); });
    }
    if (all) {
#pragma omp task default(shared)
      guarded(5, [&] { out.losses = loss_totals(view); });
    }
  }
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  for (std::vector<AnalysisTable>& tables : parts)
    for (AnalysisTable& t : tables) out.analyses.push_back(std::move(t));
  if (all || headline) out.headline = headline_table(out, settings);
}

stats::Estimate headline_of(const scenario::Scenario& scenario, const engine::Model& model,
                            const contract::Records& records, const std::string& name) {
  return headline_estimate(make_record_view(scenario, model, records), scenario.contract,
                           scenario.analysis, name);
}

}  // namespace apmsim::analysis
