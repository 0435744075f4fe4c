#pragma once
//! Which engine runs a simulation, and what this build and machine offer (`apmsim info`).

#include <cstddef>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace apmsim::run {

//! A CUDA device as `apmsim info` lists it.
struct CudaDevice {
  std::string name;
  int major = 0, minor = 0;      //!< compute capability
  std::size_t memory_bytes = 0;  //!< global memory
};

//! The backends of this build on this machine.
struct BackendInventory {
  int cpu_threads = 0;              //!< OpenMP's default thread count
  std::string cpu_isa;              //!< the CPU kernel that runs here ("avx2", ...)
  bool cuda_built = false;          //!< the CUDA backend is compiled in
  std::vector<CudaDevice> devices;  //!< visible CUDA devices (empty without one)
  //! The CUDA runtime's word on this machine: driver and runtime versions and, without a
  //! device, why (e.g. "cudaErrorNoDevice (no CUDA-capable device is detected); no driver, ...").
  std::string cuda_status;
};

//! Looks at this build and machine; never throws for a missing GPU or driver.
BackendInventory list_backends();

//! The backend a scenario's `backend` resolves to here ("cpu" or "cuda"), and why in `note`
//! (e.g. "cpu (auto: no CUDA device; `apmsim info` says why)").
//! Throws InputError when `cuda` is asked for and cannot run.
std::string resolve_backend(scenario::Backend requested, std::string& note);

}  // namespace apmsim::run
