// The CPU kernel compiled for generic, 4 units per register (flags set in CMakeLists.txt).
#define APMSIM_KERNEL_NAME simulate_entity_generic
#define APMSIM_KERNEL_WIDTH 4
#include "engine/kernels/kernel_impl.hpp"
