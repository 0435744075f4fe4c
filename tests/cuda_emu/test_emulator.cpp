// The CPU emulator of the CUDA device (cuda/emu) on kernels of its own: warp collectives give
// CUDA's documented values, and what a GPU would punish is caught, naming block, warp, lanes and
// line: an out-of-bounds shared or device write, a barrier or collective in a divergent branch, a
// mask naming lanes of a partial warp, more dynamic shared memory than the kernel opted in to,
// parameters past the limit, launch configurations past the device's, host pointers in a kernel,
// copies past an allocation, results read before their stream is synchronised.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/edge_worlds.hpp"
#include "cuda/cuda_engine.cuh"
#include "cuda/emu/emulator.hpp"
#include "cuda/launch.cuh"
#include "engine/model.hpp"


namespace apmsim {
namespace {

constexpr unsigned kFull = 0xffffffffu;

//! Device memory of n T's, freed on scope exit.
template <class T>
struct Device {
  T* p = nullptr;
  std::size_t n;
  explicit Device(std::size_t count) : n(count) {
    EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&p), n * sizeof(T)), cudaSuccess);
  }
  ~Device() { (void)cudaFree(p); }
  std::vector<T> read() const {
    std::vector<T> host(n);
    EXPECT_EQ(cudaMemcpy(host.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
    return host;
  }
};

//! Clears a kernel's sticky fault when a test ends, as a fresh process would have it.
struct ResetAfter {
  ~ResetAfter() { (void)cudaDeviceReset(); }
};

//! What cudaGetErrorString says of `e` (CUDA's text and the emulator's detail).
std::string text(cudaError_t e) { return cudaGetErrorString(e); }

// --- collectives ----------------------------------------------------------------------------

__global__ void shuffles(unsigned* out, int width) {
  const unsigned lane = threadIdx.x % 32;
  const unsigned v = 1000u * blockIdx.x + threadIdx.x;
  unsigned* o = out + 6 * (blockIdx.x * blockDim.x + threadIdx.x);
  o[0] = __shfl_down_sync(kFull, v, 3, width);
  o[1] = __shfl_up_sync(kFull, v, 2, width);
  o[2] = __shfl_xor_sync(kFull, v, 5, width);
  o[3] = __shfl_sync(kFull, v, 7, width);
  o[4] = __ballot_sync(kFull, lane % 3 == 0);
  o[5] = static_cast<unsigned>(__popc(__ballot_sync(kFull, lane < 10)));
}

// CUDA's documented results for each lane, width 32 and 8 (sub-warps).
TEST(Emulator, ShufflesAndBallotGiveCudasValues) {
  for (int width : {32, 8}) {
    const int blocks = 2, threads = 64;
    Device<unsigned> out(std::size_t(6) * blocks * threads);
    APMSIM_LAUNCH(shuffles, blocks, threads, 0, nullptr, out.p, width);
    ASSERT_EQ(cudaGetLastError(), cudaSuccess);
    const std::vector<unsigned> o = out.read();
    for (int b = 0; b < blocks; ++b)
      for (int t = 0; t < threads; ++t) {
        const unsigned lane = t % 32, base = 1000u * b + t - lane;
        const unsigned group = lane / width * width, in = lane % width;
        const unsigned* r = &o[std::size_t(6) * (b * threads + t)];
        const unsigned own = 1000u * b + t;
        EXPECT_EQ(r[0], in + 3 < unsigned(width) ? own + 3 : own) << width << " " << t;
        EXPECT_EQ(r[1], in >= 2 ? own - 2 : own) << width << " " << t;
        const unsigned x = lane ^ 5u;
        EXPECT_EQ(r[2], x / width > lane / width ? own : base + x) << width << " " << t;
        EXPECT_EQ(r[3], base + group + 7 % width) << width << " " << t;
        EXPECT_EQ(r[4], 0x49249249u) << t;
        EXPECT_EQ(r[5], 10u) << t;
      }
  }
}

__global__ void block_sum(const double* in, double* out) {
  APMSIM_DYNAMIC_SHARED(double, partial);
  double v = in[blockIdx.x * blockDim.x + threadIdx.x];
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(kFull, v, offset);
  if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = v;
  __syncthreads();
  if (threadIdx.x == 0) {
    double total = 0.0;
    for (unsigned w = 0; w < blockDim.x / 32; ++w) total += partial[w];
    out[blockIdx.x] = total;
  }
}

// A tree over each warp, then warps in order: the same bits as the order written out by hand.
TEST(Emulator, ReductionsFollowTheTreeOrderExactly) {
  const int blocks = 3, threads = 128;
  std::vector<double> host(blocks * threads);
  for (std::size_t i = 0; i < host.size(); ++i) host[i] = 1.0 / (1.0 + double(i)) + 1e-3 * double(i % 7);
  Device<double> in(host.size()), out(blocks);
  ASSERT_EQ(cudaMemcpy(in.p, host.data(), host.size() * sizeof(double), cudaMemcpyHostToDevice),
            cudaSuccess);
  APMSIM_LAUNCH(block_sum, blocks, threads, threads / 32 * sizeof(double), nullptr, in.p, out.p);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  const std::vector<double> got = out.read();
  for (int b = 0; b < blocks; ++b) {
    double total = 0.0;
    for (int w = 0; w < threads / 32; ++w) {
      double lane[32];
      for (int l = 0; l < 32; ++l) lane[l] = host[std::size_t(b * threads + w * 32 + l)];
      for (int offset = 16; offset > 0; offset /= 2)
        for (int l = 0; l < 32; ++l)  // every lane reads its partner's value of the last round
          if (l + offset < 32) lane[l] += lane[l + offset];
      total += lane[0];
    }
    EXPECT_EQ(got[std::size_t(b)], total) << "block " << b;
  }
}

// --- what a GPU would punish ----------------------------------------------------------------

__global__ void barrier_in_branch(int* out) {
  if (threadIdx.x < 16) __syncthreads();
  out[threadIdx.x] = 1;
}

TEST(Emulator, BarrierInADivergentBranchIsCaught) {
  const ResetAfter reset;
  Device<int> out(64);
  APMSIM_LAUNCH(barrier_in_branch, 2, 64, 0, nullptr, out.p);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);  // queued; it runs when waited for
  const cudaError_t e = cudaDeviceSynchronize();
  ASSERT_EQ(e, cudaErrorLaunchFailure);
  const std::string fault = emu::last_fault();
  EXPECT_NE(fault.find("kernel barrier_in_branch, block (0,0,0)"), std::string::npos) << fault;
  EXPECT_NE(fault.find("__syncthreads at test_emulator.cpp:"), std::string::npos) << fault;
  EXPECT_NE(fault.find("threads 16-63 exited without reaching it"), std::string::npos) << fault;
  EXPECT_NE(text(e).find("threads 16-63"), std::string::npos) << text(e);
  // Sticky, as on a GPU: every later call fails until the device is reset.
  void* p = nullptr;
  EXPECT_EQ(cudaMalloc(&p, 16), cudaErrorLaunchFailure);
  EXPECT_EQ(cudaGetLastError(), cudaErrorLaunchFailure);
  EXPECT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_EQ(cudaMalloc(&p, 16), cudaSuccess);
  EXPECT_EQ(cudaFree(p), cudaSuccess);
}

