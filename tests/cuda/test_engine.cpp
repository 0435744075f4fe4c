// The CUDA backend held to two references on the same scenario and seed:
// - the host's emulation of the device's summation order (tests/support/device_order.hpp),
//   bit for bit: a device arithmetic error of one ulp in one unit shows;
// - the CPU backend: counts exact, sums within 1e-12 relative (the orders differ by a few ulps),
//   side arrays identical.
// Edge shapes (panels of 1 to 100,003, an empty entity, 0.05 and exactly 256/257 episodes a
// year), the largest layout (over 48 KB of shared memory), block sizes 256 to 32, more entities
// than a sub-batch's blocks, replication numbers past 2^32, two engines of different layouts
// alternating, an out-of-memory request, APMSIM_CUDA_SYNC=1; reruns and batch sizes give
// identical bits; device memory does not grow with patients; a parameter draw's model swapped
// in (use_model). Skipped, with the reason, where there is no CUDA device; failed instead under
// APMSIM_REQUIRE_GPU=1 (scripts/gpu-check).
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/device_order.hpp"
#include "../support/edge_worlds.hpp"
#include "../support/reference_scenario.hpp"
#include "cuda/cuda_engine.cuh"
#include "cuda/model_device.cuh"
#include "engine/cpu_engine.hpp"
#include "engine/parameter_draws.hpp"
#include "gpu_test.hpp"
#include "scenario/load.hpp"

