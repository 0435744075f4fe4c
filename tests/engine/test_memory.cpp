// Memory must not grow with patients (DESIGN section 11): a patient's state lives in registers and
// tallies are per entity-year, so the heap used by a batch is the same for a panel of 1,000 and
// one of 400,000. Measured by counting live heap bytes through the global allocation functions.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "../support/reference_scenario.hpp"
#include "engine/cpu_engine.hpp"

namespace {
std::atomic<long long> g_live{0};
std::atomic<long long> g_peak{0};
std::atomic<bool> g_counting{false};

void* counted_alloc(std::size_t n, std::size_t align) {
  // Room in front of the block for its size, kept aligned for over-aligned types.
  const std::size_t header = align > sizeof(std::size_t) ? align : alignof(std::max_align_t);
  void* raw = std::aligned_alloc(header, (n + header + header - 1) / header * header);
  if (!raw) throw std::bad_alloc();
  *static_cast<std::size_t*>(raw) = n;
  *reinterpret_cast<std::size_t*>(static_cast<char*>(raw) + header - sizeof(std::size_t)) = header;
  if (g_counting) {
    const long long live = g_live += static_cast<long long>(n);
    long long peak = g_peak;
    while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
    }
  }
  return static_cast<char*>(raw) + header;
}

void counted_free(void* p) {
  if (!p) return;
  const std::size_t header =
      *reinterpret_cast<std::size_t*>(static_cast<char*>(p) - sizeof(std::size_t));
  char* raw = static_cast<char*>(p) - header;
  if (g_counting) g_live -= static_cast<long long>(*reinterpret_cast<std::size_t*>(raw));
  std::free(raw);
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n, alignof(std::max_align_t)); }
void* operator new[](std::size_t n) { return counted_alloc(n, alignof(std::max_align_t)); }
void* operator new(std::size_t n, std::align_val_t a) {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }

// Every replaceable form, so no block is allocated by one scheme and freed by the other.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n, alignof(std::max_align_t));
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n, static_cast<std::size_t>(a));
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t& t) noexcept {
  return operator new(n, a, t);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  counted_free(p);
}

namespace apmsim {
namespace {

long long peak_heap_of_batch(std::uint32_t panel_size) {
  scenario::Scenario s = testing::reference_scenario();
  s.provider_groups[0].count = 4;
  s.provider_groups[0].panel_size = panel_size;
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 1);
  engine::BatchTallies b;
  cpu.run_batch(0, 1, b);  // warm up thread-local buffers and the output vector
  g_live = 0;
  g_peak = 0;
  g_counting = true;
  cpu.run_batch(1, 1, b);
  g_counting = false;
  return g_peak;
}

TEST(Memory, HeapOfABatchDoesNotGrowWithPatients) {
  const long long small = peak_heap_of_batch(1000);
  const long long large = peak_heap_of_batch(400000);
  std::printf("peak heap during a batch: %lld bytes (1,000 patients), %lld bytes (400,000)\n",
              small, large);
  EXPECT_EQ(small, large);
  EXPECT_LT(large, 1 << 20);
}

}  // namespace
}  // namespace apmsim
