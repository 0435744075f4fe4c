// The shared model compiled by nvcc: the same header-only __host__ __device__ code the CPU
// kernels run, instantiated with ScalarLanes (one unit per thread). The CUDA backend (issue 2/4)
// builds on these kernels; CI compiles them, and tests/cuda runs them where a GPU exists.
#include <curand_kernel.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "cuda/buffers.cuh"
#include "cuda/model_device.cuh"
#include "model/entity.hpp"
#include "model/unit.hpp"

namespace apmsim::cuda {
namespace {

using model::ScalarLanes;

template <class T>
void upload(DeviceBuffer<T>& to, const T* from) {
  APMSIM_CUDA_CHECK(cudaMemcpy(to.get(), from, to.bytes(), cudaMemcpyHostToDevice));
}

template <class T>
void download(T* to, const DeviceBuffer<T>& from) {
  APMSIM_CUDA_CHECK(cudaMemcpy(to, from.get(), from.bytes(), cudaMemcpyDeviceToHost));
}

//! Per-thread tallies in global memory: [thread][year][field].
struct ThreadSink {
  double* sums;
  int fields;
  __device__ void add(int year, int field, double value) { sums[year * fields + field] += value; }
  __device__ void count(int year, int field, bool mask) {
    sums[year * fields + field] += mask ? 1.0 : 0.0;
  }
};

__global__ void panel_kernel(model::ModelParams p, model::TallyLayout layout,
                             model::EntityShape shape, const model::EntityYear* entity_years,
                             std::uint32_t replication, std::uint32_t entity, double* per_thread) {
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
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();  // no driver or no GPU: not an error here, and not left pending
    return 0;
  }
  return n;
}

std::vector<DeviceInfo> devices() {
  std::vector<DeviceInfo> list;
  const int n = device_count();
  for (int d = 0; d < n; ++d) {
    cudaDeviceProp prop{};
    APMSIM_CUDA_CHECK(cudaGetDeviceProperties(&prop, d));
    list.push_back(DeviceInfo{prop.name, prop.major, prop.minor, prop.totalGlobalMem});
  }
  return list;
}

std::string device_description(int device) {
  if (device < 0 || device >= device_count()) return "";
  const DeviceInfo info = devices()[static_cast<std::size_t>(device)];
  return info.name + " (sm_" + std::to_string(info.major) + std::to_string(info.minor) + ", " +
         std::to_string(info.memory_bytes >> 30) + " GiB)";
}

bool philox_on_device(const std::vector<std::uint32_t>& counters, std::uint32_t k0,
                      std::uint32_t k1, std::vector<std::uint32_t>& ours,
                      std::vector<std::uint32_t>& curand) {
  if (device_count() == 0) return false;
  const int n = static_cast<int>(counters.size() / 4);
  DeviceBuffer<std::uint32_t> d_counters(counters.size(), "Philox counters"),
      d_ours(counters.size(), "Philox outputs"), d_curand(counters.size(), "cuRAND outputs");
  upload(d_counters, counters.data());
  philox_kernel<<<(n + 255) / 256, 256>>>(d_counters.get(), k0, k1, d_ours.get(), d_curand.get(),
                                          n);
  APMSIM_CUDA_CHECK(cudaGetLastError());
  APMSIM_CUDA_CHECK(cudaDeviceSynchronize());
  ours.resize(counters.size());
  curand.resize(counters.size());
  download(ours.data(), d_ours);
  download(curand.data(), d_curand);
  return true;
}

bool panel_on_device(const model::ModelParams& params, const model::TallyLayout& layout,
                     const model::EntityShape& shape,
                     const std::vector<model::EntityYear>& entity_years, std::uint32_t replication,
                     std::uint32_t entity, std::vector<double>& tallies) {
  if (device_count() == 0) return false;
  const std::size_t cells = std::size_t(params.years) * layout.fields();
  const std::uint32_t n = shape.panel_size;
  DeviceBuffer<model::EntityYear> d_years(entity_years.size(), "entity-years");
  DeviceBuffer<double> d_sums(cells * n, "per-thread tallies");
  upload(d_years, entity_years.data());
  APMSIM_CUDA_CHECK(cudaMemset(d_sums.get(), 0, d_sums.bytes()));
  panel_kernel<<<(n + 127) / 128, 128>>>(params, layout, shape, d_years.get(), replication, entity,
                                         d_sums.get());
  APMSIM_CUDA_CHECK(cudaGetLastError());
  APMSIM_CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<double> per_thread(cells * n);
  download(per_thread.data(), d_sums);
  tallies.assign(cells, 0.0);
  for (std::uint32_t t = 0; t < n; ++t)
    for (std::size_t c = 0; c < cells; ++c) tallies[c] += per_thread[t * cells + c];
  return true;
}

}  // namespace apmsim::cuda
