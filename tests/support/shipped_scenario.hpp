#pragma once
// A shipped scenario (scenarios/<name>.toml) cut to a few replications in batches of 16, and bit
// equality of doubles (NaN included), for tests that compare runs bit for bit.
#include <cstdint>
#include <cstring>
#include <string>

#include "scenario/load.hpp"

namespace apmsim::testing_support {

inline scenario::Scenario shipped(const std::string& name, std::uint64_t replications) {
  scenario::Scenario s =
      scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) + "/scenarios/" + name + ".toml");
  s.simulation.replications = replications;
  s.simulation.batch_size = 16;
  return s;
}

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace apmsim::testing_support
