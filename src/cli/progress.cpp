#include "cli/progress.hpp"

#include <algorithm>
#include <cmath>
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

Progress::Progress(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

void Progress::update(std::uint64_t done, std::uint64_t total) {
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