namespace apmsim {
namespace {

using testing::DrawnWorlds;

using testing::same_bits;

//! Replications [0, reps) in batches of `batch`, tallies concatenated.
std::vector<double> run_gpu(const cuda::CudaEngine& gpu, std::uint64_t reps, std::uint64_t batch) {
  std::vector<double> all;
  engine::BatchTallies b;
  for (std::uint64_t first = 0; first < reps; first += batch) {
    gpu.run_batch(first, std::min(batch, reps - first), b);
    all.insert(all.end(), b.values.begin(), b.values.end());
  }
  return all;
}

//! `gpu` equals the emulated device order exactly and the CPU to 1e-12 (counts exact).
void expect_exact(const engine::Model& m, std::uint64_t first, std::uint64_t count,
                  const DrawnWorlds& w, const std::vector<double>& gpu, int threads,
                  const std::string& what) {
  const std::vector<double> emulated =
      testing::emulated_batch(m, first, count, w.entity_years.data(), w.episodes.data(), threads);
  const testing::TallyComparison exact = testing::compare_tallies(m.layout, emulated, gpu, 0.0);
  EXPECT_EQ(exact.mismatches, 0u) << what << ", " << threads
                                  << " threads, against the emulated device order: "
                                  << exact.first_mismatch << " (" << exact.mismatches << " of "
                                  << exact.cells << " cells, largest relative difference "
                                  << exact.max_relative << ")";
  const std::vector<double> cpu =
      testing::cpu_kernel_on_worlds(m, engine::detect_isa(), first, count, w);
  const testing::TallyComparison near = testing::compare_tallies(m.layout, cpu, gpu, 1e-12);
  EXPECT_EQ(near.mismatches, 0u) << what << " against the CPU: " << near.first_mismatch;
}

//! run_batch against both references, and its side arrays against the CPU engine's.
void expect_engine_exact(const engine::Model& m, const cuda::CudaEngine& gpu, std::uint64_t first,
                         std::uint64_t count, const std::string& what) {
  engine::BatchTallies g, c;
  gpu.run_batch(first, count, g);
  const engine::CpuEngine cpu(m, 2);
  cpu.run_batch(first, count, c);
  ASSERT_EQ(g.first_replication, c.first_replication);
  ASSERT_EQ(g.replications, c.replications);
  ASSERT_EQ(g.entities, c.entities);
  ASSERT_EQ(g.years, c.years);
  ASSERT_EQ(g.fields, c.fields);
  EXPECT_EQ(g.efficiency, c.efficiency);
  EXPECT_EQ(g.effect, c.effect);
  EXPECT_EQ(g.region_shock, c.region_shock);
  expect_exact(m, first, count, testing::draw_batch(m, first, count), g.values,
               gpu.threads_per_block(), what);
}

TEST(CudaEngine, SmallWorldMatchesBothReferences) {
  SKIP_WITHOUT_GPU();
  const engine::Model m = engine::build_model(testing::mixed_world());
  const cuda::CudaEngine gpu(m);
  expect_engine_exact(m, gpu, 11, 5, "mixed world");
}

TEST(CudaEngine, ReferenceScenarioMatchesBothReferences) {
  SKIP_WITHOUT_GPU();
  SKIP_LARGE_WORLD_ON_SANITIZED_EMULATOR();
  const engine::Model m = engine::build_model(testing::reference_scenario());
  const cuda::CudaEngine gpu(m);
  expect_engine_exact(m, gpu, 0, 2, "reference scenario");
}

// A threshold summed in some calendar years only (a truncate_percentile amount is summed in its
// own year): the kernel skips it elsewhere, on the device as on the host.
TEST(CudaEngine, ThresholdsSummedInSomeYearsMatchBothReferences) {
  SKIP_WITHOUT_GPU();
  scenario::Scenario s = testing::mixed_world();
  ASSERT_EQ(s.tallies.thresholds.size(), 2u);
  s.tallies.years = {scenario::only_year(1) | scenario::only_year(3), scenario::kEveryYear};
  const engine::Model m = engine::build_model(s);
  const cuda::CudaEngine gpu(m);
  expect_engine_exact(m, gpu, 2, 3, "thresholds summed in some years");
  engine::BatchTallies g;
  gpu.run_batch(2, 1, g);
  const int capped = m.layout.capped_field(0);
  EXPECT_EQ(g.record(0, 0, 0)[capped], 0.0);  // year 0 does not sum it: left 0, NaN in a run
  EXPECT_GT(g.record(0, 0, 1)[capped], 0.0);
}

// Empirical severities: the grid in device memory, gathers, the tail beyond the grid.
TEST(CudaEngine, EmpiricalSeveritiesMatchBothReferences) {
  SKIP_WITHOUT_GPU();
  const engine::Model m = engine::build_model(testing::empirical_world());
  const cuda::CudaEngine gpu(m);
  expect_engine_exact(m, gpu, 3, 4, "empirical world");
}

// Panels of 1, 31, 32, 33, 255, 256, 257 and 100,003 slots, an empty entity, 0.05 episodes a
// year, years of exactly 256, 257, 48, 0, 1 and 255 episodes, at every block size.
TEST(CudaEngine, EdgeShapesAtEveryBlockSize) {
  SKIP_WITHOUT_GPU();
  SKIP_LARGE_WORLD_ON_SANITIZED_EMULATOR();
  const engine::Model m = testing::edge_shapes_model();
  DrawnWorlds w = testing::draw_batch(m, 7, 2);
  testing::force_exact_episodes(m, w);
  cuda::CudaEngine gpu(m);
  const std::size_t cells = std::size_t(m.years()) * m.layout.fields();
  for (int threads : {256, 128, 64, 32}) {
    gpu.set_threads_per_block(threads);
    std::vector<double> tallies(2 * m.entity_count() * cells);
    const double seconds = gpu.simulate_worlds(7, 2, w.entity_years.data(), w.episodes.data(),
                                               tallies.data());
    EXPECT_GT(seconds, 0.0);
    expect_exact(m, 7, 2, w, tallies, threads, "edge shapes");
  }
  // The whole engine, with its own (Poisson) episode counts.
  gpu.set_threads_per_block(256);
  expect_engine_exact(m, gpu, 7, 3, "edge shapes, run_batch");
}

// 32 years x 88 fields: 180 KB of accumulators per block, past the 48 KB default (opt-in path).
TEST(CudaEngine, LargestLayoutUsesOptInSharedMemory) {
  SKIP_WITHOUT_GPU();
  const engine::Model m = engine::build_model(testing::largest_layout_scenario());
  const cuda::CudaEngine gpu(m);
  EXPECT_GT(gpu.shared_bytes_per_block(), std::size_t(48 * 1024));
  expect_engine_exact(m, gpu, 0, 3, "largest layout");
}

// Parameter risk (engine/parameter_draws.hpp): an engine given a draw's model with use_model
// (its shapes, parameters and severity grids uploaded again) simulates that model, exactly, and
// goes back to the central model as exactly.
TEST(CudaEngine, ParameterDrawModelsSwapIn) {
  SKIP_WITHOUT_GPU();
  const scenario::Scenario s =
      scenario::load_scenario(std::string(APMSIM_TEST_DATA) + "/good/parameter_risk.toml");
  const engine::Model central = engine::build_model(s, 9);
  engine::DrawnModels draws(s, 9);
  cuda::CudaEngine gpu(central);
  gpu.use_model(draws.model(2));
  expect_engine_exact(draws.model(2), gpu, 6, 3, "draw 2");
  gpu.use_model(draws.model(5));
  expect_engine_exact(draws.model(5), gpu, 15, 3, "draw 5");
  gpu.use_model(central);
  expect_engine_exact(central, gpu, 15, 3, "central");
}

// The per-kernel shared-memory limit is process-wide: a small engine made after a large one
// must not lower it under the large one's launches.
TEST(CudaEngine, TwoEnginesOfDifferentLayoutsAlternate) {
  SKIP_WITHOUT_GPU();
  const engine::Model large = engine::build_model(testing::largest_layout_scenario());
  const engine::Model small = engine::build_model(testing::mixed_world());
  const cuda::CudaEngine gpu_large(large);
  const cuda::CudaEngine gpu_small(small);
  for (int round = 0; round < 2; ++round) {
    expect_engine_exact(large, gpu_large, 2 * round, 2, "large layout, round " + std::to_string(round));
    expect_engine_exact(small, gpu_small, 2 * round, 2, "small layout, round " + std::to_string(round));
  }
}

// 20,000 entities: more than the 16,384 blocks a sub-batch aims at, so one replication a launch.
TEST(CudaEngine, MoreEntitiesThanOneSubBatch) {
  SKIP_WITHOUT_GPU();
  SKIP_LARGE_WORLD_ON_SANITIZED_EMULATOR();
  const engine::Model m = engine::build_model(testing::many_entities_scenario());
  const cuda::CudaEngine gpu(m);
  expect_engine_exact(m, gpu, 0, 3, "20,000 entities");
}

// Replication numbers wrap at 2^32 on the host and the device alike; a seed's high word counts.
TEST(CudaEngine, ReplicationsPastTwoToThe32AndAHighSeed) {
  SKIP_WITHOUT_GPU();
  scenario::Scenario s = testing::mixed_world();
  s.simulation.seed = 0x1234567800000005ull;
  const engine::Model m = engine::build_model(s);
  const cuda::CudaEngine gpu(m);
  expect_engine_exact(m, gpu, (std::uint64_t(1) << 32) - 2, 4, "replications 2^32 - 2 on");
}

TEST(CudaEngine, RerunsAreBitIdentical) {
  SKIP_WITHOUT_GPU();
  const engine::Model m = engine::build_model(testing::mixed_world());
  const cuda::CudaEngine gpu(m);
  const std::vector<double> a = run_gpu(gpu, 6, 6);
  EXPECT_TRUE(same_bits(a, run_gpu(gpu, 6, 6)));
  const cuda::CudaEngine again(m);
  EXPECT_TRUE(same_bits(a, run_gpu(again, 6, 6)));
}

TEST(CudaEngine, BatchSizesAndSubBatchesGiveIdenticalBits) {
  SKIP_WITHOUT_GPU();
  SKIP_LARGE_WORLD_ON_SANITIZED_EMULATOR();
  const engine::Model m = engine::build_model(testing::mixed_world());
  cuda::CudaEngine gpu(m);
  const std::vector<double> reference = run_gpu(gpu, 9, 9);
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 9, 1)));
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 9, 4)));
  gpu.set_sub_batch_limit(1);  // nine launches: every stream, each reused
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 9, 9)));
  gpu.set_sub_batch_limit(2);
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 9, 5)));
}

