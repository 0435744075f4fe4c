// The shipped default scenario reproduces the published concentration of Medicare spending
// (docs/calibration.md): top 1% of patients ~15% of annual cost, top 5% ~41%, top 10% ~60%,
// top 20% ~79%, CV ~2. The cross-section comes from the engine's own model code (one year of every
// provider and comparison population, as the engine draws them). Tolerances are the calibration's
// targets (+/-2 percentage points, CV +/-0.2); the sampling error of each share here is below
// 0.1 percentage points, so the test fails only if the model or the scenario drifts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/model.hpp"
#include "engine/replication.hpp"
#include "model/tally_layout.hpp"
#include "model/unit.hpp"
#include "scenario/load.hpp"

namespace apmsim {
namespace {

// Records each unit's cost (one unit per call with ScalarLanes).
struct CostCapture {
  double cost = 0.0;
  void add(int, int field, double v) {
    if (field == model::TallyLayout::kCost) cost = v;
  }
  void count(int, int, bool) {}
  void patient(int, int, bool, bool) {}
};

std::vector<double> cross_section(const scenario::Scenario& s, int replications) {
  const engine::Model m = engine::build_model(s);
  const model::Key key = model::key_from_seed(m.params.seed);
  std::vector<double> costs;
  engine::ReplicationWorld w;
  for (int r = 0; r < replications; ++r) {
    draw_world(m, r, w);
    for (std::uint32_t e = 0; e < m.entity_count(); ++e) {
      const model::EntityShape& shape = m.entities[e].shape;
      for (std::uint32_t slot = 0; slot < shape.panel_size; ++slot) {
        CostCapture sink;
        model::PatientState<model::ScalarLanes> st = model::initial_state<model::ScalarLanes>();
        model::unit_year<model::ScalarLanes>(m.params, m.layout, shape,
                                             w.entity_years[std::size_t(e) * m.years()], key, r, e,
                                             0, slot, true, true, st, sink);
        costs.push_back(sink.cost);
      }
    }
  }
  return costs;
}

TEST(Calibration, DefaultScenarioReproducesMedicareConcentration) {
  const scenario::Scenario s =
      scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) + "/scenarios/default.toml");
  std::vector<double> c = cross_section(s, 15);
  ASSERT_GT(c.size(), 4000000u);
  std::sort(c.begin(), c.end(), std::greater<double>());
  const double total = std::accumulate(c.begin(), c.end(), 0.0);
  auto top_share = [&](double fraction) {
    const auto k = static_cast<std::ptrdiff_t>(fraction * c.size());
    return std::accumulate(c.begin(), c.begin() + k, 0.0) / total;
  };
  const double mean = total / c.size();
  double ss = 0.0;
  for (double x : c) ss += (x - mean) * (x - mean);
  const double cv = std::sqrt(ss / (c.size() - 1)) / mean;
  std::printf("top 1%% %.3f, 5%% %.3f, 10%% %.3f, 20%% %.3f, cv %.3f, mean %.0f\n", top_share(0.01),
              top_share(0.05), top_share(0.10), top_share(0.20), cv, mean);
  EXPECT_NEAR(top_share(0.01), 0.15, 0.02);
  EXPECT_NEAR(top_share(0.05), 0.41, 0.02);
  EXPECT_NEAR(top_share(0.10), 0.60, 0.02);
  EXPECT_NEAR(top_share(0.20), 0.79, 0.02);
  EXPECT_NEAR(cv, 2.0, 0.2);
  EXPECT_NEAR(mean, 12500.0, 500.0);
}

}  // namespace
}  // namespace apmsim
