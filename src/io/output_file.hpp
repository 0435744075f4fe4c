#pragma once
//! Publishing an output file: refused before any work when it cannot be written, written under a
//! temporary name in its own folder, flushed to disk and renamed into place only when complete,
//! so a reader never sees a half-written file and a failure leaves nothing behind.

#include <cstdio>
#include <string>

namespace apmsim::io {

//! Throws InputError when `path` cannot take a new file: no name, a missing folder, a folder in
//! its place, an existing file without `force`, or a folder that takes no new files. `what`
//! names it in messages ("claims file").
void check_output_path(const std::string& path, bool force, const std::string& what);

//! Flushes a written file's data to the disk (before a rename publishes it).
void sync_file(const std::string& path);

//! A text output published atomically: write through stream(), then commit(). Destroyed
//! uncommitted (an exception, an interrupted run), it removes its temporary file.
class AtomicTextFile {
 public:
  //! Checks `path` (check_output_path) and opens the temporary file.
  AtomicTextFile(std::string path, bool force, std::string what);
  ~AtomicTextFile();
  AtomicTextFile(const AtomicTextFile&) = delete;
  AtomicTextFile& operator=(const AtomicTextFile&) = delete;

  //! Appends `size` bytes; throws std::runtime_error when the disk refuses them.
  void write(const char* data, std::size_t size);
  void write(const std::string& text) { write(text.data(), text.size()); }
  //! Closes, flushes to disk and renames into place.
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_, temporary_, what_;
  std::FILE* file_ = nullptr;
  bool force_ = false;
  bool committed_ = false;
};

//! Writes `bytes` to `path` (replacing it) through an AtomicTextFile: a crash leaves the
//! previous file or the new one, never a mixture. Checkpoints are written so.
void write_file_atomically(const std::string& path, const std::string& bytes,
                           const std::string& what);

//! Reads a whole file; InputError naming it when it cannot.
std::string read_whole_file(const std::string& path);

}  // namespace apmsim::io
