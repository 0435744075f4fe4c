#pragma once
//! Publishing a finished file under its name without ever replacing one that another process
//! published meanwhile, the run's paths checked before any work, and the temporaries of killed
//! runs cleared away. A check-then-rename leaves a window in which two runs on one --out both
//! "succeed" and one result silently replaces the other; these close it.

#include <string>
#include <vector>

namespace apmsim::io {

//! `<path>.tmp.<pid>`: where this process builds `path` before publishing it.
std::string temporary_name(const std::string& path);

//! Moves the complete file `temporary` to `path`. With `force` an existing `path` is replaced
//! (rename). Without it the move fails when `path` exists, atomically (renameat2 with
//! RENAME_NOREPLACE, or link + unlink where the file system lacks it): the finished file is then
//! kept as `<stem>.<pid><ext>` beside `path` and InputError says so and names it.
void publish_file(const std::string& temporary, const std::string& path, bool force,
                  const std::string& what);

//! Throws InputError (before any simulating) when the checkpoint `checkpoint` of a run writing
//! `out` cannot be used: a folder in its place, the results file itself, something that is not
//! a regular file, or a folder that is missing or not writable.
void check_checkpoint_path(const std::string& checkpoint, const std::string& out);

//! Throws InputError unless a file can be created in `path`'s folder (tried with `path`'s own
//! temporary name, removed at once): a read-only or foreign folder fails now, not after the run.
void check_folder_writable(const std::string& path, const std::string& what);

//! Removes `<path>.tmp.<pid>` files whose process no longer exists (a run killed while writing);
//! returns the names removed. Temporaries of live processes are left alone.
std::vector<std::string> remove_stale_temporaries(const std::string& path);

}  // namespace apmsim::io
