#pragma once
//! Which compiled kernel runs: the widest instruction set this CPU has, or one forced by name.

#include <string>

#include "engine/kernels/kernel.hpp"

namespace apmsim::engine {

//! Instruction sets the CPU kernel is compiled for.
enum class Isa { Generic, Avx2, Avx512 };

//! The best instruction set this CPU supports (APMSIM_ISA=generic|avx2|avx512 caps it).
Isa detect_isa();
//! True if this CPU can run `isa`.
bool isa_supported(Isa isa);
//! "generic", "avx2" or "avx512".
std::string isa_name(Isa isa);
//! Runs one work item with the kernel compiled for `isa`.
void simulate_entity(Isa isa, const KernelArgs& args);

}  // namespace apmsim::engine
