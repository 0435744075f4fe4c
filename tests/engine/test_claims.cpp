// Synthetic claims (apmsim sample) are the engine's own units: per (entity, year) the records'
// costs, counterfactual costs and risk scores sum to the CPU engine's tallies of that
// replication (to 1e-12: another summation order), and their counts of rows, measured and
// achieved outcomes equal the tallies exactly. Members are trajectories: each member's rows are
// consecutive years of one entity, and a panel has one member per slot plus one per churn.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "../support/edge_worlds.hpp"
#include "../support/reference_scenario.hpp"
#include "engine/claims.hpp"
#include "engine/cpu_engine.hpp"

namespace apmsim {
namespace {

using model::TallyLayout;

void expect_records_sum_to_tallies(const scenario::Scenario& s, std::uint64_t replication) {
  const engine::Model m = engine::build_model(s);
  engine::ReplicationWorld world;
  engine::draw_world(m, replication, world);
  const int years = m.years(), fields = m.layout.fields();
  std::vector<double> sums(std::size_t(m.entity_count()) * years * fields, 0.0);
  std::vector<engine::ClaimRecord> records;
  std::uint64_t members = 0;
  for (const engine::ClaimWork& w : engine::claim_work(m, world, m.entity_count(), 300)) {
    members += engine::simulate_claims(m, world, static_cast<std::uint32_t>(replication), w, records);
    int previous_member = -1, previous_year = -1;
    for (const engine::ClaimRecord& r : records) {
      double* t = &sums[(std::size_t(r.entity) * years + r.year) * fields];
      t[TallyLayout::kUnits] += 1.0;
      t[TallyLayout::kCost] += r.cost;
      t[TallyLayout::kCounterfactual] += r.counterfactual;
      t[TallyLayout::kRiskScore] += r.risk_score;
      for (int k = 0; k < m.params.measures; ++k) {
        const int v = r.measures[static_cast<std::size_t>(k)];
        t[m.layout.measure_field(k, TallyLayout::kMeasured)] += v >= 0 ? 1.0 : 0.0;
        t[m.layout.measure_field(k, TallyLayout::kAchieved)] += v == 1 ? 1.0 : 0.0;
      }
      // A member's rows are consecutive years; a new member starts at year 0 or after churn.
      if (!m.entities[r.entity].shape.episodes && int(r.member) == previous_member) {
        EXPECT_EQ(r.year, previous_year + 1) << "member " << r.member;
      }
      previous_member = int(r.member);
      previous_year = r.year;
    }
  }
  const engine::CpuEngine cpu(m, 2);
  engine::BatchTallies b;
  cpu.run_batch(replication, 1, b);
  std::uint64_t units = 0;
  for (std::uint32_t e = 0; e < m.entity_count(); ++e)
    for (int y = 0; y < years; ++y) {
      const double* tally = b.record(0, e, y);
      const double* mine = &sums[(std::size_t(e) * years + y) * fields];
      units += static_cast<std::uint64_t>(tally[TallyLayout::kUnits]);
      EXPECT_EQ(mine[TallyLayout::kUnits], tally[TallyLayout::kUnits]) << m.entities[e].name << " " << y;
      for (int f : {int(TallyLayout::kCost), int(TallyLayout::kCounterfactual), int(TallyLayout::kRiskScore)})
        EXPECT_NEAR(mine[f], tally[f], 1e-12 * std::fabs(tally[f]) + 1e-300)
            << m.entities[e].name << " year " << y << " field " << f;
      for (int k = 0; k < m.params.measures; ++k)
        for (int which : {int(TallyLayout::kMeasured), int(TallyLayout::kAchieved)}) {
          const int f = m.layout.measure_field(k, which);
          EXPECT_EQ(mine[f], tally[f]) << m.entities[e].name << " year " << y << " measure " << k;
        }
    }
  EXPECT_GT(units, 0u);
  EXPECT_GE(members, 1u);
}

TEST(Claims, RecordsSumToTheEngineTallies) {
  expect_records_sum_to_tallies(testing::mixed_world(), 3);
}

TEST(Claims, EmpiricalSeveritiesAndEdgeShapes) {
  expect_records_sum_to_tallies(testing::empirical_world(), 0);
  scenario::Scenario edge = testing::edge_shapes_scenario();
  edge.provider_groups[7].panel_size = 2000;  // keep it quick
  expect_records_sum_to_tallies(edge, 1);
}

// With churn, a panel of n slots over K years has n members at the start and one more for every
// churn event: between n and n K, and about n (1 + churn (K - 1)).
TEST(Claims, ChurnedSlotsStartNewMembers) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.patients.churn = 0.2;
  s.provider_groups[0].panel_size = 20000;
  const engine::Model m = engine::build_model(s);
  engine::ReplicationWorld world;
  engine::draw_world(m, 0, world);
  std::uint64_t members = 0;
  std::vector<engine::ClaimRecord> records;
  for (const auto& w : engine::claim_work(m, world, m.providers, 4096))
    members += engine::simulate_claims(m, world, 0, w, records);
  const double n = 20000, expected = n * (1.0 + 0.2 * (m.years() - 1));
  const double sd = std::sqrt(n * (m.years() - 1) * 0.2 * 0.8);
  EXPECT_NEAR(double(members), expected, 4.0 * sd);
}

// Assignment churn: a provider's member who survives (1 - churn) leaves its assignment with
// probability assignment_churn, so a slot starts a new member with probability
// 1 - (1 - churn)(1 - assignment_churn) = 0.1 + 0.9 x 0.25 = 0.325 a year; comparison
// populations (the region's whole population) keep churn alone. Tolerance: 4 binomial sds.
TEST(Claims, AssignmentChurnReplacesAtTheCombinedRate) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.patients.churn = 0.1;
  s.provider_groups[0].panel_size = 20000;
  s.provider_groups[0].assignment_churn = 0.25;
  const engine::Model m = engine::build_model(s);
  ASSERT_FLOAT_EQ(m.entities[0].shape.replacement, 0.325f);
  ASSERT_FLOAT_EQ(m.entities[m.providers].shape.replacement, 0.1f);
  engine::ReplicationWorld world;
  engine::draw_world(m, 0, world);
  std::uint64_t members = 0;
  std::vector<engine::ClaimRecord> records;
  for (const auto& w : engine::claim_work(m, world, 1, 4096))
    members += engine::simulate_claims(m, world, 0, w, records);
  const double n = 20000, q = 0.325, expected = n * (1.0 + q * (m.years() - 1));
  const double sd = std::sqrt(n * (m.years() - 1) * q * (1.0 - q));
  EXPECT_NEAR(double(members), expected, 4.0 * sd);
}

// With assignment_churn = 0 the replacement probability is churn's own float: the model and its
// results are unchanged bit for bit (docs/model.md).
TEST(Claims, NoAssignmentChurnKeepsChurnsBits) {
  scenario::Scenario s = testing::single_stratum_scenario();
  for (double churn : {0.07, 0.1, 0.3, 1.0 / 3.0}) {
    s.patients.churn = churn;
    const engine::Model m = engine::build_model(s);
    EXPECT_EQ(m.entities[0].shape.replacement, static_cast<float>(churn));
  }
}

}  // namespace
}  // namespace apmsim