__global__ void two_barriers(int* out) {
  if (threadIdx.x % 2 == 0) {
    __syncthreads();
  } else {
    __syncthreads();
  }
  out[threadIdx.x] = 1;
}

TEST(Emulator, BarriersAtTwoPlacesAreCaught) {
  const ResetAfter reset;
  Device<int> out(32);
  APMSIM_LAUNCH(two_barriers, 1, 32, 0, nullptr, out.p);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaErrorLaunchFailure);
  const std::string fault = emu::last_fault();
  EXPECT_NE(fault.find("a barrier in a divergent branch"), std::string::npos) << fault;
  EXPECT_NE(fault.find("instead"), std::string::npos) << fault;
}

__global__ void shuffle_after_exit(int* out) {
  if (threadIdx.x % 32 == 3) return;
  out[threadIdx.x] = __shfl_down_sync(kFull, int(threadIdx.x), 1);
}

TEST(Emulator, CollectiveMissingAnExitedLaneIsCaught) {
  const ResetAfter reset;
  Device<int> out(64);
  APMSIM_LAUNCH(shuffle_after_exit, 1, 64, 0, nullptr, out.p);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaErrorLaunchFailure);
  const std::string fault = emu::last_fault();
  EXPECT_NE(fault.find("block (0,0,0): warp 0, __shfl_down_sync at test_emulator.cpp:"),
            std::string::npos)
      << fault;
  EXPECT_NE(fault.find("with mask 0xffffffff: lanes 3 exited"), std::string::npos) << fault;
}

