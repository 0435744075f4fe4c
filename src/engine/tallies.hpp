#pragma once
//! The tallies a backend produces for a batch of replications (DESIGN section 4).

#include <cstdint>
#include <utility>
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

  //! Appends the tallies of the replications that follow these (every array is
  //! replication-major, so the batch reads as if it had been simulated in one piece).
  void append(const BatchTallies& next) {
    if (replications == 0) {
      *this = next;
      return;
    }
    replications += next.replications;
    using Column = std::pair<std::vector<double>*, const std::vector<double>*>;
    for (const Column& c :
         {Column{&values, &next.values}, Column{&efficiency, &next.efficiency},
          Column{&effect, &next.effect}, Column{&region_shock, &next.region_shock}})
      c.first->insert(c.first->end(), c.second->begin(), c.second->end());
  }

  std::size_t offset(std::uint64_t rep, std::uint32_t entity, int year) const {
    return ((rep * entities + entity) * std::uint64_t(years) + std::uint64_t(year)) * fields;
  }
  const double* record(std::uint64_t rep, std::uint32_t entity, int year) const {
    return &values[offset(rep, entity, year)];
  }
  double* record(std::uint64_t rep, std::uint32_t entity, int year) {
    return &values[offset(rep, entity, year)];
  }
};

}  // namespace apmsim::engine
