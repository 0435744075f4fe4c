// The CUDA backend of this binary (run/cuda_link.hpp): compiled once with APMSIM_HAVE_CUDA (the
// real backend, or the CPU emulator's in the test-only binary) and once without.
#include "run/cuda_link.hpp"

#include <stdexcept>

#if defined(APMSIM_HAVE_CUDA)
#include "cuda/cuda_engine.cuh"
#include "cuda/model_device.cuh"
#endif

namespace apmsim::run::cuda_link {

#if defined(APMSIM_HAVE_CUDA)
bool built() { return true; }
int device_count() { return cuda::device_count(); }
std::string status() { return cuda::device_status().reason(); }
std::vector<CudaDevice> devices() {
  std::vector<CudaDevice> list;
  for (const cuda::DeviceInfo& d : cuda::devices())
    list.push_back(CudaDevice{d.name, d.major, d.minor, d.memory_bytes});
  return list;
}
std::string device_description(int device) { return cuda::device_description(device); }
std::unique_ptr<engine::Engine> make_engine(const engine::Model& model, int device, int host_threads) {
  return std::make_unique<cuda::CudaEngine>(model, device, host_threads);
}
#else
bool built() { return false; }
int device_count() { return 0; }
std::string status() { return "this build has no CUDA backend"; }
std::vector<CudaDevice> devices() { return {}; }
std::string device_description(int) { return ""; }
std::unique_ptr<engine::Engine> make_engine(const engine::Model&, int, int) {
  throw std::runtime_error("this build has no CUDA backend");
}
#endif

}  // namespace apmsim::run::cuda_link
