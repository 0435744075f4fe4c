#include "run/checkpoint.hpp"

#include <filesystem>

#include "io/output_file.hpp"
#include "scenario/error.hpp"

namespace apmsim::run {

void resume(Run& run, std::uint64_t begin, const RunSettings& o) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!o.resume || o.checkpoint_path.empty()) return;
  if (!fs::exists(o.checkpoint_path, error)) {
    if (o.note) o.note("no checkpoint " + o.checkpoint_path + " yet; starting from the beginning");
    return;
  }
  run.absorb(io::read_whole_file(o.checkpoint_path), o.checkpoint_path);
  if (run.first() != begin)
    throw InputError(o.checkpoint_path + ": the checkpoint starts at replication " +
                     std::to_string(run.first()) + ", but this run's replications start at " +
                     std::to_string(begin) + " (a different --shard?)");
  if (o.note)
    o.note("resuming from " + o.checkpoint_path + ": replications " + std::to_string(run.first()) +
           " to " + std::to_string(run.end()) + " are done");
}

Checkpointer::Checkpointer(const RunSettings& o) : o_(o), last_(std::chrono::steady_clock::now()) {}

bool Checkpointer::stop_requested() const { return o_.stop && *o_.stop != 0; }

void Checkpointer::after_batch(const Run& run, bool stopping) {
  if (o_.checkpoint_path.empty()) return;
  const double since =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count();
  if (!stopping && since < o_.checkpoint_interval) return;
  io::write_file_atomically(o_.checkpoint_path, run.save_state(), "checkpoint");
  last_ = std::chrono::steady_clock::now();
}

}  // namespace apmsim::run
