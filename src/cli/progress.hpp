#pragma once
//! Progress of a run on stderr. On a terminal one line rewritten in place; otherwise (a log file,
//! a batch job) a line at every further 10% and at least once a minute, each with the elapsed
//! time and an estimate of what is left.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "run/estimate.hpp"

namespace apmsim::cli {

class Progress {
 public:
  //! `terminal`: rewrite one line (\r) instead of printing lines.
  Progress(std::FILE* out, bool terminal);
  //! After each batch: `done` of `total` replications.
  void update(std::uint64_t done, std::uint64_t total);

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* out_;
  bool terminal_;
  Clock::time_point start_ = Clock::now(), last_line_ = start_;
  int last_decile_ = 0;
};

//! One line for people: "1000 replications x 1.68 M unit-years = 1.68 G unit-years, 6 variants;
//! about 19.0 s on this machine (a pilot of 2 replications took 0.04 s)".
std::string estimate_text(const run::RunEstimate& estimate);

}  // namespace apmsim::cli
