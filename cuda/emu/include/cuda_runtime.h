#pragma once
//! The CPU emulator of the CUDA runtime and device (issue 22), in place of the toolkit's
//! cuda_runtime.h when cuda/*.cu are compiled as C++ (CMake option APMSIM_CUDA_EMULATOR): the
//! runtime calls apmsim uses, and a device prelude (qualifiers, built-in indices, warp
//! collectives, barriers) whose kernels run on fibers, one per CUDA thread, 32-lane warps, blocks
//! one after another. docs/cuda-emulator.md says what it checks and what it cannot prove.
//!
//! The device appears only when APMSIM_CUDA_EMULATOR=1 is in the environment: a binary built
//! against the emulator never runs "on a GPU" by surprise.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

// --- vector types and dim3 --------------------------------------------------------------------
struct uint2 {
  unsigned x, y;
};
struct uint3 {
  unsigned x, y, z;
};
struct uint4 {
  unsigned x, y, z, w;
};
struct int2 {
  int x, y;
};
struct int4 {
  int x, y, z, w;
};
struct float2 {
  float x, y;
};
struct float4 {
  float x, y, z, w;
};
struct double2 {
  double x, y;
};
inline uint2 make_uint2(unsigned x, unsigned y) { return {x, y}; }
inline uint3 make_uint3(unsigned x, unsigned y, unsigned z) { return {x, y, z}; }
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }
inline int2 make_int2(int x, int y) { return {x, y}; }
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline double2 make_double2(double x, double y) { return {x, y}; }

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};

// --- errors -------------------------------------------------------------------------------------
//! The codes the runtime returns, numbered as CUDA's own.
enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorInvalidDeviceFunction = 98,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorNotReady = 600,
  cudaErrorIllegalAddress = 700,
  cudaErrorLaunchOutOfResources = 701,
  cudaErrorLaunchFailure = 719,
  cudaErrorUnknown = 999,
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};

enum cudaDeviceAttr {
  cudaDevAttrMaxThreadsPerBlock = 1,
  cudaDevAttrMaxBlockDimX = 2,
  cudaDevAttrMaxBlockDimY = 3,
  cudaDevAttrMaxBlockDimZ = 4,
  cudaDevAttrMaxGridDimX = 5,
  cudaDevAttrMaxGridDimY = 6,
  cudaDevAttrMaxGridDimZ = 7,
  cudaDevAttrMaxSharedMemoryPerBlock = 8,
  cudaDevAttrWarpSize = 10,
  cudaDevAttrMultiProcessorCount = 16,
  cudaDevAttrComputeCapabilityMajor = 75,
  cudaDevAttrComputeCapabilityMinor = 76,
  cudaDevAttrMaxSharedMemoryPerBlockOptin = 97,
};

enum cudaFuncAttribute {
  cudaFuncAttributeMaxDynamicSharedMemorySize = 8,
  cudaFuncAttributePreferredSharedMemoryCarveout = 9,
};

struct cudaFuncAttributes {
  std::size_t sharedSizeBytes;
  std::size_t constSizeBytes;
  std::size_t localSizeBytes;
  int maxThreadsPerBlock;
  int numRegs;
  int ptxVersion;
  int binaryVersion;
  int cacheModeCA;
  int maxDynamicSharedSizeBytes;
  int preferredShmemCarveout;
};

struct cudaDeviceProp {
  char name[256];
  std::size_t totalGlobalMem;
  std::size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  std::size_t totalConstMem;
  int major;
  int minor;
  int multiProcessorCount;
  std::size_t sharedMemPerBlockOptin;
  std::size_t sharedMemPerMultiprocessor;
};

typedef struct CUstream_st* cudaStream_t;
typedef struct CUevent_st* cudaEvent_t;

#define cudaStreamDefault 0x00u
#define cudaStreamNonBlocking 0x01u
#define cudaEventDefault 0x00u
#define cudaEventBlockingSync 0x01u
#define cudaEventDisableTiming 0x02u

// --- the runtime calls --------------------------------------------------------------------------
const char* cudaGetErrorString(cudaError_t error);
const char* cudaGetErrorName(cudaError_t error);
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
cudaError_t cudaDriverGetVersion(int* version);
cudaError_t cudaRuntimeGetVersion(int* version);
cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDevice(int* device);
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device);
cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device);
cudaError_t cudaDeviceSynchronize();
cudaError_t cudaDeviceReset();
cudaError_t cudaMalloc(void** ptr, std::size_t bytes);
cudaError_t cudaFree(void* ptr);
cudaError_t cudaMallocHost(void** ptr, std::size_t bytes);
cudaError_t cudaFreeHost(void* ptr);
cudaError_t cudaMemGetInfo(std::size_t* free_bytes, std::size_t* total_bytes);
cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind,
                            cudaStream_t stream = nullptr);
