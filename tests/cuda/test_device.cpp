// The shared model on a GPU: device Philox equals host Philox and cuRAND bit for bit, and one
// panel simulated on the device matches the CPU kernel within 1e-6 relative (the device sums
// in another order). Skipped, with a message, where there is no CUDA device.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../support/reference_scenario.hpp"
#include "cuda/model_device.cuh"
#include "engine/cpu_engine.hpp"
#include "engine/replication.hpp"
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

TEST(Device, PanelMatchesCpuKernel) {
  SKIP_WITHOUT_GPU();
  scenario::Scenario s = testing::reference_scenario();
  s.provider_groups[0].count = 1;
  s.provider_groups[0].panel_size = 20000;
  s.tallies.thresholds = {20000.0};
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 1);
  engine::BatchTallies b;
  cpu.run_batch(5, 1, b);
  engine::ReplicationWorld w;
  draw_world(m, 5, w);
  std::vector<model::EntityYear> years(w.entity_years.begin(), w.entity_years.begin() + m.years());
  std::vector<double> gpu;
  ASSERT_TRUE(cuda::panel_on_device(m.params, m.layout, m.entities[0].shape, years, 5, 0, gpu));
  for (int y = 0; y < m.years(); ++y)
    for (int f = 0; f < m.layout.fields(); ++f) {
      const double c = b.record(0, 0, y)[f], g = gpu[y * m.layout.fields() + f];
      EXPECT_NEAR(g, c, 1e-6 * std::fabs(c)) << "year " << y << " field " << f;
    }
}

}  // namespace
}  // namespace apmsim
