// `[contract.timing]` (docs/scenario-reference.md): its defaults, its keys read, and bad input
// failing at the exact line, column and dotted key.
#include <gtest/gtest.h>

#include <string>

#include "scenario/load.hpp"

namespace apmsim::scenario {
namespace {

std::string bad_file(const std::string& name) {
  return std::string(APMSIM_TEST_DATA) + "/bad/" + name + ".toml";
}

//! The error of loading bad file `name`; fails the test when it loads.
ScenarioError error_of(const std::string& name) {
  try {
    load_scenario(bad_file(name));
  } catch (const ScenarioError& error) {
    return error;
  }
  ADD_FAILURE() << name << " loaded without error";
  return ScenarioError("", 0, 0, "", "");
}

TEST(CashTimingKeys, UnknownKeyNamesFileLineColumnAndKey) {
  const ScenarioError error = error_of("contract_timing_unknown_key");
  EXPECT_EQ(error.line(), 24);
  EXPECT_EQ(error.key(), "contract.timing.settlement_month");
  EXPECT_EQ(std::string(error.what()).rfind(bad_file("contract_timing_unknown_key") + ":24:1:", 0),
            0u)
      << error.what();
}

TEST(CashTimingKeys, TrueUpBeforeTheReconciliationIsRefused) {
  const ScenarioError error = error_of("contract_timing_true_up_first");
  EXPECT_EQ(error.line(), 24);
  EXPECT_EQ(error.key(), "contract.timing.true_up_month");
  EXPECT_NE(std::string(error.what()).find("must be >= reconciliation_month (9)"),
            std::string::npos)
      << error.what();
}

TEST(CashTimingKeys, AbsentTableLeavesTheAnalysisOff) {
  const Scenario s = load_scenario(std::string(APMSIM_SOURCE_DIR) + "/scenarios/mssp_aco.toml");
  EXPECT_FALSE(s.contract.timing.present);
}

TEST(CashTimingKeys, ReachGlobalReadsItsTiming) {
  const Scenario s =
      load_scenario(std::string(APMSIM_SOURCE_DIR) + "/scenarios/aco_reach_global.toml");
  const CashTiming& t = s.contract.timing;
  ASSERT_TRUE(t.present);
  EXPECT_TRUE(t.payments_in_advance);
  EXPECT_LE(t.reconciliation_month, t.true_up_month);
  EXPECT_EQ(t.mechanism_expenditure_share, 0.01);  // 42 CFR 425.204(f)(4) defaults
  EXPECT_EQ(t.mechanism_revenue_share, 0.02);
}

}  // namespace
}  // namespace apmsim::scenario
