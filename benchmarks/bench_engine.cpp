// CPU engine throughput on the reference scenario (tests/support/reference_scenario.hpp):
// patient-years per second, for each compiled instruction set and thread count.
#include <benchmark/benchmark.h>

#include "../tests/support/reference_scenario.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"

namespace {

using apmsim::engine::Isa;

void cpu_engine(benchmark::State& state, Isa isa) {
  if (!apmsim::engine::isa_supported(isa)) {
    state.SkipWithError("instruction set not supported by this CPU");
    return;
  }
  const auto scenario = apmsim::testing::reference_scenario();
  const apmsim::engine::Model model = apmsim::engine::build_model(scenario);
  const apmsim::engine::CpuEngine engine(model, static_cast<int>(state.range(0)), isa);
  const std::uint64_t replications = 2;
  apmsim::engine::BatchTallies tallies;
  std::uint64_t first = 0;
  for (auto _ : state) {
    engine.run_batch(first, replications, tallies);
    first += replications;
    benchmark::DoNotOptimize(tallies.values.data());
  }
  const double unit_years = model.expected_unit_years() * replications;
  state.counters["patient_years/s"] =
      benchmark::Counter(unit_years * state.iterations(), benchmark::Counter::kIsRate);
  state.SetLabel(apmsim::engine::isa_name(isa));
}

BENCHMARK_CAPTURE(cpu_engine, generic, Isa::Generic)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cpu_engine, avx2, Isa::Avx2)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cpu_engine, avx512, Isa::Avx512)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
