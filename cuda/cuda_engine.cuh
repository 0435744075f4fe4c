#pragma once
//! The CUDA backend: the model header run on a GPU. One thread block per (replication, entity)
//! walks that entity's units in chunks of one unit per thread; tallies are reduced per warp in a
//! fixed order and combined over warps in warp order, with no atomics, so reruns on the same
//! device are bit-identical and do not depend on batch or sub-batch size. The order is written
//! out on the host in tests/support/device_order.hpp, against which the device is tested exactly.
//! Plain C++ can include this header: everything CUDA stays in cuda_engine.cu.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "engine/model.hpp"

namespace apmsim::cuda {

//! Runs batches of replications on one CUDA device; fills BatchTallies exactly as CpuEngine
//! (to rounding: the sums are added in another order). Not thread-safe: one call at a time.
//!
//! A batch is cut into sub-batches (at least four when there are four replications) that take
//! turns over three streams: while one sub-batch's kernel runs, the host draws the next one's
//! worlds (OpenMP) into pinned memory and copies finished tallies out.
//! With APMSIM_CUDA_SYNC=1 in the environment every launch is waited for, so a fault is reported
//! with the launch that caused it (first replication, grid, block, shared memory).
class CudaEngine final : public engine::Engine {
 public:
  //! Throws std::runtime_error when there is no such device or a CUDA call fails.
  //! `host_threads` draw the worlds (<= 0: OpenMP's default). The model must outlive the engine.
  explicit CudaEngine(const engine::Model& model, int device = 0, int host_threads = 0);
  ~CudaEngine();
  CudaEngine(const CudaEngine&) = delete;
  CudaEngine& operator=(const CudaEngine&) = delete;

  //! Simulates replications [first, first + count) into `out` (resized).
  void run_batch(std::uint64_t first, std::uint64_t count,
                 engine::BatchTallies& out) const override;

  //! The simulation kernel alone on worlds the caller drew (engine::WorldSpan layout:
  //! replication-major [count][entities][years]) for replications numbered from `first`:
  //! writes [count][entities][years][fields] tallies, as run_batch would. Synchronous. Returns
  //! the kernels' own time in seconds (CUDA events), for kernel-only throughput.
  double simulate_worlds(std::uint64_t first, std::uint64_t count,
                         const model::EntityYear* entity_years, const std::uint32_t* episodes,
                         double* tallies) const;

  //! E.g. "cuda: NVIDIA H100 80GB HBM3 (sm_90, 79 GiB)".
  std::string description() const override;
  //! Simulates with `model` from now on (a parameter draw of the same world): its entity
  //! shapes, parameters and severity grids are copied to the device again.
  void use_model(const engine::Model& model) override;
  //! Device memory the engine holds now: grows with replications per sub-batch (bounded),
  //! never with patients or episodes.
  std::size_t device_bytes() const;
  //! Allocates the buffers for sub-batches of `replications` now. On failure (out of memory,
  //! with a message saying how much was asked for) the engine holds no buffers and still works.
  void reserve(std::uint64_t replications) const;
  //! Threads per block of the simulation kernel: 256 unless the per-warp accumulators need
  //! more shared memory than the device allows a block.
  int threads_per_block() const;
  //! Forces a block size (a multiple of 32, at most 256, whose accumulators fit): for tests;
  //! changes the order of the warp sums, so the last bits of sums may change.
  void set_threads_per_block(int threads);
  //! Most replications per kernel launch (default: enough blocks to fill a large GPU). Changes
  //! memory and overlap only, never a bit of the tallies.
  void set_sub_batch_limit(std::uint64_t replications);
  //! Kernel time of the last run_batch or simulate_worlds in seconds: CUDA events around each
  //! launch, summed. run_batch's launches on different streams may overlap one another, so the
  //! kernel-only rate comes from simulate_worlds, whose launches run one after another.
  double last_kernel_seconds() const;
  //! Dynamic shared memory one block of the simulation kernel uses, in bytes.
  std::size_t shared_bytes_per_block() const;

 private:
  struct State;
  const engine::Model* model_;
  std::unique_ptr<State> state_;
};

}  // namespace apmsim::cuda
