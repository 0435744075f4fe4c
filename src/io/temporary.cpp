#include "io/temporary.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "io/publish.hpp"
#include "scenario/error.hpp"

namespace apmsim::io {

namespace fs = std::filesystem;

namespace {

std::string folder_text(const std::string& path) {
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

//! Whether `name` (not followed) is the file open as `fd`.
bool holds(const std::string& name, int fd) {
  struct stat named {
  }, opened{};
  return ::lstat(name.c_str(), &named) == 0 && ::fstat(fd, &opened) == 0 &&
         named.st_dev == opened.st_dev && named.st_ino == opened.st_ino;
}

//! Removes the files (not folders) directly in the folder open as `fd`.
void remove_files_in(int fd) noexcept {
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  DIR* dir = copy >= 0 ? ::fdopendir(copy) : nullptr;
  if (!dir) {
    if (copy >= 0) ::close(copy);
    return;
  }
  ::rewinddir(dir);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir))
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      names.emplace_back(entry->d_name);
  ::closedir(dir);
  for (const std::string& name : names) ::unlinkat(fd, name.c_str(), 0);
}

//! Removes a replaced output: a file, or a folder and the files in it (never what lies deeper:
//! an output folder has none, and an old one was checked to be an output before it was replaced).
void remove_replaced(const std::string& name) noexcept {
  struct stat st {};
  if (::lstat(name.c_str(), &st) != 0) return;
  if (!S_ISDIR(st.st_mode)) {
    ::unlink(name.c_str());
    return;
  }
  const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  remove_files_in(fd);
  ::close(fd);
  ::rmdir(name.c_str());
}

//! Moves `a` and `b` into each other's names at once; false where the file system cannot.
bool exchange(const std::string& a, const std::string& b) {
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) return true;
  if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) return false;
  throw std::runtime_error("cannot rename " + a + " to " + b + ": " + std::strerror(errno));
}

void rename_or_throw(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw std::runtime_error("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
}

}  // namespace

std::string temporary_name(const std::string& path) {
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static std::random_device entropy;  // getrandom(): a name nobody can plant a link at in advance
  std::string random(10, 'a');
  for (char& c : random) c = kLetters[entropy() % (sizeof kLetters - 1)];
  return path + ".tmp." + std::to_string(::getpid()) + "." + random;
}

std::string special_kind(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return "";
  if (S_ISLNK(st.st_mode)) return "a symbolic link";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "not a regular file";
}

void check_replaceable_file(const std::string& path, const std::string& what) {
  const std::string kind = special_kind(path);
  if (!kind.empty())
    throw InputError(what + " " + path + " is " + kind + "; --force replaces only a regular file");
  std::error_code error;
  if (fs::is_directory(fs::symlink_status(path, error)))
    throw InputError("cannot write " + what + " " + path + ": it is a folder");
}

// --- Temporary ---------------------------------------------------------------------------------

Temporary::Temporary(std::string path, std::string what)
    : path_(std::move(path)), what_(std::move(what)) {}

Temporary::~Temporary() {
  if (fd_ < 0) return;
  if (!published_ && holds(name_, fd_)) {
    struct stat st {};
    ::fstat(fd_, &st);
    if (S_ISDIR(st.st_mode))
      ::rmdir(name_.c_str());  // TemporaryFolder emptied it
    else
      ::unlink(name_.c_str());
  }
  ::close(fd_);
}

void Temporary::set(std::string name, int fd) {
  name_ = std::move(name);
  fd_ = fd;
  lock();
}

void Temporary::lock() {
  // Where the file system has no locks, remove_stale_temporaries cannot prove this one dead and
  // leaves it alone; nothing here depends on getting it.
  ::flock(fd_, LOCK_EX | LOCK_NB);
}

void Temporary::check_name() const {
  if (!holds(name_, fd_))
    throw InputError("cannot write " + what_ + " " + path_ + ": its temporary " + name_ +
                     " was replaced by another process while this one wrote it");
}

// --- TemporaryFile -----------------------------------------------------------------------------

TemporaryFile::TemporaryFile(std::string path, std::string what)
    : Temporary(std::move(path), std::move(what)) {
  int error = EEXIST;
  for (int attempt = 0; attempt < 16 && error == EEXIST; ++attempt) {
    const std::string name = temporary_name(this->path());
    const int fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
      set(name, fd);
      return;
    }
    error = errno;
  }
  throw InputError("cannot write " + this->what() + " " + this->path() +
                   ": cannot create files in folder " + folder_text(this->path()) + " (" +
                   std::strerror(error) + ")");
}

