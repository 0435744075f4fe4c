// The emulated device (issue 22): each CUDA thread of a block is a fiber (Boost.Context), the
// block's threads run in turn until each reaches a barrier or warp collective, which completes
// when every thread it names has met it there. A collective that cannot complete (a lane that
// exited or waits elsewhere, a mask naming lanes that do not exist, a barrier inside a divergent
// branch) is a fault naming block, warp, lanes and source lines; the block's threads are then
// unwound and the grid stops. Blocks run one after another; dynamic shared memory is exactly the
// launch's size, filled with 0xff bytes (NaN) at each block, with a guard checked after it (under
// AddressSanitizer the allocation's own redzone instead).
#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cuda/emu/emulator.hpp"

#if defined(APMSIM_EMU_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace apmsim::emu {

thread_local uint3 thread_index{}, block_index{};
thread_local dim3 block_dim, grid_dim;

namespace {

namespace ctx = boost::context;

#if defined(APMSIM_EMU_ASAN)
constexpr std::size_t kStackBytes = 1024 * 1024;  // instrumented frames are larger
constexpr std::size_t kGuardBytes = 0;            // the allocation's redzone guards it
// AddressSanitizer follows each switch of stacks (otherwise it reports the fiber's frames as
// overflows of the thread's stack).
void start_switch(void** fake, const void* bottom, std::size_t size) {
  __sanitizer_start_switch_fiber(fake, bottom, size);
}
void finish_switch(void* fake, const void** bottom, std::size_t* size) {
  __sanitizer_finish_switch_fiber(fake, bottom, size);
}
#else
constexpr std::size_t kStackBytes = 256 * 1024;
constexpr std::size_t kGuardBytes = 256;
void start_switch(void**, const void*, std::size_t) {}
void finish_switch(void*, const void**, std::size_t*) {}
#endif
constexpr unsigned char kFill = 0xff;   //!< what uninitialised shared memory holds (NaN doubles)
constexpr unsigned char kGuard = 0xa5;  //!< the guard after it

//! Fiber stacks (with a guard page), reused from block to block.
class StackPool {
 public:
  ~StackPool() {
    for (ctx::stack_context& s : free_) allocator_.deallocate(s);
  }
  ctx::stack_context take() {
    if (free_.empty()) return allocator_.allocate();
    const ctx::stack_context s = free_.back();
    free_.pop_back();
    return s;
  }
  void give(ctx::stack_context s) { free_.push_back(s); }

 private:
  ctx::protected_fixedsize_stack allocator_{kStackBytes};
  std::vector<ctx::stack_context> free_;
};
thread_local StackPool stacks;

//! Boost.Context's stack allocator interface over the pool; tells the thread where its stack is.
struct PooledStack {
  StackPool* pool;
  ctx::stack_context* record;
  ctx::stack_context allocate() {
    *record = pool->take();
    return *record;
  }
  void deallocate(ctx::stack_context& s) noexcept { pool->give(s); }
};

//! Thrown inside a thread whose block faulted: unwinds its stack back to the fiber's entry.
struct Aborted {};

enum class State { Ready, Waiting, Done };

struct Thread {
  ctx::fiber fiber;
  ctx::stack_context stack{};
  uint3 index{};
  int linear = 0;
  State state = State::Ready;
  // The collective it waits at.
  Collective kind = Collective::Barrier;
  Site site{"", 0};
  unsigned mask = 0;
  std::uint64_t value = 0, result = 0;
  int arg = 0, width = 32;
  void* fake_stack = nullptr;
};

struct Block {
  const void* call = nullptr;
  void (*body)(const void*) = nullptr;
  std::vector<Thread> threads;
  ctx::fiber scheduler;  //!< the scheduler, while a thread runs
  const void* scheduler_bottom = nullptr;
  std::size_t scheduler_size = 0;
  int current = -1;
  std::size_t at_barrier = 0;  //!< threads waiting at a barrier
  std::size_t exited = 0;      //!< threads done
  bool aborting = false;
  std::string fault;
  unsigned char* shared = nullptr;
};
thread_local Block* running = nullptr;

const char* collective_name(Collective k) {
  switch (k) {
    case Collective::Barrier: return "__syncthreads";
    case Collective::SyncWarp: return "__syncwarp";
    case Collective::Ballot: return "__ballot_sync";
    case Collective::Any: return "__any_sync";
    case Collective::All: return "__all_sync";
    case Collective::ShflIndex: return "__shfl_sync";
    case Collective::ShflUp: return "__shfl_up_sync";
    case Collective::ShflDown: return "__shfl_down_sync";
    case Collective::ShflXor: return "__shfl_xor_sync";
  }
  return "?";
}

//! "file.cu:58" (the file's last component).
std::string site_text(Site s) {
  const char* slash = std::strrchr(s.file, '/');
  return std::string(slash ? slash + 1 : s.file) + ":" + std::to_string(s.line);
}

//! "0-15, 17" from a set of lane (or thread) numbers in increasing order.
std::string ranges(const std::vector<int>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(v[i]);
    if (j > i) out += "-" + std::to_string(v[j]);
    i = j + 1;
  }
  return out;
}

