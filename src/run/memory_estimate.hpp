#pragma once
//! How much memory a run needs at its peak, from the scenario alone: computed before anything is
//! built or allocated, so a run that cannot fit is refused in a millisecond with the figure and
//! the batch size that would fit, instead of failing with std::bad_alloc after minutes.

#include <cstdint>
#include <string>

#include "run/settings.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::run {

//! Peak bytes = model + batch x per batch replication + replications x stored per replication.
struct MemoryEstimate {
  double model_bytes = 0.0;   //!< entities and their estimate cells, every population
  double batch_bytes = 0.0;   //!< per replication of a batch: worlds and tallies, all populations
  double stored_bytes = 0.0;  //!< per replication of the run: contract records (and tallies)
  std::uint64_t batch = 0;    //!< replications per batch, as the run will use them
  std::uint64_t replications = 0;  //!< replications this process simulates
  double total() const {
    return model_bytes + static_cast<double>(batch) * batch_bytes +
           static_cast<double>(replications) * stored_bytes;
  }
  //! The largest batch size with which the run fits in `available` bytes; 0 when none does.
  std::uint64_t batch_that_fits(double available) const;
};

//! The estimate for `scenario` run with `settings` (its replications, batch size, shard,
//! --write-tallies, --write-records).
MemoryEstimate estimate_memory(const scenario::Scenario& scenario, const RunSettings& settings);

//! Bytes this process can still allocate: MemAvailable of /proc/meminfo, or what the cgroup's
//! limit leaves when that is lower; 0 when neither can be read.
double available_memory();

//! Throws InputError naming the scenario when `estimate` exceeds `available` (0: unknown, no
//! check): the figures, and the batch size that would fit, or why none would.
void check_memory(const MemoryEstimate& estimate, double available, const scenario::Scenario& s);

//! "about 1.2 GiB (model 3 MiB, 250 x 4.1 MiB a batch, 2000 x 12 kiB stored)".
std::string memory_text(const MemoryEstimate& estimate);

}  // namespace apmsim::run