// APMSIM_CUDA_SYNC=1 waits for every launch: slower, the same bits.
TEST(CudaEngine, SynchronousLaunchesGiveIdenticalBits) {
  SKIP_WITHOUT_GPU();
  const engine::Model m = engine::build_model(testing::mixed_world());
  const std::vector<double> reference = run_gpu(cuda::CudaEngine(m), 6, 6);
  ::setenv("APMSIM_CUDA_SYNC", "1", 1);
  const cuda::CudaEngine synchronous(m);
  ::unsetenv("APMSIM_CUDA_SYNC");
  EXPECT_TRUE(same_bits(reference, run_gpu(synchronous, 6, 6)));
}

// An allocation the device cannot hold fails with a message, and the engine goes on working.
TEST(CudaEngine, OutOfMemoryFailsCleanlyAndTheNextBatchWorks) {
  SKIP_WITHOUT_GPU();
  const engine::Model m = engine::build_model(testing::mixed_world());
  const cuda::CudaEngine gpu(m);
  const std::vector<double> reference = run_gpu(gpu, 4, 4);
  try {
    gpu.reserve(std::uint64_t(1) << 40);  // petabytes of entity-years
    FAIL() << "reserved more memory than the device has";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("out of GPU memory"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--batch-size"), std::string::npos) << e.what();
  }
  EXPECT_EQ(gpu.device_bytes(), m.entity_count() * sizeof(model::EntityShape));
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 4, 4)));
}

