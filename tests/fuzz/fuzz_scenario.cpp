// libFuzzer target: scenario text -> parse_scenario -> expand_sweep (what `apmsim run` and
// `apmsim validate` do with a scenario file). apmsim::InputError (ScenarioError included) is the
// expected answer to bad input; any other exception escapes and libFuzzer reports it as a crash.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scenario/error.hpp"
#include "scenario/load.hpp"
#include "scenario/sweep.hpp"
#include "toml_unicode_bug.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (hits_toml_unicode_bug(text)) return -1;  // -1: libFuzzer keeps it out of the corpus
  try {
    const apmsim::scenario::Scenario scenario =
        apmsim::scenario::parse_scenario(text, "fuzz.toml");
    const auto variants = apmsim::scenario::expand_sweep(scenario);
    (void)variants;
  } catch (const apmsim::InputError&) {
    // Rejected with a message for the user: fine.
  }
  return 0;
}
