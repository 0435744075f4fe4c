// `apmsim sample`'s throughput in rows (member-years) per second on the reference scenario
// (100 providers x 2,000 patients x 6 years = 1.2 million rows a replication): the records alone
// (the model through the record sink) and the whole CSV file (records, formatting, writing).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "../tests/support/reference_scenario.hpp"
#include "engine/claims.hpp"
#include "engine/model.hpp"
#include "io/claims_csv.hpp"

namespace {

//! The records of one replication on one thread.
void claims_records(benchmark::State& state) {
  const auto s = apmsim::testing::reference_scenario();
  const apmsim::engine::Model m = apmsim::engine::build_model(s);
  apmsim::engine::ReplicationWorld world;
  apmsim::engine::draw_world(m, 0, world);
  const auto work = apmsim::engine::claim_work(m, world, m.providers, 2048);
  std::vector<apmsim::engine::ClaimRecord> records;
  std::size_t rows = 0;
  for (auto _ : state)
    for (const auto& w : work) {
      apmsim::engine::simulate_claims(m, world, 0, w, records);
      rows += records.size();
      benchmark::DoNotOptimize(records.data());
    }
  state.counters["rows/s"] = benchmark::Counter(double(rows), benchmark::Counter::kIsRate);
}
BENCHMARK(claims_records)->Unit(benchmark::kMillisecond)->UseRealTime();

//! The whole file on state.range(0) threads.
void claims_csv(benchmark::State& state) {
  const auto s = apmsim::testing::reference_scenario();
  const apmsim::engine::Model m = apmsim::engine::build_model(s);
  const std::string path = "/tmp/apmsim-bench-claims-" + std::to_string(::getpid()) + ".csv";
  apmsim::io::SampleOptions options;
  options.threads = static_cast<int>(state.range(0));
  options.force = true;
  std::uint64_t rows = 0, bytes = 0;
  for (auto _ : state) {
    const auto summary = apmsim::io::write_claims_csv(s, m, path, options);
    rows += summary.rows;
    bytes += summary.bytes;
  }
  std::remove(path.c_str());
  state.counters["rows/s"] = benchmark::Counter(double(rows), benchmark::Counter::kIsRate);
  state.counters["bytes/s"] = benchmark::Counter(double(bytes), benchmark::Counter::kIsRate);
}
BENCHMARK(claims_csv)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
