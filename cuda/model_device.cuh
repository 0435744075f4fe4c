#pragma once
//! Host entry points of the CUDA translation units.

namespace apmsim::cuda {

//! Number of CUDA devices visible (0 when there is no driver or no GPU).
int device_count();

}  // namespace apmsim::cuda
