// The shared model compiled by nvcc: the same header-only __host__ __device__ code the CPU
// kernels run, instantiated with ScalarLanes (one unit per thread). The CUDA backend (issue 2/4)
// builds on these kernels; CI compiles them so the model header stays device-clean.
#include <curand_kernel.h>

#include <cstdint>

#include "cuda/model_device.cuh"
#include "model/entity.hpp"
#include "model/unit.hpp"

namespace apmsim::cuda {
namespace {

using model::ScalarLanes;

//! Per-thread tallies in global memory: [thread][year][field].
struct ThreadSink {
  double* sums;
  int fields;
  __device__ void add(int year, int field, double value) { sums[year * fields + field] += value; }
  __device__ void count(int year, int field, bool mask) { sums[year * fields + field] += mask ? 1.0 : 0.0; }
};

__global__ void panel_kernel(model::ModelParams p, model::TallyLayout layout, model::EntityShape shape,
                             const model::EntityYear* entity_years, std::uint32_t replication,
                             std::uint32_t entity, double* per_thread) {
  const std::uint32_t slot = blockIdx.x * blockDim.x + threadIdx.x;
  if (slot >= shape.panel_size) return;
  ThreadSink sink{per_thread + std::size_t(slot) * p.years * layout.fields(), layout.fields()};
  model::simulate_panel<ScalarLanes>(p, layout, shape, entity_years, model::key_from_seed(p.seed),
                                     replication, entity, slot, true, sink);
}

__global__ void philox_kernel(const std::uint32_t* counters, std::uint32_t k0, std::uint32_t k1,
                              std::uint32_t* ours, std::uint32_t* curand, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const std::uint32_t* c = counters + 4 * i;
  const auto r = model::philox4x32_10<ScalarLanes>({c[0], c[1], c[2], c[3]}, k0, k1);
  ours[4 * i + 0] = r.x;
  ours[4 * i + 1] = r.y;
  ours[4 * i + 2] = r.z;
  ours[4 * i + 3] = r.w;
  const uint4 q = curand_Philox4x32_10(make_uint4(c[0], c[1], c[2], c[3]), make_uint2(k0, k1));
  curand[4 * i + 0] = q.x;
  curand[4 * i + 1] = q.y;
  curand[4 * i + 2] = q.z;
  curand[4 * i + 3] = q.w;
}

}  // namespace

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) return 0;
  return n;
}

}  // namespace apmsim::cuda
