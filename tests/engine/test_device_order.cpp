// The two summation orders written out on the host (tests/support/device_order.hpp), checked
// here without a GPU: the CPU order must reproduce the CPU kernel bit for bit on every
// instruction set (so the scalar model's unit values are the kernel's), and the device order
// must agree with the CPU kernel to 1e-12 relative with counts exact (so it is a sum of the same
// values). On a device, tests/cuda/test_engine.cpp then holds the GPU to the device order
// exactly. Edge shapes: panels of 1 to 100,003, an empty entity, rare and exact episode
// counts, the largest layout, block sizes 256 to 32, replication numbers past 2^32.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "../support/device_order.hpp"
#include "../support/edge_worlds.hpp"
#include "engine/cpu_engine.hpp"

namespace apmsim {
namespace {

using testing::DrawnWorlds;

using testing::same_bits;

std::vector<engine::Isa> supported_isas() {
  std::vector<engine::Isa> isas;
  for (engine::Isa isa : {engine::Isa::Generic, engine::Isa::Avx2, engine::Isa::Avx512})
    if (engine::isa_supported(isa)) isas.push_back(isa);
  return isas;
}

//! The CPU order equals the CPU kernel exactly; the device order for each block size agrees
//! with it to 1e-12 (counts exact).
void check_orders(const engine::Model& m, std::uint64_t first, std::uint64_t count,
                  const DrawnWorlds& w, const std::vector<int>& block_sizes) {
  const std::vector<double> cpu =
      testing::cpu_kernel_on_worlds(m, engine::detect_isa(), first, count, w);
  const std::vector<double> cpu_order = testing::emulated_batch(
      m, first, count, w.entity_years.data(), w.episodes.data(), 0);
  EXPECT_TRUE(same_bits(cpu_order, cpu))
      << testing::compare_tallies(m.layout, cpu, cpu_order, 0.0).first_mismatch;
  for (engine::Isa isa : supported_isas())
    EXPECT_TRUE(same_bits(testing::cpu_kernel_on_worlds(m, isa, first, count, w), cpu))
        << engine::isa_name(isa);
  for (int threads : block_sizes) {
    const std::vector<double> device = testing::emulated_batch(
        m, first, count, w.entity_years.data(), w.episodes.data(), threads);
    const testing::TallyComparison c = testing::compare_tallies(m.layout, cpu, device, 1e-12);
    EXPECT_EQ(c.mismatches, 0u) << threads << " threads: " << c.first_mismatch;
    EXPECT_LT(c.max_relative, 1e-14) << threads << " threads";  // a few ulps of reordering
    ::testing::Test::RecordProperty("differing_cells_" + std::to_string(threads),
                                    std::to_string(c.differing) + " of " +
                                        std::to_string(c.cells));
  }
}

TEST(DeviceOrder, EdgeShapesOnTheCpu) {
  const engine::Model m = testing::edge_shapes_model();
  DrawnWorlds w = testing::draw_batch(m, 3, 2);
  testing::force_exact_episodes(m, w);
  check_orders(m, 3, 2, w, {256});
}

TEST(DeviceOrder, SmallerBlocksOnTheCpu) {
  // Every shape but the 100,003-slot panel (its turn is at 256 threads above), for speed.
  scenario::Scenario s = testing::edge_shapes_scenario();
  s.provider_groups[7].panel_size = 1000;
  engine::Model m = engine::build_model(s);
  m.entities[testing::empty_entity_index()].shape.panel_size = 0;
  DrawnWorlds w = testing::draw_batch(m, 0, 1);
  testing::force_exact_episodes(m, w);
  check_orders(m, 0, 1, w, {128, 64, 32});
}

TEST(DeviceOrder, LargestLayoutOnTheCpu) {
  const engine::Model m = engine::build_model(testing::largest_layout_scenario());
  ASSERT_EQ(m.years(), 32);
  ASSERT_EQ(m.layout.fields(), 8 + 4 * 16 + 3 * 16 + 4 * 8);
  check_orders(m, 0, 2, testing::draw_batch(m, 0, 2), {256, 32});
}

TEST(DeviceOrder, ReplicationsPastTwoToThe32OnTheCpu) {
  scenario::Scenario s = testing::mixed_world();
  s.simulation.seed = 0x1234567800000005ull;  // a non-zero high key word
  const engine::Model m = engine::build_model(s);
  const std::uint64_t first = (std::uint64_t(1) << 32) - 2;  // 2^32 - 2 .. 2^32 + 1
  check_orders(m, first, 4, testing::draw_batch(m, first, 4), {256});
}

TEST(DeviceOrder, EmpiricalSeveritiesOnTheCpu) {
  const engine::Model m = engine::build_model(testing::empirical_world());
  check_orders(m, 4, 2, testing::draw_batch(m, 4, 2), {256, 64});
}

// The CPU engine is the CPU kernel on draw_worlds' worlds: what the tests above check is what
// a run computes.
TEST(DeviceOrder, CpuEngineIsTheKernelOnDrawnWorlds) {
  const engine::Model m = testing::edge_shapes_model();
  const engine::CpuEngine cpu(m, 2);
  engine::BatchTallies b;
  cpu.run_batch(5, 3, b);
  const DrawnWorlds w = testing::draw_batch(m, 5, 3);
  EXPECT_TRUE(same_bits(b.values, testing::cpu_kernel_on_worlds(m, engine::detect_isa(), 5, 3, w)));
  EXPECT_EQ(b.efficiency, w.efficiency);
  EXPECT_EQ(b.effect, w.effect);
  EXPECT_EQ(b.region_shock, w.region_shock);
}

// A world drawn in a batch equals the one drawn alone (draw_worlds is draw_world in parallel).
TEST(DeviceOrder, BatchWorldsEqualSingleWorlds) {
  const engine::Model m = engine::build_model(testing::mixed_world());
  const DrawnWorlds w = testing::draw_batch(m, 10, 4);
  const std::size_t ey = std::size_t(m.entity_count()) * m.years();
  for (std::uint64_t r = 0; r < 4; ++r) {
    engine::ReplicationWorld one;
    engine::draw_world(m, 10 + r, one);
    EXPECT_EQ(0, std::memcmp(one.entity_years.data(), &w.entity_years[r * ey],
                             ey * sizeof(model::EntityYear)));
    EXPECT_TRUE(std::equal(one.episodes.begin(), one.episodes.end(), &w.episodes[r * ey]));
  }
}

}  // namespace
}  // namespace apmsim
