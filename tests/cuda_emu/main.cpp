// test_cuda_emu: the GPU tests and the emulator's own, on the CPU emulator of the device. The
// emulated device shows only with APMSIM_CUDA_EMULATOR=1, which this binary sets for itself.
#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  ::setenv("APMSIM_CUDA_EMULATOR", "1", 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
