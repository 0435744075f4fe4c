// libFuzzer target: bytes -> a results file -> read_results -> format_summary (what
// `apmsim summary FILE` does). The reader goes through HDF5, which reads files by name, so each
// input is written to a temporary file private to this process. apmsim::InputError is the expected
// answer to a damaged file; any other exception escapes and libFuzzer reports it as a crash.
//
// Results files start with a 512-byte integrity header (the SHA-256 of the HDF5 data after it),
// so nearly every mutation of the HDF5 data would stop at the digest check. An input that starts
// with the header magic and whose header ends in a zero byte (as written: zero padding) is therefore
// re-stamped with stamp_integrity_header() before it is read, and the fuzzer reaches the HDF5
// library and apmsim's reader behind the check, as a deliberately crafted file would. Any other
// input (another last header byte included) is read as it is, which fuzzes the check itself.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "io/results_file.hpp"
#include "scenario/error.hpp"

namespace {

constexpr std::size_t kHeaderBytes = 512;  // h5::kUserBlockBytes

std::string temp_path() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = (dir && *dir) ? dir : "/tmp";
  return path + "/apmsim-fuzz-results-" + std::to_string(::getpid()) + ".h5";
}

void remove_temp() { std::remove(temp_path().c_str()); }

bool restamp(const std::uint8_t* data, std::size_t size) {
  const std::size_t magic = std::strlen(apmsim::io::kHeaderMagic);
  return size >= kHeaderBytes && std::memcmp(data, apmsim::io::kHeaderMagic, magic) == 0 &&
         data[kHeaderBytes - 1] == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = [] {
    std::atexit(remove_temp);
    return temp_path();
  }();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) std::abort();
  if (size && std::fwrite(data, 1, size, file) != size) std::abort();
  if (std::fclose(file) != 0) std::abort();
  if (restamp(data, size)) apmsim::io::stamp_integrity_header(path);
  try {
    const auto results = apmsim::io::read_results(path);
    const std::string summary = apmsim::io::format_summary(results);
    (void)summary;
  } catch (const apmsim::InputError&) {
    // Rejected with a message for the user: fine.
  }
  return 0;
}
