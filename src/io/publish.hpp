#pragma once
//! Publishing a finished file under its name without ever replacing one that another process
//! published meanwhile, the run's paths checked before any work, and the temporaries of killed
//! runs cleared away. A check-then-rename leaves a window in which two runs on one --out both
//! "succeed" and one result silently replaces the other; these close it.

#include <string>
#include <vector>

namespace apmsim::io {

//! Moves `from` to `to` unless `to` exists; false when it does, decided atomically (renameat2
//! with RENAME_NOREPLACE; where the file system lacks it, link + unlink for a file and rename for
//! a folder, which cannot replace a folder that holds anything).
bool move_no_replace(const std::string& from, const std::string& to);

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

//! Throws InputError unless a file can be created in `path`'s folder (a fresh temporary, created
//! as every output's is and removed at once): a read-only or foreign folder fails now, not after
//! the run.
void check_folder_writable(const std::string& path, const std::string& what);

//! Removes the temporaries `<path>.tmp.<pid>[.<random>]` of killed writers; returns the names
//! removed. Only what can be proved dead goes: a regular file that no process holds locked (a
//! live writer holds its flock, whatever pid namespace or host it runs in) and that has not
//! changed for kStaleSeconds (io/temporary.hpp). Where the file system has no locks, none goes.
std::vector<std::string> remove_stale_temporaries(const std::string& path);

}  // namespace apmsim::io