std::string hex(unsigned mask) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", mask);
  return text;
}

std::string block_text() {
  return "block (" + std::to_string(block_index.x) + "," + std::to_string(block_index.y) + "," +
         std::to_string(block_index.z) + ")";
}

//! "__shfl_down_sync at cuda_engine.cu:58 with mask 0xffffffff".
std::string waiting_text(const Thread& t) {
  std::string s = std::string(collective_name(t.kind)) + " at " + site_text(t.site);
  if (t.kind != Collective::Barrier) s += " with mask " + hex(t.mask);
  return s;
}

void fault(Block& b, const std::string& what) {
  if (b.fault.empty()) b.fault = block_text() + ": " + what;
  b.aborting = true;
}

bool same_collective(const Thread& a, const Thread& b) {
  return a.kind == b.kind && a.site.line == b.site.line && a.mask == b.mask && a.width == b.width &&
         (a.site.file == b.site.file || std::strcmp(a.site.file, b.site.file) == 0);
}

//! The lane a shuffle reads for `lane` (or `lane` itself when it keeps its own value, as CUDA
//! gives a lane whose source is outside its `width` segment). Deltas are unsigned, as in CUDA.
int shuffle_source(const Thread& t, int lane) {
  const unsigned w = static_cast<unsigned>(t.width), l = static_cast<unsigned>(lane);
  const unsigned arg = static_cast<unsigned>(t.arg);
  switch (t.kind) {
    case Collective::ShflIndex: return static_cast<int>(l / w * w + (arg & (w - 1)));
    case Collective::ShflUp: return static_cast<int>(l % w >= arg ? l - arg : l);
    case Collective::ShflDown: return static_cast<int>(arg < w - l % w ? l + arg : l);
    case Collective::ShflXor: {
      const unsigned src = l ^ arg;
      return static_cast<int>(src > 31 || src / w > l / w ? l : src);
    }
    default: return lane;
  }
}

//! The value lane `lane` gets from the collective its warp's lanes in `mask` have all met.
std::uint64_t collective_result(const Block& b, int first, const Thread& t, int lane, unsigned votes) {
  switch (t.kind) {
    case Collective::Ballot: return votes;
    case Collective::Any: return votes != 0;
    case Collective::All: return votes == t.mask;
    case Collective::ShflIndex:
    case Collective::ShflUp:
    case Collective::ShflDown:
    case Collective::ShflXor: return b.threads[std::size_t(first + shuffle_source(t, lane))].value;
    default: return 0;
  }
}

