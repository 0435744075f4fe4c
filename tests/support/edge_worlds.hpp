#pragma once
// Worlds at the edges of the CUDA kernel's shapes, for the exact summation-order tests
// (tests/engine/test_device_order.cpp on the CPU, tests/cuda/test_engine.cpp on a device):
// panels around warp and block sizes, an empty entity, rare and exact episode counts, the
// largest tally layout, more entities than one sub-batch's blocks, and replication numbers and
// seeds that use every bit of the counter.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/dispatch.hpp"
#include "engine/model.hpp"
#include "engine/replication.hpp"
#include "reference_scenario.hpp"

namespace apmsim::testing {

//! Panel sizes around the warp (32) and the block (256), and one larger than any SIMD or block
//! multiple; each is one provider.
inline const std::vector<std::uint32_t>& edge_panel_sizes() {
  static const std::vector<std::uint32_t> sizes = {1, 31, 32, 33, 255, 256, 257, 100003};
  return sizes;
}

//! One provider per edge panel size (a group each), an episode group at 0.05 episodes a year
//! (most years have none), an episode group for exact counts (edge_episode_counts), and a
//! comparison population. `empty_entity(m)` names one more provider to empty after build_model.
inline scenario::Scenario edge_shapes_scenario() {
  scenario::Scenario s = reference_scenario();
  s.name = "edge_shapes";
  s.simulation.seed = 0x9e3779b97f4a7c15ull;  // both key words non-zero
  const scenario::ProviderGroup base = s.provider_groups[0];
  s.provider_groups.clear();
  for (std::uint32_t n : edge_panel_sizes()) {
    scenario::ProviderGroup g = base;
    g.name = "panel_" + std::to_string(n);
    g.count = 1;
    g.panel_size = n;
    s.provider_groups.push_back(g);
  }
  scenario::ProviderGroup empty = base;  // emptied after build_model: no unit at all
  empty.name = "empty";
  empty.count = 1;
  empty.panel_size = 40;
  s.provider_groups.push_back(empty);
  scenario::ProviderGroup rare = base;
  rare.name = "rare_episodes";
  rare.count = 2;
  rare.unit = scenario::UnitKind::Episode;
  rare.panel_size = 0;
  rare.volume = 0.05;
  s.provider_groups.push_back(rare);
  scenario::ProviderGroup exact = rare;
  exact.name = "exact_episodes";
  exact.count = 1;
  exact.volume = 256.0;
  s.provider_groups.push_back(exact);
  s.regions[0].comparison_size = 700;
  s.tallies.thresholds = {10000.0, 50000.0};
  return s;
}

//! The provider of edge_shapes_scenario that empty_entity() empties.
inline std::uint32_t empty_entity_index() {
  return static_cast<std::uint32_t>(edge_panel_sizes().size());
}

//! The edge model: edge_shapes_scenario with its "empty" provider's panel set to 0 slots.
inline engine::Model edge_shapes_model() {
  engine::Model m = engine::build_model(edge_shapes_scenario());
  m.entities[empty_entity_index()].shape.panel_size = 0;
  return m;
}

//! Episodes per year forced on the "exact_episodes" provider: either side of the block size,
//! a warp and a half, none, one.
inline std::vector<std::uint32_t> edge_episode_counts(int years) {
  const std::uint32_t pattern[] = {256, 257, 48, 0, 1, 255};
  std::vector<std::uint32_t> counts;
  for (int k = 0; k < years; ++k) counts.push_back(pattern[k % 6]);
  return counts;
}

//! Index of the "exact_episodes" provider.
inline std::uint32_t exact_episodes_index() { return empty_entity_index() + 3; }

//! The largest layout the engine takes: 16 baseline + 16 performance years, 16 measures, 16
//! thresholds and 8 enrollment types (8 + 64 + 48 + 32 = 152 fields, 4,864 cells: 311 KB of
//! accumulators for 256 threads, beyond the 48 KB a block gets without opting in). Small
//! entities keep it quick.
inline scenario::Scenario largest_layout_scenario() {
  scenario::Scenario s = mixed_world();
  s.name = "largest_layout";
  s.simulation.baseline_years = 16;
  s.simulation.performance_years = 16;
  s.provider_groups[0].count = 2;
  s.provider_groups[0].panel_size = 45;
  s.provider_groups[0].effect_ramp.assign(16, 1.0);
  s.provider_groups[1].count = 1;
  s.provider_groups[1].volume = 30.0;
  s.provider_groups[1].effect_ramp.assign(16, 1.0);
  s.regions[0].comparison_size = 33;
  while (s.measures.size() < 16) {
    scenario::Measure m = s.measures[s.measures.size() % 4];
    m.name = "measure_" + std::to_string(s.measures.size());
    m.base_rate = 0.3 + 0.03 * double(s.measures.size());
    s.measures.push_back(m);
  }
  s.tallies.thresholds.clear();
  for (int t = 0; t < 16; ++t) s.tallies.thresholds.push_back(2000.0 * (t + 1) * (t + 1));
  // Eight strata, each its own enrollment type (no transitions: the three strata's rows are
  // for three strata).
  const std::vector<scenario::Stratum> three = s.strata;
  s.strata.clear();
  s.enrollment_types.clear();
  for (int k = 0; k < 8; ++k) {
    scenario::Stratum st = three[static_cast<std::size_t>(k % 3)];
    st.name = "stratum_" + std::to_string(k);
    st.share = 1.0 / 8.0;
    st.transition.clear();
    st.enrollment = "type_" + std::to_string(k);
    st.enrollment_type = k;
    s.enrollment_types.push_back(st.enrollment);
    s.strata.push_back(st);
  }
  for (auto& g : s.provider_groups) g.case_mix.clear();
  return s;
}

//! More entities than one sub-batch holds blocks (16,384): 20,000 providers of 3 patients.
inline scenario::Scenario many_entities_scenario() {
  scenario::Scenario s = reference_scenario();
  s.name = "many_entities";
  s.provider_groups[0].count = 20000;
  s.provider_groups[0].panel_size = 3;
  return s;
}

//! An empirical body (severity = "empirical") with a generalised Pareto tail above the 98th
//! percentile.
inline scenario::Stratum empirical_stratum() {
  scenario::Stratum st;
  st.name = "claims";
  st.share = 1.0;
  st.p_any = 0.8;
  st.severity = scenario::Severity::Empirical;
  st.probabilities = {0.0, 0.2, 0.5, 0.8, 0.9, 0.98};
  st.quantiles = {50.0, 400.0, 1500.0, 5000.0, 9000.0, 30000.0};
  st.tail_scale = 12000.0;
  st.tail_shape = 0.3;
  st.score_sd = 1.1;
  return st;
}

//! mixed_world with its middle stratum empirical: lognormal and empirical units side by side in
//! every SIMD group and warp, with transitions between them.
inline scenario::Scenario empirical_world() {
  scenario::Scenario s = mixed_world();
  s.name = "empirical_world";
  scenario::Stratum emp = empirical_stratum();
  emp.name = "empirical";
  emp.share = s.strata[1].share;
  s.strata[1] = emp;
  s.strata[0].transition = {0.9, 0.1, 0.0};
  return s;
}

//! The worlds of replications [first, first + count) as a backend sees them, drawn once.
using DrawnWorlds = engine::WorldBuffers;

inline DrawnWorlds draw_batch(const engine::Model& m, std::uint64_t first, std::uint64_t count) {
  DrawnWorlds w;
  w.resize(m, count);
  engine::draw_worlds(m, first, count, w.span(), 0);
  return w;
}

//! Forces edge_episode_counts on the "exact_episodes" provider of every replication.
inline void force_exact_episodes(const engine::Model& m, DrawnWorlds& w) {
  const std::size_t ey = std::size_t(m.entity_count()) * m.years();
  const std::vector<std::uint32_t> counts = edge_episode_counts(m.years());
  for (std::size_t r = 0; r * ey < w.episodes.size(); ++r)
    for (int k = 0; k < m.years(); ++k)
      w.episodes[r * ey + std::size_t(exact_episodes_index()) * m.years() + k] = counts[k];
}

//! The CPU kernel (engine::simulate_entity, what CpuEngine runs) on drawn worlds:
//! [count][entities][years][fields] tallies.
inline std::vector<double> cpu_kernel_on_worlds(const engine::Model& m, engine::Isa isa,
                                                std::uint64_t first, std::uint64_t count,
                                                const DrawnWorlds& w) {
  const std::size_t cells = std::size_t(m.years()) * m.layout.fields();
  std::vector<double> tallies(count * m.entity_count() * cells);
  for (std::uint64_t r = 0; r < count; ++r)
    for (std::uint32_t e = 0; e < m.entity_count(); ++e) {
      const std::size_t at = std::size_t(r) * m.entity_count() + e;
      engine::KernelArgs args{&m.params,
                              m.layout,
                              &m.entities[e].shape,
                              &w.entity_years[at * m.years()],
                              &w.episodes[at * m.years()],
                              static_cast<std::uint32_t>(first + r),
                              e,
                              &tallies[at * cells],
                              nullptr};
      engine::simulate_entity(isa, args);
    }
  return tallies;
}

}  // namespace apmsim::testing
