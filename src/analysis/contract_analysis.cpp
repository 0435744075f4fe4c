#include "analysis/contract_analysis.hpp"

#include <algorithm>
#include <utility>

#include "analysis/benchmark.hpp"
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
                      const contract::Records& records, VariantSummary& out) {
  const RecordView view = make_record_view(scenario, model, records);
  const scenario::Contract& contract = scenario.contract;
  const scenario::AnalysisSettings& settings = scenario.analysis;
  out.has_contract = true;
  contract_tables(view, out, contract.run_out.enabled);
  add_truncation(scenario, out.portfolio);
  const auto append = [&out](std::vector<AnalysisTable> tables) {
    for (AnalysisTable& table : tables) out.analyses.push_back(std::move(table));
  };
  append(withhold_analysis(view, contract, settings));
  append(benchmark_analysis(view, contract));
  append(threshold_analysis(view, contract, settings));
  append(risk_analysis(view, contract, settings));
  out.headline = headline_table(out, settings);
  out.losses = loss_totals(view);
}

stats::Estimate headline_of(const scenario::Scenario& scenario, const engine::Model& model,
                            const contract::Records& records, const std::string& name) {
  return headline_estimate(make_record_view(scenario, model, records), scenario.contract,
                           scenario.analysis, name);
}

}  // namespace apmsim::analysis
