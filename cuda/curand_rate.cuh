#pragma once
//! The yardstick for the CUDA backend's throughput: how fast cuRAND alone makes the random
//! words that many patient-years need (benchmarks/bench_cuda.cpp reports both side by side).

#include <cstdint>

namespace apmsim::cuda {

//! One timed run of the generator.
struct PhiloxRate {
  double seconds = 0.0;        //!< kernel time (CUDA events)
  std::uint32_t checksum = 0;  //!< XOR of every word, so none can be optimised away
};

//! Generates 3 outputs of curand_Philox4x32_10 (12 words) for each of `unit_years` distinct
//! counters keyed by `seed`, on device 0. Throws std::runtime_error on any CUDA error or without a device.
PhiloxRate curand_philox_rate(std::uint64_t unit_years, std::uint64_t seed);

}  // namespace apmsim::cuda
