#pragma once
//! The one way apmsim makes an output: a temporary under a fresh, unpredictable name beside its
//! destination (`<path>.tmp.<pid>.<random>`), created so that nothing planted there is opened or
//! followed (O_CREAT|O_EXCL|O_NOFOLLOW; mkdtemp for folders), written through its descriptor,
//! locked (flock) while it lives so that a clean-up elsewhere can tell it from a dead one, and
//! moved into place whole (io/publish.hpp). --force replaces only what it may replace: a regular
//! file (a folder output: a folder its owner recognises), never a link, a device or a FIFO.

#include <functional>
#include <string>
#include <vector>

namespace apmsim::io {

//! An unlocked temporary this many seconds past its last change is taken for a killed writer's.
inline constexpr int kStaleSeconds = 3600;

//! `<path>.tmp.<pid>.<random>`: a fresh name beside `path`, for building it.
std::string temporary_name(const std::string& path);

//! What `path` is when it exists and is neither a regular file nor a folder ("a symbolic link",
//! "a character device", "a block device", "a FIFO", "a socket"); "" otherwise. Not followed.
std::string special_kind(const std::string& path);

//! Throws InputError unless --force may replace `path`: it is missing or a regular file.
void check_replaceable_file(const std::string& path, const std::string& what);

//! A temporary file or folder on its way to `path`. Destroyed unpublished (an exception, a
//! refusal) it removes itself, only while its name still holds the file it created.
class Temporary {
 public:
  Temporary(const Temporary&) = delete;
  Temporary& operator=(const Temporary&) = delete;
  virtual ~Temporary();

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  const std::string& what() const { return what_; }
  int fd() const { return fd_; }
  //! Takes the lock (again: a library that wrote through its own descriptor dropped it on close).
  void lock();
  //! Throws unless name() still holds the file this object created (nobody swapped it).
  void check_name() const;
  //! Throws InputError unless `path` may be replaced with --force.
  virtual void check_replaceable() const = 0;
  //! Called once the temporary has left its name (published, or kept under another).
  void published() { published_ = true; }

 protected:
  Temporary(std::string path, std::string what);
  void set(std::string name, int fd);  //!< the created temporary, locked here
  bool is_published() const { return published_; }

 private:
  std::string path_, what_, name_;
  int fd_ = -1;
  bool published_ = false;
};

//! A temporary file beside `path`.
class TemporaryFile : public Temporary {
 public:
  //! Creates one (mode 0666 less the umask); InputError naming `what` and the folder when the
  //! folder takes no new files.
  TemporaryFile(std::string path, std::string what);
  //! Takes over the file a library has just created as `name` with O_CREAT|O_EXCL (HDF5's
  //! H5F_ACC_EXCL), through its descriptor `library_fd` (duplicated, not taken).
  TemporaryFile(std::string path, std::string what, std::string name, int library_fd);
  void check_replaceable() const override;
  //! fsync through the descriptor, then publish_file (no replacing without `force`; a refused
  //! file is kept beside `path` under the name the InputError gives).
  void publish(bool force);
};

//! A temporary folder beside `path` (mkdtemp; then 0777 less the umask), for outputs that are
//! folders. `replaceable` says whether an existing folder at `path` may be replaced with
//! --force (throws InputError naming why not); without it none may.
class TemporaryFolder : public Temporary {
 public:
  TemporaryFolder(std::string path, std::string what,
                  std::function<void(const std::string&)> replaceable = {});
  ~TemporaryFolder() override;
  void check_replaceable() const override;
  //! `file`'s path inside the folder.
  std::string file(const std::string& file) const { return name() + "/" + file; }
  //! Creates `file` in the folder (O_EXCL|O_NOFOLLOW), writes `text` through it and flushes it.
  void write(const std::string& file, const std::string& text);
  //! The regular files in the folder, sorted.
  std::vector<std::string> files() const;

 private:
  void remove_contents() noexcept;
  std::function<void(const std::string&)> replaceable_;
};

//! Publishes `outputs` all or nothing: each moves to its path without replacing (with `force`:
//! replacing what check_replaceable allows, the old one swapped out and removed only once all are
//! in place). When one cannot be, those already moved are moved back and InputError says why; no
//! output is published and the temporaries are removed.
void publish_together(const std::vector<Temporary*>& outputs, bool force);

}  // namespace apmsim::io
