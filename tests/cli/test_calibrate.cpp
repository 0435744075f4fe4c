// `apmsim sample` and `apmsim calibrate` from the command line: the claims file's costs sum to
// the run's tallies of that replication; a calibrated population is a scenario validate
// accepts, in both severity forms; bad data and bad options exit 2 with a located message and
// leave no output file.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "io/results_file.hpp"
#include "run_cli.hpp"

namespace apmsim::cli_test {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string f;
  while (std::getline(in, f, ',')) fields.push_back(f);
  if (!line.empty() && line.back() == ',') fields.push_back("");
  return fields;
}

TEST(CliSample, ClaimsSumToTheRunsTallies) {
  TempFolder dir;
  const CliResult run = run_cli({"run", cli_data("small.toml"), "--replications", "3",
                                 "--write-tallies", "--quiet", "--out", dir.file("x.h5")},
                                dir.path().string());
  ASSERT_EQ(run.exit_code, 0) << run;
  const CliResult sample = run_cli({"sample", cli_data("small.toml"), "--replication", "2",
                                    "--comparison", "--out", dir.file("claims.csv")},
                                   dir.path().string());
  ASSERT_EQ(sample.exit_code, 0) << sample;
  EXPECT_TRUE(contains(sample.err, "rows")) << sample;
  std::ifstream in(dir.file("claims.csv"));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  ASSERT_GE(header.size(), 9u);
  EXPECT_EQ(header[0], "member");
  EXPECT_EQ(header[7], "cost");
  std::map<std::pair<std::string, int>, double> cost;
  std::map<std::pair<std::string, int>, double> rows;
  while (std::getline(in, line)) {
    const auto f = split(line);
    ASSERT_EQ(f.size(), header.size()) << line;
    cost[{f[1], std::stoi(f[4])}] += std::stod(f[7]);
    rows[{f[1], std::stoi(f[4])}] += 1.0;
  }
  const analysis::Results r = io::read_results(dir.file("x.h5"));
  ASSERT_TRUE(r.has_tallies);
  const analysis::TallyDump& t = r.tallies;
  const std::size_t fields = t.fields.size();
  std::size_t checked = 0;
  // small.toml's entities in the engine's order: providers, then a comparison per region.
  const std::vector<std::string> names = {"aco/0", "aco/1", "practice/0", "comparison/north",
                                          "comparison/south"};
  ASSERT_EQ(t.entities, names.size());
  for (std::uint32_t e = 0; e < t.entities && e < names.size(); ++e)
    for (int y = 0; y < t.years; ++y) {
      const double* record = &t.values[((std::size_t(2) * t.entities + e) * t.years + y) * fields];
      const auto key = std::make_pair(names[e], y);
      if (!cost.count(key)) continue;
      EXPECT_EQ(rows[key], record[0]) << names[e] << " year " << y;
      // Exact values summed in another order: 1e-12.
      EXPECT_NEAR(cost[key], record[1], 1e-12 * record[1]) << names[e] << " year " << y;
      ++checked;
    }
  EXPECT_GT(checked, 0u);
}

TEST(CliSample, FormulaLikeNamesAreNeutralised) {
  TempFolder dir;
  std::string scenario = read_file(cli_data("small.toml"));
  for (std::size_t at; (at = scenario.find("\"north\"")) != std::string::npos;)
    scenario.replace(at, 7, "\"=north\"");
  write_file(dir.file("s.toml"), scenario);
  const CliResult r = run_cli({"sample", dir.file("s.toml"), "--out", dir.file("claims.csv")});
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::string claims = read_file(dir.file("claims.csv"));
  EXPECT_TRUE(contains(claims, ",\"'=north\",")) << claims.substr(0, 2000);
  EXPECT_FALSE(contains(claims, ",=north,"));
  // Calibrating the sampled file gives the names back, not their neutralised cells.
  const CliResult fit = run_cli({"calibrate", dir.file("claims.csv"), "--out", dir.file("pop.toml")});
  ASSERT_EQ(fit.exit_code, 0) << fit;
  const std::string population = read_file(dir.file("pop.toml"));
  EXPECT_TRUE(contains(population, "\"=north\"")) << population.substr(0, 3000);
  EXPECT_FALSE(contains(population, "'=north")) << population.substr(0, 3000);
}

