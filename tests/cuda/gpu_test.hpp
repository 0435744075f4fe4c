#pragma once
// GPU tests skip, with a message saying why (the CUDA runtime's own error, driver and runtime
// versions), where there is no CUDA device. With APMSIM_REQUIRE_GPU=1 in the environment they
// fail instead (scripts/gpu-check sets it: on a device machine a skip is a failure).

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "cuda/model_device.cuh"

#if defined(APMSIM_CUDA_EMULATOR)
#include "cuda/emu/emulator.hpp"
#endif

namespace apmsim::testing {

//! Built against the CPU emulator of the device (cuda/emu, test_cuda_emu): worlds are shrunk where
//! their size is not the point, since each CUDA thread is a fiber on one CPU core.
#if defined(APMSIM_CUDA_EMULATOR)
inline constexpr bool kEmulated = true;
//! ... and with AddressSanitizer (scripts/sanitize).
inline constexpr bool kSanitized = ::apmsim::emu::kAddressSanitizer;
#else
inline constexpr bool kEmulated = false;
inline constexpr bool kSanitized = false;  // asked only on the emulator
#endif

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

//! A world whose size is the point (tens of thousands of blocks, panels of 10^5): on the emulator
//! under ASan it would take minutes, so scripts/sanitize leaves it to the release build's
//! test_cuda_emu, which runs it on the same emulator.
#define SKIP_LARGE_WORLD_ON_SANITIZED_EMULATOR()                                              \
  do {                                                                                        \
    if (::apmsim::testing::kEmulated && ::apmsim::testing::kSanitized)                        \
      GTEST_SKIP() << "a large world on the emulator under ASan: the release build's "        \
                      "test_cuda_emu runs it";                                                \
  } while (0)
