#pragma once
//! The CPU emulator's own interface (issue 22), beside the CUDA runtime it provides
//! (cuda/emu/include/cuda_runtime.h): how the runtime runs a grid on fibers, and what tests ask
//! of it. Only code built against the emulator (APMSIM_CUDA_EMULATOR) includes this.

#include <cuda_runtime.h>

#include <cstddef>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#define APMSIM_EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define APMSIM_EMU_ASAN 1
#endif
#endif

namespace apmsim::emu {

//! Built with AddressSanitizer: allocations are exactly the size asked for, without a guard of
//! the emulator's own (ASan's redzones catch every out-of-bounds access).
#if defined(APMSIM_EMU_ASAN)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

//! The environment variable that makes the emulated device visible ("1").
inline constexpr const char* kEnableVariable = "APMSIM_CUDA_EMULATOR";

//! What the emulated device is: an H100-like sm_90 with a small memory.
inline constexpr const char* kDeviceName = "CPU emulator";
inline constexpr int kMajor = 9, kMinor = 0;
inline constexpr std::size_t kMemoryBytes = std::size_t(4) << 30;  //!< device and pinned, each
inline constexpr std::size_t kSharedDefault = 48 * 1024;  //!< dynamic shared memory without opt-in
inline constexpr std::size_t kSharedOptIn = 227 * 1024;   //!< cudaDevAttrMaxSharedMemoryPerBlockOptin
inline constexpr std::size_t kParameterBytes = 32764;     //!< kernel parameters (CUDA 12.1+, sm_70+)
inline constexpr int kMultiprocessors = 132;
inline constexpr int kVersion = 13000;  //!< driver and runtime, as CUDA 13.0

//! Runs every block of a launch, one after another, each thread a fiber; "" when the grid ran
//! through, else what it did that a GPU would punish (naming block, warp, lanes and source line).
std::string run_grid(const Launch& launch, const void* call, void (*body)(const void*));

//! The sticky fault of the last kernel that failed ("" if none): a kernel fault makes every later
//! runtime call fail, as on a GPU, until cudaDeviceReset.
std::string last_fault();

}  // namespace apmsim::emu
