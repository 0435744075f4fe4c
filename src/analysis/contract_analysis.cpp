#include "analysis/contract_analysis.hpp"

#include <utility>

#include "analysis/benchmark.hpp"
#include "analysis/contract_tables.hpp"
#include "analysis/record_view.hpp"
#include "analysis/risk.hpp"
#include "analysis/threshold.hpp"
#include "analysis/withhold.hpp"

namespace apmsim::analysis {

void analyse_contract(const scenario::Scenario& scenario, const engine::Model& model,
                      const contract::Records& records, VariantSummary& out) {
  const RecordView view = make_record_view(scenario, model, records);
  const scenario::Contract& contract = scenario.contract;
  const scenario::AnalysisSettings& settings = scenario.analysis;
  out.has_contract = true;
  contract_tables(view, out);
  const auto append = [&out](std::vector<AnalysisTable> tables) {
    for (AnalysisTable& table : tables) out.analyses.push_back(std::move(table));
  };
  append(withhold_analysis(view, contract, settings));
  append(benchmark_analysis(view, contract));
  append(threshold_analysis(view, contract, settings));
  append(risk_analysis(view, contract, settings));
  out.headline = headline_table(out, settings);
}

stats::Estimate headline_of(const scenario::Scenario& scenario, const engine::Model& model,
                            const contract::Records& records, const std::string& name) {
  return headline_estimate(make_record_view(scenario, model, records), scenario.contract,
                           scenario.analysis, name);
}

}  // namespace apmsim::analysis