//! Completes warp `warp`'s collective that `t` waits at when every lane it names has met it;
//! a fault when one of them cannot (exited, waits elsewhere, does not exist).
void try_warp(Block& b, int warp, const Thread& t) {
  const int n = static_cast<int>(b.threads.size());
  const int first = warp * 32;
  const int lanes = std::min(32, n - first);
  const unsigned exists = lanes == 32 ? ~0u : (1u << lanes) - 1u;
  const int me = t.linear - first;
  // Lanes arrive in order: while the next one named has not, there is nothing to do yet (a
  // fault among the others is found when the last arrives, exits, or nobody can go on).
  for (int l = me + 1; l < lanes; ++l)
    if ((t.mask >> l & 1u) && b.threads[std::size_t(first + l)].state == State::Ready &&
        (t.mask & ~exists) == 0 && (t.mask >> me & 1u))
      return;
  const auto where = [&] { return "warp " + std::to_string(warp) + ", " + waiting_text(t); };
  if (!(t.mask >> me & 1u))
    return fault(b, where() + ": lane " + std::to_string(me) + " calls it with a mask that leaves it out");
  if (t.mask & ~exists) {
    std::vector<int> missing;
    for (int l = lanes; l < 32; ++l)
      if (t.mask >> l & 1u) missing.push_back(l);
    return fault(b, where() + " names lanes " + ranges(missing) + ", which do not exist: the block's " +
                        std::to_string(n) + " threads leave warp " + std::to_string(warp) +
                        " with " + std::to_string(lanes) + " lanes (a partial warp)");
  }
  if (t.kind >= Collective::ShflIndex && (t.width < 1 || t.width > 32 || (t.width & (t.width - 1)) != 0))
    return fault(b, where() + ": width " + std::to_string(t.width) + " is not a power of 2 up to 32");
  std::vector<int> exited, elsewhere;
  std::string elsewhere_at;
  bool all_here = true;
  for (int l = 0; l < 32; ++l) {
    if (!(t.mask >> l & 1u)) continue;
    const Thread& o = b.threads[std::size_t(first + l)];
    if (o.state == State::Done) {
      exited.push_back(l);
    } else if (o.state == State::Waiting && !same_collective(o, t)) {
      elsewhere.push_back(l);
      if (elsewhere_at.empty()) elsewhere_at = waiting_text(o);
    } else if (o.state == State::Ready) {
      all_here = false;
    }
  }
  if (!exited.empty())
    return fault(b, where() + ": lanes " + ranges(exited) +
                        " exited without reaching it (a collective in a divergent branch)");
  if (!elsewhere.empty())
    return fault(b, where() + ": lanes " + ranges(elsewhere) + " wait at " + elsewhere_at +
                        " instead (divergent warp)");
  if (!all_here) return;
  if (t.kind >= Collective::ShflIndex) {
    for (int l = 0; l < 32; ++l) {
      if (!(t.mask >> l & 1u)) continue;
      const int src = shuffle_source(t, l);
      if (!(t.mask >> src & 1u))
        return fault(b, where() + ": lane " + std::to_string(l) + " reads lane " +
                            std::to_string(src) + ", which is not in the mask (undefined value)");
    }
  }
  unsigned votes = 0;
  for (int l = 0; l < 32; ++l)
    if ((t.mask >> l & 1u) && b.threads[std::size_t(first + l)].value != 0) votes |= 1u << l;
  for (int l = 0; l < 32; ++l)
    if (t.mask >> l & 1u)
      b.threads[std::size_t(first + l)].result = collective_result(b, first, t, l, votes);
  for (int l = 0; l < 32; ++l)
    if (t.mask >> l & 1u) b.threads[std::size_t(first + l)].state = State::Ready;
}

