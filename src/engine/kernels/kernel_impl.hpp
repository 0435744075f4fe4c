#pragma once
//! Body of the CPU kernel, included by each kernel_<isa>.cpp with APMSIM_KERNEL_NAME and
//! APMSIM_KERNEL_WIDTH (units per register: 4 SSE2, 8 AVX2, 16 AVX-512) set.
//! Unit i is always summed into accumulator lane i mod 16 and lanes are added in order at the
//! end, so every width produces the same bits.

#include <cstring>
#include <vector>

#include "engine/kernels/kernel.hpp"
#include "model/unit.hpp"

namespace apmsim::engine::kernels {
namespace {

// Types local to this translation unit: every template the model instantiates with them has
// internal linkage, so the linker can never swap in another instruction set's copy (ODR).
struct Lanes : model::VectorLanes<APMSIM_KERNEL_WIDTH> {};
static_assert(kLanes % Lanes::width == 0, "the compute width must divide the accumulator width");

//! kLanes double sums and kLanes exact counts for one (year, field) cell.
struct LaneSum {
  double lane[kLanes];
  std::int32_t count[kLanes];
};

//! Adds a group of units into its lanes of every (year, field) cell.
struct LaneSink {
  LaneSum* sums;
  int fields;
  int lane_offset;  //!< first unit of the group mod kLanes
  // Typed loads and stores at the elements' natural alignment, which alias only doubles (or
  // int32s), where memcpy's bytes alias anything (the compiler then reloads every integer it
  // holds after each sum). The doubles go in registers of the instruction set's own width: a
  // Lanes::D of 8 doubles has no AVX2 register, and stored whole it is bounced through the stack
  // in 16-byte pieces.
  static constexpr int kRegisterBytes = APMSIM_KERNEL_WIDTH * 4;  // one F register
  typedef double Doubles __attribute__((vector_size(kRegisterBytes), aligned(alignof(double))));
  typedef Lanes::I Ints __attribute__((aligned(alignof(std::int32_t))));
  static constexpr int kPerRegister = kRegisterBytes / static_cast<int>(sizeof(double));
  inline __attribute__((always_inline)) void add(int year, int field, Lanes::D value) {
    double* at = sums[year * fields + field].lane + lane_offset;
    for (int k = 0; k < Lanes::width; k += kPerRegister) {
      Doubles part;
      std::memcpy(&part, reinterpret_cast<const char*>(&value) + k * sizeof(double), sizeof part);
      *reinterpret_cast<Doubles*>(at + k) += part;
    }
  }
  //! Who the units are: not tallied.
  inline __attribute__((always_inline)) void patient(int, Lanes::I, Lanes::M, Lanes::M) {}
  inline __attribute__((always_inline)) void count(int year, int field, Lanes::M mask) {
    // masks are 0 or -1
    *reinterpret_cast<Ints*>(sums[year * fields + field].count + lane_offset) -= mask;
  }
};

}  // namespace

void APMSIM_KERNEL_NAME(const KernelArgs& a) {
  const model::ModelParams& p = *a.params;
  const int fields = a.layout.fields();
  const int cells = p.years * fields;
  thread_local std::vector<LaneSum> sums;
  sums.assign(static_cast<std::size_t>(cells), LaneSum{});
  LaneSink sink{sums.data(), fields, 0};
  const model::Key key = model::key_from_seed(p.seed);
  const Lanes::U iota = Lanes::iota();
  // The lane-uniform start of each year's Philox blocks, once per entity instead of per group.
  model::UnitYearPrefix<Lanes> prefixes[model::kMaxYears];
  for (int k = 0; k < p.years; ++k)
    prefixes[k] = model::unit_year_prefix<Lanes>(key, a.replication, a.entity, k);
  if (!a.shape->episodes) {
    const std::uint32_t n = a.shape->panel_size;
    for (std::uint64_t base = 0; base < n; base += Lanes::width) {
      if (base % kStopCheckUnits == 0 && a.stop && *a.stop) return;
      const Lanes::U slots = iota + static_cast<std::uint32_t>(base);
      sink.lane_offset = static_cast<int>(base % kLanes);
      model::simulate_panel<Lanes>(p, a.layout, *a.shape, a.entity_years, key, a.replication,
                                   a.entity, slots, slots < n, sink, prefixes);
    }
  } else {
    for (int k = 0; k < p.years; ++k) {
      const std::uint32_t n = a.episodes[k];
      for (std::uint64_t base = 0; base < n; base += Lanes::width) {
        if (base % kStopCheckUnits == 0 && a.stop && *a.stop) return;
        const Lanes::U ids = iota + static_cast<std::uint32_t>(base);
        sink.lane_offset = static_cast<int>(base % kLanes);
        model::simulate_episodes<Lanes>(p, a.layout, *a.shape, a.entity_years[k], key,
                                        a.replication, a.entity, k, ids, ids < n, sink,
                                        &prefixes[k]);
      }
    }
  }
  for (int c = 0; c < cells; ++c) {
    double total = 0.0;
    std::int64_t count = 0;
    for (int lane = 0; lane < kLanes; ++lane) {
      total += sums[c].lane[lane];
      count += sums[c].count[lane];
    }
    a.tallies[c] = total + static_cast<double>(count);
  }
}

}  // namespace apmsim::engine::kernels
