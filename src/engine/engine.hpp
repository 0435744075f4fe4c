#pragma once
//! What every backend offers: batches of replications simulated into tallies. The CPU engine
//! (engine/cpu_engine.hpp) and the CUDA engine (cuda/cuda_engine.cuh) fill BatchTallies alike.

#include <csignal>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "engine/tallies.hpp"

namespace apmsim::engine {

struct Model;

//! A simulation backend.
class Engine {
 public:
  virtual ~Engine() = default;
  //! Simulates replications [first, first + count) into `out` (resized).
  virtual void run_batch(std::uint64_t first, std::uint64_t count, BatchTallies& out) const = 0;
  //! E.g. "cpu: 2 threads, avx2 kernel" or "cuda: NAME (sm_90, 79 GiB)".
  virtual std::string description() const = 0;
  //! From now on run_batch gives up soon after `*stop` becomes non-zero (a stop signal) and
  //! throws BatchAbandoned, however large the batch. Engines that cannot stop inside a batch
  //! ignore it (the batch then finishes first).
  virtual void watch(const volatile std::sig_atomic_t* /*stop*/) {}
  //! From now on simulates with `model`: the same world (entities, years, tally layout) with
  //! other parameter values, a parameter-risk draw (engine/parameter_draws.hpp). The model must
  //! outlive its use (the model in use before may be gone by now). Engines that cannot swap
  //! their model say so (std::logic_error).
  virtual void use_model(const Model& /*model*/) {
    throw std::logic_error(description() +
                           " cannot change its model: it cannot draw parameters per replication");
  }
};

//! A batch given up because a stop was asked for: its tallies are incomplete and must be
//! dropped; the run state is still that of the last whole batch.
class BatchAbandoned : public std::runtime_error {
 public:
  BatchAbandoned() : std::runtime_error("batch abandoned: a stop was asked for") {}
};

}  // namespace apmsim::engine
