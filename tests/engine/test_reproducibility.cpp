// Same seed, same bits: tallies do not depend on thread count, batch size or the instruction
// set the kernel was compiled for (generic SSE2, AVX2, AVX-512 where the CPU has them).
#include <gtest/gtest.h>

#include <cstring>

#include "../support/reference_scenario.hpp"
#include "engine/cpu_engine.hpp"

namespace apmsim {
namespace {

std::vector<double> run(const scenario::Scenario& s, int threads, std::uint64_t batch,
                        engine::Isa isa) {
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, threads, isa);
  std::vector<double> all;
  engine::BatchTallies b;
  const std::uint64_t reps = 6;
  for (std::uint64_t first = 0; first < reps; first += batch) {
    cpu.run_batch(first, std::min(batch, reps - first), b);
    all.insert(all.end(), b.values.begin(), b.values.end());
  }
  return all;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(Reproducibility, ThreadsAndBatchSizesGiveIdenticalBits) {
  const auto s = testing::mixed_world();
  const engine::Isa isa = engine::detect_isa();
  const auto reference = run(s, 1, 6, isa);
  EXPECT_TRUE(same_bits(reference, run(s, 2, 6, isa)));
  EXPECT_TRUE(same_bits(reference, run(s, 2, 1, isa)));
  EXPECT_TRUE(same_bits(reference, run(s, 1, 4, isa)));
}

TEST(Reproducibility, EveryInstructionSetGivesIdenticalBits) {
  const auto s = testing::mixed_world();
  const auto reference = run(s, 2, 3, engine::Isa::Generic);
  for (engine::Isa isa : {engine::Isa::Avx2, engine::Isa::Avx512}) {
    if (!engine::isa_supported(isa)) {
      std::printf("[ SKIPPED  ] %s: not supported by this CPU\n", engine::isa_name(isa).c_str());
      continue;
    }
    EXPECT_TRUE(same_bits(reference, run(s, 2, 3, isa))) << engine::isa_name(isa);
  }
}

TEST(Reproducibility, DifferentSeedsDiffer) {
  auto s = testing::mixed_world();
  const auto a = run(s, 2, 6, engine::detect_isa());
  s.simulation.seed += 1;
  EXPECT_FALSE(same_bits(a, run(s, 2, 6, engine::detect_isa())));
}

}  // namespace
}  // namespace apmsim
