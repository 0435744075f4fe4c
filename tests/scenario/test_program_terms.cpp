// The program-rule keys of [contract] (docs/scenario-reference.md): CJR's per-year repayment
// discounts, MSSP's loss rate from the sharing rate, revenue loss limit, regional adjustment and
// quality points; read as written, described so that the description reads back the same, and
// bad values stopped with the line and key.
#include <gtest/gtest.h>

#include <string>

#include "scenario/load.hpp"

namespace apmsim::scenario {
namespace {

const std::string kHead = R"(
[simulation]
baseline_years = 3
performance_years = 3

[[region]]
name = "only"
comparison_size = 1000

[[stratum]]
name = "everyone"
share = 1
mean = 5000.0

[[measure]]
name = "m"
base_rate = 0.7

[[provider_group]]
name = "aco"
region = "only"
panel_size = 1000
revenue_share = 0.3
)";

Scenario parse(const std::string& contract) { return parse_scenario(kHead + contract, "t.toml"); }

//! The line and key of the error `contract` makes; line 0 and "" when it loads.
std::pair<int, std::string> error_of(const std::string& contract) {
  try {
    parse(contract);
  } catch (const ScenarioError& e) {
    return {e.line(), e.key()};
  }
  return {0, ""};
}

constexpr int kContractLine = 24;  // the first line after kHead

TEST(ProgramTerms, RepaymentDiscountPerPerformanceYear) {
  const Scenario s = parse(R"(
[contract.benchmark]
discount = 0.03
repayment_discount = [0.0, 0.02, 0.03]

[[contract.year]]
year = 3
benchmark.repayment_discount = 0.025
)");
  ASSERT_EQ(s.contract.years.size(), 3u);
  EXPECT_FALSE(s.contract.years[0].benchmark.repayment_same);
  EXPECT_EQ(s.contract.years[0].benchmark.repayment_discount, 0.0);
  EXPECT_EQ(s.contract.years[1].benchmark.repayment_discount, 0.02);
  EXPECT_EQ(s.contract.years[2].benchmark.repayment_discount, 0.025);  // the year entry wins
  EXPECT_EQ(s.contract.years[2].benchmark.discount, 0.03);
  const Scenario again = parse_scenario(describe(s), "described.toml");
  for (std::size_t y = 0; y < 3; ++y)
    EXPECT_EQ(again.contract.years[y].benchmark.repayment_discount,
              s.contract.years[y].benchmark.repayment_discount);
  EXPECT_TRUE(parse("[contract]\n").contract.years[0].benchmark.repayment_same);  // the default
}

TEST(ProgramTerms, RepaymentDiscountListErrors) {
  EXPECT_EQ(
      error_of("[contract.benchmark]\nrepayment_discount = [0.0, 0.02]\n"),
      std::make_pair(kContractLine + 1, std::string("contract.benchmark.repayment_discount")));
  EXPECT_EQ(error_of("[contract]\n[[contract.year]]\nyear = 1\n"
                     "benchmark.repayment_discount = [0.0]\n"),
            std::make_pair(kContractLine + 3,
                           std::string("contract.year[0].benchmark.repayment_discount")));
}

TEST(ProgramTerms, MsspLossSideAndQualityPoints) {
  const Scenario s = parse(R"(
[contract.sharing]
savings_rate = 0.75
loss_rate = "from_sharing"
loss_rate_min = 0.4
loss_rate_max = 0.75
loss_cap = 0.02
loss_cap_revenue = 0.04

[contract.benchmark]
method = "regional_adjustment"
regional_weight_below = 0.5
regional_weight_above = 0.25
regional_adjustment_cap = 0.05
national_cost_per_unit = 11000.0
risk_growth_reference = "last_baseline_year"

[contract.quality]
points = [{ at = 0.5, points = 1.1 }, { at = 0.9, points = 2.0 }]

[contract.quality.measure.m]
points = [{ at = 0.6, points = 1.0 }]
)");
  const ContractTerms& t = s.contract.years[0];
  EXPECT_TRUE(t.sharing.loss_rate_from_sharing);
  EXPECT_EQ(t.sharing.loss_cap_revenue, 0.04);
  EXPECT_EQ(t.benchmark.method, BenchmarkMethod::RegionalAdjustment);
  EXPECT_EQ(t.benchmark.regional_weight_below, 0.5);
  EXPECT_EQ(t.benchmark.regional_weight_above, 0.25);
  EXPECT_EQ(t.benchmark.regional_adjustment_cap, 0.05);
  EXPECT_EQ(t.benchmark.national_cost_per_unit, 11000.0);
  EXPECT_TRUE(t.benchmark.risk_growth_from_last_year);
  ASSERT_EQ(t.quality_points.size(), 2u);
  EXPECT_EQ(t.quality_points[1].points, 2.0);
  ASSERT_EQ(t.measure_points.size(), 1u);
  ASSERT_EQ(t.measure_points[0].size(), 1u);
  EXPECT_EQ(t.measure_points[0][0].at, 0.6);
  EXPECT_EQ(s.provider_groups[0].revenue_share, 0.3);
  EXPECT_EQ(describe(parse_scenario(describe(s), "described.toml")), describe(s));
}

TEST(ProgramTerms, MsspKeyErrors) {
  EXPECT_EQ(error_of("[contract.sharing]\nloss_rate_min = 0.8\nloss_rate_max = 0.5\n"),
            std::make_pair(kContractLine + 2, std::string("contract.sharing.loss_rate_max")));
  EXPECT_EQ(error_of("[contract.sharing]\nloss_rate = \"from_savings\"\n"),
            std::make_pair(kContractLine + 1, std::string("contract.sharing.loss_rate")));
  EXPECT_EQ(
      error_of("[contract.benchmark]\nregional_adjustment_cap = 0.05\n"),
      std::make_pair(kContractLine + 1, std::string("contract.benchmark.regional_adjustment_cap")));
  EXPECT_EQ(error_of("[contract.quality]\npoints = [{ at = 0.5, points = 0.0 }]\n"),
            std::make_pair(kContractLine + 1, std::string("contract.quality.points")));
}

// MSSP from 2024: per-year 99th-percentile truncation and an ACPT-weighted observed trend; REACH:
// a prospective trend with a retrospective corridor. Read as written, described back the same.
TEST(ProgramTerms, TrendAndPercentileTruncation) {
  const Scenario s = parse(R"(
[contract.benchmark]
truncate_percentile = 0.99
trend = "observed"
trend_national_weight = 0.2
prospective_trend = 0.03
prospective_weight = 1.0
trend_corridor = 0.01
)");
  const BenchmarkTerms& b = s.contract.years[0].benchmark;
  EXPECT_EQ(b.truncate_percentile, 0.99);
  EXPECT_EQ(b.truncate_at, 0.0);
  EXPECT_TRUE(b.truncate_by_year.empty());  // resolved by the run's pilot
  EXPECT_TRUE(s.tallies.thresholds.empty());
  EXPECT_TRUE(b.observed_trend);
  EXPECT_EQ(b.trend_national_weight, 0.2);
  EXPECT_EQ(b.prospective_trend, 0.03);
  EXPECT_EQ(b.prospective_weight, 1.0);
  EXPECT_EQ(b.trend_corridor, 0.01);
  EXPECT_EQ(describe(parse_scenario(describe(s), "described.toml")), describe(s));
}

// Enrollment types on strata: indices in order of first appearance, described back the same;
// every stratum or none.
TEST(ProgramTerms, EnrollmentTypes) {
  const std::string strata = R"(
[[region]]
name = "only"

[[stratum]]
name = "aged_well"
share = 0.6
enrollment = "aged_non_dual"
mean = 5000.0

[[stratum]]
name = "esrd"
share = 0.1
enrollment = "esrd"
mean = 85000.0

[[stratum]]
name = "aged_sick"
share = 0.3
enrollment = "aged_non_dual"
mean = 20000.0

[[provider_group]]
name = "aco"
region = "only"
panel_size = 1000
)";
  const Scenario s = parse_scenario(strata, "t.toml");
  EXPECT_EQ(s.enrollment_types, (std::vector<std::string>{"aged_non_dual", "esrd"}));
  EXPECT_EQ(s.strata[0].enrollment_type, 0);
  EXPECT_EQ(s.strata[1].enrollment_type, 1);
  EXPECT_EQ(s.strata[2].enrollment_type, 0);
  EXPECT_EQ(describe(parse_scenario(describe(s), "described.toml")), describe(s));
  std::string mixed = strata;
  mixed.erase(mixed.find("enrollment = \"esrd\"\n"), std::string("enrollment = \"esrd\"\n").size());
  try {
    parse_scenario(mixed, "t.toml");
    ADD_FAILURE() << "a stratum without an enrollment type beside ones with was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.key(), "stratum[1].enrollment");
    EXPECT_EQ(e.line(), 11);
  }
}

