#pragma once
//! The CPU backend: OpenMP over (replication, entity) work items, one kernel call each.
//! Tallies of a replication depend only on the seed and the model: not on threads or batches.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/dispatch.hpp"
#include "engine/engine.hpp"
#include "engine/model.hpp"

namespace apmsim::engine {

//! Runs batches of replications on the CPU.
class CpuEngine final : public Engine {
 public:
  //! `threads` <= 0: OpenMP's default. The model must outlive the engine.
  CpuEngine(const Model& model, int threads, Isa isa);
  CpuEngine(const Model& model, int threads) : CpuEngine(model, threads, detect_isa()) {}

  //! Simulates replications [first, first + count) into `out` (resized).
  void run_batch(std::uint64_t first, std::uint64_t count, BatchTallies& out) const override;

  //! E.g. "cpu: 2 threads, avx2 kernel".
  std::string description() const override;
  int threads() const { return threads_; }
  //! Looks at `*stop` within every work item (every kStopCheckUnits units).
  void watch(const volatile std::sig_atomic_t* stop) override { stop_ = stop; }
  //! Simulates with `model` from now on (a parameter draw of the same world).
  void use_model(const Model& model) override;

 private:
  const Model* model_;
  int threads_;
  Isa isa_;
  const volatile std::sig_atomic_t* stop_ = nullptr;
};

}  // namespace apmsim::engine
