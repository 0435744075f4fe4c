// CUDA engine throughput on the reference scenario (tests/support/reference_scenario.hpp:
// 100 providers x 2,000 patients, 6 years, 3 measures), and in the same run the rate at which
// cuRAND's Philox alone makes the random words as many patient-years need (three Philox4x32-10
// blocks, 12 words, per patient-year): how close the engine comes to the generator's bound.
// Skipped, with a message, without a CUDA device.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "../tests/support/reference_scenario.hpp"
#include "cuda/cuda_engine.cuh"
#include "cuda/curand_rate.cuh"
#include "cuda/model_device.cuh"
#include "engine/model.hpp"

namespace {

constexpr double kWordsPerUnitYear = 12.0;

bool skip_without_gpu(benchmark::State& state) {
  if (apmsim::cuda::device_count() > 0) return false;
  state.SkipWithError("no CUDA device: GPU benchmark not run");
  return true;
}

void set_rates(benchmark::State& state, double unit_years_per_iteration) {
  const double total = unit_years_per_iteration * static_cast<double>(state.iterations());
  state.counters["patient_years/s"] = benchmark::Counter(total, benchmark::Counter::kIsRate);
  state.counters["words/s"] =
      benchmark::Counter(total * kWordsPerUnitYear, benchmark::Counter::kIsRate);
}

//! The whole engine per batch of state.range(0) replications: host world draws, copies, kernels.
void cuda_engine(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const apmsim::engine::Model model =
      apmsim::engine::build_model(apmsim::testing::reference_scenario());
  const apmsim::cuda::CudaEngine engine(model);
  const auto replications = static_cast<std::uint64_t>(state.range(0));
  apmsim::engine::BatchTallies tallies;
  engine.run_batch(0, replications, tallies);  // warm-up: module load and buffers
  std::uint64_t first = replications;
  for (auto _ : state) {
    engine.run_batch(first, replications, tallies);
    first += replications;
    benchmark::DoNotOptimize(tallies.values.data());
  }
  set_rates(state, model.expected_unit_years() * static_cast<double>(replications));
  state.SetLabel(engine.description());
}

//! cuRAND alone: the same number of Philox blocks as the engine draws for the same batch.
void curand_philox(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const apmsim::engine::Model model =
      apmsim::engine::build_model(apmsim::testing::reference_scenario());
  const double unit_years = model.expected_unit_years() * static_cast<double>(state.range(0));
  const auto blocks = static_cast<std::uint64_t>(unit_years) * 3;
  std::uint32_t checksum = apmsim::cuda::curand_philox_rate(blocks, model.params.seed).checksum;
  for (auto _ : state) {
    const apmsim::cuda::PhiloxRate rate =
        apmsim::cuda::curand_philox_rate(blocks, model.params.seed);
    state.SetIterationTime(rate.seconds);
    checksum ^= rate.checksum;
  }
  benchmark::DoNotOptimize(checksum);
  set_rates(state, unit_years);
  state.SetLabel("curand_Philox4x32_10, 12 words per patient-year");
}

BENCHMARK(cuda_engine)->Arg(64)->Arg(256)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(curand_philox)->Arg(64)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
