// The shared model on a GPU: device Philox equals host Philox and cuRAND bit for bit (the whole
// engine is held to the host's emulation of its order in test_engine.cpp); the device status
// says why there is no device. GPU tests skip, with the reason, where there is no CUDA device.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "cuda/model_device.cuh"
#include "gpu_test.hpp"
#include "model/philox.hpp"

namespace apmsim {
namespace {

TEST(Device, PhiloxEqualsHostAndCurand) {
  SKIP_WITHOUT_GPU();
  std::mt19937 mt(3);
  std::vector<std::uint32_t> counters(4 * 100000);
  for (auto& c : counters) c = static_cast<std::uint32_t>(mt());
  std::vector<std::uint32_t> ours, curand;
  ASSERT_TRUE(cuda::philox_on_device(counters, 0x12345678u, 0x9abcdef0u, ours, curand));
  for (std::size_t i = 0; i < counters.size(); i += 4) {
    const auto h = model::philox4x32_10<model::ScalarLanes>(
        {counters[i], counters[i + 1], counters[i + 2], counters[i + 3]}, 0x12345678u, 0x9abcdef0u);
    ASSERT_EQ(ours[i], h.x);
    ASSERT_EQ(ours[i + 1], h.y);
    ASSERT_EQ(ours[i + 2], h.z);
    ASSERT_EQ(ours[i + 3], h.w);
    ASSERT_EQ(curand[i], h.x);
    ASSERT_EQ(curand[i + 1], h.y);
    ASSERT_EQ(curand[i + 2], h.z);
    ASSERT_EQ(curand[i + 3], h.w);
  }
}

// Without a device the runtime's reason is kept, in its own words, with the versions; with one,
// there is no error.
TEST(Device, StatusSaysWhy) {
  const cuda::DeviceStatus& status = cuda::device_status();
  EXPECT_GT(status.runtime_version, 0);
  EXPECT_NE(status.versions().find("runtime "), std::string::npos) << status.versions();
  if (status.count == 0) {
    EXPECT_FALSE(status.error.empty());
    EXPECT_NE(status.reason().find(status.error), std::string::npos) << status.reason();
  } else {
    EXPECT_TRUE(status.error.empty()) << status.error;
    EXPECT_GT(status.driver_version, 0);
  }
}

}  // namespace
}  // namespace apmsim
