// libFuzzer target: run states (what `apmsim merge` reads from a shard's /state, `--resume` from a
// checkpoint, rank 0 from an MPI message) -> Run::absorb -> Run::results. apmsim::InputError is
// the expected answer to a bad state; any other exception, a crash or a sanitizer report is a bug.
//
// A state is only absorbed when its header matches the run (build, scenario digest, seed, ...),
// so random bytes would all stop there. Each input is therefore used twice: as it is (header and
// digest checks), and as edits to a valid state of the run made at start-up: 5-byte records
// (offset: 4 bytes little-endian, modulo the state's size; a byte to XOR there), any 1-4 bytes
// left over truncating the state at an offset they give. The edited state is absorbed as
// "trusted" (saved without a digest, as MPI messages are), so the decoder behind the digest check
// sees the damage.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "run/run.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"

namespace {

struct Fixture {
  apmsim::scenario::Scenario scenario;
  std::unique_ptr<apmsim::run::Run> run;
  std::string valid;  // replications [0, 3) of tiers_years.toml, without a digest
};

Fixture& fixture() {
  static Fixture f = [] {
    Fixture x;
    x.scenario = apmsim::scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) +
                                                 "/tests/fuzz/corpus/scenario/tiers_years.toml");
    apmsim::run::RunSettings options;
    options.threads = 1;
    apmsim::run::Run maker(x.scenario, options, true);
    maker.reset(0);
    maker.simulate_batch(3);
    x.valid = maker.save_state(false);
    x.run = std::make_unique<apmsim::run::Run>(x.scenario, options, false);
    return x;
  }();
  return f;
}

void absorb(const std::string& state, bool trusted) {
  Fixture& f = fixture();
  f.run->reset(0);
  try {
    f.run->absorb(state, "fuzz", trusted);
    const apmsim::analysis::Results results = f.run->results(0.0);
    (void)results;
  } catch (const apmsim::InputError&) {
    // Refused with a message for the user: fine.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  absorb(std::string(reinterpret_cast<const char*>(data), size), false);

  std::string edited = fixture().valid;
  std::size_t i = 0;
  for (; i + 5 <= size; i += 5) {
    std::uint32_t offset;
    std::memcpy(&offset, data + i, 4);
    edited[offset % edited.size()] ^= static_cast<char>(data[i + 4]);
  }
  if (i < size) {
    std::uint32_t cut = 0;
    std::memcpy(&cut, data + i, size - i);
    edited.resize(cut % edited.size());
  }
  absorb(edited, true);
  return 0;
}