cudaError_t cudaMemset(void* ptr, int value, std::size_t bytes);
cudaError_t cudaStreamCreate(cudaStream_t* stream);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaStreamQuery(cudaStream_t stream);
cudaError_t cudaEventCreate(cudaEvent_t* event);
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned flags);
cudaError_t cudaEventDestroy(cudaEvent_t event);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = nullptr);
cudaError_t cudaEventSynchronize(cudaEvent_t event);
cudaError_t cudaEventQuery(cudaEvent_t event);
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end);
cudaError_t cudaFuncSetAttribute(const void* func, cudaFuncAttribute attr, int value);
cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attributes, const void* func);

namespace apmsim::emu {
//! A kernel's address as the runtime's key (a function pointer is not an object pointer).
template <class F>
const void* function_key(F* f) {
  static_assert(std::is_function_v<F>, "a kernel is a function");
  const void* key = nullptr;
  static_assert(sizeof key == sizeof f, "function and object pointers differ in size");
  std::memcpy(&key, &f, sizeof key);
  return key;
}
}  // namespace apmsim::emu

template <class T>
cudaError_t cudaMalloc(T** ptr, std::size_t bytes) {
  return cudaMalloc(reinterpret_cast<void**>(ptr), bytes);
}
template <class T>
cudaError_t cudaMallocHost(T** ptr, std::size_t bytes) {
  return cudaMallocHost(reinterpret_cast<void**>(ptr), bytes);
}
template <class F, std::enable_if_t<std::is_function_v<F>, int> = 0>
cudaError_t cudaFuncSetAttribute(F* func, cudaFuncAttribute attr, int value) {
  return cudaFuncSetAttribute(apmsim::emu::function_key(func), attr, value);
}
template <class F, std::enable_if_t<std::is_function_v<F>, int> = 0>
cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attributes, F* func) {
  return cudaFuncGetAttributes(attributes, apmsim::emu::function_key(func));
}

// --- the device prelude ---------------------------------------------------------------------
// Qualifiers: kernels and device functions are ordinary C++ functions.
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)
#define __grid_constant__
#define __restrict__ __restrict
//! Static shared memory: one object per kernel, shared by the block's threads (the emulator runs
//! one block at a time). Dynamic shared memory is APMSIM_DYNAMIC_SHARED (cuda/launch.cuh).
#define __shared__ static

namespace apmsim::emu {

//! Where a barrier or warp collective is called: threads that meet at different places diverge.
struct Site {
  const char* file;
  int line;
};

//! Built-in indices of the running CUDA thread (set by the emulator before it resumes a thread).
extern thread_local uint3 thread_index, block_index;
extern thread_local dim3 block_dim, grid_dim;

enum class Collective { Barrier, SyncWarp, Ballot, Any, All, ShflIndex, ShflUp, ShflDown, ShflXor };

//! The calling thread waits at a collective of its warp (or of its block, for Barrier) until every
//! thread named meets it there; returns the value the collective gives this thread.
std::uint64_t collective(Site site, Collective kind, unsigned mask, std::uint64_t value, int arg,
                         int width);

template <class T>
T shuffle(Site site, Collective kind, unsigned mask, T value, int arg, int width = 32) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8, "shuffles move 1 to 8 bytes");
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof value);
  bits = collective(site, kind, mask, bits, arg, width);
  T out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

//! The block's dynamic shared memory (exactly the bytes the launch asked for).
void* dynamic_shared();

//! A kernel launch as the runtime sees it: checked when queued, run when its stream is.
struct Launch {
  const char* name;
  const void* key;
  dim3 grid, block;
  std::size_t shared;
  cudaStream_t stream;
  std::size_t parameter_bytes;
  //! Pointer arguments (position, value): each must point into device or pinned memory.
  std::vector<std::pair<int, const void*>> pointers;
};

//! Checks and queues a launch; `body` runs the kernel for the current thread.
void launch(const Launch& launch, std::shared_ptr<const void> keep, void (*body)(const void*));

