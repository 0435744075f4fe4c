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

struct RunEstimate {
  std::uint64_t replications = 0;
  std::size_t variants = 0;
  double unit_years_per_replication = 0.0;  //!< patient-years + episodes, all populations
  double stored_bytes = 0.0;  //!< per-replication records and tallies kept (0 without a pilot)
  std::uint64_t pilot_replications = 0;  //!< 0: no pilot ran
  double pilot_seconds = 0.0;
  //! Estimated wall time of the whole run (< 0: not estimated): from the pilot, or from
  //! kNominalUnitYearsPerSecond when pilot_replications is 0.
  double seconds = -1.0;
};

//! The run's size; with `pilot`, also simulates a few replications (one per thread, at most the
//! run's) with the same options to time it. The pilot writes nothing and prints nothing.
RunEstimate estimate_run(const scenario::Scenario& scenario, const RunSettings& options,
                         bool pilot);

}  // namespace apmsim::run
