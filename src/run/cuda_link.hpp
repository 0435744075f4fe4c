#pragma once
//! The CUDA backend as this binary was linked. Which one is a link-time choice, so one build of
//! apmsim_run serves them all: apmsim_cuda_link (src/run/cuda_link/cuda_link.cpp compiled with the
//! CUDA toolkit, or without CUDA, where it has no devices) or, for the test-only binary
//! apmsim-cuda-emulator, apmsim_cuda_link_emu (the same file against the CPU emulator, cuda/emu).
//! Every executable that links apmsim_run links exactly one of them.

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/model.hpp"
#include "run/backends.hpp"

namespace apmsim::run::cuda_link {

//! The CUDA backend is compiled in.
bool built();
//! Visible devices (0 without a driver, a GPU, or a CUDA backend).
int device_count();
//! The runtime's word on this machine: versions and, without a device, why.
std::string status();
std::vector<CudaDevice> devices();
//! "NAME (sm_XY, N GiB)" of `device`.
std::string device_description(int device);
//! The CUDA engine on `device`; throws std::runtime_error where there is none.
std::unique_ptr<engine::Engine> make_engine(const engine::Model& model, int device, int host_threads);

}  // namespace apmsim::run::cuda_link
