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
  RunSettings quiet;  // the same run, a few replications in one batch, no outputs or messages
  quiet.seed = options.seed;
  quiet.replications =
      std::min<std::uint64_t>(e.replications, static_cast<std::uint64_t>(std::max(1, threads)));
  quiet.batch_size = static_cast<std::uint32_t>(*quiet.replications);
  quiet.backend = options.backend;
  quiet.device = options.device;
  quiet.threads = options.threads;
  quiet.keep_tallies = options.keep_tallies;
  quiet.keep_records = options.keep_records;
  const auto start = std::chrono::steady_clock::now();
  const analysis::Results r = simulate(s, quiet);
  e.pilot_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  e.pilot_replications = *quiet.replications;
  const double scale =
      static_cast<double>(e.replications) / static_cast<double>(e.pilot_replications);
  e.stored_bytes = stored_bytes(r) * scale;
  e.seconds = e.pilot_seconds * scale;
  return e;
}

}  // namespace apmsim::run
