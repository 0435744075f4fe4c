#pragma once
//! What every backend offers: batches of replications simulated into tallies. The CPU engine
//! (engine/cpu_engine.hpp) and the CUDA engine (cuda/cuda_engine.cuh) fill BatchTallies alike.

#include <cstdint>
#include <string>

#include "engine/tallies.hpp"

namespace apmsim::engine {

//! A simulation backend.
class Engine {
 public:
  virtual ~Engine() = default;
  //! Simulates replications [first, first + count) into `out` (resized).
  virtual void run_batch(std::uint64_t first, std::uint64_t count, BatchTallies& out) const = 0;
  //! E.g. "cpu: 2 threads, avx2 kernel" or "cuda: NAME (sm_90, 79 GiB)".
  virtual std::string description() const = 0;
};

}  // namespace apmsim::engine
