// CPU engine throughput on the reference scenario (tests/support/reference_scenario.hpp):
// patient-years per second, for each compiled instruction set and thread count; and the world
// draws that the CUDA engine leaves to the host.
#include <benchmark/benchmark.h>

#include <string>

#include "../tests/support/reference_scenario.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/dispatch.hpp"
#include "engine/model.hpp"
#include "engine/replication.hpp"

namespace {

using apmsim::engine::Isa;

//! Why `isa` cannot be benchmarked here, or "" where it can. The message starts with "skipped: ",
//! which scripts/gpu-check reads as a skip, not a failure (Google Benchmark 1.7.1, Debian 12's,
//! has SkipWithError only, no SkipWithMessage).
std::string skip_reason(Isa isa) {
  const std::string name = apmsim::engine::isa_name(isa);
  if (!apmsim::engine::isa_supported(isa))
    return "skipped: this CPU cannot run the " + name + " kernel";
  const Isa cap = apmsim::engine::detect_isa();
  if (isa > cap)
    return "skipped: APMSIM_ISA caps the kernel at " + apmsim::engine::isa_name(cap) + ", below " +
           name;
  return "";
}

void cpu_engine(benchmark::State& state, Isa isa, bool empirical) {
  if (const std::string reason = skip_reason(isa); !reason.empty()) {
    state.SkipWithError(reason.c_str());
    return;
  }
  const auto scenario = empirical ? apmsim::testing::empirical_reference_scenario() : apmsim::testing::reference_scenario();
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
  state.SetLabel(apmsim::engine::isa_name(isa) + (empirical ? ", empirical severities" : ""));
}

BENCHMARK_CAPTURE(cpu_engine, generic, Isa::Generic, false)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cpu_engine, avx2, Isa::Avx2, false)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cpu_engine, avx512, Isa::Avx512, false)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cpu_engine, avx2_empirical, Isa::Avx2, true)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cpu_engine, avx512_empirical, Isa::Avx512, true)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// The host's share of a GPU batch: drawing the worlds (entity-year shocks, episode counts) of
// 64 replications on state.range(0) threads, as the CUDA engine does into its pinned buffers.
// Reported as replications/s and as the patient-years/s ceiling it puts on the CUDA pipeline.
void world_draw(benchmark::State& state) {
  const apmsim::engine::Model model =
      apmsim::engine::build_model(apmsim::testing::reference_scenario());
  const std::uint64_t replications = 64;
  apmsim::engine::WorldBuffers worlds;
  worlds.resize(model, replications);
  std::uint64_t first = 0;
  for (auto _ : state) {
    apmsim::engine::draw_worlds(model, first, replications, worlds.span(),
                                static_cast<int>(state.range(0)));
    first += replications;
    benchmark::DoNotOptimize(worlds.entity_years.data());
  }
  const double reps = double(replications) * double(state.iterations());
  state.counters["replications/s"] = benchmark::Counter(reps, benchmark::Counter::kIsRate);
  state.counters["patient_years/s_ceiling"] =
      benchmark::Counter(reps * model.expected_unit_years(), benchmark::Counter::kIsRate);
}
BENCHMARK(world_draw)->Arg(1)->Arg(2)->Arg(16)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
