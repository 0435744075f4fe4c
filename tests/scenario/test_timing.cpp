// `[contract.timing]` (docs/scenario-reference.md): its defaults, its keys read, and bad input
// failing at the exact line, column and dotted key.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

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

// With [contract.run_out] (mssp_aco: 3 months, no true-up; cjr_bundle: 2 and a true-up at 14) a
// settlement is paid after its claims' cut-off, and the true-up month defaults to its cut-off.
TEST(CashTimingKeys, SettlementsComeAfterTheRunOutsCutOffs) {
  const auto text = [](const char* name) {
    std::ifstream in(std::string(APMSIM_SOURCE_DIR) + "/scenarios/" + name);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  try {
    parse_scenario(text("mssp_aco.toml") + "\n[contract.timing]\nreconciliation_month = 2\n",
                   "early.toml");
    ADD_FAILURE() << "a reconciliation before the run-out's cut-off was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.key(), "contract.timing.reconciliation_month");
    EXPECT_NE(std::string(e.what()).find("[contract.run_out] months (3)"), std::string::npos)
        << e.what();
  }
  const Scenario cjr =
      parse_scenario(text("cjr_bundle.toml") + "\n[contract.timing]\n", "cjr.toml");
  EXPECT_EQ(cjr.contract.timing.true_up_month, 14);
  EXPECT_THROW(parse_scenario(text("cjr_bundle.toml") +
                                  "\n[contract.timing]\ntrue_up_month = 12\n",
                              "late.toml"),
               ScenarioError);
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