TEST(CudaEngine, DifferentSeedsDiffer) {
  SKIP_WITHOUT_GPU();
  scenario::Scenario s = testing::mixed_world();
  const engine::Model a = engine::build_model(s);
  s.simulation.seed += 1;
  const engine::Model b = engine::build_model(s);
  EXPECT_FALSE(same_bits(run_gpu(cuda::CudaEngine(a), 2, 2), run_gpu(cuda::CudaEngine(b), 2, 2)));
}

TEST(CudaEngine, KernelTimeIsMeasured) {
  SKIP_WITHOUT_GPU();
  const engine::Model m = engine::build_model(testing::mixed_world());
  const cuda::CudaEngine gpu(m);
  engine::BatchTallies b;
  gpu.run_batch(0, 8, b);
  EXPECT_GT(gpu.last_kernel_seconds(), 0.0);
  EXPECT_LT(gpu.last_kernel_seconds(), 60.0);
}

TEST(CudaEngine, DeviceMemoryDoesNotGrowWithPatients) {
  SKIP_WITHOUT_GPU();
  SKIP_LARGE_WORLD_ON_SANITIZED_EMULATOR();
  scenario::Scenario small = testing::mixed_world(), large = testing::mixed_world();
  const int shrink = testing::kEmulated ? 20 : 1;  // still 100 times the small world's units
  large.provider_groups[0].panel_size = 400000 / shrink;
  large.provider_groups[1].volume = 20000.0 / shrink;
  large.regions[0].comparison_size = 300000 / shrink;
  const engine::Model ms = engine::build_model(small), ml = engine::build_model(large);
  std::size_t bytes_small = 0, bytes_large = 0, free_small = 0, free_large = 0, total = 0;
  engine::BatchTallies b;
  {
    const cuda::CudaEngine gpu(ms);
    gpu.run_batch(0, 4, b);
    bytes_small = gpu.device_bytes();
    ASSERT_EQ(cudaMemGetInfo(&free_small, &total), cudaSuccess);
  }
  {
    const cuda::CudaEngine gpu(ml);
    gpu.run_batch(0, 4, b);
    bytes_large = gpu.device_bytes();
    ASSERT_EQ(cudaMemGetInfo(&free_large, &total), cudaSuccess);
  }
  EXPECT_GT(bytes_small, 0u);
  EXPECT_EQ(bytes_small, bytes_large);
  // The driver's view too: no hidden per-patient allocation (slack for allocator granularity).
  const double slack = 16.0 * 1024 * 1024;
  EXPECT_LE(std::fabs(double(free_small) - double(free_large)), slack)
      << "free after small " << free_small << ", after large " << free_large;
}

TEST(CudaEngine, DescribesItsDevice) {
  SKIP_WITHOUT_GPU();
  const engine::Model m = engine::build_model(testing::mixed_world());
  const cuda::CudaEngine gpu(m);
  const std::string d = gpu.description();
  EXPECT_EQ(d.rfind("cuda: ", 0), 0u) << d;
  EXPECT_NE(d.find("(sm_"), std::string::npos) << d;
  EXPECT_EQ(gpu.threads_per_block() % 32, 0);
  EXPECT_EQ(cuda::devices().size(), static_cast<std::size_t>(cuda::device_count()));
  EXPECT_THROW(cuda::CudaEngine(m).set_threads_per_block(48), std::invalid_argument);
}

// Runs everywhere: without a device the engine refuses clearly, saying why; with one, a wrong
// index does.
TEST(CudaEngine, MissingDeviceIsAClearError) {
  const engine::Model m = engine::build_model(testing::mixed_world());
  const int missing = cuda::device_count() == 0 ? 0 : cuda::device_count() + 5;
  try {
    const cuda::CudaEngine gpu(m, missing);
    FAIL() << "constructed an engine on a device that does not exist";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no CUDA device"), std::string::npos) << what;
    if (cuda::device_count() == 0) {
      EXPECT_NE(what.find("runtime "), std::string::npos) << what;
    }
  }
}

}  // namespace
}  // namespace apmsim