TEST(CliSample, RefusesAnExistingFileAndBadOptions) {
  TempFolder dir;
  std::ofstream(dir.file("claims.csv")) << "keep me";
  const CliResult r = run_cli({"sample", cli_data("small.toml"), "--out", dir.file("claims.csv")});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, "already exists")) << r;
  std::ifstream kept(dir.file("claims.csv"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "keep me");
  const CliResult bad = run_cli({"sample", cli_data("small.toml"), "--replication", "-1", "--out", dir.file("y.csv")});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"claims.csv"});
}

// Five months of service developing alike (50, 30, 20 paid at lags 0, 1, 2), the extract at the
// last: the chain ladder's pattern is 0.5, 0.3, 0.2 exactly, with standard errors of 0.
std::string paid_alike() {
  std::string text = "service_month,paid_month,amount\n";
  for (int m = 1; m <= 5; ++m)
    for (int k = 0; k < 3 && m + k <= 5; ++k)
      text += "2023-0" + std::to_string(m) + ",2023-0" + std::to_string(m + k) + "," +
              std::to_string(k == 0 ? 50 : k == 1 ? 30 : 20) + "\n";
  return text;
}

TEST(CliCalibrate, WritesBothFormsThatValidateAccepts) {
  TempFolder dir;
  ASSERT_EQ(run_cli({"sample", std::string(APMSIM_TEST_DATA) + "/calibrate/truth.toml", "--out",
                     dir.file("claims.csv")})
                .exit_code,
            0);
  write_file(dir.file("paid.csv"), paid_alike());
  const CliResult r = run_cli({"calibrate", dir.file("claims.csv"), "--out", dir.file("pop.toml"),
                               "--json", dir.file("fit.json"), "--paid", dir.file("paid.csv")},
                              "", 120.0);
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "better fit out of sample")) << r;
  EXPECT_TRUE(contains(r.out, "frailty_sd")) << r;
  EXPECT_TRUE(contains(r.out, "completion pattern: ")) << r;
  EXPECT_TRUE(contains(read_file(dir.file("fit.json")), "\"completion\": {\"source\""));
  const std::vector<std::string> files = dir.listing();
  ASSERT_EQ(files.size(), 5u);  // claims.csv, fit.json, paid.csv, pop.toml, pop.<other>.toml
  for (const std::string& f : files) {
    if (f.rfind("pop", 0) != 0) continue;
    EXPECT_TRUE(contains(read_file(dir.file(f)), "\n# [contract.run_out]\n# lag = [")) << f;
    const CliResult v = run_cli({"validate", dir.file(f)});
    EXPECT_EQ(v.exit_code, 0) << v;
  }
}

// --plot draws the fit with scripts/plot_fit.py (Debian's python3-matplotlib, scripts/setup).
TEST(CliCalibrate, PlotsTheFit) {
  if (std::system("/usr/bin/python3 -c 'import matplotlib' 2>/dev/null") != 0)
    GTEST_SKIP() << "no /usr/bin/python3 with matplotlib: scripts/setup installs it";
  TempFolder dir;
  ASSERT_EQ(run_cli({"sample", std::string(APMSIM_SOURCE_DIR) + "/scenarios/claims/example_truth.toml",
                     "--out", dir.file("claims.csv")})
                .exit_code,
            0);
  const CliResult r = run_cli({"calibrate", dir.file("claims.csv"), "--out", dir.file("pop.toml"),
                               "--quiet", "--plot", dir.file("fit")},
                              "", 120.0);
  ASSERT_EQ(r.exit_code, 0) << r;
  for (const char* png : {"fit_summary.png", "fit_healthy.png", "fit_end_of_life.png"})
    EXPECT_TRUE(fs::exists(fs::path(dir.file("fit")) / png)) << png << "\n" << r;
}

TEST(CliCalibrate, BadDataExitsTwoWithThePlaceAndWritesNothing) {
  TempFolder dir;
  std::ofstream(dir.file("claims.csv")) << "member,year,cost\nA,2023,100\nB,2023,oops\n";
  const CliResult r = run_cli({"calibrate", dir.file("claims.csv"), "--out", dir.file("pop.toml")});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, "claims.csv:3:3: column 'cost': 'oops' is not a number")) << r;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"claims.csv"});
  const CliResult missing = run_cli({"calibrate", dir.file("claims.csv")});
  EXPECT_EQ(missing.exit_code, 2) << missing;
  EXPECT_TRUE(contains(missing.err, "--out")) << missing;
  const CliResult option = run_cli({"calibrate", dir.file("claims.csv"), "--out", dir.file("p.toml"),
                                    "--negative-costs", "maybe"});
  EXPECT_EQ(option.exit_code, 2) << option;
  EXPECT_TRUE(contains(option.err, "refuse, zero, drop")) << option;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"claims.csv"});
}

