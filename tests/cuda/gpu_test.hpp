#pragma once
// GPU tests skip, with a message saying why (the CUDA runtime's own error, driver and runtime
// versions), where there is no CUDA device. With APMSIM_REQUIRE_GPU=1 in the environment they
// fail instead (scripts/gpu-check sets it: on a device machine a skip is a failure).

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "cuda/model_device.cuh"

namespace apmsim::testing {

//! APMSIM_REQUIRE_GPU=1: a missing device fails the test instead of skipping it.
inline bool gpu_required() {
  const char* v = std::getenv("APMSIM_REQUIRE_GPU");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

}  // namespace apmsim::testing

#define SKIP_WITHOUT_GPU()                                                                      \
  do {                                                                                          \
    if (::apmsim::cuda::device_count() == 0) {                                                  \
      if (::apmsim::testing::gpu_required())                                                    \
        GTEST_FAIL() << "no CUDA device, and APMSIM_REQUIRE_GPU=1: "                            \
                     << ::apmsim::cuda::device_status().reason();                               \
      GTEST_SKIP() << "no CUDA device: GPU test not run ("                                      \
                   << ::apmsim::cuda::device_status().reason() << ")";                          \
    }                                                                                           \
  } while (0)
