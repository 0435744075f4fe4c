#pragma once
//! Publishing an output file: refused before any work when it cannot be written, written under a
//! temporary name in its own folder (io/temporary.hpp), flushed to disk and renamed into place
//! only when complete, so a reader never sees a half-written file and a failure leaves nothing
//! behind.

#include <cstdio>
#include <string>

#include "io/temporary.hpp"

namespace apmsim::io {

//! Throws InputError when `path` cannot take a new file: no name, a missing folder, a folder in
//! its place, an existing file without `force`, with `force` anything but a regular file (a
//! link, a device, a FIFO, a socket: replaced, it would be another's), or a folder that takes no
//! new files. `what` names it in messages ("claims file").
void check_output_path(const std::string& path, bool force, const std::string& what);

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
  //! Writes out what is buffered; then the temporary is complete (for publish_together).
  Temporary& finish();
  //! finish(), then flushes to disk and renames into place.
  void commit();
  const std::string& path() const { return temporary_.path(); }

 private:
  TemporaryFile temporary_;
  std::FILE* file_ = nullptr;  //!< a buffered stream on a duplicate of the temporary's descriptor
  bool force_ = false;
};

//! Writes `bytes` to `path` (replacing a regular file) through an AtomicTextFile: a crash leaves
//! the previous file or the new one, never a mixture. Checkpoints are written so.
void write_file_atomically(const std::string& path, const std::string& bytes,
                           const std::string& what);

//! Reads a whole file; InputError naming it when it cannot.
std::string read_whole_file(const std::string& path);

}  // namespace apmsim::io
