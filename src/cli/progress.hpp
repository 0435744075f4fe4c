#pragma once
//! Progress of a run on stderr. On a terminal one line rewritten in place; otherwise (a log file,
//! a batch job) a line at every further 10% and at least once a minute, each with the elapsed
//! time and an estimate of what is left, and a heartbeat line when a batch runs longer than a
//! minute (APMSIM_HEARTBEAT_SECONDS sets the minute otherwise, for tests).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "run/estimate.hpp"

namespace apmsim::cli {

class Progress {
 public:
  //! `terminal`: rewrite one line (\r) instead of printing lines.
  Progress(std::FILE* out, bool terminal);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  //! After each batch: `done` of `total` replications.
  void update(std::uint64_t done, std::uint64_t total);

 private:
  using Clock = std::chrono::steady_clock;
  //! The heartbeat thread: a line whenever `interval_` passes without one.
  void beat();
  std::FILE* out_;
  bool terminal_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::chrono::duration<double> interval_{60.0};
  Clock::time_point start_ = Clock::now(), last_line_ = start_;
  int last_decile_ = 0;
  std::uint64_t done_ = 0, total_ = 0;
  std::thread heartbeat_;
};

//! One line for people: "1000 replications x 1.68 M unit-years = 1.68 G unit-years, 6 variants;
//! about 19.0 s on this machine (a pilot of 2 replications took 0.04 s)".
std::string estimate_text(const run::RunEstimate& estimate);

}  // namespace apmsim::cli
