// The CPU kernel compiled for avx512, 16 units per register (flags set in CMakeLists.txt).
#define APMSIM_KERNEL_NAME simulate_entity_avx512
#define APMSIM_KERNEL_WIDTH 16
#include "engine/kernels/kernel_impl.hpp"