//! Kernel parameter bytes as the device lays them out (each aligned to its own alignment).
template <class... P>
constexpr std::size_t parameter_bytes() {
  std::size_t offset = 0;
  ((offset = (offset + alignof(P) - 1) / alignof(P) * alignof(P) + sizeof(P)), ...);
  return offset;
}

template <class Tuple, std::size_t... I>
void pointer_arguments(const Tuple& t, std::vector<std::pair<int, const void*>>& out,
                       std::index_sequence<I...>) {
  auto one = [&out](int index, const auto& value) {
    using V = std::decay_t<decltype(value)>;
    if constexpr (std::is_pointer_v<V>)
      out.emplace_back(index, static_cast<const void*>(value));
  };
  (one(static_cast<int>(I), std::get<I>(t)), ...);
}

//! kernel<<<grid, block, shared, stream>>>(args...): the arguments are converted to the
//! kernel's parameter types once, as CUDA does, and every thread of the grid gets them.
template <class... P, class... A>
void launch_kernel(const char* name, void (*kernel)(P...), dim3 grid, dim3 block,
                   std::size_t shared, cudaStream_t stream, A&&... args) {
  static_assert(sizeof...(P) == sizeof...(A), "a kernel launch passes every parameter");
  using Arguments = std::tuple<std::decay_t<P>...>;
  struct Call {
    void (*kernel)(P...);
    Arguments arguments;
  };
  auto call = std::make_shared<Call>(Call{kernel, Arguments(std::forward<A>(args)...)});
  Launch l{name, function_key(kernel), grid, block, shared, stream,
           parameter_bytes<std::decay_t<P>...>(), {}};
  pointer_arguments(call->arguments, l.pointers, std::index_sequence_for<P...>{});
  launch(l, call, [](const void* c) {
    const Call& k = *static_cast<const Call*>(c);
    std::apply(k.kernel, k.arguments);
  });
}

}  // namespace apmsim::emu

#define threadIdx (::apmsim::emu::thread_index)
#define blockIdx (::apmsim::emu::block_index)
#define blockDim (::apmsim::emu::block_dim)
#define gridDim (::apmsim::emu::grid_dim)
inline constexpr int warpSize = 32;

#define APMSIM_EMU_SITE \
  ::apmsim::emu::Site { __FILE__, __LINE__ }
#define __syncthreads()                                                                     \
  ((void)::apmsim::emu::collective(APMSIM_EMU_SITE, ::apmsim::emu::Collective::Barrier, 0u, \
                                   0u, 0, 0))
#define __syncwarp(mask)                                                                     \
  ((void)::apmsim::emu::collective(APMSIM_EMU_SITE, ::apmsim::emu::Collective::SyncWarp, mask, \
                                   0u, 0, 32))
#define __ballot_sync(mask, predicate)                                                   \
  static_cast<unsigned>(::apmsim::emu::collective(                                       \
      APMSIM_EMU_SITE, ::apmsim::emu::Collective::Ballot, mask, (predicate) ? 1u : 0u, 0, 32))
#define __any_sync(mask, predicate)                                                            \
  static_cast<int>(::apmsim::emu::collective(APMSIM_EMU_SITE, ::apmsim::emu::Collective::Any, \
                                             mask, (predicate) ? 1u : 0u, 0, 32))
#define __all_sync(mask, predicate)                                                            \
  static_cast<int>(::apmsim::emu::collective(APMSIM_EMU_SITE, ::apmsim::emu::Collective::All, \
                                             mask, (predicate) ? 1u : 0u, 0, 32))
#define __shfl_sync(mask, ...) \
  ::apmsim::emu::shuffle(APMSIM_EMU_SITE, ::apmsim::emu::Collective::ShflIndex, mask, __VA_ARGS__)
#define __shfl_up_sync(mask, ...) \
  ::apmsim::emu::shuffle(APMSIM_EMU_SITE, ::apmsim::emu::Collective::ShflUp, mask, __VA_ARGS__)
#define __shfl_down_sync(mask, ...) \
  ::apmsim::emu::shuffle(APMSIM_EMU_SITE, ::apmsim::emu::Collective::ShflDown, mask, __VA_ARGS__)
#define __shfl_xor_sync(mask, ...) \
  ::apmsim::emu::shuffle(APMSIM_EMU_SITE, ::apmsim::emu::Collective::ShflXor, mask, __VA_ARGS__)

inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(static_cast<unsigned>(x)); }
inline float __fmaf_rn(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
inline double __fma_rn(double a, double b, double c) { return __builtin_fma(a, b, c); }
