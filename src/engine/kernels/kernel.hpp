#pragma once
//! The CPU kernel: all units of one entity in one replication, 16 lanes at a time, summed into
//! that entity's tallies. Compiled once per instruction set (kernel_<isa>.cpp); every version
//! gives bit-identical tallies, because lanes are always 16 units wide and reduced in lane order.

#include <csignal>
#include <cstdint>

#include "model/params.hpp"
#include "model/random.hpp"
#include "model/tally_layout.hpp"

namespace apmsim::engine {

//! Units per SIMD group: fixed, so the summation order does not depend on the CPU.
inline constexpr int kLanes = 16;

//! One (replication, entity) work item.
struct KernelArgs {
  const model::ModelParams* params;
  model::TallyLayout layout;
  const model::EntityShape* shape;
  const model::EntityYear* entity_years;  //!< [years]
  const std::uint32_t* episodes;          //!< [years], episode entities only
  std::uint32_t replication;
  std::uint32_t entity;
  double* tallies;  //!< out: [years][fields], overwritten
  //! Non-zero (a stop signal): return at the next check, tallies unfinished; the caller abandons
  //! the batch. Checked every kStopCheckUnits units, so a huge panel stops within milliseconds.
  const volatile std::sig_atomic_t* stop;
};

//! Units between two looks at KernelArgs::stop (a power of two).
inline constexpr std::uint64_t kStopCheckUnits = 1 << 16;

namespace kernels {
void simulate_entity_generic(const KernelArgs& args);
void simulate_entity_avx2(const KernelArgs& args);
void simulate_entity_avx512(const KernelArgs& args);
}  // namespace kernels

}  // namespace apmsim::engine