TEST(ProgramTerms, AssignmentKeys) {
  const std::string head = kHead.substr(0, kHead.rfind("revenue_share"));
  const Scenario s = parse_scenario(
      head + "assignment = \"retrospective\"\nassigned_share = [1.0, 0.9, 0.95, 1.0, 1.0, 0.8]\n",
      "t.toml");
  EXPECT_TRUE(s.provider_groups[0].retrospective);
  EXPECT_EQ(s.provider_groups[0].assigned_share.size(), 6u);
  EXPECT_EQ(describe(parse_scenario(describe(s), "described.toml")), describe(s));
  for (const char* bad : {"assigned_share = [1.0, 0.9]\n", "assigned_share = [1, 1, 1, 1, 1, 0]\n",
                          "assignment = \"concurrent\"\n"}) {
    try {
      parse_scenario(head + bad, "t.toml");
      ADD_FAILURE() << bad;
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.line(), 23) << bad;
    }
  }
}

TEST(ProgramTerms, TrendAndTruncationErrors) {
  const std::string key = "contract.benchmark.";
  EXPECT_EQ(error_of("[contract.benchmark]\ntruncate_at = 1e5\ntruncate_percentile = 0.99\n"),
            std::make_pair(kContractLine + 2, key + "truncate_percentile"));
  EXPECT_EQ(error_of("[contract.benchmark]\ntruncate_percentile = 0.3\n"),
            std::make_pair(kContractLine + 1, key + "truncate_percentile"));
  EXPECT_EQ(error_of("[contract.benchmark]\ntrend_national_weight = 0.5\n"),
            std::make_pair(kContractLine + 1, key + "trend_national_weight"));
  EXPECT_EQ(error_of("[contract.benchmark]\ntrend = \"observed\"\ntrend_corridor = 0.01\n"),
            std::make_pair(kContractLine + 2, key + "trend_corridor"));
  EXPECT_EQ(error_of("[contract.benchmark]\ntrend = \"expected\"\n"),
            std::make_pair(kContractLine + 1, key + "trend"));
  // Six calendar years beside eleven thresholds: more than 16 once the pilot adds its amounts.
  EXPECT_EQ(error_of("[tallies]\nthresholds = [1e3, 2e3, 3e3, 4e3, 5e3, 6e3, 7e3, 8e3, 9e3, 1e4, "
                     "2e4]\n[contract.benchmark]\ntruncate_percentile = 0.99\n"),
            std::make_pair(kContractLine + 2, std::string("contract")));
}

}  // namespace
}  // namespace apmsim::scenario
