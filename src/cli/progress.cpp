#include "cli/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "io/number_text.hpp"

namespace apmsim::cli {

std::string estimate_text(const run::RunEstimate& e) {
  std::string text = std::to_string(e.replications) + " replications x " +
                     io::si_text(e.unit_years_per_replication) + " unit-years = " +
                     io::si_text(e.unit_years_per_replication * static_cast<double>(e.replications)) +
                     " unit-years";
  if (e.variants > 1) text += ", " + std::to_string(e.variants) + " variants";
  if (e.stored_bytes > 0) text += "; stores " + io::si_text(e.stored_bytes) + "B of per-replication data";
  if (e.seconds >= 0 && e.pilot_replications == 0) {
    text += "; about " + io::duration_text(e.seconds) +
            " at a nominal 30 M unit-years/s per thread (one replication is too large for a pilot)";
  } else if (e.seconds >= 0) {
    char pilot[96];
    std::snprintf(pilot, sizeof pilot, " (a pilot of %llu replication%s took %.2g s)",
                  static_cast<unsigned long long>(e.pilot_replications),
                  e.pilot_replications == 1 ? "" : "s", e.pilot_seconds);
    text += "; about " + io::duration_text(e.seconds) + " on this machine" + pilot;
  }
  return text;
}

Progress::Progress(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {
  if (terminal_) return;  // the line in place is the terminal's heartbeat
  if (const char* v = std::getenv("APMSIM_HEARTBEAT_SECONDS")) {
    char* end = nullptr;
    const double seconds = std::strtod(v, &end);
    if (end != v && *end == '\0' && seconds > 0 && seconds <= 3600)
      interval_ = std::chrono::duration<double>(seconds);
  }
  heartbeat_ = std::thread([this] { beat(); });
}

Progress::~Progress() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

void Progress::beat() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    const auto due = last_line_ + std::chrono::duration_cast<Clock::duration>(interval_);
    if (wake_.wait_until(lock, due, [this] { return stopping_; })) return;
    const Clock::time_point now = Clock::now();
    if (now < last_line_ + std::chrono::duration_cast<Clock::duration>(interval_)) continue;
    if (total_ > 0 && done_ >= total_) {
      last_line_ = now;  // finished: nothing to say
      continue;
    }
    const std::string elapsed = io::duration_text(std::chrono::duration<double>(now - start_).count());
    if (total_ == 0)
      std::fprintf(out_, "apmsim: still running: the first batch, %s elapsed\n", elapsed.c_str());
    else
      std::fprintf(out_, "apmsim: still running: %llu / %llu replications done, %s elapsed\n",
                   static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                   elapsed.c_str());
    std::fflush(out_);
    last_line_ = now;
  }
}

void Progress::update(std::uint64_t done, std::uint64_t total) {
  const std::lock_guard<std::mutex> lock(mutex_);
  done_ = done;
  total_ = total;
  if (total == 0) return;
  const Clock::time_point now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double share = static_cast<double>(done) / static_cast<double>(total);
  const int decile = static_cast<int>(std::floor(share * 10 + 1e-9));
  const bool finished = done >= total;
  const double since_line = std::chrono::duration<double>(now - last_line_).count();
  if (!terminal_ && !finished && decile <= last_decile_ && since_line < 60) return;
  const std::string when =
      finished ? "in " + io::duration_text(elapsed)
               : io::duration_text(elapsed) + " elapsed, about " +
                     io::duration_text(elapsed / std::max(share, 1e-9) - elapsed) + " left";
  std::fprintf(out_, "%sapmsim: %3.0f%%  %llu / %llu replications, %s%s", terminal_ ? "\r" : "",
               100 * share, static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total), when.c_str(),
               terminal_ && !finished ? "   " : "\n");
  std::fflush(out_);
  last_decile_ = decile;
  last_line_ = now;
}

}  // namespace apmsim::cli
