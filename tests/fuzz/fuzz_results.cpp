// libFuzzer target: bytes -> a results file -> read_results -> format_summary (what
// `apmsim summary FILE` does). The reader goes through HDF5, which reads files by name, so each
// input is written to a temporary file private to this process. apmsim::InputError is the expected
// answer to a damaged file; any other exception escapes and libFuzzer reports it as a crash.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/results_file.hpp"
#include "scenario/error.hpp"

namespace {

std::string temp_path() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = (dir && *dir) ? dir : "/tmp";
  return path + "/apmsim-fuzz-results-" + std::to_string(::getpid()) + ".h5";
}

void remove_temp() { std::remove(temp_path().c_str()); }

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
  try {
    const auto results = apmsim::io::read_results(path);
    const std::string summary = apmsim::io::format_summary(results);
    (void)summary;
  } catch (const apmsim::InputError&) {
    // Rejected with a message for the user: fine.
  }
  return 0;
}