TemporaryFile::TemporaryFile(std::string path, std::string what, std::string name, int library_fd)
    : Temporary(std::move(path), std::move(what)) {
  const int fd = ::fcntl(library_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("cannot keep " + name + ": " + std::strerror(errno));
  set(std::move(name), fd);
  check_name();
}

void TemporaryFile::check_replaceable() const { check_replaceable_file(path(), what()); }

void TemporaryFile::publish(bool force) {
  if (::fsync(fd()) != 0)
    throw std::runtime_error("cannot flush " + name() + " to disk: " + std::strerror(errno));
  check_name();
  if (force) check_replaceable();
  try {
    publish_file(name(), path(), force, what());
  } catch (const InputError&) {
    published();  // moved to the name the message gives
    throw;
  }
  published();
}

// --- TemporaryFolder ---------------------------------------------------------------------------

TemporaryFolder::TemporaryFolder(std::string path, std::string what,
                                 std::function<void(const std::string&)> replaceable)
    : Temporary(std::move(path), std::move(what)), replaceable_(std::move(replaceable)) {
  int error = EEXIST;
  for (int attempt = 0; attempt < 16 && error == EEXIST; ++attempt) {
    const std::string name = temporary_name(this->path());
    if (::mkdir(name.c_str(), 0777) != 0) {  // never through a link; the umask applies
      error = errno;
      continue;
    }
    const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      error = errno;
      break;
    }
    set(name, fd);
    return;
  }
  throw InputError("cannot write " + this->what() + " " + this->path() +
                   ": cannot create folders in " + folder_text(this->path()) + " (" +
                   std::strerror(error) + ")");
}

void TemporaryFolder::check_replaceable() const {
  const std::string kind = special_kind(path());
  if (!kind.empty())
    throw InputError(what() + " " + path() + " is " + kind +
                     "; --force replaces only a folder it wrote");
  std::error_code error;
  if (!fs::exists(fs::symlink_status(path(), error))) return;
  if (!fs::is_directory(fs::symlink_status(path(), error)))
    throw InputError("--out " + path() + ": a file is in the way (the " + what() + " is a folder)");
  if (!replaceable_)
    throw InputError(what() + " " + path() + " already exists; not overwriting it");
  replaceable_(path());
}

void TemporaryFolder::write(const std::string& file, const std::string& text) {
  const int fd = ::openat(this->fd(), file.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  bool ok = fd >= 0;
  int error = errno;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    error = errno;
    if (ok) done += static_cast<std::size_t>(n);
  }
  if (ok && ::fsync(fd) != 0) ok = false, error = errno;
  if (fd >= 0 && ::close(fd) != 0 && ok) ok = false, error = errno;
  if (!ok)
    throw std::runtime_error("cannot write " + this->file(file) + ": " + std::strerror(error));
}

std::vector<std::string> TemporaryFolder::files() const {
  std::vector<std::string> out;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(name(), error))
    if (entry.is_regular_file(error) && !entry.is_symlink(error))
      out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void TemporaryFolder::remove_contents() noexcept { remove_files_in(fd()); }

TemporaryFolder::~TemporaryFolder() {
  if (!is_published() && holds(name(), fd())) remove_contents();
}

// --- Publishing several outputs ----------------------------------------------------------------

void publish_together(const std::vector<Temporary*>& outputs, bool force) {
  //! Each output moved so far, and the old one it replaced (under the output's temporary name
  //! after an exchange, or under `aside`).
  struct Moved {
    Temporary* output;
    bool exchanged;
    std::string aside;
  };
  std::vector<Moved> moved;
  const auto undo = [&]() noexcept {
    for (auto it = moved.rbegin(); it != moved.rend(); ++it) {
      const Temporary& t = *it->output;
      try {
        if (it->exchanged) {
          exchange(t.name(), t.path());
        } else if (holds(t.path(), t.fd())) {
          rename_or_throw(t.path(), t.name());
          if (!it->aside.empty()) rename_or_throw(it->aside, t.path());
        }
      } catch (...) {
      }
    }
  };
  try {
    for (Temporary* t : outputs) {
      if (::fsync(t->fd()) != 0)
        throw std::runtime_error("cannot flush " + t->name() + " to disk: " + std::strerror(errno));
      t->check_name();
      struct stat st {};
      if (::lstat(t->path().c_str(), &st) == 0) {
        if (!force)
          throw InputError(t->what() + " " + t->path() +
                           " already exists; not overwriting it (use --force)");
        t->check_replaceable();
        if (exchange(t->name(), t->path())) {
          moved.push_back({t, true, ""});
          continue;
        }
        const std::string aside = t->name() + ".old";
        rename_or_throw(t->path(), aside);
        moved.push_back({t, false, aside});
      } else {
        moved.push_back({t, false, ""});
      }
      if (!move_no_replace(t->name(), t->path())) {
        if (!moved.back().aside.empty()) rename_or_throw(moved.back().aside, t->path());
        moved.pop_back();
        throw InputError(t->what() + " " + t->path() +
                         " was written by another process while this one ran; not overwriting it "
                         "(use --force)");
      }
    }
  } catch (const InputError& e) {
    undo();
    throw InputError(std::string(e.what()) +
                     (outputs.size() > 1 ? "; none of the " + std::to_string(outputs.size()) +
                                               " outputs was written"
                                         : ""));
  } catch (...) {
    undo();
    throw;
  }
  for (const Moved& m : moved) {
    if (m.exchanged) remove_replaced(m.output->name());
    if (!m.aside.empty()) remove_replaced(m.aside);
    m.output->published();
  }
}

}  // namespace apmsim::io
