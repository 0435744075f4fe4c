#include "engine/cpu_engine.hpp"

#include <omp.h>

#include <algorithm>

#include "engine/replication.hpp"

namespace apmsim::engine {

CpuEngine::CpuEngine(const Model& model, int threads, Isa isa)
    : model_(&model), threads_(threads > 0 ? threads : omp_get_max_threads()), isa_(isa) {}

void CpuEngine::use_model(const Model& model) { model_ = &model; }

std::string CpuEngine::description() const {
  return "cpu: " + std::to_string(threads_) + " thread" + (threads_ == 1 ? "" : "s") + ", " +
         isa_name(isa_) + " kernel";
}

void CpuEngine::run_batch(std::uint64_t first, std::uint64_t count, BatchTallies& out) const {
  const Model& m = *model_;
  const std::uint32_t entities = m.entity_count();
  const int years = m.years();
  const int fields = m.layout.fields();
  const std::size_t record = std::size_t(years) * fields;
  out.first_replication = first;
  out.replications = count;
  out.entities = entities;
  out.years = years;
  out.fields = fields;
  out.values.assign(count * entities * record, 0.0);
  out.efficiency.assign(count * entities, 0.0);
  out.effect.assign(count * entities, 0.0);
  out.region_shock.assign(count * m.regions.size() * years, 0.0);

  // The batch's worlds, drawn in parallel straight into the side arrays.
  const std::size_t entity_years = std::size_t(entities) * years;
  std::vector<model::EntityYear> world_years(count * entity_years);
  std::vector<std::uint32_t> world_episodes(count * entity_years);
  draw_worlds(m, first, count,
              WorldSpan{world_years.data(), world_episodes.data(), out.efficiency.data(),
                        out.effect.data(), out.region_shock.data()},
              threads_);

  // Work items: every (replication, entity), biggest entities first for balance. Each writes
  // only its own record, so the order they run in cannot change a bit of the result.
  std::vector<std::uint32_t> order(entities);
  for (std::uint32_t e = 0; e < entities; ++e) order[e] = e;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto size = [&](std::uint32_t e) {
      const Entity& en = m.entities[e];
      return en.shape.episodes ? en.volume : double(en.shape.panel_size);
    };
    return size(a) > size(b);
  });
  const std::int64_t items = static_cast<std::int64_t>(count) * entities;
#pragma omp parallel for num_threads(threads_) schedule(dynamic, 1)
  for (std::int64_t i = 0; i < items; ++i) {
    if (stop_ && *stop_) continue;  // abandoning the batch: the rest return at once
    const std::uint32_t e = order[static_cast<std::size_t>(i % entities)];
    const std::uint64_t r = static_cast<std::uint64_t>(i / entities);
    KernelArgs args{&m.params,
                    m.layout,
                    &m.entities[e].shape,
                    &world_years[r * entity_years + std::size_t(e) * years],
                    &world_episodes[r * entity_years + std::size_t(e) * years],
                    static_cast<std::uint32_t>(first + r),
                    e,
                    &out.values[(r * entities + e) * record],
                    stop_};
    simulate_entity(isa_, args);
  }
  if (stop_ && *stop_) throw BatchAbandoned();
}

}  // namespace apmsim::engine
