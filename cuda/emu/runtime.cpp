// The emulated CUDA runtime (issue 22): one device, visible only with APMSIM_CUDA_EMULATOR=1.
// Device and pinned memory are host allocations of exactly the size asked for (under
// AddressSanitizer; otherwise with a guard checked after every kernel), filled with 0xff bytes as
// fresh device memory holds garbage, and counted against a capacity so that a request beyond it
// fails as cudaMalloc does. Streams queue their work and run it when synchronised (a sync call,
// an event waited for, a blocking call on the legacy default stream), so a host that reads results
// before waiting for them reads stale or 0xff bytes, as it might on a GPU. Launches are checked
// when queued (configuration, shared memory against the kernel's limit, parameter bytes, pointer
// arguments); a kernel's fault is sticky, as on a GPU, until cudaDeviceReset.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cuda/emu/emulator.hpp"


struct CUstream_st {
  unsigned flags = 0;
  std::vector<std::function<void()>> queue;
};

struct CUevent_st {
  unsigned flags = 0;
  bool recorded = false;
  bool completed = false;
  cudaStream_t stream = nullptr;
  std::chrono::steady_clock::time_point when;
};

namespace apmsim::emu {
namespace {

constexpr std::size_t kGuardBytes = kAddressSanitizer ? 0 : 64;
constexpr unsigned char kFill = 0xff, kGuard = 0xa5;
constexpr std::size_t kAlignment = 256;  // cudaMalloc's

struct Allocation {
  std::size_t bytes = 0;
  bool device = false;  //!< else pinned host memory
};

struct Runtime {
  std::recursive_mutex mutex;
  std::map<const unsigned char*, Allocation> allocations;  //!< by base address
  std::size_t device_bytes = 0, pinned_bytes = 0;
  CUstream_st legacy;  //!< stream 0
  std::set<cudaStream_t> streams;
  std::set<cudaEvent_t> events;
  std::unordered_map<const void*, int> shared_limit;  //!< kernels' raised dynamic shared memory
  cudaError_t sticky = cudaSuccess;
  std::string fault;
};

Runtime& runtime() {
  static Runtime* r = new Runtime();  // never destroyed: buffers may be freed at exit
  return *r;
}

thread_local cudaError_t last_error = cudaSuccess;
//! What the emulator adds to CUDA's text for the last error of each code (cudaGetErrorString).
thread_local std::unordered_map<int, std::string> details;

bool enabled() {
  static const bool on = [] {
    const char* v = std::getenv(kEnableVariable);
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  return on;
}

//! Returns `e` after noting it as the last error, with the emulator's detail.
cudaError_t fail(cudaError_t e, const std::string& detail = "") {
  if (!detail.empty()) details[e] = detail;
  if (last_error == cudaSuccess) last_error = e;
  return e;
}

cudaError_t no_device() {
  return fail(cudaErrorNoDevice, std::string("the CPU emulator of the CUDA device is for tests: set ") +
                                     kEnableVariable + "=1 to use it");
}

//! The allocation `p` points into (end included), or nullptr.
const std::pair<const unsigned char* const, Allocation>* find(const void* p) {
  Runtime& r = runtime();
  const auto* c = static_cast<const unsigned char*>(p);
  auto it = r.allocations.upper_bound(c);
  if (it == r.allocations.begin()) return nullptr;
  --it;
  if (c > it->first + it->second.bytes) return nullptr;
  return &*it;
}

void set_fault(cudaError_t code, const std::string& what) {
  Runtime& r = runtime();
  if (r.sticky != cudaSuccess) return;
  r.sticky = code;
  r.fault = what;
  details[code] = what;
  std::fprintf(stderr, "apmsim CUDA emulator: %s\n", what.c_str());
}

//! cudaSuccess, or the sticky fault every call returns after a kernel failed.
cudaError_t healthy() {
  Runtime& r = runtime();
  if (r.sticky != cudaSuccess) {
    details[r.sticky] = r.fault;
    return fail(r.sticky);
  }
  return cudaSuccess;
}

//! Runs what `s` has queued (nothing more runs after a fault; it is dropped).
void flush(CUstream_st& s) {
  std::vector<std::function<void()>> queue;
  queue.swap(s.queue);
  for (auto& op : queue) {
    if (runtime().sticky != cudaSuccess) break;
    op();
  }
}

void flush_all() {
  Runtime& r = runtime();
  flush(r.legacy);
  for (cudaStream_t s : r.streams) flush(*s);
}

CUstream_st* stream_of(cudaStream_t s) { return s == nullptr ? &runtime().legacy : s; }

bool valid_stream(cudaStream_t s) { return s == nullptr || runtime().streams.count(s) != 0; }

//! Queues `op` on `s`, keeping the legacy default stream's order with blocking streams.
void enqueue(cudaStream_t s, std::function<void()> op) {
  Runtime& r = runtime();
  if (s == nullptr) {
    for (cudaStream_t o : r.streams)
      if (!(o->flags & cudaStreamNonBlocking)) flush(*o);
  } else if (!(s->flags & cudaStreamNonBlocking)) {
    flush(r.legacy);
  }
  stream_of(s)->queue.push_back(std::move(op));
}

//! Waits on the legacy default stream: its work, and before it the blocking streams'.
void sync_legacy() {
  enqueue(nullptr, [] {});
  flush(runtime().legacy);
}

std::string allocation_text(const Allocation& a) {
  return std::string(a.device ? "a device" : "a pinned host") + " allocation of " +
         std::to_string(a.bytes) + " bytes";
}

//! A fault for every allocation whose guard a kernel overwrote.
void check_guards(const char* kernel) {
  if (kGuardBytes == 0) return;
  for (auto& [base, a] : runtime().allocations) {
    for (std::size_t g = 0; g < kGuardBytes; ++g) {
      if (base[a.bytes + g] == kGuard) continue;
      set_fault(cudaErrorIllegalAddress, std::string("kernel ") + kernel + " wrote past the end of " +
                                             allocation_text(a) + " (byte " +
                                             std::to_string(a.bytes + g) + ")");
      return;
    }
  }
}

cudaError_t allocate(void** ptr, std::size_t bytes, bool device) {
  std::lock_guard<std::recursive_mutex> lock(runtime().mutex);
  if (!enabled()) return no_device();
  if (const cudaError_t e = healthy()) return e;
  if (ptr == nullptr) return fail(cudaErrorInvalidValue, "a null pointer to the result");
  *ptr = nullptr;
  if (bytes == 0) return cudaSuccess;
  Runtime& r = runtime();
  std::size_t& used = device ? r.device_bytes : r.pinned_bytes;
  if (bytes > kMemoryBytes - used)
    return fail(cudaErrorMemoryAllocation,
                std::to_string(bytes) + " bytes asked for, " + std::to_string(kMemoryBytes - used) +
                    " free of the emulated " + (device ? "device's " : "pinned host ") +
                    std::to_string(kMemoryBytes) + " bytes");
  unsigned char* p = nullptr;
  try {
    p = static_cast<unsigned char*>(::operator new(bytes + kGuardBytes, std::align_val_t(kAlignment)));
  } catch (const std::bad_alloc&) {
    return fail(cudaErrorMemoryAllocation, "the host could not provide " + std::to_string(bytes) + " bytes");
  }
  std::memset(p, kFill, bytes);
  std::memset(p + bytes, kGuard, kGuardBytes);
  r.allocations[p] = Allocation{bytes, device};
  used += bytes;
  *ptr = p;
  return cudaSuccess;
}

cudaError_t release(void* ptr, bool device) {
  std::lock_guard<std::recursive_mutex> lock(runtime().mutex);
  if (ptr == nullptr) return cudaSuccess;
  Runtime& r = runtime();
  flush_all();  // cudaFree and cudaFreeHost wait for the device
  auto it = r.allocations.find(static_cast<unsigned char*>(ptr));
  if (it == r.allocations.end() || it->second.device != device)
    return fail(cudaErrorInvalidValue, std::string(device ? "cudaFree" : "cudaFreeHost") +
                                           " of a pointer that is not the start of " +
                                           (device ? "a device" : "a pinned host") + " allocation");
  (device ? r.device_bytes : r.pinned_bytes) -= it->second.bytes;
  ::operator delete(const_cast<unsigned char*>(it->first), std::align_val_t(kAlignment));
  r.allocations.erase(it);
  return healthy();
}

//! Checks one side of a copy: `bytes` from `p` lie within one allocation when it is device
//! memory (`device`), or outside device memory when not.
bool check_side(const void* p, std::size_t bytes, bool device, const char* side, std::string& why) {
  const auto* a = find(p);
  const bool on_device = a != nullptr && a->second.device;
  if (device != on_device) {
    why = std::string("the ") + side + " is " + (on_device ? "device" : "host") +
          " memory where the copy's kind says " + (device ? "device" : "host");
    return false;
  }
  if (device) {
    const std::size_t offset = std::size_t(static_cast<const unsigned char*>(p) - a->first);
    if (bytes > a->second.bytes - offset) {
      why = std::string("the ") + side + " runs " + std::to_string(offset + bytes - a->second.bytes) +
            " bytes past the end of " + allocation_text(a->second);
      return false;
    }
  }
  return true;
}

cudaError_t check_copy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind& kind) {
  if (bytes == 0) return cudaSuccess;
  if (dst == nullptr || src == nullptr) return fail(cudaErrorInvalidValue, "a null pointer in a copy");
  if (kind == cudaMemcpyDefault) {
    const auto* d = find(dst);
    const auto* s = find(src);
    const bool dd = d && d->second.device, sd = s && s->second.device;
    kind = dd ? (sd ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
              : (sd ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
  }
  if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDeviceToDevice)
    return fail(cudaErrorInvalidMemcpyDirection);
  const bool dst_device = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool src_device = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  std::string why;
  if (!check_side(dst, bytes, dst_device, "destination", why) ||
      !check_side(src, bytes, src_device, "source", why))
    return fail(cudaErrorInvalidValue, "a copy of " + std::to_string(bytes) + " bytes: " + why);
  return cudaSuccess;
}

//! Host memory the device cannot reach by DMA: the copy is synchronous.
bool pageable(const void* p) {
  const auto* a = find(p);
  return a == nullptr;
}

CUevent_st* valid_event(cudaEvent_t e) { return runtime().events.count(e) ? e : nullptr; }

}  // namespace

std::string last_fault() {
  std::lock_guard<std::recursive_mutex> lock(runtime().mutex);
  return runtime().fault;
}

void launch(const Launch& l, std::shared_ptr<const void> keep, void (*body)(const void*)) {
  std::lock_guard<std::recursive_mutex> lock(runtime().mutex);
  Runtime& r = runtime();
  if (!enabled()) {
    no_device();
    return;
  }
  if (healthy() != cudaSuccess) return;
  const std::string kernel = std::string("kernel ") + l.name;
  const unsigned long long threads =
      static_cast<unsigned long long>(l.block.x) * l.block.y * l.block.z;
  if (l.block.x == 0 || l.block.y == 0 || l.block.z == 0 || l.block.x > 1024 || l.block.y > 1024 ||
      l.block.z > 64 || threads > 1024) {
    fail(cudaErrorInvalidConfiguration,
         kernel + ": a block of " + std::to_string(l.block.x) + " x " + std::to_string(l.block.y) +
             " x " + std::to_string(l.block.z) + " threads (at most 1024, z at most 64)");
    return;
  }
  if (l.grid.x == 0 || l.grid.y == 0 || l.grid.z == 0 || l.grid.x > 0x7fffffffu ||
      l.grid.y > 65535 || l.grid.z > 65535) {
    fail(cudaErrorInvalidConfiguration,
         kernel + ": a grid of " + std::to_string(l.grid.x) + " x " + std::to_string(l.grid.y) +
             " x " + std::to_string(l.grid.z) + " blocks (x at most 2^31 - 1, y and z at most 65535)");
    return;
  }
  const auto raised = r.shared_limit.find(l.key);
  const std::size_t limit = raised == r.shared_limit.end() ? kSharedDefault : std::size_t(raised->second);
  if (l.shared > limit) {
    fail(cudaErrorInvalidValue,
         kernel + ": " + std::to_string(l.shared) + " bytes of dynamic shared memory per block; " +
             "the kernel may use " + std::to_string(limit) +
             (raised == r.shared_limit.end()
                  ? " unless cudaFuncSetAttribute(cudaFuncAttributeMaxDynamicSharedMemorySize) raises it"
                  : " (its cudaFuncAttributeMaxDynamicSharedMemorySize)"));
    return;
  }
  if (l.parameter_bytes > kParameterBytes) {
    fail(cudaErrorInvalidValue, kernel + ": " + std::to_string(l.parameter_bytes) +
                                    " bytes of parameters (at most " +
                                    std::to_string(kParameterBytes) + ")");
    return;
  }
  if (!valid_stream(l.stream)) {
    fail(cudaErrorInvalidResourceHandle, kernel + ": a stream that does not exist");
    return;
  }
  for (const auto& [index, p] : l.pointers) {
    if (p == nullptr || find(p) != nullptr) continue;
    // The device would fault on its first access: sticky, as there.
    set_fault(cudaErrorIllegalAddress, kernel + ": parameter " + std::to_string(index) +
                                           " points to host memory that is neither device nor "
                                           "pinned memory");
    fail(cudaErrorIllegalAddress);
    return;
  }
  Launch queued = l;
  enqueue(l.stream, [queued, keep, body] {
    const std::string fault = run_grid(queued, keep.get(), body);
    if (!fault.empty())
      set_fault(cudaErrorLaunchFailure, std::string("kernel ") + queued.name + ", " + fault);
    else
      check_guards(queued.name);
  });
}

}  // namespace apmsim::emu

using apmsim::emu::runtime;
using Lock = std::lock_guard<std::recursive_mutex>;

namespace {
//! The guard each call of the runtime starts with.
#define APMSIM_EMU_ENTER()                                                \
  Lock lock(runtime().mutex);                                             \
  if (!apmsim::emu::enabled()) return apmsim::emu::no_device();            \
  if (const cudaError_t sticky_ = apmsim::emu::healthy()) return sticky_

const char* error_name(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInitializationError: return "cudaErrorInitializationError";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
    case cudaErrorInvalidDeviceFunction: return "cudaErrorInvalidDeviceFunction";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorNotReady: return "cudaErrorNotReady";
    case cudaErrorIllegalAddress: return "cudaErrorIllegalAddress";
    case cudaErrorLaunchOutOfResources: return "cudaErrorLaunchOutOfResources";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
    case cudaErrorUnknown: return "cudaErrorUnknown";
  }
  return "cudaErrorUnknown";
}

//! CUDA's own wording.
const char* error_text(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInitializationError: return "initialization error";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidMemcpyDirection: return "invalid copy direction for memcpy";
    case cudaErrorInvalidDeviceFunction: return "invalid device function";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    case cudaErrorNotReady: return "device not ready";
    case cudaErrorIllegalAddress: return "an illegal memory access was encountered";
    case cudaErrorLaunchOutOfResources: return "too many resources requested for launch";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    case cudaErrorUnknown: return "unknown error";
  }
  return "unrecognized error code";
}
}  // namespace

