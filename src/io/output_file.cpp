#include "io/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "io/publish.hpp"
#include "scenario/error.hpp"

namespace apmsim::io {

namespace fs = std::filesystem;

void check_output_path(const std::string& path, bool force, const std::string& what) {
  if (path.empty()) throw InputError("no " + what + " name given");
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw InputError("cannot write " + what + " " + path + ": folder " + folder.string() +
                     " does not exist");
  if (fs::is_directory(target, error))
    throw InputError("cannot write " + what + " " + path + ": it is a folder");
  if (!force && fs::exists(fs::symlink_status(target, error)))
    throw InputError(what + " " + path + " already exists; not overwriting it (use --force)");
  if (force) check_replaceable_file(path, what);
  check_folder_writable(path, what);
}

namespace {

//! `path`, once check_output_path has let it through.
std::string checked_path(std::string path, bool force, const std::string& what) {
  check_output_path(path, force, what);
  return path;
}

}  // namespace

AtomicTextFile::AtomicTextFile(std::string path, bool force, std::string what)
    : temporary_(checked_path(path, force, what), what), force_(force) {
  const int fd = ::fcntl(temporary_.fd(), F_DUPFD_CLOEXEC, 0);
  file_ = fd >= 0 ? ::fdopen(fd, "wb") : nullptr;
  if (!file_) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write " + what + " " + path + ": " + std::strerror(errno));
  }
  static constexpr std::size_t kBuffer = 1 << 20;
  std::setvbuf(file_, nullptr, _IOFBF, kBuffer);
}

AtomicTextFile::~AtomicTextFile() {
  if (file_) std::fclose(file_);
}

void AtomicTextFile::write(const char* data, std::size_t size) {
  if (size > 0 && std::fwrite(data, 1, size, file_) != size)
    throw std::runtime_error("cannot write " + temporary_.what() + " " + path() + ": " +
                             std::strerror(errno));
}

Temporary& AtomicTextFile::finish() {
  if (file_) {
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed)
      throw std::runtime_error("cannot write " + temporary_.what() + " " + path() + ": " +
                               std::strerror(errno));
  }
  return temporary_;
}

void AtomicTextFile::commit() {
  finish();
  temporary_.publish(force_);
}

void write_file_atomically(const std::string& path, const std::string& bytes,
                           const std::string& what) {
  AtomicTextFile file(path, true, what);
  file.write(bytes);
  file.commit();
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError("cannot read " + path);
  return std::move(buffer).str();
}

}  // namespace apmsim::io
