// Reading claims for calibration: good files (quoting, extra columns, mapped names, partial years)
// and every kind of bad data, each refused with the file, line, column number and column name.
#include <gtest/gtest.h>

#include <fstream>

#include "../support/temp_folder.hpp"
#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"

namespace apmsim {
namespace {

using calibrate::ClaimsData;
using calibrate::DataError;
using calibrate::ReadOptions;

class Claims : public ::testing::Test {
 protected:
  testing::TempFolder dir{"claims_"};
  std::string write(const std::string& text, const std::string& name = "claims.csv") {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  //! The DataError message read_claims gives for `text` ("" if it reads).
  std::string refusal(const std::string& text, const ReadOptions& options = {}) {
    try {
      calibrate::read_claims(write(text), options);
    } catch (const DataError& e) {
      return e.what();
    }
    return "";
  }
  void expect_refusal(const std::string& text, const std::vector<std::string>& parts,
                      const ReadOptions& options = {}) {
    const std::string message = refusal(text, options);
    ASSERT_FALSE(message.empty()) << "accepted:\n" << text;
    for (const auto& part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
  }
};

TEST_F(Claims, ReadsQuotedFieldsExtraColumnsAndPartialYears) {
  const ClaimsData d = calibrate::read_claims(
      write("note,member,year,cost,exposure,stratum\n"
            "\"a, b\",m1,2023,100.5,12,healthy\n"
            "x,\"m,2\",2023,0,6,\"chronic \"\"B\"\"\"\n"
            "y,m1,2024,2e3,12,healthy\n"),
      {});
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_EQ(d.members, 2u);
  EXPECT_TRUE(d.has_exposure);
  EXPECT_FALSE(d.has_provider);
  // Sorted by (member, year): m1 2023, m1 2024, then m,2.
  EXPECT_EQ(d.year[0], 2023);
  EXPECT_EQ(d.year[1], 2024);
  EXPECT_DOUBLE_EQ(d.cost[1], 2000.0);
  EXPECT_FLOAT_EQ(d.exposure[2], 6.0f);
  EXPECT_EQ(d.strata[d.stratum[2]], "chronic \"B\"");
}

TEST_F(Claims, MapsColumnNames) {
  ReadOptions o;
  o.columns.member = "id";
  o.columns.cost = "paid";
  o.columns.required.push_back("member");
  const ClaimsData d = calibrate::read_claims(write("id,year,paid\nA,1,5\nB,1,6\n"), o);
  EXPECT_EQ(d.rows(), 2u);
  // An optional column named on the command line must be there.
  o.columns.stratum = "risk_band";
  o.columns.required.push_back("stratum");
  expect_refusal("id,year,paid\nA,1,5\n", {"claims.csv:1", "no column 'risk_band'", "--stratum-column"}, o);
}

TEST_F(Claims, RefusesAMissingColumn) {
  expect_refusal("member,year,amount\nA,1,5\n",
                 {"claims.csv:1", "no column 'cost'", "member, year, amount", "--cost-column"});
}

TEST_F(Claims, RefusesNonNumericAndNonFiniteCosts) {
  expect_refusal("member,year,cost\nA,1,5\nB,1,abc\n", {"claims.csv:3:3", "column 'cost'", "'abc' is not a number"});
  expect_refusal("member,year,cost\nA,1,nan\n", {"claims.csv:2:3", "'nan' is not a finite number"});
  expect_refusal("member,year,cost\nA,1,inf\n", {"claims.csv:2:3", "'inf' is not a finite number"});
  expect_refusal("member,year,cost\nA,1,\n", {"claims.csv:2:3", "column 'cost'", "empty"});
  expect_refusal("member,year,cost\nA,2023.5,1\n", {"claims.csv:2:2", "column 'year'", "not a whole year"});
}

TEST_F(Claims, NegativeCostsAreRefusedUnlessAnOptionSaysZeroOrDrop) {
  const std::string text = "member,year,cost\nA,1,5\nB,1,-2.5\nC,1,7\n";
  expect_refusal(text, {"claims.csv:3:3", "negative cost -2.5", "--negative-costs zero"});
  ReadOptions zero;
  zero.negative_costs = calibrate::NegativeCosts::Zero;
  const ClaimsData z = calibrate::read_claims(write(text), zero);
  EXPECT_EQ(z.rows(), 3u);
  EXPECT_EQ(z.negative_zeroed, 1u);
  EXPECT_EQ(z.cost[1], 0.0);
  ReadOptions drop;
  drop.negative_costs = calibrate::NegativeCosts::Drop;
  const ClaimsData d = calibrate::read_claims(write(text), drop);
  EXPECT_EQ(d.rows(), 2u);
  EXPECT_EQ(d.negative_dropped, 1u);
}

TEST_F(Claims, RefusesExposureOutsideOneYear) {
  expect_refusal("member,year,cost,exposure\nA,1,5,0\n", {"claims.csv:2:4", "column 'exposure'", "not in (0, 12]"});
  expect_refusal("member,year,cost,exposure\nA,1,5,12.5\n", {"claims.csv:2:4", "12.5 months"});
}

TEST_F(Claims, DuplicateMemberYearsAreRefusedUnlessSummed) {
  const std::string text = "member,year,cost,exposure\nA,1,5,6\nB,1,1,12\nA,1,7,6\n";
  expect_refusal(text, {"claims.csv:4:2", "member 'A' has a second row for year 1", "line 2", "--duplicates sum"});
  ReadOptions sum;
  sum.duplicates = calibrate::Duplicates::Sum;
  const ClaimsData d = calibrate::read_claims(write(text), sum);
  ASSERT_EQ(d.rows(), 2u);
  EXPECT_EQ(d.duplicates_summed, 1u);
  EXPECT_DOUBLE_EQ(d.cost[0], 12.0);
  EXPECT_FLOAT_EQ(d.exposure[0], 12.0f);
}

TEST_F(Claims, RefusesEmptyFilesHeaderOnlyAndBrokenRows) {
  expect_refusal("", {"claims.csv: is empty"});
  expect_refusal("member,year,cost\n", {"has a header but no rows"});
  expect_refusal("member,year,cost\nA,1,\"5\n", {"claims.csv:2", "not closed"});
  expect_refusal("member,year,cost\nA,1\n", {"claims.csv:2", "fewer fields"});
  expect_refusal("member,year,cost\nA,1,2,3\n", {"claims.csv:2", "more fields"});
  EXPECT_EQ(refusal("member,year,cost\nA,1,5\n"), "");
}

TEST_F(Claims, RefusesAStratumTooSmallToFit) {
  std::string text = "member,year,cost,stratum\n";
  for (int m = 0; m < 400; ++m) text += "m" + std::to_string(m) + ",1," + std::to_string(100 + m) + ",common\n";
  for (int m = 0; m < 12; ++m) text += "r" + std::to_string(m) + ",1,50,rare\n";
  const ClaimsData d = calibrate::read_claims(write(text), {});
  try {
    calibrate::calibrate_claims(d, {});
    FAIL() << "fitted a stratum of 12 members";
  } catch (const DataError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("stratum 'rare' has 12 members"), std::string::npos) << m;
    EXPECT_NE(m.find("merge it"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace apmsim
