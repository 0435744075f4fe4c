// Runs one replication of the reference scenario once, for instruction counting:
//   valgrind --tool=callgrind build/release/benchmarks/apmsim_count [generic|avx2|avx512] [empirical]
// and divide the kernel's instructions by the patient-years printed. Deterministic, unlike timings
// on a shared machine.
#include <cstdio>
#include <cstring>

#include "../tests/support/reference_scenario.hpp"
#include "engine/cpu_engine.hpp"

int main(int argc, char** argv) {
  using apmsim::engine::Isa;
  Isa isa = apmsim::engine::detect_isa();
  if (argc > 1 && std::strcmp(argv[1], "generic") == 0) isa = Isa::Generic;
  if (argc > 1 && std::strcmp(argv[1], "avx2") == 0) isa = Isa::Avx2;
  if (argc > 1 && std::strcmp(argv[1], "avx512") == 0) isa = Isa::Avx512;
  const bool empirical = argc > 2 && std::strcmp(argv[2], "empirical") == 0;
  const auto scenario = empirical ? apmsim::testing::empirical_reference_scenario()
                                  : apmsim::testing::reference_scenario();
  const apmsim::engine::Model model = apmsim::engine::build_model(scenario);
  const apmsim::engine::CpuEngine engine(model, 1, isa);
  apmsim::engine::BatchTallies tallies;
  engine.run_batch(0, 1, tallies);
  std::printf("%s kernel: %.0f patient-years\n", apmsim::engine::isa_name(isa).c_str(),
              model.expected_unit_years());
  return 0;
}
