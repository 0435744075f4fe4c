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
      for (int k = 0; k < m.params.thresholds; ++k)  // claimants above each threshold
        t[m.layout.above_field(k)] += r.cost > m.params.threshold[k] ? 1.0 : 0.0;
      if (m.params.types > 0) {  // the unit's enrollment type, truncated at its year's amount
        const int type = s.strata[static_cast<std::size_t>(r.stratum)].enrollment_type;
        const float a = m.type_truncation[static_cast<std::size_t>(r.year * m.params.types + type)];
        t[m.layout.type_field(type, TallyLayout::kTypeUnits)] += 1.0;
        t[m.layout.type_field(type, TallyLayout::kTypeCost)] += r.cost;
        t[m.layout.type_field(type, TallyLayout::kTypeTruncated)] += r.cost < a ? r.cost : a;
        t[m.layout.type_field(type, TallyLayout::kTypeRisk)] += r.risk_score;
      }
      for (int k = 0; k < m.params.measures; ++k) {
        const int v = r.measures[static_cast<std::size_t>(k)];
        t[m.layout.measure_field(k, TallyLayout::kMeasured)] += v >= 0 ? 1.0 : 0.0;
        t[m.layout.measure_field(k, TallyLayout::kAchieved)] += v == 1 ? 1.0 : 0.0;
      }
      // A member's rows are consecutive years (later ones where a year is not counted: not
      // assigned, or no care under retrospective assignment); a new member starts at year 0 or
      // after churn.
      if (!m.entities[r.entity].shape.episodes && int(r.member) == previous_member) {
        const bool gaps = m.entities[r.entity].shape.retrospective ||
                          !m.entities[r.entity].assigned_share.empty();
        if (gaps)
          EXPECT_GT(r.year, previous_year) << "member " << r.member;
        else
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
      for (int k = 0; k < m.params.thresholds; ++k)
        EXPECT_EQ(mine[m.layout.above_field(k)], tally[m.layout.above_field(k)])
            << m.entities[e].name << " year " << y << " threshold " << k;
      for (int t = 0; t < m.params.types; ++t) {
        const int n = m.layout.type_field(t, TallyLayout::kTypeUnits);
        EXPECT_EQ(mine[n], tally[n]) << m.entities[e].name << " year " << y << " type " << t;
        for (int which : {int(TallyLayout::kTypeCost), int(TallyLayout::kTypeTruncated),
                          int(TallyLayout::kTypeRisk)}) {
          const int f = m.layout.type_field(t, which);
          EXPECT_NEAR(mine[f], tally[f], 1e-12 * std::fabs(tally[f]) + 1e-300)
              << m.entities[e].name << " year " << y << " type " << t << " field " << which;
        }
      }
    }
  EXPECT_GT(units, 0u);
  EXPECT_GE(members, 1u);
}

TEST(Claims, RecordsSumToTheEngineTallies) {
  expect_records_sum_to_tallies(testing::mixed_world(), 3);
}

// Enrollment types: each unit's cost, its type's truncated cost and risk score land in its
// type's fields (strata 0 and 1 type "aged", stratum 2 "esrd"), every backend path alike.
TEST(Claims, EnrollmentTypesSumToTheirTallies) {
  scenario::Scenario s = testing::mixed_world();
  s.strata[0].enrollment = s.strata[1].enrollment = "aged";
  s.strata[2].enrollment = "esrd";
  s.strata[0].enrollment_type = s.strata[1].enrollment_type = 0;
  s.strata[2].enrollment_type = 1;
  s.enrollment_types = {"aged", "esrd"};
  scenario::ContractTerms terms;
  terms.benchmark.baseline_weights.assign(static_cast<std::size_t>(s.simulation.baseline_years), 1.0);
  terms.benchmark.truncate_percentile = 0.95;
  terms.benchmark.truncate_by_year.assign(static_cast<std::size_t>(s.simulation.years()), 1.0e4);
  for (int c = 0; c < s.simulation.years(); ++c)
    terms.benchmark.truncate_by_type_year.push_back({8000.0 + 100.0 * c, 30000.0 + 100.0 * c});
  s.contract.present = true;
  s.contract.years.assign(static_cast<std::size_t>(s.simulation.performance_years), terms);
  const engine::Model m = engine::build_model(s);
  ASSERT_EQ(m.layout.types, 2);
  EXPECT_EQ(m.type_truncation[1], 30000.0f);  // year 0, type esrd
  expect_records_sum_to_tallies(s, 2);
}

//! One replication's tallies of `s` on the CPU engine.
engine::BatchTallies tallies_of(const scenario::Scenario& s, std::uint64_t replication) {
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 2);
  engine::BatchTallies b;
  cpu.run_batch(replication, 1, b);
  return b;
}

// Retrospective assignment (MSSP Track 1): a member counts in a year only when it used care.
// On the same draws the cost sums are the prospective run's bit for bit (non-users cost 0), the
// units are the prospective run's units with any cost, and no draw of any other unit moves.
TEST(Claims, RetrospectiveAssignmentCountsUsersOnly) {
  scenario::Scenario s = testing::mixed_world();
  s.strata[0].p_any = 0.6;  // many non-users
  const engine::BatchTallies prospective = tallies_of(s, 4);
  s.provider_groups[0].retrospective = true;
  const engine::BatchTallies retrospective = tallies_of(s, 4);
  const engine::Model m = engine::build_model(s);
  for (int y = 0; y < m.years(); ++y) {
    const double* p = prospective.record(0, 0, y);
    const double* r = retrospective.record(0, 0, y);
    EXPECT_EQ(r[TallyLayout::kCost], p[TallyLayout::kCost]) << "year " << y;
    EXPECT_EQ(r[TallyLayout::kUnits], p[TallyLayout::kAnyCost]) << "year " << y;
    EXPECT_LT(r[TallyLayout::kUnits], p[TallyLayout::kUnits]) << "year " << y;
    EXPECT_LT(r[TallyLayout::kRiskScore], p[TallyLayout::kRiskScore]) << "year " << y;
    // Other entities (the episode group, the comparison population) are untouched.
    for (std::uint32_t e = 6; e < m.entity_count(); ++e)
      for (int f = 0; f < m.layout.fields(); ++f)
        EXPECT_EQ(retrospective.record(0, e, y)[f], prospective.record(0, e, y)[f]);
  }
  expect_records_sum_to_tallies(s, 4);
}

// Assigned counts that vary by year: slots beyond round(share x panel_size) are not counted in
// that year; their patients live on, so the other years' tallies keep every bit.
TEST(Claims, AssignedShareCountsTheYearsSlots) {
  scenario::Scenario s = testing::mixed_world();
  const engine::BatchTallies full = tallies_of(s, 5);
  const int years = s.simulation.years();
  s.provider_groups[0].assigned_share.assign(static_cast<std::size_t>(years), 1.0);
  s.provider_groups[0].assigned_share[1] = 0.5;
  const engine::BatchTallies varying = tallies_of(s, 5);
  const engine::Model m = engine::build_model(s);
  for (int y = 0; y < years; ++y) {
    const double* a = full.record(0, 0, y);
    const double* b = varying.record(0, 0, y);
    if (y == 1) {
      EXPECT_EQ(b[TallyLayout::kUnits], std::round(0.5 * 1003.0));
      EXPECT_LT(b[TallyLayout::kCost], a[TallyLayout::kCost]);
    } else {
      for (int f = 0; f < m.layout.fields(); ++f) EXPECT_EQ(b[f], a[f]) << "year " << y;
    }
  }
  expect_records_sum_to_tallies(s, 5);
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
