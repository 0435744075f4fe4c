// The CPU kernel compiled for avx2, 8 units per register (flags set in CMakeLists.txt).
#define APMSIM_KERNEL_NAME simulate_entity_avx2
#define APMSIM_KERNEL_WIDTH 8
#include "engine/kernels/kernel_impl.hpp"
