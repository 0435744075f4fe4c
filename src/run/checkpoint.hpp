#pragma once
//! Checkpoints of a run: saved atomically after a batch when due or when asked to stop, and
//! loaded to resume (the state format is Run::save_state's, run/run.hpp).

#include <chrono>
#include <cstdint>

#include "run/run.hpp"
#include "run/settings.hpp"

namespace apmsim::run {

//! Loads the checkpoint into `run` when resuming and it exists; checks it starts at `begin`.
void resume(Run& run, std::uint64_t begin, const RunSettings& o);

//! Checkpoints when asked to stop or when the interval has passed.
class Checkpointer {
 public:
  explicit Checkpointer(const RunSettings& o);
  //! Whether a signal asked the run to stop.
  bool stop_requested() const;
  //! After a batch: saves if due (or `stopping`).
  void after_batch(const Run& run, bool stopping);

 private:
  const RunSettings& o_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace apmsim::run