__global__ void full_mask_on_partial_warp(int* out) {
  out[threadIdx.x] = static_cast<int>(__ballot_sync(kFull, threadIdx.x % 2));
}

TEST(Emulator, FullMaskOnAPartialWarpIsCaught) {
  const ResetAfter reset;
  Device<int> out(48);
  APMSIM_LAUNCH(full_mask_on_partial_warp, 1, 48, 0, nullptr, out.p);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaErrorLaunchFailure);
  const std::string fault = emu::last_fault();
  EXPECT_NE(fault.find("warp 1, __ballot_sync"), std::string::npos) << fault;
  EXPECT_NE(fault.find("names lanes 16-31, which do not exist"), std::string::npos) << fault;
  EXPECT_NE(fault.find("48 threads"), std::string::npos) << fault;
}

__global__ void shared_past_the_end(double* out, int n) {
  APMSIM_DYNAMIC_SHARED(double, s);
  s[threadIdx.x] = 1.0;  // thread n writes one double past the n the launch asked for
  __syncthreads();
  out[threadIdx.x] = s[threadIdx.x % n];
}

TEST(Emulator, SharedWritePastTheEndIsCaught) {
  const ResetAfter reset;
  Device<double> out(33);
  const auto run = [&] {
    APMSIM_LAUNCH(shared_past_the_end, 1, 33, 32 * sizeof(double), nullptr, out.p, 32);
    (void)cudaDeviceSynchronize();
  };
#if defined(APMSIM_EMU_ASAN)
  // Shared memory is exactly the size asked for: AddressSanitizer stops the process.
  EXPECT_DEATH(run(), "AddressSanitizer: heap-buffer-overflow");
#else
  run();
  EXPECT_EQ(cudaGetLastError(), cudaErrorLaunchFailure);
  const std::string fault = emu::last_fault();
  EXPECT_NE(fault.find("wrote past the end of its 256 bytes of dynamic shared memory"),
            std::string::npos)
      << fault;
#endif
}

__global__ void device_past_the_end(int* out, int n) { out[n + threadIdx.x] = 7; }

TEST(Emulator, DeviceWritePastTheEndIsCaught) {
  const ResetAfter reset;
  Device<int> out(10);
  const auto run = [&] {
    APMSIM_LAUNCH(device_past_the_end, 1, 1, 0, nullptr, out.p, 10);
    (void)cudaDeviceSynchronize();
  };
#if defined(APMSIM_EMU_ASAN)
  EXPECT_DEATH(run(), "AddressSanitizer: heap-buffer-overflow");
#else
  run();
  EXPECT_EQ(cudaGetLastError(), cudaErrorIllegalAddress);
  EXPECT_NE(emu::last_fault().find("wrote past the end of a device allocation of 40 bytes"),
            std::string::npos)
      << emu::last_fault();
#endif
}

