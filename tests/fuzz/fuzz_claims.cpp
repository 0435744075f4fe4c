// libFuzzer target: claims CSV bytes -> read_claims (with each --outliers policy) ->
// calibrate_claims -> population_text -> parse_scenario (what `apmsim calibrate CLAIMS.csv` does).
// apmsim::InputError is the expected answer to bad data, from the reader or the fit; a population
// calibrate did not refuse must be one validate accepts, so a ScenarioError there is a finding
// (the message would point at the output, never written, instead of the CSV line), as is any
// other exception, a crash or a hang (a NaN likelihood once kept Brent's search going forever).
// Strata need 5 members and 10 positive costs here (50 and 100 in apmsim) so that small inputs
// reach the fit.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/population_text.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"
#include "toml_unicode_bug.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace apmsim::calibrate;
  // Names reach toml++ in the population text (its unicode bug: toml_unicode_bug.hpp).
  if (hits_toml_unicode_bug({reinterpret_cast<const char*>(data), size})) return -1;
  // libfccp reads files: the input goes to one of this process's own.
  static const std::string path = "/tmp/apmsim_fuzz_claims_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  Calibration c;
  try {
    ReadOptions options;
    options.outliers = static_cast<Outliers>(size % 3);
    options.negative_costs = static_cast<NegativeCosts>(size / 3 % 3);
    CalibrationSettings settings;
    settings.min_members = 5;
    settings.min_positive = 10;
    settings.jackknife_groups = 5;
    c = calibrate_claims(read_claims(path, options), settings);
  } catch (const apmsim::InputError&) {
    return 0;  // refused with a message for the user: fine
  }
  for (SeverityForm form : {SeverityForm::Parametric, SeverityForm::Empirical}) {
    try {
      apmsim::scenario::parse_scenario(population_text(c, form, ""), "fuzz.toml");
    } catch (const DataError&) {
      // population_text's own refusal (too large for validate): fine
    }
  }
  return 0;
}