TEST(CliCalibrate, ContinuanceTableBuildsAValidPopulation) {
  TempFolder dir;
  std::ofstream(dir.file("table.csv")) << "upper,share,average\n0,0.2,0\n1000,0.5,400\n10000,0.25,3000\n,0.05,40000\n";
  const CliResult r = run_cli({"calibrate", "--continuance", dir.file("table.csv"), "--out", dir.file("pop.toml")});
  ASSERT_EQ(r.exit_code, 0) << r;
  const CliResult v = run_cli({"validate", dir.file("pop.toml")});
  EXPECT_EQ(v.exit_code, 0) << v;
  EXPECT_TRUE(contains(v.out, "severity = \"empirical\"")) << v;
  // A table has no sample to jackknife: no [parameter_risk] (docs/calibration.md).
  EXPECT_FALSE(contains(v.out, "parameter_risk")) << v;
}

TEST(CliCalibrate, PaidDatesGiveTheRunOutTable) {
  TempFolder dir;
  write_file(dir.file("paid.csv"), paid_alike());
  const CliResult r = run_cli({"calibrate", "--paid", dir.file("paid.csv"), "--max-lag", "2",
                               "--out", dir.file("run_out.toml"), "--json", dir.file("fit.json")});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "completion factors (a year incurred evenly")) << r;
  // A year's December is one month short of complete a month after the year: 11/12 + 0.8/12.
  EXPECT_TRUE(contains(r.out, "R = 1: 0.9833 ± 0,")) << r;
  const std::string table = read_file(dir.file("run_out.toml"));
  EXPECT_TRUE(contains(table, "\n[contract.run_out]\nlag = [\n  0.5, 0.3, 0.2,\n]")) << table;
  EXPECT_TRUE(contains(read_file(dir.file("fit.json")), "\"lag\": [0.5, 0.3, 0.2]"));
  // Nothing but the table and the report; --plot needs a population.
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"fit.json", "paid.csv", "run_out.toml"}));
  // The table is one a scenario's [contract] takes as it is.
  write_file(dir.file("with_run_out.toml"),
             read_file(std::string(APMSIM_SOURCE_DIR) + "/scenarios/monitor_capitation.toml") +
                 table);
  const CliResult valid = run_cli({"validate", dir.file("with_run_out.toml")});
  EXPECT_EQ(valid.exit_code, 0) << valid;
  const CliResult plot = run_cli({"calibrate", "--paid", dir.file("paid.csv"), "--out",
                                  dir.file("x.toml"), "--plot", dir.file("fit")});
  EXPECT_EQ(plot.exit_code, 2) << plot;
  EXPECT_TRUE(contains(plot.err, "--plot draws a population's fit")) << plot;
}

TEST(CliCalibrate, APopulationWithPaidDatesEndsWithTheTableToPaste) {
  TempFolder dir;
  std::ofstream(dir.file("table.csv")) << "upper,share,average\n0,0.2,0\n1000,0.5,400\n10000,0.25,3000\n,0.05,40000\n";
  write_file(dir.file("paid.csv"), paid_alike());
  const CliResult r = run_cli({"calibrate", "--continuance", dir.file("table.csv"), "--paid",
                               dir.file("paid.csv"), "--max-lag", "2", "--out", dir.file("pop.toml"),
                               "--json", dir.file("fit.json")});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "completion pattern: ")) << r;
  const std::string pop = read_file(dir.file("pop.toml"));
  EXPECT_TRUE(contains(pop, "\n# [contract.run_out]\n# lag = [\n#   0.5, 0.3, 0.2,\n# ]")) << pop;
  EXPECT_EQ(run_cli({"validate", dir.file("pop.toml")}).exit_code, 0);
  EXPECT_TRUE(contains(read_file(dir.file("fit.json")), "\"completion\": {\"source\""));
  // A bad paid file is refused before anything is written.
  write_file(dir.file("bad.csv"), "service_month,paid_month,amount\n2023-02,2023-01,5\n");
  const CliResult bad = run_cli({"calibrate", "--continuance", dir.file("table.csv"), "--paid",
                                 dir.file("bad.csv"), "--out", dir.file("pop2.toml")});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_TRUE(contains(bad.err, "bad.csv:2:2: column 'paid_month': paid 2023-01, before")) << bad;
  EXPECT_FALSE(fs::exists(dir.file("pop2.toml")));
}

}  // namespace
}  // namespace apmsim::cli_test
