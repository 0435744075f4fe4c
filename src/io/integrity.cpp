// The integrity header of a results file (docs/output-format.md, "Integrity header"): the size
// and SHA-256 of everything after the 512-byte HDF5 user block, written once the HDF5 file is
// closed and checked before the HDF5 library reads a byte.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "io/hdf5_io.hpp"
#include "io/results_file.hpp"
#include "scenario/error.hpp"
#include "scenario/sha256.hpp"

namespace apmsim::io {
namespace {

//! Hashes `f` from its current position to its end; returns the bytes read. ferror() tells
//! whether the read failed.
std::uint64_t hash_to_end(std::FILE* f, Sha256& digest) {
  std::vector<char> buffer(1 << 20);
  std::uint64_t total = 0;
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), f);
    digest.update(buffer.data(), n);
    total += n;
    if (n < buffer.size()) return total;
  }
}

}  // namespace

void stamp_integrity_header(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot reopen " + path + ": " + std::strerror(errno));
  try {
    stamp_integrity_header(fd, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

void stamp_integrity_header(int fd, const std::string& path) {
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  std::FILE* f = copy >= 0 ? ::fdopen(copy, "r+b") : nullptr;
  if (!f) {
    if (copy >= 0) ::close(copy);
    throw std::runtime_error("cannot write the integrity header of " + path + ": " +
                             std::strerror(errno));
  }
  Sha256 digest;
  bool ok = std::fseek(f, static_cast<long>(h5::kUserBlockBytes), SEEK_SET) == 0;
  const std::uint64_t bytes = ok ? hash_to_end(f, digest) : 0;
  ok = ok && !std::ferror(f);
  std::string header = std::string(kHeaderMagic) + "sha256 " + digest.hex() + "\nbytes " +
                       std::to_string(bytes) +
                       "\nThis block precedes an HDF5 file; apmsim checks the digest before "
                       "reading it.\n";
  header.resize(h5::kUserBlockBytes, '\0');
  ok = ok && std::fseek(f, 0, SEEK_SET) == 0 &&
       std::fwrite(header.data(), 1, header.size(), f) == header.size();
  if (std::fclose(f) != 0 || !ok)
    throw std::runtime_error("cannot write the integrity header of " + path);
}

void check_integrity_header(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError("cannot read " + path + ": " + std::strerror(errno));
  std::string header(h5::kUserBlockBytes, '\0');
  const std::size_t got = std::fread(header.data(), 1, header.size(), f);
  header.resize(got);
  const auto refuse = [&](const std::string& why) {
    std::fclose(f);
    throw InputError(path + ": " + why);
  };
  if (header.rfind(kHeaderMagic, 0) != 0) {
    if (header.rfind("\x89HDF\r\n\x1a\n", 0) == 0)
      refuse(
          "an HDF5 file without apmsim's integrity header: not an apmsim results file, or one "
          "written by apmsim before format 1.2 (run it again)");
    refuse(got < h5::kUserBlockBytes && got < std::strlen(kHeaderMagic)
               ? "not an apmsim results file (too short)"
               : "not an apmsim results file (no 'apmsim-results' header)");
  }
  char hex[65] = {0};
  unsigned long long bytes = 0;
  if (got < h5::kUserBlockBytes ||
      std::sscanf(header.c_str() + std::strlen(kHeaderMagic), "sha256 %64[0-9a-f]\nbytes %llu", hex,
                  &bytes) != 2 ||
      std::strlen(hex) != 64)
    refuse("the integrity header is damaged");
  Sha256 digest;
  const std::uint64_t total = hash_to_end(f, digest);
  if (std::ferror(f)) refuse(std::string("cannot read it: ") + std::strerror(errno));
  if (total != bytes)
    refuse("truncated or extended: the header says " + std::to_string(bytes + h5::kUserBlockBytes) +
           " bytes, the file has " + std::to_string(total + h5::kUserBlockBytes) +
           (total < bytes ? " (an interrupted copy?)" : ""));
  if (digest.hex() != hex) refuse("damaged: its SHA-256 does not match the integrity header");
  std::fclose(f);
}

}  // namespace apmsim::io
