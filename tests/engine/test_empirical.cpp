// Empirical severities in the engine: the simulated mean cost and limited means E[min(cost, A)]
// at the table's knots equal the exact values of what the engine samples (the normal-score
// grid, stats::ScoreGrid) and of the table itself within 3 standard errors of the mean over
// replications; frailty, which enters through the normal score, leaves the marginal alone;
// every CPU instruction set gives the same bits with empirical and lognormal strata side by side.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "../support/edge_worlds.hpp"
#include "../support/reference_scenario.hpp"
#include "analysis/moments.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "stats/severity.hpp"

namespace apmsim {
namespace {

using model::TallyLayout;

using testing::empirical_stratum;

stats::QuantileTable table_of(const scenario::Stratum& st) {
  return stats::QuantileTable(st.probabilities, st.quantiles, st.tail_scale, st.tail_shape);
}

TEST(EmpiricalSeverity, MeanAndLimitedMeansMatchTheTableWithinThreeStandardErrors) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.strata = {empirical_stratum()};
  s.patients.frailty_sd = 0.6;  // persistent: enters the normal score, not the marginal
  s.patients.frailty_rho = 0.8;
  s.simulation.replications = 300;
  const std::vector<double> knots = {400.0, 1500.0, 5000.0, 9000.0, 30000.0, 60000.0};
  s.tallies.thresholds = knots;
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 2);
  engine::BatchTallies b;
  cpu.run_batch(0, s.simulation.replications, b);

  const stats::QuantileTable table = table_of(s.strata[0]);
  const stats::ScoreGrid grid(table, model::kScoreCells, model::kScoreLimit);
  const double p_any = s.strata[0].p_any;
  std::vector<analysis::RunningMoments> lev(knots.size());
  analysis::RunningMoments mean;
  for (std::uint64_t r = 0; r < b.replications; ++r) {
    double units = 0.0, cost = 0.0;
    std::vector<double> capped(knots.size(), 0.0);
    for (int y = 0; y < b.years; ++y) {
      const double* t = b.record(r, 0, y);
      units += t[TallyLayout::kUnits];
      cost += t[TallyLayout::kCost];
      for (std::size_t k = 0; k < knots.size(); ++k) capped[k] += t[m.layout.capped_field(int(k))];
    }
    mean.add(cost / units);
    for (std::size_t k = 0; k < knots.size(); ++k) lev[k].add(capped[k] / units);
  }
  const auto check = [](const analysis::RunningMoments& est, double exact, const std::string& what) {
    EXPECT_NEAR(est.mean(), exact, 3.0 * est.standard_error())
        << what << ": simulated " << est.mean() << " +/- " << est.standard_error() << ", exact "
        << exact;
  };
  check(mean, p_any * grid.mean(), "mean (grid)");
  check(mean, p_any * table.mean(), "mean (table)");
  for (std::size_t k = 0; k < knots.size(); ++k) {
    check(lev[k], p_any * grid.limited_mean(knots[k]), "LEV " + std::to_string(knots[k]) + " (grid)");
    check(lev[k], p_any * table.limited_mean(knots[k]),
          "LEV " + std::to_string(knots[k]) + " (table)");
  }
  EXPECT_LT(mean.standard_error(), 0.01 * mean.mean());  // the check has power
}

std::vector<double> run_with(const scenario::Scenario& s, engine::Isa isa) {
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 2, isa);
  engine::BatchTallies b;
  cpu.run_batch(0, 3, b);
  return b.values;
}

TEST(EmpiricalSeverity, EveryInstructionSetGivesIdenticalBits) {
  // Lognormal, empirical and lognormal strata in the same SIMD groups.
  const scenario::Scenario s = testing::empirical_world();
  const std::vector<double> generic = run_with(s, engine::Isa::Generic);
  for (engine::Isa isa : {engine::Isa::Avx2, engine::Isa::Avx512}) {
    if (!engine::isa_supported(isa)) continue;
    const std::vector<double> other = run_with(s, isa);
    ASSERT_EQ(other.size(), generic.size());
    EXPECT_EQ(0, std::memcmp(other.data(), generic.data(), generic.size() * sizeof(double)))
        << engine::isa_name(isa);
  }
}

// A model copy keeps a valid grid: the table is shared, not copied away from the pointer.
TEST(EmpiricalSeverity, CopiedModelsKeepTheirGrid) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.strata = {empirical_stratum()};
  const engine::Model original = engine::build_model(s);
  ASSERT_TRUE(original.params.has_empirical);
  ASSERT_NE(original.params.severity, nullptr);
  std::unique_ptr<engine::Model> copy = std::make_unique<engine::Model>(original);
  EXPECT_EQ(copy->params.severity, copy->severity_table->data());
  EXPECT_EQ(copy->severity_table->size(), std::size_t(model::kScoreCells) + 1);
}

}  // namespace
}  // namespace apmsim