__global__ void uses_shared(double* out) {
  APMSIM_DYNAMIC_SHARED(double, s);
  s[threadIdx.x] = threadIdx.x;
  __syncthreads();
  out[threadIdx.x] = s[31 - threadIdx.x];
}

// Over 48 KB of dynamic shared memory needs the kernel's opt-in, and at most the device's maximum.
TEST(Emulator, SharedMemoryPastTheDefaultNeedsTheOptIn) {
  const ResetAfter reset;
  Device<double> out(32);
  const std::size_t large = 64 * 1024;
  APMSIM_LAUNCH(uses_shared, 1, 32, large, nullptr, out.p);
  const cudaError_t e = cudaGetLastError();
  ASSERT_EQ(e, cudaErrorInvalidValue);
  EXPECT_NE(text(e).find("65536 bytes of dynamic shared memory per block; the kernel may use 49152 "
                         "unless cudaFuncSetAttribute"),
            std::string::npos)
      << text(e);
  EXPECT_EQ(cudaFuncSetAttribute(uses_shared, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 int(emu::kSharedOptIn) + 1),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);  // read, and so cleared, as in CUDA
  ASSERT_EQ(cudaFuncSetAttribute(uses_shared, cudaFuncAttributeMaxDynamicSharedMemorySize, int(large)),
            cudaSuccess);
  APMSIM_LAUNCH(uses_shared, 1, 32, large, nullptr, out.p);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(out.read()[0], 31.0);
  int optin = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, 0), cudaSuccess);
  EXPECT_EQ(std::size_t(optin), emu::kSharedOptIn);
}

// The engine's own kernel: its largest layout (32 years x 88 fields, 180 KB of accumulators a
// block) launched without the opt-in fails, naming the kernel and the bytes. cudaDeviceReset drops
// the kernel's raised limit, as a GPU's reset does, while the engine still believes it raised.
TEST(Emulator, LargestLayoutWithoutTheOptInIsCaught) {
  const ResetAfter reset;
  const engine::Model m = engine::build_model(testing::largest_layout_scenario());
  const cuda::CudaEngine gpu(m);
  engine::BatchTallies b;
  gpu.run_batch(0, 1, b);  // with the opt-in: runs
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  try {
    gpu.run_batch(1, 1, b);
    FAIL() << "the largest layout ran without the shared-memory opt-in";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cudaErrorInvalidValue"), std::string::npos) << what;
    EXPECT_NE(what.find("kernel simulate_entities: " + std::to_string(gpu.shared_bytes_per_block()) +
                        " bytes of dynamic shared memory per block; the kernel may use 49152"),
              std::string::npos)
        << what;
  }
}

struct Huge {
  char bytes[40000];
};
__global__ void huge_parameters(Huge h, char* out) { out[threadIdx.x] = h.bytes[threadIdx.x]; }
__global__ void nothing(int* out) { out[threadIdx.x] = 1; }

TEST(Emulator, LaunchesPastTheDevicesLimitsFail) {
  const ResetAfter reset;
  Device<char> c(32);
  Device<int> i(2048);
  static Huge h{};
  APMSIM_LAUNCH(huge_parameters, 1, 32, 0, nullptr, h, c.p);
  cudaError_t e = cudaGetLastError();
  EXPECT_EQ(e, cudaErrorInvalidValue);
  EXPECT_NE(text(e).find("40008 bytes of parameters (at most 32764)"), std::string::npos) << text(e);
  APMSIM_LAUNCH(nothing, 1, 1025, 0, nullptr, i.p);
  e = cudaGetLastError();
  EXPECT_EQ(e, cudaErrorInvalidConfiguration);
  EXPECT_NE(text(e).find("a block of 1025 x 1 x 1 threads"), std::string::npos) << text(e);
  APMSIM_LAUNCH(nothing, dim3(1, 70000), 32, 0, nullptr, i.p);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  APMSIM_LAUNCH(nothing, 0, 32, 0, nullptr, i.p);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  // Nothing ran, and nothing is sticky: a launch error is not a fault.
  APMSIM_LAUNCH(nothing, 2, 1024, 0, nullptr, i.p);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
}

