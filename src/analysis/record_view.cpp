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
  return view;
}

}  // namespace apmsim::analysis
