#pragma once
//! The CUDA backend: the model header run on a GPU. One thread block per (replication, entity)
//! walks that entity's units in chunks of one unit per thread; tallies are reduced per warp in a
//! fixed order and combined over warps in warp order, with no atomics, so reruns on the same
//! device are bit-identical and do not depend on batch size. Plain C++ can include this header:
//! everything CUDA stays in cuda_engine.cu.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "engine/model.hpp"

namespace apmsim::cuda {

//! Runs batches of replications on one CUDA device; fills BatchTallies exactly as CpuEngine.
//! Not thread-safe: one run_batch at a time per engine.
class CudaEngine final : public engine::Engine {
 public:
  //! Throws std::runtime_error when there is no such device or a CUDA call fails.
  //! The model must outlive the engine.
  explicit CudaEngine(const engine::Model& model, int device = 0);
  ~CudaEngine();
  CudaEngine(const CudaEngine&) = delete;
  CudaEngine& operator=(const CudaEngine&) = delete;

  //! Simulates replications [first, first + count) into `out` (resized).
  void run_batch(std::uint64_t first, std::uint64_t count,
                 engine::BatchTallies& out) const override;

  //! E.g. "cuda: NVIDIA H100 80GB HBM3 (sm_90, 79 GiB)".
  std::string description() const override;
  //! Device memory the engine holds now: grows with replications per sub-batch (bounded),
  //! never with patients or episodes.
  std::size_t device_bytes() const;
  //! Threads per block of the simulation kernel (fixed for a model and device).
  int threads_per_block() const;
  //! Most replications per kernel launch (default: enough blocks to fill a large GPU). Changes
  //! memory and overlap only, never a bit of the tallies.
  void set_sub_batch_limit(std::uint64_t replications);

 private:
  struct State;
  const engine::Model& model_;
  std::unique_ptr<State> state_;
};

}  // namespace apmsim::cuda