TEST(Emulator, HostPointerInAKernelIsAFault) {
  const ResetAfter reset;
  std::vector<int> host(32);
  APMSIM_LAUNCH(nothing, 1, 32, 0, nullptr, host.data());
  const cudaError_t e = cudaGetLastError();
  EXPECT_EQ(e, cudaErrorIllegalAddress);
  EXPECT_NE(text(e).find("kernel nothing: parameter 0 points to host memory"), std::string::npos)
      << text(e);
  EXPECT_EQ(host[0], 0);  // never ran
  // Pinned host memory is reachable from a kernel.
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  int* pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(reinterpret_cast<void**>(&pinned), 32 * sizeof(int)), cudaSuccess);
  APMSIM_LAUNCH(nothing, 1, 32, 0, nullptr, pinned);
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(pinned[31], 1);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
}

TEST(Emulator, CopiesPastAnAllocationFail) {
  Device<double> d(4);
  std::vector<double> host(5, 1.0);
  cudaError_t e = cudaMemcpy(d.p, host.data(), 5 * sizeof(double), cudaMemcpyHostToDevice);
  EXPECT_EQ(e, cudaErrorInvalidValue);
  EXPECT_NE(text(e).find("runs 8 bytes past the end of a device allocation of 32 bytes"),
            std::string::npos)
      << text(e);
  e = cudaMemcpy(host.data(), d.p, sizeof(double), cudaMemcpyHostToDevice);  // wrong way round
  EXPECT_EQ(e, cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);  // not sticky
  void* p = nullptr;
  e = cudaMalloc(&p, emu::kMemoryBytes + 1);
  EXPECT_EQ(e, cudaErrorMemoryAllocation);
  EXPECT_EQ(p, nullptr);
}

__global__ void fill(int* out, int v) { out[threadIdx.x] = v; }

// Work on a stream runs when the stream is waited for: reading pinned results before that reads
// what was there before (fresh memory holds 0xff bytes, as a GPU's holds garbage).
TEST(Emulator, ResultsReadBeforeTheStreamIsWaitedForAreStale) {
  cudaStream_t s = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess);
  Device<int> d(32);
  int* pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(reinterpret_cast<void**>(&pinned), 32 * sizeof(int)), cudaSuccess);
  EXPECT_EQ(pinned[0], -1);
  APMSIM_LAUNCH(fill, 1, 32, 0, s, d.p, 5);
  ASSERT_EQ(cudaMemcpyAsync(pinned, d.p, 32 * sizeof(int), cudaMemcpyDeviceToHost, s), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(s), cudaErrorNotReady);
  EXPECT_EQ(pinned[0], -1);
  ASSERT_EQ(cudaStreamSynchronize(s), cudaSuccess);
  EXPECT_EQ(pinned[0], 5);
  EXPECT_EQ(pinned[31], 5);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(s), cudaSuccess);
}

TEST(Emulator, DescribesItselfAndHidesWithoutTheVariable) {
  cudaDeviceProp prop{};
  ASSERT_EQ(cudaGetDeviceProperties(&prop, 0), cudaSuccess);
  EXPECT_EQ(std::string(prop.name), "CPU emulator");
  EXPECT_EQ(prop.major * 10 + prop.minor, 90);
  // A binary built against the emulator shows no device unless asked to: run it without the
  // variable (the emulator's CLI, which would otherwise run "on a GPU").
  const std::string command = std::string("env -u APMSIM_CUDA_EMULATOR ") + APMSIM_EMULATOR_CLI +
                              " info 2>&1 | grep -c 'set APMSIM_CUDA_EMULATOR=1'";
  EXPECT_EQ(std::system((command + " >/dev/null").c_str()), 0) << command;
}

}  // namespace
}  // namespace apmsim
