#pragma once
//! The CPU backend: OpenMP over (replication, entity) work items, one kernel call each.
//! Tallies of a replication depend only on the seed and the model: not on threads or batches.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/dispatch.hpp"
#include "engine/model.hpp"

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

//! Runs batches of replications on the CPU.
class CpuEngine {
 public:
  //! `threads` <= 0: OpenMP's default. The model must outlive the engine.
  CpuEngine(const Model& model, int threads, Isa isa);
  CpuEngine(const Model& model, int threads) : CpuEngine(model, threads, detect_isa()) {}

  //! Simulates replications [first, first + count) into `out` (resized).
  void run_batch(std::uint64_t first, std::uint64_t count, BatchTallies& out) const;

  //! E.g. "cpu: 2 threads, avx2 kernel".
  std::string description() const;
  int threads() const { return threads_; }

 private:
  const Model& model_;
  int threads_;
  Isa isa_;
};

}  // namespace apmsim::engine