//! Releases the block's barrier when every thread waits at it; a fault when a thread exited or
//! waits at another barrier.
void try_barrier(Block& b) {
  // Until every thread has arrived or exited there is nothing to release or report.
  if (b.at_barrier == 0 || b.at_barrier + b.exited < b.threads.size()) return;
  const Thread* at = nullptr;
  std::vector<int> exited, elsewhere, ready;
  std::string elsewhere_at;
  for (const Thread& o : b.threads) {
    if (o.state == State::Waiting && o.kind == Collective::Barrier) {
      if (at == nullptr) at = &o;
      else if (!same_collective(o, *at)) {
        elsewhere.push_back(o.linear);
        if (elsewhere_at.empty()) elsewhere_at = waiting_text(o);
      }
    } else if (o.state == State::Done) {
      exited.push_back(o.linear);
    } else {
      ready.push_back(o.linear);
    }
  }
  if (at == nullptr) return;
  const std::string where = waiting_text(*at);
  if (!exited.empty())
    return fault(b, where + ": threads " + ranges(exited) +
                        " exited without reaching it (a barrier in a divergent branch)");
  if (!elsewhere.empty())
    return fault(b, where + ": threads " + ranges(elsewhere) + " wait at " + elsewhere_at +
                        " instead (a barrier in a divergent branch)");
  if (!ready.empty()) return;
  for (Thread& o : b.threads) o.state = State::Ready;
  b.at_barrier = 0;
}

//! "warp 0: lanes 0-15 wait at ..., lanes 16-31 at ...; warp 1: ..." for a block that cannot go on.
std::string deadlock_text(const Block& b) {
  std::string out;
  const int n = static_cast<int>(b.threads.size());
  for (int first = 0; first < n; first += 32) {
    std::vector<std::pair<std::string, std::vector<int>>> groups;
    for (int i = first; i < std::min(n, first + 32); ++i) {
      const Thread& t = b.threads[std::size_t(i)];
      const std::string what = t.state == State::Done ? "exited" : "wait at " + waiting_text(t);
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == what; });
      if (g == groups.end()) groups.push_back({what, {i - first}});
      else g->second.push_back(i - first);
    }
    out += (out.empty() ? "" : "; ") + std::string("warp ") + std::to_string(first / 32) + ":";
    for (const auto& [what, lanes] : groups) out += " lanes " + ranges(lanes) + " " + what + ",";
    out.pop_back();
  }
  return out;
}

void yield(Block& b, Thread& t) {
  start_switch(&t.fake_stack, b.scheduler_bottom, b.scheduler_size);
  b.scheduler = std::move(b.scheduler).resume();
  finish_switch(t.fake_stack, &b.scheduler_bottom, &b.scheduler_size);
  if (b.aborting) throw Aborted{};
}

ctx::fiber thread_entry(Block& b, int i, ctx::fiber&& scheduler) {
  b.scheduler = std::move(scheduler);
  finish_switch(nullptr, &b.scheduler_bottom, &b.scheduler_size);
  Thread& t = b.threads[std::size_t(i)];
  try {
    if (!b.aborting) b.body(b.call);
  } catch (const Aborted&) {
  } catch (const std::exception& e) {
    fault(b, "thread " + std::to_string(i) + " threw: " + e.what());
  } catch (...) {
    fault(b, "thread " + std::to_string(i) + " threw an exception");
  }
  t.state = State::Done;
  ++b.exited;
  if (!b.aborting) {
    // Whoever waits for this thread now waits forever.
    const int first = t.linear / 32 * 32;
    for (int l = first; l < std::min<int>(first + 32, static_cast<int>(b.threads.size())); ++l) {
      const Thread& o = b.threads[std::size_t(l)];
      if (o.state == State::Waiting && o.kind != Collective::Barrier && (o.mask >> (i - first) & 1u)) {
        try_warp(b, first / 32, o);
        break;
      }
    }
    if (!b.aborting) try_barrier(b);
  }
  start_switch(nullptr, b.scheduler_bottom, b.scheduler_size);
  return std::move(b.scheduler);
}

void resume(Block& b, int i) {
  Thread& t = b.threads[std::size_t(i)];
  b.current = i;
  thread_index = t.index;
  void* fake = nullptr;
  start_switch(&fake, static_cast<char*>(t.stack.sp) - t.stack.size, t.stack.size);
  t.fiber = std::move(t.fiber).resume();
  finish_switch(fake, nullptr, nullptr);
  b.current = -1;
}

