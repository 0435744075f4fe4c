#include "run/backends.hpp"

#include <omp.h>

#include "engine/dispatch.hpp"
#include "scenario/error.hpp"

#if defined(APMSIM_HAVE_CUDA)
#include "cuda/model_device.cuh"
#endif

namespace apmsim::run {

BackendInventory list_backends() {
  BackendInventory inv;
  inv.cpu_threads = omp_get_max_threads();
  inv.cpu_isa = engine::isa_name(engine::detect_isa());
#if defined(APMSIM_HAVE_CUDA)
  inv.cuda_built = true;
  inv.cuda_status = cuda::device_status().reason();
  for (const cuda::DeviceInfo& d : cuda::devices())
    inv.devices.push_back(CudaDevice{d.name, d.major, d.minor, d.memory_bytes});
#endif
  return inv;
}

std::string resolve_backend(scenario::Backend requested, std::string& note) {
  if (requested == scenario::Backend::Cpu) {
    note = "cpu (requested)";
    return "cpu";
  }
#if defined(APMSIM_HAVE_CUDA)
  const bool have_device = cuda::device_count() > 0;
  if (requested == scenario::Backend::Auto) {
    if (!have_device) {
      note = "cpu (auto: no CUDA device: " + cuda::device_status().reason() + ")";
      return "cpu";
    }
    note = "cuda (auto: CUDA device " + cuda::device_description(0) + ")";
    return "cuda";
  }
  if (!have_device)
    throw InputError("backend 'cuda' requested but no CUDA device is available (" +
                     cuda::device_status().reason() + "); use --backend cpu or auto");
  note = "cuda (requested: " + cuda::device_description(0) + ")";
  return "cuda";
#else
  if (requested == scenario::Backend::Auto) {
    note = "cpu (auto: this build has no CUDA backend)";
    return "cpu";
  }
  throw InputError(
      "backend 'cuda' requested but this build has no CUDA backend; use --backend cpu or auto");
#endif
}

}  // namespace apmsim::run
