// benchmarks/peers/reference.toml is the engine benchmark's reference world
// (tests/support/reference_scenario.hpp) as a scenario file: the peers (NumPy, Numba) read their
// parameters from the file and compare their means with apmsim's on it, so the file must be the
// model the engine benchmark times. Same tallies, bit for bit.
#include <gtest/gtest.h>

#include <string>

#include "../support/reference_scenario.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/dispatch.hpp"
#include "engine/model.hpp"
#include "scenario/load.hpp"

namespace apmsim::engine {
namespace {

BatchTallies tallies_of(const scenario::Scenario& s) {
  const Model model = build_model(s);
  const CpuEngine engine(model, 2, detect_isa());
  BatchTallies tallies;
  engine.run_batch(0, 2, tallies);
  return tallies;
}

TEST(PeersReference, FileIsTheBenchmarkWorld) {
  const scenario::Scenario file =
      scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) + "/benchmarks/peers/reference.toml");
  const BatchTallies a = tallies_of(file), b = tallies_of(testing::reference_scenario());
  ASSERT_EQ(a.values.size(), b.values.size());
  ASSERT_FALSE(a.values.empty());
  for (std::size_t i = 0; i < a.values.size(); ++i)
    ASSERT_EQ(a.values[i], b.values[i]) << "tally value " << i;
}

}  // namespace
}  // namespace apmsim::engine
