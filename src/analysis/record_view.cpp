#include "analysis/record_view.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace apmsim::analysis {

RecordView::RecordView(const contract::Records& records, std::vector<std::string> provider_names,
                       std::vector<std::string> provider_groups, int batches)
    : records_(records),
      names_(std::move(provider_names)),
      groups_(std::move(provider_groups)),
      batches_(batches) {}

Selection RecordView::everyone(int year) const {
  Selection selection{std::vector<std::size_t>(providers()), year};
  std::iota(selection.providers.begin(), selection.providers.end(), std::size_t{0});
  return selection;
}

std::vector<ReplicationRange> RecordView::batch_ranges() const {
  const std::uint64_t n = replications();
  const std::uint64_t count = std::min<std::uint64_t>(static_cast<std::uint64_t>(batches_), n);
  std::vector<ReplicationRange> ranges;
  for (std::uint64_t j = 0; j < count; ++j) {
    const std::uint64_t first = j * n / count, last = (j + 1) * n / count;
    ranges.push_back({first, last - first});
  }
  return ranges;
}

RecordView make_record_view(const scenario::Scenario& scenario, const engine::Model& model,
                            const contract::Records& records) {
  std::vector<std::string> names, groups;
  bool member_years = true;
  for (const std::uint32_t entity_index : records.providers) {
    const engine::Entity& entity = model.entities[entity_index];
    names.push_back(entity.name);
    groups.push_back(scenario.provider_groups[static_cast<std::size_t>(entity.group)].name);
    member_years = member_years && !entity.shape.episodes;
  }
  RecordView view(records, std::move(names), std::move(groups), scenario.analysis.batches);
  view.set_member_years(member_years);
  std::vector<contract::Field> extra;
  if (scenario.contract.agreements.size() > 1) extra = {contract::kRatchet, contract::kRatchetCost};
  // docs/analyses.md, "Run-out": the settlement at the cut-off and what the true-up changed.
  if (scenario.contract.run_out.enabled)
    for (const contract::Field f : {contract::kInitialReconciliation, contract::kTrueUp,
                                    contract::kCompletionError})
      extra.push_back(f);
  view.set_extra_fields(std::move(extra));
  // Pilot truncation amounts are thresholds for the contract, not stop-loss quotes (unless a
  // layer of the contract attaches or ends there).
  std::vector<bool> quoted(records.thresholds.size(), true);
  for (std::size_t t = 0; t < records.thresholds.size(); ++t) {
    const double a = records.thresholds[t];
    bool pilot = false, attachment = false;
    for (const scenario::ContractTerms& terms : scenario.contract.years) {
      const auto& by_year = terms.benchmark.truncate_by_year;
      pilot = pilot || std::find(by_year.begin(), by_year.end(), a) != by_year.end();
      for (const scenario::StopLossLayer& layer : terms.stop_loss.specific_layers())
        attachment = attachment || layer.attachment == a || layer.limit == a;
    }
    quoted[t] = !pilot || attachment;
  }
  view.set_quoted(std::move(quoted));
  return view;
}

}  // namespace apmsim::analysis
