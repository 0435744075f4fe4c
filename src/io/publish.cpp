#include "io/publish.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "scenario/error.hpp"

namespace apmsim::io {

namespace fs = std::filesystem;

namespace {

fs::path folder_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

//! Moves `from` to `to` unless `to` exists; false (errno EEXIST) when it does. renameat2 where
//! the file system has RENAME_NOREPLACE; else link + unlink, just as atomic for the name.
bool move_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw std::runtime_error("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  if (::link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) return false;
    throw std::runtime_error("cannot link " + from + " to " + to + ": " + std::strerror(errno));
  }
  ::unlink(from.c_str());
  return true;
}

//! `x.h5` -> `x.<pid>.h5` (then `x.<pid>-2.h5`, ...): a name beside `path` for a result that
//! could not take `path`.
std::string kept_name(const std::string& path, int attempt) {
  const fs::path p(path);
  std::string stem = p.stem().string() + "." + std::to_string(::getpid());
  if (attempt > 1) stem += "-" + std::to_string(attempt);
  return (p.parent_path() / (stem + p.extension().string())).string();
}

}  // namespace

std::string temporary_name(const std::string& path) {
  return path + ".tmp." + std::to_string(::getpid());
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
  const std::string probe = temporary_name(path);
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return;  // our own name is taken: the folder takes files
    throw InputError("cannot write " + what + " " + path + ": cannot create files in folder " +
                     folder_of(path).string() + " (" + std::strerror(errno) + ")");
  }
  ::close(fd);
  ::unlink(probe.c_str());
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
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    const fs::path stale = target.has_parent_path() ? target.parent_path() / name : fs::path(name);
    if (fs::remove(stale, error)) removed.push_back(stale.string());
  }
  return removed;
}

}  // namespace apmsim::io
