// apmsim export's files on a hand-built Results (python/tests/test_export.py round-trips the
// shipped scenarios' files): quoting, NaN as an empty cell, units in the column names, the
// currency, JSON nulls, and a destination refused or replaced only with force.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/export.hpp"
#include "scenario/error.hpp"
#include "test_support.hpp"

namespace apmsim::io {
namespace {

using testing_support::make_results;
using testing_support::TempFolder;
namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Export, CsvFilesWithUnitsInTheirColumnNames) {
  TempFolder dir;
  analysis::Results results = make_results();
  results.info.currency = "EUR";
  results.variants[1].name = "alt, \"quoted\"";
  const std::string out = dir.file("csv");
  const auto written = export_results(results, out, ExportFormat::kCsv, false);
  for (const char* name : {"portfolio.csv", "provider.csv", "region.csv", "estimates.csv",
                           "providers.csv", "parameters.csv", "info.csv", "scenario.toml", "README.txt"})
    EXPECT_NE(std::find(written.begin(), written.end(), name), written.end()) << name;
  const std::string portfolio = slurp(out + "/portfolio.csv");
  EXPECT_EQ(portfolio.substr(0, portfolio.find('\n')),
            "variant,row,column,year,units [units],units_se [units],units_ci_low [units],"
            "units_ci_high [units],cost_per_unit [EUR/unit],cost_per_unit_se [EUR/unit],"
            "cost_per_unit_ci_low [EUR/unit],cost_per_unit_ci_high [EUR/unit],true_savings_rate "
            "[fraction],true_savings_rate_se [fraction],true_savings_rate_ci_low [fraction],"
            "true_savings_rate_ci_high [fraction]");
  EXPECT_TRUE(contains(portfolio, "\n\"alt, \"\"quoted\"\"\",participants,B1,0,")) << portfolio;
  // The rate is undefined in baseline years: empty cells, not "nan".
  EXPECT_TRUE(contains(portfolio, "base,participants,B1,0,10000,10,9980.3999999999996,10019.6,"
                                  "10100,10.1,10080.204,10119.796,,,,\n"))
      << portfolio;
  EXPECT_FALSE(contains(slurp(out + "/estimates.csv"), "nan"));
  EXPECT_EQ(slurp(out + "/scenario.toml"), results.scenario_text);
  EXPECT_TRUE(contains(slurp(out + "/info.csv"), "currency,EUR\n"));
}

TEST(Export, JsonHasNullsForNaN) {
  TempFolder dir;
  const std::string out = dir.file("json");
  export_results(make_results(), out, ExportFormat::kJson, false);
  const std::string json = slurp(out + "/results.json");
  EXPECT_TRUE(contains(json, "\"format\": \"apmsim-export\"")) << json.substr(0, 200);
  EXPECT_TRUE(contains(json, "null"));
  EXPECT_FALSE(contains(json, "NaN"));
  EXPECT_TRUE(contains(json, "\"summary/portfolio\""));
}

TEST(Export, RefusesAnExistingFolderUnlessForced) {
  TempFolder dir;
  const std::string out = dir.file("e");
  export_results(make_results(), out, ExportFormat::kCsv, false);
  EXPECT_THROW(export_results(make_results(), out, ExportFormat::kCsv, false), InputError);
  EXPECT_NO_THROW(export_results(make_results(), out, ExportFormat::kJson, true));
  EXPECT_TRUE(fs::exists(out + "/results.json"));
  EXPECT_FALSE(fs::exists(out + "/portfolio.csv")) << "replaced, not merged";
  EXPECT_THROW(export_results(make_results(), dir.file("no/such/folder"), ExportFormat::kCsv, true),
               InputError);
  for (const auto& entry : fs::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
}

}  // namespace
}  // namespace apmsim::io
