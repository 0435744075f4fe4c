// Runs one replication of the reference scenario once, for instruction counting:
//   valgrind --tool=callgrind build/release/benchmarks/apmsim_count [generic|avx2|avx512] [empirical]
// and divide the kernel's instructions by the patient-years printed. Deterministic, unlike timings
// on a shared machine. With a scenario file instead of `empirical`, that scenario (its truncation
// pilot resolved first, outside the kernel); `every-year` after it sums every tally threshold in
// every year (the layout before a truncate_percentile amount was summed in its own year only):
//   valgrind --tool=callgrind --toggle-collect='*CpuEngine::run_batch*' \
//     build/ci/benchmarks/apmsim_count avx2 benchmarks/peers/reference_features.toml [every-year]
#include <cstdio>
#include <cstring>

#include "../tests/support/reference_scenario.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/truncation.hpp"
#include "scenario/load.hpp"

int main(int argc, char** argv) {
  using apmsim::engine::Isa;
  Isa isa = apmsim::engine::detect_isa();
  if (argc > 1 && std::strcmp(argv[1], "generic") == 0) isa = Isa::Generic;
  if (argc > 1 && std::strcmp(argv[1], "avx2") == 0) isa = Isa::Avx2;
  if (argc > 1 && std::strcmp(argv[1], "avx512") == 0) isa = Isa::Avx512;
  const bool empirical = argc > 2 && std::strcmp(argv[2], "empirical") == 0;
  const bool file = argc > 2 && !empirical;
  auto scenario = empirical ? apmsim::testing::empirical_reference_scenario()
                  : file    ? apmsim::scenario::load_scenario(argv[2])
                            : apmsim::testing::reference_scenario();
  if (file) apmsim::engine::resolve_truncation(scenario, scenario.simulation.seed);
  if (argc > 3 && std::strcmp(argv[3], "every-year") == 0) scenario.tallies.years.clear();
  const apmsim::engine::Model model = apmsim::engine::build_model(scenario);
  const apmsim::engine::CpuEngine engine(model, 1, isa);
  apmsim::engine::BatchTallies tallies;
  engine.run_batch(0, 1, tallies);
  std::printf("%s kernel: %.0f patient-years\n", apmsim::engine::isa_name(isa).c_str(),
              model.expected_unit_years());
  return 0;
}