const char* cudaGetErrorName(cudaError_t e) { return error_name(e); }

const char* cudaGetErrorString(cudaError_t e) {
  thread_local std::string text;
  const auto d = apmsim::emu::details.find(e);
  text = error_text(e);
  if (d != apmsim::emu::details.end()) text += " [CPU emulator: " + d->second + "]";
  return text.c_str();
}

cudaError_t cudaGetLastError() {
  Lock lock(runtime().mutex);
  const cudaError_t e = apmsim::emu::last_error;
  apmsim::emu::last_error = cudaSuccess;
  if (runtime().sticky != cudaSuccess) return runtime().sticky;  // a fault is not cleared
  return e;
}

cudaError_t cudaPeekAtLastError() {
  Lock lock(runtime().mutex);
  if (runtime().sticky != cudaSuccess) return runtime().sticky;
  return apmsim::emu::last_error;
}

cudaError_t cudaDriverGetVersion(int* version) {
  if (version == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  *version = apmsim::emu::enabled() ? apmsim::emu::kVersion : 0;
  return cudaSuccess;
}

cudaError_t cudaRuntimeGetVersion(int* version) {
  if (version == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  *version = apmsim::emu::kVersion;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceCount(int* count) {
  if (count == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  *count = 0;
  APMSIM_EMU_ENTER();
  *count = 1;
  return cudaSuccess;
}

namespace {
cudaError_t check_device(int device) {
  if (device != 0) return apmsim::emu::fail(cudaErrorInvalidDevice, "the emulator has device 0 only");
  return cudaSuccess;
}
}  // namespace

cudaError_t cudaSetDevice(int device) {
  APMSIM_EMU_ENTER();
  return check_device(device);
}

cudaError_t cudaGetDevice(int* device) {
  APMSIM_EMU_ENTER();
  if (device == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  *device = 0;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  APMSIM_EMU_ENTER();
  if (prop == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  if (const cudaError_t e = check_device(device)) return e;
  *prop = cudaDeviceProp{};
  std::snprintf(prop->name, sizeof prop->name, "%s", apmsim::emu::kDeviceName);
  prop->totalGlobalMem = apmsim::emu::kMemoryBytes;
  prop->sharedMemPerBlock = apmsim::emu::kSharedDefault;
  prop->sharedMemPerBlockOptin = apmsim::emu::kSharedOptIn;
  prop->sharedMemPerMultiprocessor = 228 * 1024;
  prop->regsPerBlock = 65536;
  prop->warpSize = 32;
  prop->maxThreadsPerBlock = 1024;
  prop->maxThreadsDim[0] = prop->maxThreadsDim[1] = 1024;
  prop->maxThreadsDim[2] = 64;
  prop->maxGridSize[0] = 0x7fffffff;
  prop->maxGridSize[1] = prop->maxGridSize[2] = 65535;
  prop->totalConstMem = 65536;
  prop->major = apmsim::emu::kMajor;
  prop->minor = apmsim::emu::kMinor;
  prop->multiProcessorCount = apmsim::emu::kMultiprocessors;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  APMSIM_EMU_ENTER();
  if (value == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  if (const cudaError_t e = check_device(device)) return e;
  switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock:
    case cudaDevAttrMaxBlockDimX:
    case cudaDevAttrMaxBlockDimY: *value = 1024; break;
    case cudaDevAttrMaxBlockDimZ: *value = 64; break;
    case cudaDevAttrMaxGridDimX: *value = 0x7fffffff; break;
    case cudaDevAttrMaxGridDimY:
    case cudaDevAttrMaxGridDimZ: *value = 65535; break;
    case cudaDevAttrMaxSharedMemoryPerBlock: *value = int(apmsim::emu::kSharedDefault); break;
    case cudaDevAttrWarpSize: *value = 32; break;
    case cudaDevAttrMultiProcessorCount: *value = apmsim::emu::kMultiprocessors; break;
    case cudaDevAttrComputeCapabilityMajor: *value = apmsim::emu::kMajor; break;
    case cudaDevAttrComputeCapabilityMinor: *value = apmsim::emu::kMinor; break;
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = int(apmsim::emu::kSharedOptIn); break;
    default:
      return apmsim::emu::fail(cudaErrorInvalidValue,
                               "device attribute " + std::to_string(int(attr)) + " is not emulated");
  }
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() {
  APMSIM_EMU_ENTER();
  apmsim::emu::flush_all();
  return apmsim::emu::healthy();
}

cudaError_t cudaDeviceReset() {
  Lock lock(runtime().mutex);
  if (!apmsim::emu::enabled()) return apmsim::emu::no_device();
  // Queued work is dropped and the fault cleared; allocations stay (their owners free them).
  runtime().legacy.queue.clear();
  for (cudaStream_t s : runtime().streams) s->queue.clear();
  runtime().sticky = cudaSuccess;
  runtime().fault.clear();
  runtime().shared_limit.clear();
  apmsim::emu::last_error = cudaSuccess;
  apmsim::emu::details.clear();
  return cudaSuccess;
}

cudaError_t cudaMalloc(void** ptr, std::size_t bytes) { return apmsim::emu::allocate(ptr, bytes, true); }
cudaError_t cudaMallocHost(void** ptr, std::size_t bytes) {
  return apmsim::emu::allocate(ptr, bytes, false);
}
cudaError_t cudaFree(void* ptr) { return apmsim::emu::release(ptr, true); }
cudaError_t cudaFreeHost(void* ptr) { return apmsim::emu::release(ptr, false); }

cudaError_t cudaMemGetInfo(std::size_t* free_bytes, std::size_t* total_bytes) {
  APMSIM_EMU_ENTER();
  if (free_bytes == nullptr || total_bytes == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  *total_bytes = apmsim::emu::kMemoryBytes;
  *free_bytes = apmsim::emu::kMemoryBytes - runtime().device_bytes;
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  APMSIM_EMU_ENTER();
  if (const cudaError_t e = apmsim::emu::check_copy(dst, src, bytes, kind)) return e;
  // Synchronous, on the legacy default stream: waits for it (and the blocking streams).
  apmsim::emu::sync_legacy();
  if (const cudaError_t e = apmsim::emu::healthy()) return e;
  if (bytes) std::memmove(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind,
                            cudaStream_t stream) {
  APMSIM_EMU_ENTER();
  if (!apmsim::emu::valid_stream(stream)) return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  if (const cudaError_t e = apmsim::emu::check_copy(dst, src, bytes, kind)) return e;
  if (bytes == 0) return cudaSuccess;
  apmsim::emu::enqueue(stream, [dst, src, bytes] { std::memmove(dst, src, bytes); });
  // Pageable host memory is staged before the call returns, or (to the host) copied synchronously.
  if ((kind == cudaMemcpyHostToDevice && apmsim::emu::pageable(src)) ||
      (kind == cudaMemcpyDeviceToHost && apmsim::emu::pageable(dst)))
    apmsim::emu::flush(*apmsim::emu::stream_of(stream));
  return apmsim::emu::healthy();
}

cudaError_t cudaMemset(void* ptr, int value, std::size_t bytes) {
  APMSIM_EMU_ENTER();
  std::string why;
  if (bytes && (ptr == nullptr || !apmsim::emu::check_side(ptr, bytes, true, "destination", why)))
    return apmsim::emu::fail(cudaErrorInvalidValue, "cudaMemset: " + why);
  apmsim::emu::flush(runtime().legacy);
  if (bytes) std::memset(ptr, value, bytes);
  return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags) {
  APMSIM_EMU_ENTER();
  if (stream == nullptr || (flags & ~cudaStreamNonBlocking)) return apmsim::emu::fail(cudaErrorInvalidValue);
  *stream = new CUstream_st{flags, {}};
  runtime().streams.insert(*stream);
  return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t* stream) {
  return cudaStreamCreateWithFlags(stream, cudaStreamDefault);
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  Lock lock(runtime().mutex);
  if (stream == nullptr || runtime().streams.count(stream) == 0)
    return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  apmsim::emu::flush(*stream);  // its work completes before it goes
  runtime().streams.erase(stream);
  delete stream;
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  APMSIM_EMU_ENTER();
  if (!apmsim::emu::valid_stream(stream)) return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  if (stream == nullptr)
    apmsim::emu::sync_legacy();
  else
    apmsim::emu::flush(*stream);
  return apmsim::emu::healthy();
}

cudaError_t cudaStreamQuery(cudaStream_t stream) {
  APMSIM_EMU_ENTER();
  if (!apmsim::emu::valid_stream(stream)) return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  return apmsim::emu::stream_of(stream)->queue.empty() ? cudaSuccess : cudaErrorNotReady;
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned flags) {
  APMSIM_EMU_ENTER();
  if (event == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  *event = new CUevent_st{};
  (*event)->flags = flags;
  runtime().events.insert(*event);
  return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t* event) { return cudaEventCreateWithFlags(event, cudaEventDefault); }

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  Lock lock(runtime().mutex);
  if (apmsim::emu::valid_event(event) == nullptr) return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  apmsim::emu::flush_all();  // work queued to record it runs before it goes
  runtime().events.erase(event);
  delete event;
  return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  APMSIM_EMU_ENTER();
  if (apmsim::emu::valid_event(event) == nullptr || !apmsim::emu::valid_stream(stream))
    return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  event->recorded = true;
  event->completed = false;
  event->stream = stream;
  apmsim::emu::enqueue(stream, [event] {
    event->completed = true;
    event->when = std::chrono::steady_clock::now();
  });
  return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  APMSIM_EMU_ENTER();
  if (apmsim::emu::valid_event(event) == nullptr) return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  if (event->recorded && !event->completed) {
    if (event->stream != nullptr && !apmsim::emu::valid_stream(event->stream))
      return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
    apmsim::emu::flush(*apmsim::emu::stream_of(event->stream));
  }
  return apmsim::emu::healthy();
}

cudaError_t cudaEventQuery(cudaEvent_t event) {
  APMSIM_EMU_ENTER();
  if (apmsim::emu::valid_event(event) == nullptr) return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  return !event->recorded || event->completed ? cudaSuccess : cudaErrorNotReady;
}

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  APMSIM_EMU_ENTER();
  if (ms == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  if (apmsim::emu::valid_event(start) == nullptr || apmsim::emu::valid_event(end) == nullptr ||
      !start->recorded || !end->recorded || ((start->flags | end->flags) & cudaEventDisableTiming))
    return apmsim::emu::fail(cudaErrorInvalidResourceHandle);
  if (!start->completed || !end->completed) return apmsim::emu::fail(cudaErrorNotReady);
  *ms = std::chrono::duration<float, std::milli>(end->when - start->when).count();
  return cudaSuccess;
}

cudaError_t cudaFuncSetAttribute(const void* func, cudaFuncAttribute attr, int value) {
  APMSIM_EMU_ENTER();
  if (func == nullptr) return apmsim::emu::fail(cudaErrorInvalidDeviceFunction);
  if (attr == cudaFuncAttributePreferredSharedMemoryCarveout) return cudaSuccess;
  if (attr != cudaFuncAttributeMaxDynamicSharedMemorySize)
    return apmsim::emu::fail(cudaErrorInvalidValue, "function attribute " + std::to_string(int(attr)) +
                                                        " is not emulated");
  if (value < 0 || std::size_t(value) > apmsim::emu::kSharedOptIn)
    return apmsim::emu::fail(cudaErrorInvalidValue,
                             std::to_string(value) + " bytes of dynamic shared memory: the device allows " +
                                 std::to_string(apmsim::emu::kSharedOptIn) + " per block");
  runtime().shared_limit[func] = value;
  return cudaSuccess;
}

cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attributes, const void* func) {
  APMSIM_EMU_ENTER();
  if (attributes == nullptr) return apmsim::emu::fail(cudaErrorInvalidValue);
  if (func == nullptr) return apmsim::emu::fail(cudaErrorInvalidDeviceFunction);
  *attributes = cudaFuncAttributes{};
  attributes->maxThreadsPerBlock = 1024;  // __launch_bounds__ is not seen by the emulator
  const auto raised = runtime().shared_limit.find(func);
  attributes->maxDynamicSharedSizeBytes =
      raised == runtime().shared_limit.end() ? int(apmsim::emu::kSharedDefault) : raised->second;
  attributes->ptxVersion = attributes->binaryVersion = apmsim::emu::kMajor * 10 + apmsim::emu::kMinor;
  return cudaSuccess;
}
