#include "run/estimate.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/model.hpp"
#include "scenario/sweep.hpp"

namespace apmsim::run {
namespace {

double stored_bytes(const analysis::Results& r) {
  double bytes = static_cast<double>(r.tallies.values.size()) * sizeof(double);
  for (const analysis::RecordDump& d : r.records)
    bytes += static_cast<double>(d.values.size()) * sizeof(double);
  return bytes;
}

}  // namespace

RunEstimate estimate_run(const scenario::Scenario& s, const RunSettings& settings, bool pilot) {
  const RunSettings options = resolved(s, settings);
  RunEstimate e;
  e.replications = *options.replications;
  e.variants = scenario::expand_sweep(s).size();
  e.unit_years_per_replication = engine::build_model(s).expected_unit_years();
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  if (pilot && e.unit_years_per_replication > kMaxPilotUnitYears) {
    // One replication would take too long to be a pilot (a panel of billions): a nominal rate.
    e.seconds = e.unit_years_per_replication * static_cast<double>(e.replications) /
                (kNominalUnitYearsPerSecond * std::max(1, threads));
    return e;
  }
  if (!pilot) return e;
  // The same run, a few replications in one batch, no outputs or messages; twice, so that what
  // a run costs once (models of each variant, thread start-up, the analyses' set-up) is not
  // scaled up with the replications: the second pilot's extra time is the cost per replication.
  RunSettings quiet;
  quiet.seed = options.seed;
  quiet.backend = options.backend;
  quiet.device = options.device;
  quiet.threads = options.threads;
  quiet.keep_tallies = options.keep_tallies;
  quiet.keep_records = options.keep_records;
  quiet.stop = options.stop;  // a signal stops the pilot too (the run then checkpoints and exits)
  const auto stopping = [&] { return options.stop != nullptr && *options.stop != 0; };
  const auto pilot_run = [&](std::uint64_t n, analysis::Results& r) {
    quiet.replications = n;
    quiet.batch_size = static_cast<std::uint32_t>(n);
    const auto start = std::chrono::steady_clock::now();
    r = simulate(s, quiet);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const std::uint64_t small =
      std::min<std::uint64_t>(e.replications, static_cast<std::uint64_t>(std::max(1, threads)));
  analysis::Results r;
  double small_seconds = pilot_run(small, r);
  double per_replication = small_seconds / static_cast<double>(small), fixed = 0.0;
  e.pilot_seconds = small_seconds;
  e.pilot_replications = small;
  const double proportional = per_replication * static_cast<double>(e.replications);
  // Worth more pilots when they cost little beside the run: the first also paid for warming up
  // (threads, pages), so it is timed again, then a larger one, grown until the two differ by
  // kPilotSeconds or it would be more than 1/40 of the run.
  if (!stopping() && 4 * small <= e.replications / 40 && 5 * small_seconds < 0.1 * proportional) {
    small_seconds = pilot_run(small, r);
    std::uint64_t large = 4 * small;
    double large_seconds = pilot_run(large, r);
    while (!stopping() && large_seconds - small_seconds < kPilotSeconds &&
           4 * large <= e.replications / 40) {
      large *= 4;
      large_seconds = pilot_run(large, r);
    }
    e.pilot_seconds = large_seconds;
    e.pilot_replications = large;
    if (large_seconds > small_seconds) {
      per_replication = (large_seconds - small_seconds) / static_cast<double>(large - small);
      fixed = small_seconds - per_replication * static_cast<double>(small);
    } else {  // too quick to tell the two apart: the larger pilot, scaled
      per_replication = large_seconds / static_cast<double>(large);
    }
  }
  e.stored_bytes = stored_bytes(r) * static_cast<double>(e.replications) /
                   static_cast<double>(e.pilot_replications);
  e.seconds = fixed + per_replication * static_cast<double>(e.replications);
  return e;
}

}  // namespace apmsim::run
