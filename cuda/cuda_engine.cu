// The CUDA backend (DESIGN 9): the host draws each replication's world (engine::draw_world),
// the device simulates every unit with the shared model header, one block per (replication,
// entity). Sub-batches of replications alternate over two streams, so the host's preparation
// and the copies of one overlap the kernel of another.
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/buffers.cuh"
#include "cuda/check.cuh"
#include "cuda/cuda_engine.cuh"
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
constexpr int kStreams = 2;

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
  __device__ __forceinline__ void count(int year, int field, bool mask) {
    const int n = __popc(__ballot_sync(kFullWarp, mask));
    if (leader) row[year * fields + field] += static_cast<double>(n);
  }
};

//! One block per (replication, entity): block b is replication b / entities of the sub-batch
//! and entity b % entities. Writes that pair's [years][fields] record of `tallies`, overwriting.
//! Dynamic shared memory: (blockDim.x / 32) * years * fields doubles.
__global__ void __launch_bounds__(kMaxThreads)
    simulate_entities(const __grid_constant__ model::ModelParams p, model::TallyLayout layout,
                      const model::EntityShape* shapes, const model::EntityYear* entity_years,
                      const std::uint32_t* episodes, std::uint32_t first_replication,
                      std::uint32_t entities, double* tallies) {
  extern __shared__ double accumulators[];
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
  WarpSink sink{accumulators + std::size_t(threadIdx.x / kWarp) * cells, fields,
                threadIdx.x % kWarp == 0};
  // Every thread of the block runs every chunk; those past the end are inactive lanes.
  if (!shape.episodes) {
    const std::uint64_t n = shape.panel_size;
    for (std::uint64_t base = 0; base < n; base += blockDim.x) {
      const std::uint64_t slot = base + threadIdx.x;
      model::simulate_panel<ScalarLanes>(p, layout, shape, years, key, replication, entity,
                                         static_cast<std::uint32_t>(slot), slot < n, sink);
    }
  } else {
    for (int k = 0; k < p.years; ++k) {
      const std::uint64_t n = episodes[item * p.years + k];
      for (std::uint64_t base = 0; base < n; base += blockDim.x) {
        const std::uint64_t id = base + threadIdx.x;
        model::simulate_episodes<ScalarLanes>(p, layout, shape, years[k], key, replication, entity,
                                              k, static_cast<std::uint32_t>(id), id < n, sink);
      }
    }
  }
  __syncthreads();

  // Warps combined in warp order: the same bits on every run with this launch configuration.
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
  bool pending = false;     //!< results in flight, not yet copied into the batch
  std::uint64_t begin = 0;  //!< first replication of the sub-batch, counted within the batch
  std::uint64_t reps = 0;
};

struct CudaEngine::State {
  int device = 0;
  std::string description;
  int threads = kMaxThreads;
  std::size_t shared = 0;
  std::uint64_t sub_batch_limit = 1;
  DeviceBuffer<model::EntityShape> shapes;
  cudaStream_t streams[kStreams] = {};
  Slot slots[kStreams];
  engine::ReplicationWorld world;  //!< scratch for draw_world

  ~State() {
    // Let queued copies into pinned memory finish before the buffers go.
    for (cudaStream_t s : streams)
      if (s != nullptr) (void)cudaStreamSynchronize(s);
    for (Slot& slot : slots) slot = Slot{};
    for (cudaStream_t s : streams)
      if (s != nullptr) (void)cudaStreamDestroy(s);
  }
};

