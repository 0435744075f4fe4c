#pragma once
//! Every CUDA runtime call is checked: a failure becomes a std::runtime_error that names the
//! call, the place and CUDA's own message. Included by .cu files only.

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace apmsim::cuda {

//! Throws for a failed CUDA call; `call` is its source text.
[[noreturn]] inline void throw_cuda_error(cudaError_t status, const char* call, const char* file,
                                          int line) {
  throw std::runtime_error(std::string("CUDA error: ") + cudaGetErrorString(status) + " (" +
                           cudaGetErrorName(status) + ") in " + call + " at " + file + ":" +
                           std::to_string(line));
}

}  // namespace apmsim::cuda

//! Checks one CUDA runtime call.
#define APMSIM_CUDA_CHECK(call)                                                         \
  do {                                                                                  \
    const cudaError_t apmsim_cuda_status_ = (call);                                     \
    if (apmsim_cuda_status_ != cudaSuccess)                                             \
      ::apmsim::cuda::throw_cuda_error(apmsim_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)
