#include "run/backends.hpp"

#include <omp.h>

#include "engine/dispatch.hpp"
#include "run/cuda_link.hpp"
#include "scenario/error.hpp"

namespace apmsim::run {

BackendInventory list_backends() {
  BackendInventory inv;
  inv.cpu_threads = omp_get_max_threads();
  inv.cpu_isa = engine::isa_name(engine::detect_isa());
  inv.cuda_built = cuda_link::built();
  if (inv.cuda_built) {
    inv.cuda_status = cuda_link::status();
    inv.devices = cuda_link::devices();
  }
  return inv;
}

std::string resolve_backend(scenario::Backend requested, std::string& note) {
  if (requested == scenario::Backend::Cpu) {
    note = "cpu (requested)";
    return "cpu";
  }
  if (!cuda_link::built()) {
    if (requested == scenario::Backend::Auto) {
      note = "cpu (auto: this build has no CUDA backend)";
      return "cpu";
    }
    throw InputError(
        "backend 'cuda' requested but this build has no CUDA backend; use --backend cpu or auto");
  }
  const bool have_device = cuda_link::device_count() > 0;
  if (requested == scenario::Backend::Auto) {
    if (!have_device) {
      // The runtime's reason (driver, versions) is for `apmsim info`, not every CPU run's log.
      note = "cpu (auto: no CUDA device; `apmsim info` says why)";
      return "cpu";
    }
    note = "cuda (auto: CUDA device " + cuda_link::device_description(0) + ")";
    return "cuda";
  }
  if (!have_device)
    throw InputError("backend 'cuda' requested but no CUDA device is available (" +
                     cuda_link::status() + "); use --backend cpu or auto");
  note = "cuda (requested: " + cuda_link::device_description(0) + ")";
  return "cuda";
}

}  // namespace apmsim::run
