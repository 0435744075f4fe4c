// CUDA throughput on the reference scenario (tests/support/reference_scenario.hpp: 100
// providers x 2,000 patients, 6 years, 3 measures), three rates apart, in patient-years/s:
// - cuda_kernel: the simulation kernel alone on worlds drawn once (CUDA events around each
//   launch, launches one after another): what the device does;
// - cuda_pipeline: run_batch as a run calls it, wall clock: host world draws (OpenMP), copies,
//   kernels overlapped over three streams, tallies copied out;
// - curand_philox: cuRAND's Philox alone making the 12 words (three Philox4x32-10 blocks) per
//   patient-year that the model draws: the generator's bound.
// The kernel-to-cuRAND ratio is the share of raw generation the engine reaches. Skipped, with
// the reason, without a CUDA device.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../tests/support/reference_scenario.hpp"
#include "cuda/cuda_engine.cuh"
#include "cuda/curand_rate.cuh"
#include "cuda/model_device.cuh"
#include "engine/model.hpp"
#include "engine/replication.hpp"

namespace {

using apmsim::engine::Model;

constexpr double kWordsPerUnitYear = 12.0;

bool skip_without_gpu(benchmark::State& state) {
  if (apmsim::cuda::device_count() > 0) return false;
  state.SkipWithError(
      ("no CUDA device: GPU benchmark not run (" + apmsim::cuda::device_status().reason() + ")")
          .c_str());
  return true;
}

const Model& reference_model() {
  static const Model model = apmsim::engine::build_model(apmsim::testing::reference_scenario());
  return model;
}

void set_rates(benchmark::State& state, double unit_years_per_iteration) {
  const double total = unit_years_per_iteration * static_cast<double>(state.iterations());
  state.counters["patient_years/s"] = benchmark::Counter(total, benchmark::Counter::kIsRate);
  state.counters["words/s"] =
      benchmark::Counter(total * kWordsPerUnitYear, benchmark::Counter::kIsRate);
}

//! The kernel alone, per state.range(0) replications, timed by events (manual time).
void cuda_kernel(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const Model& model = reference_model();
  const apmsim::cuda::CudaEngine engine(model);
  const auto replications = static_cast<std::uint64_t>(state.range(0));
  const std::size_t entity_years = std::size_t(model.entity_count()) * model.years();
  apmsim::engine::WorldBuffers worlds;
  worlds.resize(model, replications);
  apmsim::engine::draw_worlds(model, 0, replications, worlds.span(), 0);
  const auto* years = worlds.entity_years.data();
  const auto* episodes = worlds.episodes.data();
  std::vector<double> tallies(replications * entity_years * model.layout.fields());
  engine.simulate_worlds(0, replications, years, episodes, tallies.data());  // warm
  for (auto _ : state) {
    state.SetIterationTime(engine.simulate_worlds(0, replications, years, episodes, tallies.data()));
    benchmark::DoNotOptimize(tallies.data());
  }
  set_rates(state, model.expected_unit_years() * static_cast<double>(replications));
  state.SetLabel(engine.description() + ", " + std::to_string(engine.threads_per_block()) +
                 " threads a block");
}

//! The whole engine per batch of state.range(0) replications: host world draws, copies, kernels.
void cuda_pipeline(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const Model& model = reference_model();
  const apmsim::cuda::CudaEngine engine(model);
  const auto replications = static_cast<std::uint64_t>(state.range(0));
  apmsim::engine::BatchTallies tallies;
  engine.run_batch(0, replications, tallies);  // warm-up: module load and buffers
  std::uint64_t first = replications;
  double kernel_seconds = 0.0;
  for (auto _ : state) {
    engine.run_batch(first, replications, tallies);
    kernel_seconds += engine.last_kernel_seconds();
    first += replications;
    benchmark::DoNotOptimize(tallies.values.data());
  }
  set_rates(state, model.expected_unit_years() * static_cast<double>(replications));
  state.counters["kernel_s/iteration"] =
      kernel_seconds / static_cast<double>(std::max<benchmark::IterationCount>(1, state.iterations()));
  state.SetLabel(engine.description());
}

//! cuRAND alone: as many Philox blocks as the engine draws for the same batch.
void curand_philox(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const Model& model = reference_model();
  const double unit_years = model.expected_unit_years() * static_cast<double>(state.range(0));
  const auto count = static_cast<std::uint64_t>(unit_years);
  std::uint32_t checksum = apmsim::cuda::curand_philox_rate(count, model.params.seed).checksum;
  for (auto _ : state) {
    const apmsim::cuda::PhiloxRate rate = apmsim::cuda::curand_philox_rate(count, model.params.seed);
    state.SetIterationTime(rate.seconds);
    checksum ^= rate.checksum;
  }
  benchmark::DoNotOptimize(checksum);
  set_rates(state, unit_years);
  state.SetLabel("curand_Philox4x32_10, 12 words per patient-year");
}

BENCHMARK(cuda_kernel)->Arg(64)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(cuda_pipeline)->Arg(64)->Arg(256)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(curand_philox)->Arg(64)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
