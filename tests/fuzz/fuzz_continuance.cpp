// libFuzzer target: continuance-table bytes -> read_continuance -> fit_continuance ->
// continuance_population -> population_text -> parse_scenario (what `apmsim calibrate
// --continuance TABLE` does). apmsim::InputError is the expected answer to a bad table; a
// population built from a table calibrate accepted must be one validate accepts (a ScenarioError
// there is a finding: the message would point at the never-written output), as is any other
// exception (one open band once ended in an internal error, exit 1), a crash or a hang.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/continuance.hpp"
#include "calibrate/population_text.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"
#include "toml_unicode_bug.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace apmsim::calibrate;
  // Names reach toml++ in the population text (its unicode bug: toml_unicode_bug.hpp).
  if (hits_toml_unicode_bug({reinterpret_cast<const char*>(data), size})) return -1;
  static const std::string path =
      "/tmp/apmsim_fuzz_continuance_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  Calibration c;
  try {
    c = continuance_population(fit_continuance(read_continuance(path), path), path);
  } catch (const apmsim::InputError&) {
    return 0;  // refused with a message for the user: fine
  }
  apmsim::scenario::parse_scenario(population_text(c, SeverityForm::Empirical, ""), "fuzz.toml");
  return 0;
}
