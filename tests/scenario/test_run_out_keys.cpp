// `[contract.run_out]` (docs/scenario-reference.md): read as written (the completion factor
// defaulting to the pattern's), described back the same, and each key's bad values stopped at
// file:line:column with the dotted key and the reason.
#include <gtest/gtest.h>

#include <string>

#include "scenario/load.hpp"

namespace apmsim::scenario {
namespace {

const std::string kHead = R"(
[[region]]
name = "only"

[[stratum]]
name = "everyone"
share = 1
mean = 5000.0

[[provider_group]]
name = "aco"
region = "only"
panel_size = 1000

[contract.sharing]
savings_rate = 0.5
)";

constexpr int kFirstLine = 17;  // the first line after kHead

Scenario parse(const std::string& text) { return parse_scenario(kHead + text, "t.toml"); }

TEST(RunOutKeys, ReadAsWritten) {
  const Scenario s = parse(
      "[contract.run_out]\nmonths = 2\nlag = [2, 1, 1]\ncompletion_factor = 0.95\n"
      "true_up_months = 14\n");
  const RunOut& r = s.contract.run_out;
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.months, 2);
  EXPECT_EQ(r.lag, (std::vector<double>{2.0, 1.0, 1.0}));  // as written: shares in proportion
  EXPECT_EQ(r.completion_factor, 0.95);
  EXPECT_EQ(r.true_up_months, 14);
  EXPECT_TRUE(r.true_up());
  const RunOut plain = parse("[contract.run_out]\nmonths = 3\nlag = [1.0]\n").contract.run_out;
  EXPECT_EQ(plain.completion_factor, 0.0);  // the pattern's own
  EXPECT_FALSE(plain.true_up());
  EXPECT_FALSE(parse("").contract.run_out.enabled);
}

TEST(RunOutKeys, DescribedBackTheSame) {
  const Scenario s = parse(
      "[contract.run_out]\nmonths = 2\nlag = [0.45, 0.38, 0.17]\ncompletion_factor = 1.0\n"
      "true_up_months = 14\n");
  const std::string text = describe(s);
  EXPECT_NE(text.find("[contract.run_out]"), std::string::npos) << text;
  const Scenario again = parse_scenario(text, "t.toml");
  const RunOut& a = s.contract.run_out;
  const RunOut& b = again.contract.run_out;
  EXPECT_TRUE(b.enabled);
  EXPECT_EQ(b.months, a.months);
  EXPECT_EQ(b.lag, a.lag);
  EXPECT_EQ(b.completion_factor, a.completion_factor);
  EXPECT_EQ(b.true_up_months, a.true_up_months);
  EXPECT_EQ(describe(again), text);
}

//! Expects `text` to fail at kFirstLine + `line` (file:line:column first), naming `key`, saying
//! `fragment`.
void expect_error(const std::string& text, int line, const std::string& key,
                  const std::string& fragment) {
  SCOPED_TRACE(text);
  try {
    parse(text);
    ADD_FAILURE() << "loaded without error";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.line(), kFirstLine + line) << what;
    EXPECT_EQ(e.key(), key) << what;
    EXPECT_GT(e.column(), 0);
    const std::string where =
        "t.toml:" + std::to_string(e.line()) + ":" + std::to_string(e.column());
    EXPECT_EQ(what.rfind(where, 0), 0u) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << what;
  }
}

TEST(RunOutKeys, EachKeysRange) {
  const std::string table = "[contract.run_out]\n";
  expect_error(table + "lag = [1.0]\n", 0, "contract.run_out.months", "months");
  expect_error(table + "months = -1\nlag = [1.0]\n", 1, "contract.run_out.months", "-1");
  expect_error(table + "months = 121\nlag = [1.0]\n", 1, "contract.run_out.months", "121");
  expect_error(table + "months = 1.5\nlag = [1.0]\n", 1, "contract.run_out.months", "integer");
  expect_error(table + "months = 3\n", 0, "contract.run_out.lag", "completion pattern");
  expect_error(table + "months = 3\nlag = []\n", 2, "contract.run_out.lag", "1 to 120 shares");
  expect_error(table + "months = 3\nlag = [0.5, -0.1]\n", 2, "contract.run_out.lag[1]", ">= 0");
  expect_error(table + "months = 3\nlag = [0.0, 0.0]\n", 2, "contract.run_out.lag", "not all be 0");
  expect_error(table + "months = 3\nlag = [1.0]\ncompletion_factor = 0.0\n", 3,
               "contract.run_out.completion_factor", "(0, 1]");
  expect_error(table + "months = 3\nlag = [1.0]\ncompletion_factor = 1.1\n", 3,
               "contract.run_out.completion_factor", "(0, 1]");
  expect_error(table + "months = 3\nlag = [1.0]\ntrue_up_months = 3\n", 3,
               "contract.run_out.true_up_months", "must be > months (3)");
  expect_error(table + "months = 3\nlag = [1.0]\nlags = [1.0]\n", 3, "contract.run_out.lags",
               "lag");
  // Contract-level only: a [[contract.year]] entry has no run-out.
  expect_error("[[contract.year]]\nyear = 1\nrun_out.months = 2\n", 2, "contract.year[0].run_out",
               "run_out");
}

}  // namespace
}  // namespace apmsim::scenario
