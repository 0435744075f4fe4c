#include "io/publish.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "io/temporary.hpp"
#include "scenario/error.hpp"

namespace apmsim::io {

namespace fs = std::filesystem;

namespace {

fs::path folder_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

//! `x.h5` -> `x.<pid>.h5` (then `x.<pid>-2.h5`, ...): a name beside `path` for a result that
//! could not take `path`.
std::string kept_name(const std::string& path, int attempt) {
  const fs::path p(path);
  std::string stem = p.stem().string() + "." + std::to_string(::getpid());
  if (attempt > 1) stem += "-" + std::to_string(attempt);
  return (p.parent_path() / (stem + p.extension().string())).string();
}

//! Whether `name` is `<prefix><pid>` or `<prefix><pid>.<letters and digits>`: a temporary's.
bool temporary_suffix(const std::string& name, const std::string& prefix) {
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return false;
  const std::string rest = name.substr(prefix.size());
  const std::size_t dot = rest.find('.');
  const std::string pid = rest.substr(0, dot);
  if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos)
    return false;
  if (dot == std::string::npos) return true;
  const std::string random = rest.substr(dot + 1);
  return !random.empty() && std::all_of(random.begin(), random.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c));
  });
}

//! Removes `stale` when it is a regular file unchanged for kStaleSeconds that nobody holds
//! locked; holding the lock while it unlinks, so a writer cannot take it meanwhile.
bool remove_if_dead(const fs::path& stale) {
  const int fd = ::open(stale.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat opened {
  }, named{};
  const bool dead = ::fstat(fd, &opened) == 0 && S_ISREG(opened.st_mode) &&
                    opened.st_mtime + kStaleSeconds < std::time(nullptr) &&
                    ::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::lstat(stale.c_str(), &named) == 0 &&
                    named.st_dev == opened.st_dev && named.st_ino == opened.st_ino &&
                    ::unlink(stale.c_str()) == 0;
  ::close(fd);
  return dead;
}

}  // namespace

bool move_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw std::runtime_error("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  std::error_code error;
  if (fs::is_directory(fs::symlink_status(from, error))) {
    if (::rename(from.c_str(), to.c_str()) == 0) return true;
    if (errno == EEXIST || errno == ENOTEMPTY || errno == ENOTDIR) return false;
    throw std::runtime_error("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  }
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) return false;
    throw std::runtime_error("cannot link " + from + " to " + to + ": " + std::strerror(errno));
  }
  ::unlink(from.c_str());
  return true;
}

void publish_file(const std::string& temporary, const std::string& path, bool force,
                  const std::string& what) {
  if (force) {
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
      throw std::runtime_error("cannot rename " + temporary + " to " + path + ": " +
                               std::strerror(errno));
    return;
  }
  if (move_no_replace(temporary, path)) return;
  for (int attempt = 1; attempt < 100; ++attempt) {
    const std::string kept = kept_name(path, attempt);
    if (!move_no_replace(temporary, kept)) continue;
    throw InputError(what + " " + path +
                     " was written by another process while this one ran (two runs on one "
                     "--out?); not overwriting it (use --force). This run's " +
                     what + " is kept as " + kept);
  }
  std::remove(temporary.c_str());
  throw InputError(what + " " + path + " was written by another process while this one ran; " +
                   "not overwriting it (use --force)");
}

void check_folder_writable(const std::string& path, const std::string& what) {
  const TemporaryFile probe(path, what);  // removed when it goes out of scope
}

void check_checkpoint_path(const std::string& checkpoint, const std::string& out) {
  const std::string what = "--checkpoint " + checkpoint;
  if (checkpoint.empty()) throw InputError("--checkpoint: no file name given");
  std::error_code error;
  const fs::path folder = folder_of(checkpoint);
  if (!fs::is_directory(folder, error))
    throw InputError(what + ": folder " + folder.string() + " does not exist");
  const fs::file_status status = fs::status(checkpoint, error);
  if (fs::is_directory(status))
    throw InputError(what + ": it is a folder; give a file name (e.g. " +
                     (fs::path(checkpoint) / "run.checkpoint").string() + ")");
  if (fs::exists(status) && !fs::is_regular_file(status))
    throw InputError(what + ": not a regular file");
  if (const std::string kind = special_kind(checkpoint); !kind.empty())
    throw InputError(what + ": it is " + kind +
                     "; a checkpoint is replaced as it goes, so it "
                     "must be a regular file");
  const fs::path a = fs::weakly_canonical(fs::absolute(checkpoint), error);
  const fs::path b = fs::weakly_canonical(fs::absolute(out), error);
  if (a == b || (fs::exists(out, error) && fs::equivalent(checkpoint, out, error)))
    throw InputError(what + ": it is the results file (--out " + out +
                     "); the checkpoint needs a name of its own");
  check_folder_writable(checkpoint, "checkpoint");
}

std::vector<std::string> remove_stale_temporaries(const std::string& path) {
  std::vector<std::string> removed;
  const fs::path target(path);
  const std::string prefix = target.filename().string() + ".tmp.";
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder_of(target), error)) {
    const std::string name = entry.path().filename().string();
    if (!temporary_suffix(name, prefix)) continue;
    const fs::path stale = target.has_parent_path() ? target.parent_path() / name : fs::path(name);
    if (remove_if_dead(stale)) removed.push_back(stale.string());
  }
  return removed;
}

}  // namespace apmsim::io
