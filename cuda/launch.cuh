#pragma once
//! Two spellings that compile to the CUDA original under nvcc and to the CPU emulator's calls
//! when cuda/*.cu are built as C++ against cuda/emu (APMSIM_CUDA_EMULATOR): the kernel launch
//! (C++ has no <<< >>>) and the declaration of a block's dynamic shared memory.
//! Included by .cu files only.

#include <cuda_runtime.h>

#if defined(APMSIM_CUDA_EMULATOR)
//! kernel<<<grid, block, shared, stream>>>(...)
#define APMSIM_LAUNCH(kernel, grid, block, shared, stream, ...) \
  ::apmsim::emu::launch_kernel(#kernel, kernel, grid, block, shared, stream, __VA_ARGS__)
//! extern __shared__ T name[];
#define APMSIM_DYNAMIC_SHARED(T, name) T* const name = static_cast<T*>(::apmsim::emu::dynamic_shared())
#else
#define APMSIM_LAUNCH(kernel, grid, block, shared, stream, ...) \
  kernel<<<grid, block, shared, stream>>>(__VA_ARGS__)
#define APMSIM_DYNAMIC_SHARED(T, name) extern __shared__ T name[]
#endif
