// The CUDA backend against the CPU backend on the same scenario and seed: identical counts,
// sums within 1e-6 relative (the device adds in another order), identical side arrays; reruns
// and batch sizes give identical bits; device memory does not grow with patients. Skipped, with
// a message, where there is no CUDA device.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/reference_scenario.hpp"
#include "cuda/cuda_engine.cuh"
#include "cuda/model_device.cuh"
#include "engine/cpu_engine.hpp"
#include "gpu_test.hpp"

namespace apmsim {
namespace {

bool is_count(const model::TallyLayout& layout, int field) {
  using T = model::TallyLayout;
  if (field == T::kUnits || field == T::kAnyCost || field == T::kCatastrophic) return true;
  return field >= T::kFixedFields && field < layout.capped_field(0);  // every measure field
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

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

void expect_matches_cpu(const scenario::Scenario& s, std::uint64_t first, std::uint64_t reps) {
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu_engine(m, 2);
  const cuda::CudaEngine gpu_engine(m);
  engine::BatchTallies cpu, gpu;
  cpu_engine.run_batch(first, reps, cpu);
  gpu_engine.run_batch(first, reps, gpu);
  ASSERT_EQ(gpu.first_replication, cpu.first_replication);
  ASSERT_EQ(gpu.replications, cpu.replications);
  ASSERT_EQ(gpu.entities, cpu.entities);
  ASSERT_EQ(gpu.years, cpu.years);
  ASSERT_EQ(gpu.fields, cpu.fields);
  ASSERT_EQ(gpu.values.size(), cpu.values.size());
  EXPECT_EQ(gpu.efficiency, cpu.efficiency);
  EXPECT_EQ(gpu.effect, cpu.effect);
  EXPECT_EQ(gpu.region_shock, cpu.region_shock);
  int failures = 0;
  for (std::uint64_t r = 0; r < reps; ++r)
    for (std::uint32_t e = 0; e < cpu.entities; ++e)
      for (int y = 0; y < cpu.years; ++y)
        for (int f = 0; f < cpu.fields && failures < 20; ++f) {
          const double c = cpu.record(r, e, y)[f], g = gpu.record(r, e, y)[f];
          const bool ok = is_count(m.layout, f) ? g == c : std::fabs(g - c) <= 1e-6 * std::fabs(c);
          if (!ok) ++failures;
          EXPECT_TRUE(ok) << "rep " << first + r << " entity " << m.entities[e].name << " year "
                          << y << " field " << f << ": cpu " << c << " gpu " << g;
        }
  EXPECT_EQ(failures, 0);
}

TEST(CudaEngine, SmallWorldMatchesCpuEngine) {
  SKIP_WITHOUT_GPU();
  expect_matches_cpu(testing::mixed_world(), 11, 5);
}

TEST(CudaEngine, ReferenceScenarioMatchesCpuEngine) {
  SKIP_WITHOUT_GPU();
  expect_matches_cpu(testing::reference_scenario(), 0, 2);
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
  const engine::Model m = engine::build_model(testing::mixed_world());
  cuda::CudaEngine gpu(m);
  const std::vector<double> reference = run_gpu(gpu, 7, 7);
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 7, 1)));
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 7, 3)));
  gpu.set_sub_batch_limit(1);  // seven launches: both streams, each reused
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 7, 7)));
  gpu.set_sub_batch_limit(2);
  EXPECT_TRUE(same_bits(reference, run_gpu(gpu, 7, 5)));
}

TEST(CudaEngine, DifferentSeedsDiffer) {
  SKIP_WITHOUT_GPU();
  scenario::Scenario s = testing::mixed_world();
  const engine::Model a = engine::build_model(s);
  s.simulation.seed += 1;
  const engine::Model b = engine::build_model(s);
  EXPECT_FALSE(same_bits(run_gpu(cuda::CudaEngine(a), 2, 2), run_gpu(cuda::CudaEngine(b), 2, 2)));
}

TEST(CudaEngine, DeviceMemoryDoesNotGrowWithPatients) {
  SKIP_WITHOUT_GPU();
  scenario::Scenario small = testing::mixed_world(), large = testing::mixed_world();
  large.provider_groups[0].panel_size = 400000;
  large.provider_groups[1].volume = 20000.0;
  large.regions[0].comparison_size = 300000;
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
}

// Runs everywhere: without a device the engine refuses clearly; with one, a wrong index does.
TEST(CudaEngine, MissingDeviceIsAClearError) {
  const engine::Model m = engine::build_model(testing::mixed_world());
  const int missing = cuda::device_count() == 0 ? 0 : cuda::device_count() + 5;
  try {
    const cuda::CudaEngine gpu(m, missing);
    FAIL() << "constructed an engine on a device that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no CUDA device"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace apmsim