CudaEngine::CudaEngine(const engine::Model& model, int device)
    : model_(model), state_(std::make_unique<State>()) {
  const int count = device_count();
  if (count == 0) throw std::runtime_error("no CUDA device available");
  if (device < 0 || device >= count)
    throw std::runtime_error("no CUDA device " + std::to_string(device) + " (there are " +
                             std::to_string(count) + ")");
  State& s = *state_;
  s.device = device;
  APMSIM_CUDA_CHECK(cudaSetDevice(device));
  s.description = "cuda: " + device_description(device);

  // Block size: 256 threads unless the per-warp accumulators do not fit in shared memory.
  const int cells = model.years() * model.layout.fields();
  int shared_limit = 0;
  APMSIM_CUDA_CHECK(
      cudaDeviceGetAttribute(&shared_limit, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  cudaFuncAttributes attributes{};
  APMSIM_CUDA_CHECK(cudaFuncGetAttributes(&attributes, simulate_entities));
  s.threads = std::min(kMaxThreads, attributes.maxThreadsPerBlock / kWarp * kWarp);
  while (s.threads > kWarp && shared_bytes(s.threads, cells) > std::size_t(shared_limit))
    s.threads /= 2;
  if (s.threads < kWarp) throw std::runtime_error("CUDA: the simulation kernel cannot run a warp");
  s.shared = shared_bytes(s.threads, cells);
  if (s.shared > std::size_t(shared_limit))
    throw std::runtime_error("CUDA: " + std::to_string(model.years()) + " years x " +
                             std::to_string(model.layout.fields()) + " tally fields need " +
                             std::to_string(s.shared) + " bytes of shared memory per block; " +
                             "the device allows " + std::to_string(shared_limit));
  APMSIM_CUDA_CHECK(cudaFuncSetAttribute(
      simulate_entities, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(s.shared)));

  const std::uint64_t entities = model.entity_count();
  s.sub_batch_limit =
      std::max<std::uint64_t>(1, kTargetBlocks / std::max<std::uint64_t>(1, entities));
  std::vector<model::EntityShape> shapes;
  for (const engine::Entity& e : model.entities) shapes.push_back(e.shape);
  s.shapes = DeviceBuffer<model::EntityShape>(shapes.size(), "entity shapes");
  if (!shapes.empty())
    APMSIM_CUDA_CHECK(
        cudaMemcpy(s.shapes.get(), shapes.data(), s.shapes.bytes(), cudaMemcpyHostToDevice));
  for (cudaStream_t& stream : s.streams)
    APMSIM_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
}

CudaEngine::~CudaEngine() = default;

std::string CudaEngine::description() const { return state_->description; }

int CudaEngine::threads_per_block() const { return state_->threads; }

void CudaEngine::set_sub_batch_limit(std::uint64_t replications) {
  state_->sub_batch_limit = std::max<std::uint64_t>(1, replications);
}

std::size_t CudaEngine::device_bytes() const {
  std::size_t bytes = state_->shapes.bytes();
  for (const Slot& slot : state_->slots)
    bytes += slot.entity_years.bytes() + slot.episodes.bytes() + slot.tallies.bytes();
  return bytes;
}

namespace {

//! Grows both slots to `reps` replications (only when nothing is in flight).
void ensure_capacity(Slot* slots, std::uint64_t reps, std::size_t entity_years,
                     std::size_t cells_per_rep) {
  for (int i = 0; i < kStreams; ++i) {
    Slot& slot = slots[i];
    if (slot.capacity >= reps) continue;
    slot = Slot{};  // free the old buffers before asking for bigger ones
    slot.entity_years = DeviceBuffer<model::EntityYear>(reps * entity_years, "entity-years");
    slot.episodes = DeviceBuffer<std::uint32_t>(reps * entity_years, "episode counts");
    slot.tallies = DeviceBuffer<double>(reps * cells_per_rep, "tallies");
    slot.host_entity_years =
        PinnedBuffer<model::EntityYear>(reps * entity_years, "entity-years (host)");
    slot.host_episodes = PinnedBuffer<std::uint32_t>(reps * entity_years, "episode counts (host)");
    slot.host_tallies = PinnedBuffer<double>(reps * cells_per_rep, "tallies (host)");
    slot.capacity = reps;
  }
}

//! Waits for a slot's sub-batch and copies its tallies into the batch.
void finish(Slot& slot, cudaStream_t stream, std::size_t cells_per_rep, engine::BatchTallies& out) {
  if (!slot.pending) return;
  slot.pending = false;
  APMSIM_CUDA_CHECK(cudaStreamSynchronize(stream));
  const std::size_t n = slot.reps * cells_per_rep;
  std::copy(slot.host_tallies.get(), slot.host_tallies.get() + n,
            out.values.begin() + static_cast<std::ptrdiff_t>(slot.begin * cells_per_rep));
}

}  // namespace

void CudaEngine::run_batch(std::uint64_t first, std::uint64_t count,
                           engine::BatchTallies& out) const {
  State& s = *state_;
  const std::uint32_t entities = model_.entity_count();
  const int years = model_.years();
  const int fields = model_.layout.fields();
  const std::size_t regions = model_.regions.size();
  const std::size_t entity_years = std::size_t(entities) * years;  // per replication
  const std::size_t cells_per_rep = entity_years * fields;
  out.first_replication = first;
  out.replications = count;
  out.entities = entities;
  out.years = years;
  out.fields = fields;
  out.values.assign(count * cells_per_rep, 0.0);
  out.efficiency.assign(count * entities, 0.0);
  out.effect.assign(count * entities, 0.0);
  out.region_shock.assign(count * regions * years, 0.0);
  if (count == 0 || entities == 0) return;
  APMSIM_CUDA_CHECK(cudaSetDevice(s.device));
  // A batch that failed part-way may have left work queued: let it end, and drop its results.
  for (int i = 0; i < kStreams; ++i) {
    s.slots[i].pending = false;
    APMSIM_CUDA_CHECK(cudaStreamSynchronize(s.streams[i]));
  }

  // At least two sub-batches when there are two replications, so the streams overlap.
  const std::uint64_t sub = std::min(s.sub_batch_limit, (count + 1) / 2);
  ensure_capacity(s.slots, sub, entity_years, cells_per_rep);

  std::uint64_t index = 0;
  for (std::uint64_t begin = 0; begin < count; begin += sub, ++index) {
    Slot& slot = s.slots[index % kStreams];
    cudaStream_t stream = s.streams[index % kStreams];
    finish(slot, stream, cells_per_rep, out);  // its buffers are about to be reused
    const std::uint64_t reps = std::min(sub, count - begin);

    // The host draws the worlds while the other stream's kernel runs.
    for (std::uint64_t r = 0; r < reps; ++r) {
      const std::uint64_t rep = begin + r;  // within the batch
      engine::draw_world(model_, first + rep, s.world);
      std::copy(s.world.entity_years.begin(), s.world.entity_years.end(),
                slot.host_entity_years.get() + r * entity_years);
      std::copy(s.world.episodes.begin(), s.world.episodes.end(),
                slot.host_episodes.get() + r * entity_years);
      std::copy(s.world.efficiency.begin(), s.world.efficiency.end(),
                out.efficiency.begin() + static_cast<std::ptrdiff_t>(rep * entities));
      std::copy(s.world.effect.begin(), s.world.effect.end(),
                out.effect.begin() + static_cast<std::ptrdiff_t>(rep * entities));
      std::copy(s.world.region_shock.begin(), s.world.region_shock.end(),
                out.region_shock.begin() + static_cast<std::ptrdiff_t>(rep * regions * years));
    }

    const std::uint64_t blocks = reps * entities;
    if (blocks > 0x7fffffffu) throw std::runtime_error("CUDA: too many blocks in one launch");
    APMSIM_CUDA_CHECK(cudaMemcpyAsync(slot.entity_years.get(), slot.host_entity_years.get(),
                                      reps * entity_years * sizeof(model::EntityYear),
                                      cudaMemcpyHostToDevice, stream));
    APMSIM_CUDA_CHECK(cudaMemcpyAsync(slot.episodes.get(), slot.host_episodes.get(),
                                      reps * entity_years * sizeof(std::uint32_t),
                                      cudaMemcpyHostToDevice, stream));
    simulate_entities<<<static_cast<unsigned>(blocks), static_cast<unsigned>(s.threads), s.shared,
                        stream>>>(
        model_.params, model_.layout, s.shapes.get(), slot.entity_years.get(), slot.episodes.get(),
        static_cast<std::uint32_t>(first + begin), entities, slot.tallies.get());
    APMSIM_CUDA_CHECK(cudaGetLastError());
    APMSIM_CUDA_CHECK(cudaMemcpyAsync(slot.host_tallies.get(), slot.tallies.get(),
                                      reps * cells_per_rep * sizeof(double), cudaMemcpyDeviceToHost,
                                      stream));
    slot.pending = true;
    slot.begin = begin;
    slot.reps = reps;
  }
  for (int i = 0; i < kStreams; ++i) finish(s.slots[i], s.streams[i], cells_per_rep, out);
}

}  // namespace apmsim::cuda
