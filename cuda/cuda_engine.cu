// The CUDA backend (DESIGN 9): the host draws each replication's world (engine::draw_worlds, on
// OpenMP threads), the device simulates every unit with the shared model header, one block per
// (replication, entity). Sub-batches of replications take turns over three streams, so the
// host's preparation and the copies of one overlap the kernels of the others.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/buffers.cuh"
#include "cuda/check.cuh"
#include "cuda/cuda_engine.cuh"
#include "cuda/launch.cuh"
#include "cuda/model_device.cuh"
#include "engine/replication.hpp"
#include "model/unit.hpp"

namespace apmsim::cuda {
namespace {

using model::ScalarLanes;

constexpr unsigned kFullWarp = 0xffffffffu;
constexpr int kWarp = 32;
constexpr int kMaxThreads = 256;
//! Blocks per sub-batch to aim for: several waves on the largest GPUs, so a kernel keeps the
//! device busy while the host prepares the next sub-batch.
constexpr std::uint64_t kTargetBlocks = 16384;
//! Sub-batches a batch is cut into at least: the first world draw and the last kernel and copy,
//! which nothing overlaps, are then a quarter of the batch or less.
constexpr std::uint64_t kMinSubBatches = 4;
constexpr int kSlots = 3;
//! Dynamic shared memory any kernel may use without opting in.
constexpr std::size_t kDefaultSharedLimit = 48 * 1024;

// The parameters travel by value as a __grid_constant__ kernel argument (no copy per thread).
static_assert(sizeof(model::ModelParams) + 256 < 4096, "kernel arguments must stay below 4 KiB");

//! Tallies of one warp: each (year, field) is reduced over the warp's 32 lanes in a fixed tree
//! order and lane 0 adds it to the warp's own row in shared memory. Counts are exact (ballot).
//! Every lane must call every add and count (inactive lanes with zeros), as the model does.
struct WarpSink {
  double* row;  //!< this warp's [years][fields] accumulators in shared memory
  int fields;
  bool leader;  //!< lane 0
  __device__ __forceinline__ void add(int year, int field, double value) {
#pragma unroll
    for (int offset = kWarp / 2; offset > 0; offset /= 2)
      value += __shfl_down_sync(kFullWarp, value, offset);
    if (leader) row[year * fields + field] += value;
  }
  __device__ __forceinline__ void patient(int, int, bool, bool) {}  // who the unit is: not tallied
  __device__ __forceinline__ void count(int year, int field, bool mask) {
    const int n = __popc(__ballot_sync(kFullWarp, mask));
    if (leader) row[year * fields + field] += static_cast<double>(n);
  }
};

//! One block per (replication, entity): block b is replication b / entities of the sub-batch
//! and entity b % entities. Writes that pair's [years][fields] record of `tallies`, overwriting.
//! Dynamic shared memory: (blockDim.x / 32) * years * fields doubles.
//! Unit u of an entity (a patient slot, or episode u of a year) is lane u % 32 of warp
//! (u % blockDim.x) / 32 in chunk u / blockDim.x; a warp skips the chunks where all its lanes
//! are past the end (warp-uniform: it would only have added zeros).
__global__ void __launch_bounds__(kMaxThreads)
    simulate_entities(const __grid_constant__ model::ModelParams p, model::TallyLayout layout,
                      const model::EntityShape* shapes, const model::EntityYear* entity_years,
                      const std::uint32_t* episodes, std::uint32_t first_replication,
                      std::uint32_t entities, double* tallies) {
  APMSIM_DYNAMIC_SHARED(double, accumulators);
  const int fields = layout.fields();
  const int cells = p.years * fields;
  const int warps = static_cast<int>(blockDim.x) / kWarp;
  for (int i = static_cast<int>(threadIdx.x); i < warps * cells; i += static_cast<int>(blockDim.x))
    accumulators[i] = 0.0;
  __syncthreads();

  const std::uint32_t entity = blockIdx.x % entities;
  const std::uint32_t rep = blockIdx.x / entities;
  const std::size_t item = std::size_t(rep) * entities + entity;
  const model::EntityShape& shape = shapes[entity];
  const model::EntityYear* years = entity_years + item * p.years;
  const std::uint32_t replication = first_replication + rep;  // mod 2^32, as on the host
  const model::Key key = model::key_from_seed(p.seed);
  const std::uint64_t warp_first = std::uint64_t(threadIdx.x / kWarp) * kWarp;
  WarpSink sink{accumulators + std::size_t(threadIdx.x / kWarp) * cells, fields,
                threadIdx.x % kWarp == 0};
  if (!shape.episodes) {
    const std::uint64_t n = shape.panel_size;
    for (std::uint64_t base = 0; base + warp_first < n; base += blockDim.x) {
      const std::uint64_t slot = base + threadIdx.x;
      model::simulate_panel<ScalarLanes>(p, layout, shape, years, key, replication, entity,
                                         static_cast<std::uint32_t>(slot), slot < n, sink);
    }
  } else {
    for (int k = 0; k < p.years; ++k) {
      const std::uint64_t n = episodes[item * p.years + k];
      for (std::uint64_t base = 0; base + warp_first < n; base += blockDim.x) {
        const std::uint64_t id = base + threadIdx.x;
        model::simulate_episodes<ScalarLanes>(p, layout, shape, years[k], key, replication, entity,
                                              k, static_cast<std::uint32_t>(id), id < n, sink);
      }
    }
  }
  __syncthreads();

  // Warps combined in warp order: the same bits on every run with this block size.
  double* record = tallies + item * cells;
  for (int c = static_cast<int>(threadIdx.x); c < cells; c += static_cast<int>(blockDim.x)) {
    double total = 0.0;
    for (int w = 0; w < warps; ++w) total += accumulators[std::size_t(w) * cells + c];
    record[c] = total;
  }
}

//! Shared memory one block needs with `threads` threads.
std::size_t shared_bytes(int threads, int cells) {
  return std::size_t(threads / kWarp) * std::size_t(cells) * sizeof(double);
}

//! Lets simulate_entities use `bytes` of dynamic shared memory on the current device. The limit
//! is one per kernel and device for the whole process, so it only ever rises: several engines
//! (one per population of a sweep) never lower it under one another.
void allow_shared_memory(int device, std::size_t bytes) {
  static std::mutex mutex;
  static std::vector<std::size_t> allowed;
  const std::lock_guard<std::mutex> lock(mutex);
  if (allowed.size() <= std::size_t(device)) allowed.resize(std::size_t(device) + 1, kDefaultSharedLimit);
  if (bytes <= allowed[std::size_t(device)]) return;
  APMSIM_CUDA_CHECK(cudaFuncSetAttribute(
      simulate_entities, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
  allowed[std::size_t(device)] = bytes;
}

}  // namespace

//! Buffers of one stream: a sub-batch's world going in, its tallies coming out.
struct Slot {
  std::uint64_t capacity = 0;  //!< replications the buffers hold
  DeviceBuffer<model::EntityYear> entity_years;
  DeviceBuffer<std::uint32_t> episodes;
  DeviceBuffer<double> tallies;
  PinnedBuffer<model::EntityYear> host_entity_years;
  PinnedBuffer<std::uint32_t> host_episodes;
  PinnedBuffer<double> host_tallies;
  bool pending = false;     //!< results in flight, not yet copied out
  std::uint64_t first = 0;  //!< first replication of the sub-batch (its number)
  std::uint64_t begin = 0;  //!< the same, counted within the batch
  std::uint64_t reps = 0;
};

struct CudaEngine::State {
  int device = 0;
  std::string description;
  int threads = kMaxThreads;
  int max_threads = kMaxThreads;  //!< the kernel's limit on this device
  std::size_t shared = 0;
  std::size_t shared_limit = 0;  //!< the device's opt-in limit per block
  int cells = 0;                 //!< years x fields
  std::uint64_t sub_batch_limit = 1;
  int host_threads = 0;
  bool sync_each_launch = false;  //!< APMSIM_CUDA_SYNC=1
  double kernel_seconds = 0.0;
  DeviceBuffer<model::EntityShape> shapes;
  DeviceBuffer<float> severity;  //!< empirical severities' grids (ModelParams::severity)
  model::ModelParams params{};    //!< the model's, with `severity` pointing at the device copy
  cudaStream_t streams[kSlots] = {};
  Slot slots[kSlots];
  Event started[kSlots], stopped[kSlots];

  ~State() {
    // Let queued copies into pinned memory finish before the buffers go.
    for (cudaStream_t s : streams)
      if (s != nullptr) (void)cudaStreamSynchronize(s);
    for (Slot& slot : slots) slot = Slot{};
    for (cudaStream_t s : streams)
      if (s != nullptr) (void)cudaStreamDestroy(s);
  }

  //! What a failed launch or sub-batch says, after CUDA's own message.
  std::string launch_context(const Slot& slot) const {
    return " in the simulation kernel: replications " + std::to_string(slot.first) + " to " +
           std::to_string(slot.first + slot.reps - 1) + ", block size " + std::to_string(threads) +
           ", " + std::to_string(shared) + " bytes of shared memory per block" +
           (sync_each_launch
                ? ""
                : " (set APMSIM_CUDA_SYNC=1 to wait for every launch and name the one at fault)");
  }

  [[noreturn]] void fail(cudaError_t status, const Slot& slot, const std::string& grid) const {
    (void)cudaGetLastError();
    throw std::runtime_error(std::string("CUDA error: ") + cudaGetErrorName(status) + " (" +
                             cudaGetErrorString(status) + ")" + launch_context(slot) + grid);
  }

  //! The model's entity shapes, parameters and empirical severities' grids on the device (at
  //! construction, and for each parameter draw). The grids live in device memory; the kernel's
  //! copy of the parameters points there instead of at the host table.
  void upload(const engine::Model& model) {
    std::vector<model::EntityShape> host_shapes;
    for (const engine::Entity& e : model.entities) host_shapes.push_back(e.shape);
    if (shapes.size() != host_shapes.size())
      shapes = DeviceBuffer<model::EntityShape>(host_shapes.size(), "entity shapes");
    if (!host_shapes.empty())
      APMSIM_CUDA_CHECK(
          cudaMemcpy(shapes.get(), host_shapes.data(), shapes.bytes(), cudaMemcpyHostToDevice));
    params = model.params;
    const std::size_t grid = model.severity_table ? model.severity_table->size() : 0;
    if (severity.size() != grid)
      severity =
          grid ? DeviceBuffer<float>(grid, "empirical severity grids") : DeviceBuffer<float>();
    if (grid)
      APMSIM_CUDA_CHECK(cudaMemcpy(severity.get(), model.severity_table->data(), severity.bytes(),
                                   cudaMemcpyHostToDevice));
    params.severity = severity.get();
  }

  //! Waits for nothing in flight: a batch that failed part-way may have left work queued.
  void drain() {
    for (int i = 0; i < kSlots; ++i) {
      slots[i].pending = false;
      APMSIM_CUDA_CHECK(cudaStreamSynchronize(streams[i]));
    }
  }

  //! Grows every slot to `reps` replications; on failure frees them all and rethrows.
  void ensure_capacity(std::uint64_t reps, std::size_t entity_years, std::size_t cells_per_rep) {
    try {
      for (Slot& slot : slots) {
        if (slot.capacity >= reps) continue;
        slot = Slot{};  // free the old buffers before asking for bigger ones
        slot.entity_years = DeviceBuffer<model::EntityYear>(reps * entity_years, "entity-years");
        slot.episodes = DeviceBuffer<std::uint32_t>(reps * entity_years, "episode counts");
        slot.tallies = DeviceBuffer<double>(reps * cells_per_rep, "tallies");
        slot.host_entity_years =
            PinnedBuffer<model::EntityYear>(reps * entity_years, "entity-years (host)");
        slot.host_episodes =
            PinnedBuffer<std::uint32_t>(reps * entity_years, "episode counts (host)");
        slot.host_tallies = PinnedBuffer<double>(reps * cells_per_rep, "tallies (host)");
        slot.capacity = reps;
      }
    } catch (...) {
      for (Slot& slot : slots) slot = Slot{};
      throw;
    }
  }

  //! Queues slot i's sub-batch on its stream: world in, kernel, tallies out.
  void launch(const engine::Model& m, int i, std::uint64_t first, std::uint64_t begin,
              std::uint64_t reps) {
    Slot& slot = slots[i];
    const cudaStream_t stream = streams[i];
    const std::uint32_t entities = m.entity_count();
    const std::size_t entity_years = std::size_t(entities) * m.years();
    const std::size_t cells_per_rep = std::size_t(entities) * cells;
    slot.first = first;
    slot.begin = begin;
    slot.reps = reps;
    const std::uint64_t blocks = reps * entities;
    const std::string grid = "; grid " + std::to_string(blocks) + " blocks (" +
                             std::to_string(reps) + " replications x " + std::to_string(entities) +
                             " entities)";
    if (blocks > 0x7fffffffu)
      throw std::runtime_error("CUDA: too many blocks in one launch" + grid);
    APMSIM_CUDA_CHECK(cudaMemcpyAsync(slot.entity_years.get(), slot.host_entity_years.get(),
                                      reps * entity_years * sizeof(model::EntityYear),
                                      cudaMemcpyHostToDevice, stream));
    APMSIM_CUDA_CHECK(cudaMemcpyAsync(slot.episodes.get(), slot.host_episodes.get(),
                                      reps * entity_years * sizeof(std::uint32_t),
                                      cudaMemcpyHostToDevice, stream));
    APMSIM_CUDA_CHECK(cudaEventRecord(started[i].get(), stream));
    APMSIM_LAUNCH(simulate_entities, static_cast<unsigned>(blocks), static_cast<unsigned>(threads),
                  shared, stream, params, m.layout, shapes.get(), slot.entity_years.get(),
                  slot.episodes.get(), static_cast<std::uint32_t>(first), entities,
                  slot.tallies.get());
    if (const cudaError_t status = cudaGetLastError(); status != cudaSuccess)
      fail(status, slot, grid);
    APMSIM_CUDA_CHECK(cudaEventRecord(stopped[i].get(), stream));
    APMSIM_CUDA_CHECK(cudaMemcpyAsync(slot.host_tallies.get(), slot.tallies.get(),
                                      reps * cells_per_rep * sizeof(double), cudaMemcpyDeviceToHost,
                                      stream));
    slot.pending = true;
    if (sync_each_launch) {
      if (const cudaError_t status = cudaStreamSynchronize(stream); status != cudaSuccess)
        fail(status, slot, grid);
    }
  }

  //! Waits for slot i's sub-batch and copies its tallies to `to` (the batch's first record).
  void finish(int i, std::size_t cells_per_rep, double* to) {
    Slot& slot = slots[i];
    if (!slot.pending) return;
    slot.pending = false;
    if (const cudaError_t status = cudaStreamSynchronize(streams[i]); status != cudaSuccess)
      fail(status, slot, "");
    kernel_seconds += elapsed_ms(started[i], stopped[i]) / 1000.0;
    const std::size_t n = slot.reps * cells_per_rep;
    std::memcpy(to + slot.begin * cells_per_rep, slot.host_tallies.get(), n * sizeof(double));
  }
};

CudaEngine::CudaEngine(const engine::Model& model, int device, int host_threads)
    : model_(&model) {
  const int count = device_count();
  if (count == 0)
    throw std::runtime_error("no CUDA device available: " + device_status().reason());
  if (device < 0 || device >= count)
    throw std::runtime_error("no CUDA device " + std::to_string(device) + " (there are " +
                             std::to_string(count) + ")");
  APMSIM_CUDA_CHECK(cudaSetDevice(device));
  state_ = std::make_unique<State>();  // its events belong to `device`
  State& s = *state_;
  s.device = device;
  s.host_threads = host_threads;
  s.description = "cuda: " + device_description(device);
  const char* sync = std::getenv("APMSIM_CUDA_SYNC");
  s.sync_each_launch = sync != nullptr && std::strcmp(sync, "1") == 0;

  // Block size: 256 threads unless the per-warp accumulators do not fit in shared memory.
  s.cells = model.years() * model.layout.fields();
  int shared_limit = 0;
  APMSIM_CUDA_CHECK(
      cudaDeviceGetAttribute(&shared_limit, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  s.shared_limit = static_cast<std::size_t>(shared_limit);
  cudaFuncAttributes attributes{};
  APMSIM_CUDA_CHECK(cudaFuncGetAttributes(&attributes, simulate_entities));
  s.max_threads = std::min(kMaxThreads, attributes.maxThreadsPerBlock / kWarp * kWarp);
  s.threads = s.max_threads;
  while (s.threads > kWarp && shared_bytes(s.threads, s.cells) > s.shared_limit) s.threads /= 2;
  if (s.threads < kWarp) throw std::runtime_error("CUDA: the simulation kernel cannot run a warp");
  s.shared = shared_bytes(s.threads, s.cells);
  if (s.shared > s.shared_limit)
    throw std::runtime_error("CUDA: " + std::to_string(model.years()) + " years x " +
                             std::to_string(model.layout.fields()) + " tally fields need " +
                             std::to_string(s.shared) + " bytes of shared memory per block; " +
                             "the device allows " + std::to_string(shared_limit));

  const std::uint64_t entities = model.entity_count();
  s.sub_batch_limit =
      std::max<std::uint64_t>(1, kTargetBlocks / std::max<std::uint64_t>(1, entities));
  s.upload(model);
  for (cudaStream_t& stream : s.streams)
    APMSIM_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
}

CudaEngine::~CudaEngine() = default;

void CudaEngine::use_model(const engine::Model& model) {
  APMSIM_CUDA_CHECK(cudaSetDevice(state_->device));
  // run_batch waits for its sub-batches, so nothing in flight reads the old shapes or grids.
  for (cudaStream_t stream : state_->streams) APMSIM_CUDA_CHECK(cudaStreamSynchronize(stream));
  state_->upload(model);
  model_ = &model;
}

std::string CudaEngine::description() const { return state_->description; }

int CudaEngine::threads_per_block() const { return state_->threads; }

std::size_t CudaEngine::shared_bytes_per_block() const { return state_->shared; }

double CudaEngine::last_kernel_seconds() const { return state_->kernel_seconds; }

void CudaEngine::set_threads_per_block(int threads) {
  State& s = *state_;
  if (threads < kWarp || threads % kWarp != 0 || threads > s.max_threads ||
      shared_bytes(threads, s.cells) > s.shared_limit)
    throw std::invalid_argument("CUDA: block size " + std::to_string(threads) +
                                " is not a multiple of 32 from 32 to " +
                                std::to_string(s.max_threads) + " whose accumulators fit");
  s.threads = threads;
  s.shared = shared_bytes(threads, s.cells);
}

void CudaEngine::set_sub_batch_limit(std::uint64_t replications) {
  state_->sub_batch_limit = std::max<std::uint64_t>(1, replications);
}

std::size_t CudaEngine::device_bytes() const {
  std::size_t bytes = state_->shapes.bytes() + state_->severity.bytes();
  for (const Slot& slot : state_->slots)
    bytes += slot.entity_years.bytes() + slot.episodes.bytes() + slot.tallies.bytes();
  return bytes;
}

void CudaEngine::reserve(std::uint64_t replications) const {
  State& s = *state_;
  APMSIM_CUDA_CHECK(cudaSetDevice(s.device));
  s.drain();
  const std::size_t entity_years = std::size_t(model_->entity_count()) * model_->years();
  s.ensure_capacity(replications, entity_years, std::size_t(model_->entity_count()) * s.cells);
}

void CudaEngine::run_batch(std::uint64_t first, std::uint64_t count,
                           engine::BatchTallies& out) const {
  State& s = *state_;
  const std::uint32_t entities = model_->entity_count();
  const int years = model_->years();
  const std::size_t regions = model_->regions.size();
  const std::size_t entity_years = std::size_t(entities) * years;  // per replication
  const std::size_t cells_per_rep = std::size_t(entities) * s.cells;
  out.first_replication = first;
  out.replications = count;
  out.entities = entities;
  out.years = years;
  out.fields = model_->layout.fields();
  // Every element is written below (the worlds by draw_worlds, the tallies by the copies).
  out.values.resize(count * cells_per_rep);
  out.efficiency.resize(count * entities);
  out.effect.resize(count * entities);
  out.region_shock.resize(count * regions * years);
  s.kernel_seconds = 0.0;
  if (count == 0) return;
  if (entities == 0) {
    engine::draw_worlds(*model_, first, count,
                        engine::WorldSpan{nullptr, nullptr, out.efficiency.data(),
                                          out.effect.data(), out.region_shock.data()},
                        s.host_threads);
    return;
  }
  APMSIM_CUDA_CHECK(cudaSetDevice(s.device));
  s.drain();
  const std::uint64_t sub = std::min(
      s.sub_batch_limit, std::max<std::uint64_t>(1, (count + kMinSubBatches - 1) / kMinSubBatches));
  s.ensure_capacity(sub, entity_years, cells_per_rep);
  allow_shared_memory(s.device, s.shared);

  std::uint64_t index = 0;
  for (std::uint64_t begin = 0; begin < count; begin += sub, ++index) {
    const int i = static_cast<int>(index % kSlots);
    s.finish(i, cells_per_rep, out.values.data());  // its buffers are about to be reused
    const std::uint64_t reps = std::min(sub, count - begin);
    // The host draws these worlds while the other streams' kernels run.
    engine::draw_worlds(*model_, first + begin, reps,
                        engine::WorldSpan{s.slots[i].host_entity_years.get(),
                                          s.slots[i].host_episodes.get(),
                                          out.efficiency.data() + begin * entities,
                                          out.effect.data() + begin * entities,
                                          out.region_shock.data() + begin * regions * years},
                        s.host_threads);
    s.launch(*model_, i, first + begin, begin, reps);
  }
  for (int k = 0; k < kSlots; ++k)
    s.finish(static_cast<int>((index + k) % kSlots), cells_per_rep, out.values.data());
}

double CudaEngine::simulate_worlds(std::uint64_t first, std::uint64_t count,
                                   const model::EntityYear* entity_years,
                                   const std::uint32_t* episodes, double* tallies) const {
  State& s = *state_;
  const std::uint32_t entities = model_->entity_count();
  const std::size_t per_rep = std::size_t(entities) * model_->years();
  const std::size_t cells_per_rep = std::size_t(entities) * s.cells;
  s.kernel_seconds = 0.0;
  if (count == 0 || entities == 0) return 0.0;
  APMSIM_CUDA_CHECK(cudaSetDevice(s.device));
  s.drain();
  const std::uint64_t sub = std::min(s.sub_batch_limit, count);
  s.ensure_capacity(sub, per_rep, cells_per_rep);
  allow_shared_memory(s.device, s.shared);
  for (std::uint64_t begin = 0; begin < count; begin += sub) {
    const std::uint64_t reps = std::min(sub, count - begin);
    std::memcpy(s.slots[0].host_entity_years.get(), entity_years + begin * per_rep,
                reps * per_rep * sizeof(model::EntityYear));
    std::memcpy(s.slots[0].host_episodes.get(), episodes + begin * per_rep,
                reps * per_rep * sizeof(std::uint32_t));
    s.launch(*model_, 0, first + begin, begin, reps);
    s.finish(0, cells_per_rep, tallies);
  }
  return s.kernel_seconds;
}

}  // namespace apmsim::cuda
