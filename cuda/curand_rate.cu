// cuRAND's Philox alone, three blocks per unit-year as the model draws them:
// an upper bound on how fast any engine can draw the random numbers it needs.
#include <curand_kernel.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "cuda/buffers.cuh"
#include "cuda/check.cuh"
#include "cuda/curand_rate.cuh"
#include "cuda/launch.cuh"
#include "cuda/model_device.cuh"

namespace apmsim::cuda {
namespace {

constexpr int kThreads = 256;

//! Grid-stride over unit-years u, three blocks each (no 64-bit division in the loop): counters
//! (block, u in two words, 0); the XOR of all words goes to one partial per block.
__global__ void __launch_bounds__(kThreads)
    philox_words(std::uint64_t unit_years, uint2 key, std::uint32_t* partials) {
  __shared__ std::uint32_t warp_xor[kThreads / 32];
  std::uint32_t acc = 0;
  const std::uint64_t stride = std::uint64_t(gridDim.x) * blockDim.x;
  for (std::uint64_t u = std::uint64_t(blockIdx.x) * blockDim.x + threadIdx.x; u < unit_years;
       u += stride) {
#pragma unroll
    for (std::uint32_t b = 0; b < 3; ++b) {
      const uint4 counter = make_uint4(b, static_cast<std::uint32_t>(u),
                                       static_cast<std::uint32_t>(u >> 32), 0u);
      const uint4 r = curand_Philox4x32_10(counter, key);
      acc ^= r.x ^ r.y ^ r.z ^ r.w;
    }
  }
  for (int offset = 16; offset > 0; offset /= 2) acc ^= __shfl_down_sync(0xffffffffu, acc, offset);
  if (threadIdx.x % 32 == 0) warp_xor[threadIdx.x / 32] = acc;
  __syncthreads();
  if (threadIdx.x == 0) {
    std::uint32_t total = 0;
    for (int w = 0; w < kThreads / 32; ++w) total ^= warp_xor[w];
    partials[blockIdx.x] = total;
  }
}

}  // namespace

PhiloxRate curand_philox_rate(std::uint64_t unit_years, std::uint64_t seed) {
  if (device_count() == 0) throw std::runtime_error("no CUDA device available");
  APMSIM_CUDA_CHECK(cudaSetDevice(0));
  int sms = 0;
  APMSIM_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  const int grid = std::max(1, sms) * 8;  // a few resident blocks per SM, then grid-stride
  DeviceBuffer<std::uint32_t> partials(static_cast<std::size_t>(grid), "checksum partials");
  const uint2 key =
      make_uint2(static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
  Event start, stop;
  APMSIM_CUDA_CHECK(cudaEventRecord(start.get()));
  APMSIM_LAUNCH(philox_words, grid, kThreads, 0, nullptr, unit_years, key, partials.get());
  APMSIM_CUDA_CHECK(cudaGetLastError());
  APMSIM_CUDA_CHECK(cudaEventRecord(stop.get()));
  APMSIM_CUDA_CHECK(cudaEventSynchronize(stop.get()));
  const double ms = elapsed_ms(start, stop);
  std::vector<std::uint32_t> host(static_cast<std::size_t>(grid));
  APMSIM_CUDA_CHECK(
      cudaMemcpy(host.data(), partials.get(), partials.bytes(), cudaMemcpyDeviceToHost));
  PhiloxRate rate;
  rate.seconds = ms / 1000.0;
  for (std::uint32_t p : host) rate.checksum ^= p;
  return rate;
}

}  // namespace apmsim::cuda
