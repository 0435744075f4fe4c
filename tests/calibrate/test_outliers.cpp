// Data that cannot silently mislead calibrate (issue 24): one cost of 1e12 (it turned a 4% trend
// into -59% and stratum means six times too high), a year typed 40 (churn 0.33 for 0.10), years
// 0, 5, 10, 15 (churn 1.0, frailty 0) are refused with their line and column, or capped or
// dropped with --outliers; what is left estimates the truth. And the pieces: messages quote input
// safely, a file is checked before it is parsed, the one-dimensional search always stops.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>

#include "../support/temp_folder.hpp"
#include "calibrate/bounded_minimum.hpp"
#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/csv_file.hpp"

namespace apmsim {
namespace {

using calibrate::DataError;
using calibrate::Outliers;

constexpr double kTrend = 0.04, kChurn = 0.10;

//! member,year,cost of a population with trend kTrend and churn kChurn over years 1..4 (3,000
//! members at the start, each year's leavers replaced).
std::string population(int seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z;
  std::uniform_real_distribution<double> u;
  std::string text = "member,year,cost\n";
  std::vector<int> present;
  int next = 0;
  for (int m = 0; m < 3000; ++m) present.push_back(next++);
  for (int y = 1; y <= 4; ++y) {
    std::vector<int> stay;
    for (int m : present) {
      const double cost =
          u(rng) < 0.15 ? 0.0 : std::exp(std::log(1500.0) + (y - 1) * std::log1p(kTrend) + z(rng));
      text += "m" + std::to_string(m) + "," + std::to_string(y) + "," + std::to_string(cost) + "\n";
      if (u(rng) >= kChurn) stay.push_back(m);
    }
    while (stay.size() < 3000) stay.push_back(next++);
    present = stay;
  }
  return text;
}

//! `text` with field `field` (0-based) of line `line` (1-based) replaced.
std::string with_field(const std::string& text, int line, int field, const std::string& value) {
  std::size_t a = 0;
  for (int k = 1; k < line; ++k) a = text.find('\n', a) + 1;
  for (int k = 0; k < field; ++k) a = text.find(',', a) + 1;
  const std::size_t b = text.find_first_of(",\n", a);
  return text.substr(0, a) + value + text.substr(b);
}

class OutlierData : public ::testing::Test {
 protected:
  testing::TempFolder dir{"outliers_"};
  std::string write(const std::string& text) {
    const std::string path = dir.file("claims.csv");
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  calibrate::Calibration fit(const std::string& text, Outliers policy) {
    calibrate::ReadOptions options;
    options.outliers = policy;
    return calibrate::calibrate_claims(calibrate::read_claims(write(text), options), {});
  }
  std::string refusal(const std::string& text, Outliers policy = Outliers::Refuse) {
    try {
      fit(text, policy);
    } catch (const DataError& e) {
      return e.what();
    }
    return "";
  }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(OutlierData, ACleanPopulationHasNoOutliersAndGivesTheTruth) {
  const calibrate::Calibration c = fit(population(1), Outliers::Refuse);
  EXPECT_EQ(c.outliers_capped + c.outliers_dropped, 0u);
  EXPECT_NEAR(c.trend.value, kTrend, 0.03);
  EXPECT_NEAR(c.churn.value, kChurn, 0.02);
}

TEST_F(OutlierData, OneHugeCostIsRefusedWithItsLineOrCappedOrDropped) {
  const std::string clean = population(2);
  const calibrate::Calibration truth = fit(clean, Outliers::Refuse);
  const std::string text = with_field(clean, 9000, 2, "1e12");
  const std::string message = refusal(text);
  EXPECT_TRUE(has(message,
                  "claims.csv:9000:3: column 'cost': cost 1e+12 is beyond the "
                  "plausibility limit of 1e+09 per member-year"))
      << message;
  EXPECT_TRUE(has(message, "--outliers cap")) << message;
  // 1e8 is under the hard limit but far beyond the stratum's robust scale.
  EXPECT_TRUE(has(refusal(with_field(clean, 9000, 2, "1e8")), "robust scales above the median"));
  for (Outliers policy : {Outliers::Cap, Outliers::Drop}) {
    const calibrate::Calibration c = fit(text, policy);
    EXPECT_EQ(c.outliers_capped + c.outliers_dropped, 1u);
    EXPECT_NEAR(c.trend.value, kTrend, 0.03);  // -0.59 before
    EXPECT_NEAR(c.strata[0].positive_mean.value / truth.strata[0].positive_mean.value, 1.0, 0.15);
  }
}

TEST_F(OutlierData, AStrayYearIsRefusedOrDropped) {
  const std::string text = with_field(population(3), 5000, 1, "40");
  const std::string message = refusal(text);
  EXPECT_TRUE(has(message,
                  "claims.csv:5000:2: column 'year': year 40 is apart from the years 1 "
                  "to 4"))
      << message;
  const calibrate::Calibration c = fit(text, Outliers::Drop);
  EXPECT_EQ(c.outliers_dropped, 1u);
  EXPECT_EQ(c.years, 4);
  EXPECT_NEAR(c.churn.value, kChurn, 0.02);  // 0.33 before
}

TEST_F(OutlierData, AGapInTheYearsIsRefusedWhateverTheOption) {
  std::string text = population(4);
  for (const auto& [from, to] :
       {std::pair{",4,", ",15,"}, {",3,", ",10,"}, {",2,", ",5,"}, {",1,", ",0,"}})
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at))
      text.replace(at, 3, to);
  for (Outliers policy : {Outliers::Refuse, Outliers::Cap, Outliers::Drop}) {
    const std::string message = refusal(text, policy);
    EXPECT_TRUE(has(message, "column 'year': no rows for years 1 to 4 between year 0 and year 5"))
        << message;
    EXPECT_TRUE(has(message, "consecutive years")) << message;
  }
}

TEST_F(OutlierData, ImplausibleRiskScoresAreOutliersToo) {
  std::string text = "member,year,cost,risk_score\n";
  for (int m = 0; m < 200; ++m) text += "m" + std::to_string(m) + ",1,100,1.0\n";
  const std::string message = refusal(with_field(text, 50, 3, "5000"));
  EXPECT_TRUE(has(message,
                  "claims.csv:50:4: column 'risk_score': risk score 5000 is outside the "
                  "plausibility limits 0.001 to 1000"))
      << message;
  EXPECT_TRUE(has(refusal(with_field(text, 50, 3, "100")), "robust scales from the median"));
}

TEST(CsvFile, MessagesEscapeControlCharactersAndClipLongInput) {
  EXPECT_EQ(calibrate::shown("a\x1b[31mb\tc\r\n\x7f"), "a\\x1b[31mb\\tc\\r\\n\\x7f");
  EXPECT_EQ(calibrate::shown("\xc2\x9b"
                             "2J \xc4ltere \xc3\x84"),
            "\\xc2\\x9b2J \\xc4ltere \xc3\x84");
  const std::string clipped = calibrate::shown(std::string(100000, 'x'));
  EXPECT_EQ(clipped, std::string(80, 'x') + "... (100000 bytes)");
  EXPECT_TRUE(calibrate::valid_utf8("\xc3\x84ltere"));
  EXPECT_FALSE(calibrate::valid_utf8("\xc4ltere"));
  EXPECT_FALSE(calibrate::valid_utf8("\xed\xa0\x80"));  // a surrogate
}

TEST_F(OutlierData, AByteOrderMarkIsSkippedAndNamesMustSuitAScenario) {
  const calibrate::ClaimsData d =
      calibrate::read_claims(write("\xef\xbb\xbfmember,year,cost\nA,1,5\n"), {});
  EXPECT_EQ(d.rows(), 1u);
  try {
    calibrate::read_claims(write("member,year,cost,stratum\nA,1,5,ok\nB,1,5,a/b\n"), {});
    FAIL() << "a stratum named a/b";
  } catch (const DataError& e) {
    EXPECT_TRUE(has(e.what(), "claims.csv:3:4: column 'stratum': stratum name 'a/b'")) << e.what();
  }
}

TEST(BoundedMinimum, StopsOnAFunctionThatIsNaNEverywhere) {
  int calls = 0;
  const double x = calibrate::bounded_minimum(
      [&](double) {
        ++calls;
        return std::numeric_limits<double>::quiet_NaN();
      },
      0.0, 1.0, 24);
  EXPECT_TRUE(x >= 0.0 && x <= 1.0);
  EXPECT_LE(calls, int(calibrate::kMaxBrentSteps) + 2);
  EXPECT_NEAR(
      calibrate::bounded_minimum([](double v) { return (v - 0.3) * (v - 0.3); }, 0.0, 1.0, 24), 0.3,
      1e-6);
}

}  // namespace
}  // namespace apmsim
