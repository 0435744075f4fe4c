#include "engine/dispatch.hpp"

#include <cstdlib>
#include <cstring>

namespace apmsim::engine {

bool isa_supported(Isa isa) {
#if defined(APMSIM_X86_KERNELS)
  __builtin_cpu_init();
  switch (isa) {
    case Isa::Generic:
      return true;
    case Isa::Avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  }
  return false;
#else
  return isa == Isa::Generic;
#endif
}

Isa detect_isa() {
  Isa cap = Isa::Avx512;
  if (const char* forced = std::getenv("APMSIM_ISA")) {
    if (std::strcmp(forced, "generic") == 0) cap = Isa::Generic;
    if (std::strcmp(forced, "avx2") == 0) cap = Isa::Avx2;
  }
  if (cap == Isa::Avx512 && isa_supported(Isa::Avx512)) return Isa::Avx512;
  if (cap != Isa::Generic && isa_supported(Isa::Avx2)) return Isa::Avx2;
  return Isa::Generic;
}

std::string isa_name(Isa isa) {
  switch (isa) {
    case Isa::Generic:
      return "generic";
    case Isa::Avx2:
      return "avx2";
    case Isa::Avx512:
      return "avx512";
  }
  return "unknown";
}

void simulate_entity(Isa isa, const KernelArgs& args) {
#if defined(APMSIM_X86_KERNELS)
  if (isa == Isa::Avx512) return kernels::simulate_entity_avx512(args);
  if (isa == Isa::Avx2) return kernels::simulate_entity_avx2(args);
#endif
  (void)isa;
  kernels::simulate_entity_generic(args);
}

}  // namespace apmsim::engine