//! Runs the current block (block_index) to the end or to its first fault.
void run_block(Block& b, unsigned threads) {
  b.threads.clear();
  b.threads.resize(threads);
  b.aborting = false;
  b.at_barrier = b.exited = 0;
  for (unsigned i = 0; i < threads; ++i) {
    Thread& t = b.threads[i];
    t.linear = static_cast<int>(i);
    t.index = uint3{i % block_dim.x, i / block_dim.x % block_dim.y, i / (block_dim.x * block_dim.y)};
    t.fiber = ctx::fiber(std::allocator_arg, PooledStack{&stacks, &t.stack},
                         [&b, i](ctx::fiber&& s) { return thread_entry(b, static_cast<int>(i), std::move(s)); });
  }
  std::size_t done = 0;
  while (!b.aborting && done < threads) {
    bool ran = false;
    for (unsigned i = 0; i < threads && !b.aborting; ++i) {
      if (b.threads[i].state != State::Ready) continue;
      resume(b, static_cast<int>(i));
      ran = true;
      if (b.threads[i].state == State::Done) ++done;
    }
    if (!ran && !b.aborting && done < threads)
      fault(b, "no thread can go on (deadlock): " + deadlock_text(b));
  }
  // Unwind what a fault left suspended.
  for (unsigned i = 0; i < threads; ++i)
    while (b.threads[i].fiber) resume(b, static_cast<int>(i));
}

}  // namespace

std::uint64_t collective(Site site, Collective kind, unsigned mask, std::uint64_t value, int arg,
                         int width) {
  Block* bp = running;
  if (bp == nullptr || bp->current < 0) {
    std::fprintf(stderr, "apmsim CUDA emulator: %s at %s called outside a kernel\n",
                 collective_name(kind), site_text(site).c_str());
    std::abort();
  }
  Block& b = *bp;
  Thread& t = b.threads[std::size_t(b.current)];
  t.kind = kind;
  t.site = site;
  t.mask = mask;
  t.value = value;
  t.arg = arg;
  t.width = width;
  t.state = State::Waiting;
  if (kind == Collective::Barrier) {
    ++b.at_barrier;
    try_barrier(b);
  }
  else try_warp(b, t.linear / 32, t);
  if (b.aborting) throw Aborted{};
  while (t.state == State::Waiting) yield(b, t);
  return t.result;
}

void* dynamic_shared() {
  if (running == nullptr) {
    std::fprintf(stderr, "apmsim CUDA emulator: dynamic shared memory asked for outside a kernel\n");
    std::abort();
  }
  return running->shared;
}

std::string run_grid(const Launch& launch, const void* call, void (*body)(const void*)) {
  grid_dim = launch.grid;
  block_dim = launch.block;
  const unsigned threads = launch.block.x * launch.block.y * launch.block.z;
  // Exactly the bytes asked for, aligned as a device's shared memory is; a guard after them.
  const std::size_t bytes = launch.shared;
  std::unique_ptr<unsigned char[]> shared(new unsigned char[bytes + kGuardBytes]);
  Block b;
  b.call = call;
  b.body = body;
  b.shared = shared.get();
  Block* const outer = running;
  running = &b;
  std::string fault_text;
  for (unsigned z = 0; z < launch.grid.z && fault_text.empty(); ++z)
    for (unsigned y = 0; y < launch.grid.y && fault_text.empty(); ++y)
      for (unsigned x = 0; x < launch.grid.x && fault_text.empty(); ++x) {
        block_index = uint3{x, y, z};
        std::memset(shared.get(), kFill, bytes);
        std::memset(shared.get() + bytes, kGuard, kGuardBytes);
        b.fault.clear();
        run_block(b, threads);
        fault_text = b.fault;
        for (std::size_t g = 0; g < kGuardBytes && fault_text.empty(); ++g)
          if (shared[bytes + g] != kGuard)
            fault_text = block_text() + ": wrote past the end of its " + std::to_string(bytes) +
                         " bytes of dynamic shared memory (byte " + std::to_string(bytes + g) + ")";
      }
  running = outer;
  return fault_text;
}

}  // namespace apmsim::emu
