#pragma once
//! Device and pinned host memory and events, freed on scope exit. A failed allocation says how much was
//! asked for and what for, and suggests the knob that shrinks it. Included by .cu files only.

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

#include "cuda/check.cuh"

namespace apmsim::cuda {

//! "12.3 MiB".
inline std::string format_bytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

//! Turns a failed allocation into a clear message; other errors go through throw_cuda_error.
[[noreturn]] inline void throw_allocation_error(cudaError_t status, std::size_t bytes,
                                                const char* what, bool device) {
  (void)cudaGetLastError();  // allocation errors are not sticky: clear it for later calls
  std::size_t free_bytes = 0, total_bytes = 0;
  const bool known = device && cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess;
  // A request beyond the whole device may come back as an invalid value rather than as out of
  // memory; to the user both mean the same.
  const bool out_of_memory = status == cudaErrorMemoryAllocation ||
                             (known && status == cudaErrorInvalidValue && bytes > total_bytes);
  if (!out_of_memory)
    throw_cuda_error(status, device ? "cudaMalloc" : "cudaMallocHost", __FILE__, __LINE__);
  std::string message = std::string("out of ") + (device ? "GPU" : "pinned host") +
                        " memory: could not allocate " + format_bytes(bytes) + " for " + what;
  if (known)
    message += " (" + format_bytes(free_bytes) + " free of " + format_bytes(total_bytes) + ")";
  throw std::runtime_error(message + "; try a smaller --batch-size");
}

//! Device memory (cudaMalloc).
struct DeviceMemory {
  static constexpr bool kDevice = true;
  static cudaError_t allocate(void** p, std::size_t bytes) { return cudaMalloc(p, bytes); }
  static void release(void* p) { (void)cudaFree(p); }  // no throwing from destructors
};

//! Page-locked host memory (cudaMallocHost): asynchronous copies need it.
struct PinnedMemory {
  static constexpr bool kDevice = false;
  static cudaError_t allocate(void** p, std::size_t bytes) { return cudaMallocHost(p, bytes); }
  static void release(void* p) { (void)cudaFreeHost(p); }
};

//! `n` elements of T in the memory `Memory` allocates, freed on scope exit.
template <class T, class Memory>
class Buffer {
 public:
  Buffer() = default;
  Buffer(std::size_t n, const char* what) : n_(n) {
    if (n == 0) return;
    const cudaError_t status = Memory::allocate(reinterpret_cast<void**>(&ptr_), n * sizeof(T));
    if (status != cudaSuccess) {
      ptr_ = nullptr;
      throw_allocation_error(status, n * sizeof(T), what, Memory::kDevice);
    }
  }
  ~Buffer() { release(); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }
  T* get() const { return ptr_; }
  std::size_t size() const { return n_; }
  std::size_t bytes() const { return n_ * sizeof(T); }

 private:
  void release() noexcept {
    if (ptr_ != nullptr) Memory::release(ptr_);
    ptr_ = nullptr;
    n_ = 0;
  }
  T* ptr_ = nullptr;
  std::size_t n_ = 0;
};

template <class T>
using DeviceBuffer = Buffer<T, DeviceMemory>;
template <class T>
using PinnedBuffer = Buffer<T, PinnedMemory>;

//! A CUDA event (timing enabled), destroyed on scope exit.
class Event {
 public:
  Event() { APMSIM_CUDA_CHECK(cudaEventCreate(&event_)); }
  ~Event() {
    if (event_ != nullptr) (void)cudaEventDestroy(event_);
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  cudaEvent_t get() const { return event_; }

 private:
  cudaEvent_t event_ = nullptr;
};

//! Milliseconds between two recorded events that have completed.
inline double elapsed_ms(const Event& start, const Event& stop) {
  float ms = 0.0f;
  APMSIM_CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
  return ms;
}

}  // namespace apmsim::cuda
