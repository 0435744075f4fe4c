#pragma once
//! The tallies a backend produces for a batch of replications (DESIGN section 4).

#include <cstdint>
#include <vector>

namespace apmsim::engine {

//! Tallies of a batch of replications. Index = ((rep * entities + e) * years + y) * fields + f,
//! rep counted from first_replication.
struct BatchTallies {
  std::uint64_t first_replication = 0;
  std::uint64_t replications = 0;
  std::uint32_t entities = 0;
  int years = 0;
  int fields = 0;
  std::vector<double> values;
  std::vector<double> efficiency;    //!< e(p) per (rep, entity), for benchmark analyses
  std::vector<double> effect;        //!< d(p) per (rep, entity)
  std::vector<double> region_shock;  //!< v(r, k) per (rep, region, year)

  const double* record(std::uint64_t rep, std::uint32_t entity, int year) const {
    return &values[((rep * entities + entity) * std::uint64_t(years) + std::uint64_t(year)) *
                   fields];
  }
};

}  // namespace apmsim::engine
