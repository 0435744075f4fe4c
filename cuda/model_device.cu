// Which CUDA devices there are, and the model's Philox on one: device Philox must equal the
// host's and cuRAND's bit for bit (tests/cuda/test_device.cpp).
#include <curand_kernel.h>

#include <cstdint>
#include <string>

#include "cuda/buffers.cuh"
#include "cuda/launch.cuh"
#include "cuda/model_device.cuh"
#include "model/philox.hpp"

namespace apmsim::cuda {
namespace {

using model::ScalarLanes;

//! "13.0" from 13000; "none" for 0.
std::string cuda_version(int v) {
  if (v <= 0) return "none";
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

DeviceStatus read_status() {
  DeviceStatus s;
  (void)cudaDriverGetVersion(&s.driver_version);  // 0 when no driver is installed
  (void)cudaRuntimeGetVersion(&s.runtime_version);
  int n = 0;
  const cudaError_t status = cudaGetDeviceCount(&n);
  if (status != cudaSuccess) {
    // No driver, a driver older than the runtime, or no GPU: not an error here, and not left
    // pending for the next call.
    s.error = std::string(cudaGetErrorName(status)) + " (" + cudaGetErrorString(status) + ")";
    (void)cudaGetLastError();
    n = 0;
  } else if (n == 0) {
    s.error = "the driver reports no devices";
  }
  s.count = n;
  return s;
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

std::string DeviceStatus::versions() const {
  return (driver_version > 0 ? "driver CUDA " + cuda_version(driver_version) : "no driver") +
         ", runtime " + cuda_version(runtime_version);
}

std::string DeviceStatus::reason() const {
  if (count > 0) return versions();
  return error + "; " + versions();
}

const DeviceStatus& device_status() {
  static const DeviceStatus status = read_status();
  return status;
}

int device_count() { return device_status().count; }

std::vector<DeviceInfo> devices() {
  std::vector<DeviceInfo> list;
  const int n = device_count();
  for (int d = 0; d < n; ++d) {
    cudaDeviceProp prop{};
    APMSIM_CUDA_CHECK(cudaGetDeviceProperties(&prop, d));
    list.push_back(
        DeviceInfo{prop.name, prop.major, prop.minor, prop.totalGlobalMem, prop.multiProcessorCount});
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
  APMSIM_CUDA_CHECK(
      cudaMemcpy(d_counters.get(), counters.data(), d_counters.bytes(), cudaMemcpyHostToDevice));
  APMSIM_LAUNCH(philox_kernel, (n + 255) / 256, 256, 0, nullptr, d_counters.get(), k0, k1,
                d_ours.get(), d_curand.get(), n);
  APMSIM_CUDA_CHECK(cudaGetLastError());
  APMSIM_CUDA_CHECK(cudaDeviceSynchronize());
  ours.resize(counters.size());
  curand.resize(counters.size());
  APMSIM_CUDA_CHECK(cudaMemcpy(ours.data(), d_ours.get(), d_ours.bytes(), cudaMemcpyDeviceToHost));
  APMSIM_CUDA_CHECK(
      cudaMemcpy(curand.data(), d_curand.get(), d_curand.bytes(), cudaMemcpyDeviceToHost));
  return true;
}

}  // namespace apmsim::cuda
