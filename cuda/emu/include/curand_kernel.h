#pragma once
//! cuRAND's device Philox as the CPU emulator provides it (issue 22): curand_Philox4x32_10 is
//! Random123's Philox4x32-10 (the generator cuRAND implements), not the model's own code, so the
//! test that the model's Philox equals cuRAND's stays a comparison of two implementations.
//! cuRAND's own source is not run here; on a GPU, scripts/gpu-check holds the model to it.

#include <Random123/philox.h>

#include "cuda_runtime.h"

inline uint4 curand_Philox4x32_10(uint4 c, uint2 k) {
  const r123::Philox4x32_R<10> philox;
  const r123::Philox4x32_R<10>::ctr_type counter = {{c.x, c.y, c.z, c.w}};
  const r123::Philox4x32_R<10>::key_type key = {{k.x, k.y}};
  const r123::Philox4x32_R<10>::ctr_type r = philox(counter, key);
  return make_uint4(r[0], r[1], r[2], r[3]);
}
