// Numbers for people (io/number_text.hpp) on the shared cases of tests/data/format/number_text.tsv,
// which python/tests/test_format.py checks against the Python package too: the CLI, the report
// and a notebook print the same digits.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "io/number_text.hpp"

namespace apmsim::io {
namespace {

TEST(NumberText, SharedCasesFile) {
  std::ifstream in(std::string(APMSIM_TEST_DATA) + "/format/number_text.tsv");
  ASSERT_TRUE(in) << "tests/data/format/number_text.tsv";
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string estimate, se, unit, expected;
    std::getline(fields, estimate, '\t');
    std::getline(fields, se, '\t');
    std::getline(fields, unit, '\t');
    std::getline(fields, expected);
    const double m = std::stod(estimate), s = std::stod(se);
    const NumberKind kind = number_kind(unit);
    EXPECT_EQ(estimate_text(m, s, decimals_for(m, s, kind), kind), expected) << line;
    ++cases;
  }
  EXPECT_GE(cases, 15);
}

TEST(NumberText, ColumnsShareTheMostPreciseDigits) {
  const std::vector<double> means{0.0773, 0.0557, 0.0953}, ses{0.0035, 0.0018, 0.0035};
  const int shared = shared_decimals(means, ses, NumberKind::kShare);
  EXPECT_EQ(shared, 2);  // 0.18% needs two decimals of a percent
  EXPECT_EQ(estimate_text(means[0], ses[0], cell_decimals(means[0], ses[0], shared,
                                                          NumberKind::kShare),
                          NumberKind::kShare),
            "7.73 ± 0.35");
  // Exact values do not set a column's digits when others are estimated.
  EXPECT_EQ(shared_decimals({1.0, 0.5}, {0.0, 0.01}, NumberKind::kShare), 1);
  // A large value in a precise column keeps at most one digit more than its own.
  EXPECT_EQ(cell_decimals(1.0203e4, 10.2, 6, NumberKind::kShare), -1);
}

TEST(NumberText, IntervalsAndUnits) {
  EXPECT_EQ(interval_text(-64463857.0, -53970159.0, 2676964, -5, NumberKind::kMoney),
            "[-64,500,000, -54,000,000]");
  EXPECT_EQ(interval_text(1, 2, 0, 2, NumberKind::kPlain), "") << "exact: no interval";
  EXPECT_EQ(unit_label("currency/unit", "USD"), "USD/unit");
  EXPECT_EQ(unit_label("currency", ""), "currency");
  EXPECT_EQ(unit_label("fraction", "USD"), "%");
  EXPECT_EQ(money_unit("currency/provider-year", "GBP"), "GBP/provider-year");
  EXPECT_EQ(money_unit("currencyish", "GBP"), "currencyish") << "only the word itself";
  EXPECT_EQ(number_kind("currency/provider-year"), NumberKind::kMoney);
  EXPECT_EQ(number_text(-0.0004, 2, NumberKind::kShare), "-0.04");
  EXPECT_EQ(number_text(-0.00001, 2, NumberKind::kShare), "0.00") << "no negative zero";
}

}  // namespace
}  // namespace apmsim::io
