// The cost of exactness: folding values into moments (Welford, the old way, against exact sums),
// and folding a batch of the MSSP-like scenario's tallies into a run's summaries, contract records
// and state, against simulating that batch. Reported per value, per replication, and per byte of
// saved state.
#include <benchmark/benchmark.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "analysis/moments.hpp"
#include "run/run.hpp"
#include "analysis/tally_summary.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "scenario/load.hpp"
#include "stats/exact_sum.hpp"

namespace {

std::vector<double> values(std::size_t n) {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> d(8.0, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = d(rng);
  return v;
}

template <typename Moments>
void moments(benchmark::State& state) {
  const std::vector<double> v = values(4096);
  for (auto _ : state) {
    Moments m;
    for (double x : v) m.add(x);
    benchmark::DoNotOptimize(m.mean());
  }
  state.counters["values/s"] =
      benchmark::Counter(double(v.size()) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK_TEMPLATE(moments, apmsim::analysis::RunningMoments)->Name("moments/welford");
BENCHMARK_TEMPLATE(moments, apmsim::stats::ExactMoments)->Name("moments/exact");

//! scenarios/mssp_aco.toml of the tree the benchmark runs in (the working folder, as on a device
//! machine that got a copy of the tree at another path), else of the tree it was built from.
std::string mssp_path() {
  const std::string here = "scenarios/mssp_aco.toml";
  if (std::ifstream(here).good()) return here;
  return std::string(APMSIM_SOURCE_DIR) + "/" + here;
}

apmsim::scenario::Scenario mssp() {
  auto s = apmsim::scenario::load_scenario(mssp_path());
  s.simulation.replications = 1 << 20;
  return s;
}

//! True (and the benchmark marked skipped, saying why) when the scenario cannot be found.
bool skip_without_scenario(benchmark::State& state) {
  if (std::ifstream(mssp_path()).good()) return false;
  state.SkipWithError(("scenario not found: " + mssp_path() +
                       " (run from the repository root)").c_str());
  return true;
}

// Simulating one batch of 16 replications of the MSSP-like scenario (all its populations).
void mssp_simulate(benchmark::State& state) {
  if (skip_without_scenario(state)) return;
  const auto s = mssp();
  apmsim::run::Run run(s, {}, true);
  std::uint64_t at = 0;
  for (auto _ : state) {
    run.reset(at);
    run.simulate_batch(16);
    at += 16;
  }
  state.counters["replications/s"] =
      benchmark::Counter(16.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(mssp_simulate)->Unit(benchmark::kMillisecond)->UseRealTime();

// Folding one batch's tallies into the exact tally summary (population 0).
void mssp_fold_summary(benchmark::State& state) {
  if (skip_without_scenario(state)) return;
  const auto s = mssp();
  const apmsim::engine::Model model = apmsim::engine::build_model(s);
  const apmsim::engine::CpuEngine engine(model, 0);
  apmsim::engine::BatchTallies tallies;
  engine.run_batch(0, 16, tallies);
  apmsim::analysis::TallySummary summary(s, model);
  for (auto _ : state) summary.add(tallies);
  state.counters["replications/s"] =
      benchmark::Counter(16.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(mssp_fold_summary)->Unit(benchmark::kMillisecond);

// Saving a 16-replication state and joining it to another run (what shards, MPI and checkpoints
// add per batch).
void mssp_state_round_trip(benchmark::State& state) {
  if (skip_without_scenario(state)) return;
  const auto s = mssp();
  apmsim::run::Run piece(s, {}, true), total(s, {}, false);
  piece.reset(0);
  piece.simulate_batch(16);
  const std::string bytes = piece.save_state();
  for (auto _ : state) {
    total.reset(0);
    total.absorb(piece.save_state(state.range(0) != 0), "bench", true);
  }
  state.counters["state_bytes"] = double(bytes.size());
  state.counters["bytes/s"] =
      benchmark::Counter(double(bytes.size()) * state.iterations(), benchmark::Counter::kIsRate);
}
// Arg 1: with the SHA-256 (files); 0: without (MPI messages).
BENCHMARK(mssp_state_round_trip)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

}  // namespace
