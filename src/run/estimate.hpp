#pragma once
//! What a run will take, said before it starts: its size (unit-years, variants, what it stores)
//! and, from a short pilot run, about how long.

#include <cstdint>

#include "run/simulate.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::run {

//! Largest replication a pilot simulates (unit-years): about a second on one core.
inline constexpr double kMaxPilotUnitYears = 5e7;
//! Unit-years a second per thread assumed without a pilot (docs/performance.md: 29 to 46 M with
//! AVX2 and AVX-512 kernels).
inline constexpr double kNominalUnitYearsPerSecond = 3e7;
//! What the larger pilot must take beyond the smaller one for their difference to be the cost of
//! its extra replications rather than noise.
inline constexpr double kPilotSeconds = 0.1;

struct RunEstimate {
  std::uint64_t replications = 0;
  std::size_t variants = 0;
  double unit_years_per_replication = 0.0;  //!< patient-years + episodes, all populations
  double stored_bytes = 0.0;  //!< per-replication records and tallies kept (0 without a pilot)
  std::uint64_t pilot_replications = 0;  //!< the larger pilot's; 0: no pilot ran
  double pilot_seconds = 0.0;
  //! Estimated wall time of the whole run (< 0: not estimated): from the pilot, or from
  //! kNominalUnitYearsPerSecond when pilot_replications is 0.
  double seconds = -1.0;
};

//! The run's size; with `pilot`, also simulates a few replications with the same options to time
//! it: one per thread; then, when more pilots cost little beside the run, one per thread again
//! (warmed up) and a larger one (four per thread, grown while the two are too close to tell
//! apart, at most 1/40 of the run), their difference giving the cost per replication and the
//! rest the run's fixed cost (models, thread start-up, the analyses' set-up). The pilots write and print nothing.
RunEstimate estimate_run(const scenario::Scenario& scenario, const RunSettings& options,
                         bool pilot);

}  // namespace apmsim::run
