// apmsim export's files on a hand-built Results (python/tests/test_export.py round-trips the
// shipped scenarios' files): quoting, NaN as an empty cell, units in the column names, the
// currency, JSON nulls, keys as typed columns and values, and a destination refused or replaced
// only with force.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/csv_text.hpp"
#include "io/export.hpp"
#include "scenario/error.hpp"
#include "test_support.hpp"

namespace apmsim::io {
namespace {

using testing_support::make_results;
using testing_support::make_table;
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

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

//! make_results() as a sweep (a number, a string and a boolean swept) with analysis tables whose
//! row labels carry keys, as the threshold, risk, withhold and benchmark analyses write them.
analysis::Results sweep_with_keyed_rows() {
  analysis::Results results = make_results();
  const std::vector<analysis::Quantity> rate = {{"error_rate", "fraction", "false rewards"}};
  results.variants[0].parameters = {"contract.withhold.rate=0.1",
                                    "contract.benchmark.method=\"blend\"", "contract.gate=true"};
  results.variants[1].parameters = {"contract.withhold.rate=0.25",
                                    "contract.benchmark.method=\"a, \\\"b\\\"\"",
                                    "contract.gate=false"};
  for (auto& v : results.variants) {
    v.analyses.push_back(
        {"threshold", "rates", "",
         make_table({"northeast_small min_units=5000", "all min_units=20"}, 4, rate, 0.0)});
    v.analyses.push_back({"risk", "stop_loss_exhibit", "",
                          make_table({"specific attachment=25000", "aggregate factor=1.25",
                                      "aggregate break-even", "contract band 125000-250000 x0.5"},
                                     4, rate, 0.0)});
    v.analyses.push_back(
        {"withhold", "solved_rate", "",
         make_table({"expected_forfeit=0.05", "P(forfeit>0.1)<=0.05"}, 4, rate, 0.0)});
  }
  return results;
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

TEST(CsvText, QuotesWhereRfc4180AsksAndNeutralisesFormulas) {
  EXPECT_EQ(csv_text("north"), "north");
  EXPECT_EQ(csv_text("a, \"b\""), "\"a, \"\"b\"\"\"");
  // OWASP: a cell a spreadsheet would run as a formula gets a leading ' and quotes.
  EXPECT_EQ(csv_text("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(csv_text("+cmd"), "\"'+cmd\"");
  EXPECT_EQ(csv_text("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(csv_text("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(csv_text("\tx"), "\"'\tx\"");
  EXPECT_EQ(csv_text("\rx"), "\"'\rx\"");
  EXPECT_EQ(csv_text("-Inf"), "\"'-Inf\"");
  // A plain number is a value, not a formula: left as it is.
  for (const char* number : {"-0.5", "-1e-3", "+3", "-12", "-.5", "1E+10"})
    EXPECT_EQ(csv_text(number), number);
  EXPECT_EQ(csv_text(""), "");
  EXPECT_EQ(csv_text("a=b"), "a=b");
}

TEST(Export, FormulaLikeNamesAreNeutralisedNumbersAreNot) {
  TempFolder dir;
  analysis::Results results = make_results();
  results.variants[0].name = "=1+2";
  results.variants[0].providers[0].name = "@SUM(A1)";
  results.variants[0].portfolio.rows[1] = "-all";
  results.variants[0].portfolio.quantities[0].name = "+units";
  results.variants[0].portfolio.mean[0] = -0.5;
  results.variants[0].portfolio.se[0] = 1e-3;
  const std::string out = dir.file("csv");
  export_results(results, out, ExportFormat::kCsv, false);
  const std::string portfolio = slurp(out + "/portfolio.csv");
  EXPECT_TRUE(contains(first_line(portfolio), ",\"'+units [units]\",")) << first_line(portfolio);
  EXPECT_TRUE(contains(portfolio, "\n\"'=1+2\",participants,B1,0,-0.5,0.001,")) << portfolio;
  EXPECT_TRUE(contains(portfolio, "\n\"'=1+2\",\"'-all\",B1,")) << portfolio;
  EXPECT_TRUE(contains(slurp(out + "/estimates.csv"), "\"'=1+2\",portfolio,\"'-all\","));
  EXPECT_TRUE(contains(slurp(out + "/providers.csv"), "\"'=1+2\",\"'@SUM(A1)\","));
  for (const auto& entry : fs::directory_iterator(out))
    for (std::istringstream lines(slurp(entry.path().string())); !lines.eof();) {
      std::string line;
      std::getline(lines, line);
      EXPECT_FALSE(starts_with(line, "=") || contains(line, ",=") || contains(line, ",@") ||
                   contains(line, ",+"))
          << entry.path() << ": " << line;
    }
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

TEST(Export, SweepParametersAreTypedColumnsAfterTheVariant) {
  TempFolder dir;
  const std::string out = dir.file("csv");
  export_results(sweep_with_keyed_rows(), out, ExportFormat::kCsv, false);
  const std::string portfolio = slurp(out + "/portfolio.csv");
  EXPECT_TRUE(starts_with(portfolio,
                          "variant,contract.withhold.rate,contract.benchmark.method,contract.gate,"
                          "row,column,year,units [units],"))
      << first_line(portfolio);
  // TOML's quotes gone; a number and a boolean as themselves; a comma and quotes quoted (RFC 4180).
  EXPECT_TRUE(contains(portfolio, "\nbase,0.1,blend,true,participants,B1,0,10000,")) << portfolio;
  EXPECT_TRUE(contains(portfolio, "\nalt,0.25,\"a, \"\"b\"\"\",false,participants,B1,0,"));
  EXPECT_EQ(first_line(slurp(out + "/providers.csv")),
            "variant,contract.withhold.rate,contract.benchmark.method,contract.gate,name,group,"
            "region,unit,participant");
  EXPECT_TRUE(contains(slurp(out + "/providers.csv"), "\nbase,0.1,blend,true,aco/0,aco,north,"));
  const std::string parameters = slurp(out + "/parameters.csv");
  EXPECT_TRUE(contains(parameters, "\nbase,contract.benchmark.method,blend\n")) << parameters;
  EXPECT_TRUE(contains(parameters, "\nbase,contract.withhold.rate,0.1\n"));
  EXPECT_FALSE(contains(parameters, "\"\"\"blend")) << "no TOML quotes inside the CSV's";
  const std::string estimates = slurp(out + "/estimates.csv");
  EXPECT_EQ(first_line(estimates),
            "variant,contract.withhold.rate,contract.benchmark.method,contract.gate,table,row,"
            "group,min_units,attachment,factor,expected_forfeit,column,year,quantity,unit,estimate,se,"
            "ci_low,ci_high");
  EXPECT_TRUE(contains(estimates, "\nbase,0.1,blend,true,portfolio,all,,,,,,B2,1,units,units,"))
      << "a table without keys leaves group and the keys empty";
}

TEST(Export, KeysInRowLabelsAreTypedColumns) {
  TempFolder dir;
  const std::string out = dir.file("csv");
  export_results(sweep_with_keyed_rows(), out, ExportFormat::kCsv, false);
  const std::string rates = slurp(out + "/threshold_rates.csv");
  EXPECT_TRUE(starts_with(rates,
                          "variant,contract.withhold.rate,contract.benchmark.method,contract.gate,"
                          "row,group,min_units,column,year,error_rate [fraction],"))
      << first_line(rates);
  EXPECT_TRUE(contains(rates,
                       "\nbase,0.1,blend,true,northeast_small min_units=5000,"
                       "northeast_small,5000,P1,2,"))
      << rates;
  EXPECT_TRUE(contains(rates, "\nalt,0.25,\"a, \"\"b\"\"\",false,all min_units=20,all,20,B1,0,"));
  const std::string exhibit = slurp(out + "/risk_stop_loss_exhibit.csv");
  EXPECT_TRUE(contains(first_line(exhibit), ",contract.gate,row,group,attachment,factor,column,year,"))
      << first_line(exhibit);
  EXPECT_TRUE(contains(exhibit, ",specific attachment=25000,specific,25000,,P1,2,")) << exhibit;
  EXPECT_TRUE(contains(exhibit, ",aggregate factor=1.25,aggregate,,1.25,P1,2,"));
  EXPECT_TRUE(contains(exhibit, ",aggregate break-even,aggregate break-even,,,P1,2,"));
  EXPECT_TRUE(contains(exhibit,
                       ",contract band 125000-250000 x0.5,contract band 125000-250000 "
                       "x0.5,,,P1,2,"));
  // A key is a name: "P(forfeit>0.1)<=0.05" is a label without keys, not a key "P(forfeit>0.1)<".
  const std::string solved = slurp(out + "/withhold_solved_rate.csv");
  EXPECT_TRUE(contains(first_line(solved), ",row,group,expected_forfeit,column,")) << solved;
  EXPECT_TRUE(contains(solved, ",expected_forfeit=0.05,,0.05,B1,0,"));
  EXPECT_TRUE(contains(solved, ",P(forfeit>0.1)<=0.05,P(forfeit>0.1)<=0.05,,B1,0,"));
  // Tables without keys keep their columns.
  EXPECT_TRUE(contains(first_line(slurp(out + "/portfolio.csv")), ",row,column,year,"));
}

TEST(Export, JsonHasTypedParametersAndRowKeys) {
  TempFolder dir;
  const std::string out = dir.file("json");
  export_results(sweep_with_keyed_rows(), out, ExportFormat::kJson, false);
  const nlohmann::json doc = nlohmann::json::parse(slurp(out + "/results.json"));
  EXPECT_EQ(doc["format_version"], 2);
  const nlohmann::json& base = doc["variants"][0];
  EXPECT_EQ(base["parameters"]["contract.withhold.rate"], 0.1);
  EXPECT_TRUE(base["parameters"]["contract.withhold.rate"].is_number_float());
  EXPECT_EQ(base["parameters"]["contract.benchmark.method"], "blend");
  EXPECT_EQ(base["parameters"]["contract.gate"], true);
  EXPECT_EQ(doc["variants"][1]["parameters"]["contract.benchmark.method"], "a, \"b\"");
  const nlohmann::json& rates = base["tables"]["analysis/threshold/rates"];
  ASSERT_TRUE(rates.contains("row_keys"));
  EXPECT_EQ(rates["row_keys"][0],
            nlohmann::json({{"group", "northeast_small"}, {"min_units", 5000}}));
  EXPECT_TRUE(rates["row_keys"][0]["min_units"].is_number_integer());
  const nlohmann::json& exhibit = base["tables"]["analysis/risk/stop_loss_exhibit"]["row_keys"];
  EXPECT_EQ(exhibit[0], nlohmann::json({{"group", "specific"}, {"attachment", 25000}, {"factor", nullptr}}));
  EXPECT_EQ(exhibit[1], nlohmann::json({{"group", "aggregate"}, {"attachment", nullptr}, {"factor", 1.25}}));
  EXPECT_FALSE(base["tables"]["summary/portfolio"].contains("row_keys"));
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
