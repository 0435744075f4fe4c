#pragma once
//! Device and pinned host memory, freed on scope exit. A failed allocation says how much was
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
  if (status != cudaErrorMemoryAllocation)
    throw_cuda_error(status, device ? "cudaMalloc" : "cudaMallocHost", __FILE__, __LINE__);
  std::string message = std::string("out of ") + (device ? "GPU" : "pinned host") +
                        " memory: could not allocate " + format_bytes(bytes) + " for " + what;
  std::size_t free_bytes = 0, total_bytes = 0;
  if (device && cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess)
    message += " (" + format_bytes(free_bytes) + " free of " + format_bytes(total_bytes) + ")";
  throw std::runtime_error(message + "; try a smaller --batch-size");
}

//! `n` elements of T in device memory.
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(std::size_t n, const char* what) : n_(n) {
    if (n == 0) return;
    const cudaError_t status = cudaMalloc(reinterpret_cast<void**>(&ptr_), n * sizeof(T));
    if (status != cudaSuccess) {
      ptr_ = nullptr;
      throw_allocation_error(status, n * sizeof(T), what, true);
    }
  }
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept
      : ptr_(std::exchange(o.ptr_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
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
    if (ptr_ != nullptr) (void)cudaFree(ptr_);  // no throwing from destructors
    ptr_ = nullptr;
    n_ = 0;
  }
  T* ptr_ = nullptr;
  std::size_t n_ = 0;
};

//! `n` elements of T in page-locked host memory (asynchronous copies need it).
template <class T>
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(std::size_t n, const char* what) : n_(n) {
    if (n == 0) return;
    const cudaError_t status = cudaMallocHost(reinterpret_cast<void**>(&ptr_), n * sizeof(T));
    if (status != cudaSuccess) {
      ptr_ = nullptr;
      throw_allocation_error(status, n * sizeof(T), what, false);
    }
  }
  ~PinnedBuffer() { release(); }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  PinnedBuffer(PinnedBuffer&& o) noexcept
      : ptr_(std::exchange(o.ptr_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  PinnedBuffer& operator=(PinnedBuffer&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }
  T* get() const { return ptr_; }
  std::size_t size() const { return n_; }

 private:
  void release() noexcept {
    if (ptr_ != nullptr) (void)cudaFreeHost(ptr_);
    ptr_ = nullptr;
    n_ = 0;
  }
  T* ptr_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace apmsim::cuda
