// `apmsim run` and `apmsim summary` end to end on a small scenario (tests/data/cli/small.toml):
// the results file, safe overwriting, the summary on stdout, reproducibility across threads and
// batch sizes, and the optional per-replication tallies.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/results.hpp"
#include "io/results_file.hpp"
#include "run_cli.hpp"

namespace apmsim::cli_test {
namespace {

// small.toml: 2 providers in "aco" + 1 in "practice" (300 patients each), 2 regions with 500
// comparison patients each, 2 + 2 years, 20 replications in batches of 7, seed 20240607.
constexpr std::uint64_t kReplications = 20;
constexpr std::uint32_t kProviders = 3;
constexpr std::uint32_t kRegions = 2;
constexpr int kYears = 4;
constexpr double kPanelSize = 300.0;
constexpr double kComparisonSize = 500.0;
constexpr std::uint64_t kSeed = 20240607;

//! Runs `apmsim run small.toml --out <dir>/<name> extra...` in `dir`, expecting success.
CliResult run_small(const TempFolder& dir, const std::string& name,
                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"run", cli_data("small.toml"), "--out", dir.file(name)};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args, dir.path().string());
}

void expect_success(const CliResult& r) {
  ASSERT_TRUE(r.exited()) << r;
  ASSERT_EQ(r.exit_code, 0) << r;
}

bool same_bits(double a, double b) {
  if (a != a && b != b) return true;  // NaN equals NaN
  std::uint64_t x = 0;
  std::uint64_t y = 0;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

//! Every estimate and standard error of two tables, bit for bit.
void expect_same_table(const analysis::EstimateTable& a, const analysis::EstimateTable& b,
                       const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(a.rows, b.rows);
  ASSERT_EQ(a.years, b.years);
  ASSERT_EQ(a.quantities.size(), b.quantities.size());
  for (std::size_t q = 0; q < a.quantities.size(); ++q)
    ASSERT_EQ(a.quantities[q].name, b.quantities[q].name);
  ASSERT_EQ(a.mean.size(), b.mean.size());
  ASSERT_EQ(a.se.size(), b.se.size());
  int differences = 0;
  for (std::size_t q = 0; q < a.quantities.size(); ++q)
    for (std::size_t r = 0; r < a.rows.size(); ++r)
      for (int y = 0; y < a.years; ++y) {
        const std::size_t i = a.index(q, r, static_cast<std::size_t>(y));
        if (!same_bits(a.mean[i], b.mean[i]) && ++differences <= 5)
          ADD_FAILURE() << a.quantities[q].name << "[" << a.rows[r] << ", " << y
                        << "]: " << a.mean[i] << " vs " << b.mean[i];
        if (!same_bits(a.se[i], b.se[i]) && ++differences <= 5)
          ADD_FAILURE() << a.quantities[q].name << "_se[" << a.rows[r] << ", " << y
                        << "]: " << a.se[i] << " vs " << b.se[i];
      }
  EXPECT_EQ(differences, 0);
}

void expect_same_estimates(const analysis::Results& a, const analysis::Results& b) {
  ASSERT_EQ(a.variants.size(), b.variants.size());
  for (std::size_t v = 0; v < a.variants.size(); ++v) {
    const auto& x = a.variants[v];
    const auto& y = b.variants[v];
    EXPECT_EQ(x.name, y.name);
    expect_same_table(x.provider, y.provider, x.name + "/provider");
    expect_same_table(x.portfolio, y.portfolio, x.name + "/portfolio");
    expect_same_table(x.region, y.region, x.name + "/region");
  }
}

TEST(CliRun, WritesTheFileAndSummaryReadsItBack) {
  TempFolder dir;
  const CliResult run = run_small(dir, "x.h5");
  expect_success(run);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"x.h5"}) << "no temporary left behind";
  EXPECT_TRUE(contains(run.err, "wrote " + dir.file("x.h5"))) << run;
  EXPECT_EQ(run.err.find('\r'), std::string::npos) << "no line rewriting when not a terminal";
  // Not a terminal: progress as lines, the run's size before it starts, the time it took after.
  EXPECT_TRUE(contains(run.err, "apmsim: 100%  20 / 20 replications, in ")) << run;
  EXPECT_TRUE(contains(run.err, "20 replications x ")) << run;
  EXPECT_TRUE(contains(run.err, " in all; the simulation ")) << run;

  // The summary on stdout is the file's summary.
  const analysis::Results results = io::read_results(dir.file("x.h5"));
  EXPECT_EQ(run.out, io::format_summary(results));
  EXPECT_TRUE(contains(run.out, "seed 20240607, 20 replications in 3 batches of up to 7")) << run;
  EXPECT_TRUE(contains(run.out, "variant 1 of 1: base")) << run;

  const CliResult summary = run_cli({"summary", dir.file("x.h5")}, dir.path().string());
  expect_success(summary);
  EXPECT_EQ(summary.out, run.out);
  EXPECT_EQ(summary.err, "") << summary;

  // What the file records about the run.
  EXPECT_EQ(results.info.seed, kSeed);
  EXPECT_EQ(results.info.replications, kReplications);
  EXPECT_EQ(results.info.batch_size, 7u);
  EXPECT_EQ(results.info.baseline_years, 2);
  EXPECT_EQ(results.info.performance_years, 2);
  EXPECT_EQ(results.info.backend, "cpu");
  EXPECT_TRUE(contains(results.info.command_line, "run " + cli_data("small.toml")))
      << results.info.command_line;
  EXPECT_EQ(results.scenario_path, cli_data("small.toml"));
  EXPECT_EQ(results.scenario_text, read_file(cli_data("small.toml")));
  EXPECT_EQ(results.scenario_sha256, io::sha256_hex(results.scenario_text));
  EXPECT_DOUBLE_EQ(results.info.unit_years,
                   static_cast<double>(kReplications) * kYears *
                       (kProviders * kPanelSize + kRegions * kComparisonSize));
  EXPECT_FALSE(results.has_tallies);
  ASSERT_EQ(results.variants.size(), 1u);
  const analysis::VariantSummary& base = results.variants[0];
  EXPECT_EQ(base.name, "base");
  ASSERT_EQ(base.providers.size(), kProviders);
  EXPECT_EQ(base.providers[0].name, "aco/0");
  EXPECT_EQ(base.providers[2].name, "practice/0");
  EXPECT_TRUE(base.providers[0].participant);
  EXPECT_FALSE(base.providers[2].participant);
  EXPECT_EQ(base.region.rows, (std::vector<std::string>{"north", "south"}));
  EXPECT_EQ(base.portfolio.rows, (std::vector<std::string>{"participants", "all"}));
  // Units per portfolio row and year: the panel sizes.
  const std::size_t units = base.portfolio.quantity("units");
  for (int y = 0; y < kYears; ++y) {
    EXPECT_EQ(base.portfolio.mean[base.portfolio.index(units, 0, y)], 2 * kPanelSize);
    EXPECT_EQ(base.portfolio.mean[base.portfolio.index(units, 1, y)], 3 * kPanelSize);
  }
}

TEST(CliRun, OptionsOverrideTheScenario) {
  TempFolder dir;
  expect_success(run_small(dir, "x.h5",
                           {"--replications", "9", "--seed", "5", "--batch-size", "4", "--quiet"}));
  const analysis::Results r = io::read_results(dir.file("x.h5"));
  EXPECT_EQ(r.info.replications, 9u);
  EXPECT_EQ(r.info.seed, 5u);
  EXPECT_EQ(r.info.batch_size, 4u);
  EXPECT_TRUE(contains(r.info.command_line, "--replications 9 --seed 5")) << r.info.command_line;
}

TEST(CliRun, RefusesToOverwriteWithoutForce) {
  TempFolder dir;
  const std::string file = dir.file("x.h5");
  expect_success(run_small(dir, "x.h5", {"--quiet"}));
  const std::string bytes = read_file(file);
  const long long mtime = mtime_ns(file);

  const CliResult again = run_small(dir, "x.h5", {"--seed", "99"});
  ASSERT_TRUE(again.exited()) << again;
  EXPECT_EQ(again.exit_code, 2) << again;
  EXPECT_TRUE(contains(again.err, file)) << again;
  EXPECT_TRUE(contains(again.err, "--force")) << again;
  EXPECT_EQ(again.out, "") << again;
  EXPECT_EQ(read_file(file), bytes) << "the original file is untouched";
  EXPECT_EQ(mtime_ns(file), mtime);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"x.h5"});

  const CliResult forced = run_small(dir, "x.h5", {"--seed", "99", "--force", "--quiet"});
  expect_success(forced);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"x.h5"});
  EXPECT_EQ(io::read_results(file).info.seed, 99u) << "overwritten by the forced run";
}

TEST(CliRun, QuietPrintsNothingOnStdout) {
  TempFolder dir;
  const CliResult loud = run_small(dir, "loud.h5");
  expect_success(loud);
  EXPECT_TRUE(contains(loud.out, "population: participants")) << loud;

  const CliResult quiet = run_small(dir, "quiet.h5", {"--quiet"});
  expect_success(quiet);
  EXPECT_EQ(quiet.out, "") << quiet;
  EXPECT_TRUE(contains(quiet.err, "wrote " + dir.file("quiet.h5"))) << quiet;
  // Same run, same estimates, whether or not it printed them.
  expect_same_estimates(io::read_results(dir.file("loud.h5")),
                        io::read_results(dir.file("quiet.h5")));
}

TEST(CliRun, DefaultOutputIsResultsFolderInTheWorkingFolder) {
  TempFolder dir;
  fs::create_directory(dir.path() / "results");
  const CliResult r = run_cli({"run", cli_data("small.toml"), "--quiet"}, dir.path().string());
  expect_success(r);
  EXPECT_TRUE(fs::is_regular_file(dir.path() / "results" / "small.h5")) << r;
}

// Same seed: the same estimates, bit for bit, whatever the threads and batch size.
TEST(CliRun, ReproducibleAcrossThreadsAndBatchSizes) {
  TempFolder dir;
  expect_success(run_small(dir, "a.h5",
                           {"--threads", "1", "--batch-size", "3", "--write-tallies", "--quiet"}));
  expect_success(run_small(dir, "b.h5",
                           {"--threads", "2", "--batch-size", "20", "--write-tallies", "--quiet"}));
  const analysis::Results a = io::read_results(dir.file("a.h5"));
  const analysis::Results b = io::read_results(dir.file("b.h5"));
  EXPECT_EQ(a.info.batch_size, 3u);
  EXPECT_EQ(b.info.batch_size, 20u);
  EXPECT_EQ(a.info.seed, b.info.seed);
  expect_same_estimates(a, b);
  ASSERT_TRUE(a.has_tallies && b.has_tallies);
  EXPECT_EQ(a.tallies.fields, b.tallies.fields);
  ASSERT_EQ(a.tallies.values.size(), b.tallies.values.size());
  EXPECT_EQ(std::memcmp(a.tallies.values.data(), b.tallies.values.data(),
                        a.tallies.values.size() * sizeof(double)),
            0)
      << "tallies differ";
}

TEST(CliRun, DifferentSeedGivesDifferentNumbers) {
  TempFolder dir;
  expect_success(run_small(dir, "a.h5", {"--quiet"}));
  expect_success(run_small(dir, "b.h5", {"--seed", "7", "--quiet"}));
  const analysis::Results a = io::read_results(dir.file("a.h5"));
  const analysis::Results b = io::read_results(dir.file("b.h5"));
  EXPECT_EQ(b.info.seed, 7u);
  const analysis::EstimateTable& x = a.variants.at(0).portfolio;
  const analysis::EstimateTable& y = b.variants.at(0).portfolio;
  const std::size_t cost = x.quantity("cost_per_unit");
  for (std::size_t r = 0; r < x.rows.size(); ++r)
    for (int k = 0; k < kYears; ++k) {
      const std::size_t i = x.index(cost, r, k);
      EXPECT_NE(x.mean[i], y.mean[i]) << x.rows[r] << " year " << k;
      EXPECT_NE(x.se[i], y.se[i]) << x.rows[r] << " year " << k;
    }
  // Units do not depend on the draws.
  const std::size_t units = x.quantity("units");
  for (std::size_t r = 0; r < x.rows.size(); ++r)
    for (int k = 0; k < kYears; ++k)
      EXPECT_EQ(x.mean[x.index(units, r, k)], y.mean[y.index(units, r, k)]);
}

//! Dimensions of a dataset, read with the HDF5 C API.
std::vector<hsize_t> dataset_shape(const std::string& file, const char* dataset) {
  std::vector<hsize_t> dims;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return dims;
  const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  if (d >= 0) {
    const hid_t space = H5Dget_space(d);
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank > 0) {
      dims.resize(static_cast<std::size_t>(rank));
      H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    }
    H5Sclose(space);
    H5Dclose(d);
  }
  H5Fclose(f);
  return dims;
}

TEST(CliRun, WriteTalliesStoresPerReplicationTallies) {
  TempFolder dir;
  expect_success(run_small(dir, "t.h5", {"--write-tallies", "--quiet"}));
  const analysis::Results r = io::read_results(dir.file("t.h5"));
  ASSERT_TRUE(r.has_tallies);
  const analysis::TallyDump& t = r.tallies;
  constexpr std::uint32_t kEntities = kProviders + kRegions;
  EXPECT_EQ(t.replications, kReplications);
  EXPECT_EQ(t.entities, kEntities);
  EXPECT_EQ(t.years, kYears);
  const std::size_t fields = t.fields.size();
  ASSERT_EQ(t.values.size(), kReplications * kEntities * kYears * fields);
  EXPECT_EQ(dataset_shape(dir.file("t.h5"), "/tallies/values"),
            (std::vector<hsize_t>{kReplications, kEntities, kYears, fields}));

  auto field = [&](const std::string& name) {
    for (std::size_t f = 0; f < fields; ++f)
      if (t.fields[f] == name) return f;
    ADD_FAILURE() << "no tally field " << name;
    return std::size_t{0};
  };
  const std::size_t units = field("units");
  const std::size_t cost = field("cost");
  const std::size_t cost_squared = field("cost_squared");
  const std::size_t capped = field("capped_cost.20000");
  field("bp_control.measured");
  field("capped_cost.50000");

  double total_units = 0.0;
  for (std::uint64_t rep = 0; rep < t.replications; ++rep)
    for (std::uint32_t e = 0; e < t.entities; ++e)
      for (int y = 0; y < t.years; ++y) {
        const double* v = &t.values[((rep * t.entities + e) * t.years + y) * fields];
        const double expected_units = e < kProviders ? kPanelSize : kComparisonSize;
        EXPECT_EQ(v[units], expected_units)
            << "replication " << rep << " entity " << e << " year " << y;
        EXPECT_GT(v[cost], 0.0) << "replication " << rep << " entity " << e << " year " << y;
        EXPECT_GE(v[cost_squared] * v[units], v[cost] * v[cost] * (1 - 1e-12));  // Cauchy-Schwarz
        EXPECT_LE(v[capped], v[cost] * (1 + 1e-12));
        EXPECT_LE(v[capped], 20000.0 * v[units]);
        total_units += v[units];
      }
  EXPECT_DOUBLE_EQ(total_units, r.info.unit_years);

  // The per-replication mean of the tallies is the estimate in the summary tables.
  const analysis::EstimateTable& provider = r.variants.at(0).provider;
  const std::size_t per_unit = provider.quantity("cost_per_unit");
  for (std::uint32_t p = 0; p < kProviders; ++p)
    for (int y = 0; y < kYears; ++y) {
      double sum = 0.0;
      for (std::uint64_t rep = 0; rep < t.replications; ++rep) {
        const double* v = &t.values[((rep * t.entities + p) * t.years + y) * fields];
        sum += v[cost] / v[units];
      }
      EXPECT_NEAR(provider.mean[provider.index(per_unit, p, y)], sum / t.replications,
                  1e-9 * sum / t.replications)
          << "provider " << p << " year " << y;
    }
}

}  // namespace
}  // namespace apmsim::cli_test

namespace apmsim::cli_test {
namespace {

// A contract scenario with a sweep: `summary` of the file prints exactly what `run` printed
// (the stored interval multipliers, every variant), and with stdout and stderr in one log the
// closing line comes after the whole summary, never inside a table line.
TEST(CliRun, SummaryOfAContractRunIsTheRunsSummary) {
  TempFolder dir;
  const std::string scenario = std::string(APMSIM_SOURCE_DIR) + "/scenarios/access_withhold.toml";
  const CliResult run = run_cli({"run", scenario, "--replications", "12", "--batch-size", "5",
                                 "--threads", "2", "--out", dir.file("a.h5")},
                                dir.path().string(), 300);
  ASSERT_EQ(run.exit_code, 0) << run;
  const CliResult summary = run_cli({"summary", dir.file("a.h5")});
  ASSERT_EQ(summary.exit_code, 0) << summary;
  EXPECT_EQ(summary.out, run.out);
  const analysis::Results results = io::read_results(dir.file("a.h5"));
  std::size_t details = 0;
  for (std::size_t at = 0; (at = run.out.find("answers (agreement", at)) != std::string::npos; ++at)
    ++details;
  EXPECT_EQ(details, results.variants.size()) << "every variant's answers";
  EXPECT_TRUE(contains(run.out, "signs: net_provider_result > 0")) << run.out;
  EXPECT_TRUE(contains(run.out, "not reachable in [0, 1]")) << run.out;
  // One variant alone; a variant that is not there names those that are; a page too narrow.
  ASSERT_GE(results.variants.size(), 2u);
  const std::string second = results.variants[1].name;
  const CliResult one = run_cli({"summary", dir.file("a.h5"), "--variant", second});
  EXPECT_EQ(one.exit_code, 0) << one;
  EXPECT_TRUE(contains(one.out, ": " + second + "\n")) << one;
  EXPECT_FALSE(contains(one.out, ": " + results.variants[0].name + "\n")) << one;
  const CliResult none = run_cli({"summary", dir.file("a.h5"), "--variant", "nope"});
  EXPECT_EQ(none.exit_code, 2) << none;
  EXPECT_TRUE(contains(none.err, "--variant 'nope'")) << none;
  EXPECT_TRUE(contains(none.err, "'" + second + "'")) << none;
  const CliResult narrow = run_cli({"summary", dir.file("a.h5"), "--width", "30"});
  EXPECT_EQ(narrow.exit_code, 2) << narrow;
  const CliResult wide = run_cli({"summary", dir.file("a.h5"), "--width", "200"});
  EXPECT_EQ(wide.exit_code, 0) << wide;
  EXPECT_LT(std::count(wide.out.begin(), wide.out.end(), '\n'),
            std::count(run.out.begin(), run.out.end(), '\n'));

  const std::string log = dir.file("log");
  const std::string command = "'" + std::string(APMSIM_CLI) + "' run '" + scenario +
                              "' --replications 12 --threads 2 --force --out '" +
                              dir.file("b.h5") + "' > '" + log + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t wrote = text.find("apmsim: wrote ");
  ASSERT_NE(wrote, std::string::npos) << text;
  EXPECT_EQ(text[wrote - 1], '\n') << "the closing line starts a line of its own";
  EXPECT_GT(wrote, text.rfind("variants: key figures")) << "after the whole summary";
}

// `summary --section` prints the header, the sections asked for and the footer; `--format
// markdown` the same figures (every "estimate ± se" of the text, no more, no fewer) as GitHub
// tables under `##` headings; a mistyped section or format exits 2 with the nearest name.
TEST(CliSummary, SectionsAndMarkdown) {
  TempFolder dir;
  const std::string scenario = std::string(APMSIM_SOURCE_DIR) + "/scenarios/access_withhold.toml";
  const CliResult run = run_cli({"run", scenario, "--replications", "8", "--threads", "2",
                                 "--out", dir.file("a.h5")},
                                dir.path().string(), 300);
  ASSERT_EQ(run.exit_code, 0) << run;
  const std::string file = dir.file("a.h5");
  const CliResult answers = run_cli({"summary", file, "--section", "answers"});
  ASSERT_EQ(answers.exit_code, 0) << answers;
  EXPECT_TRUE(contains(answers.out, "seed ")) << answers;  // the header
  EXPECT_TRUE(contains(answers.out, "answers (agreement")) << answers;
  EXPECT_TRUE(contains(answers.out, "signs: ")) << answers;  // the footer
  for (const char* other : {"contract: participants' totals", "population: ", "withhold pricing",
                            "variants: key figures", "downside risk"})
    EXPECT_FALSE(contains(answers.out, other)) << other << "\n" << answers;
  const CliResult two = run_cli({"summary", file, "--section", "money,withhold"});
  ASSERT_EQ(two.exit_code, 0) << two;
  EXPECT_TRUE(contains(two.out, "contract: participants' totals")) << two;
  EXPECT_TRUE(contains(two.out, "withhold pricing")) << two;
  EXPECT_FALSE(contains(two.out, "answers (agreement")) << two;
  const CliResult repeated =
      run_cli({"summary", file, "--section", "money", "--section", "withhold"});
  EXPECT_EQ(repeated.out, two.out);
  const CliResult typo = run_cli({"summary", file, "--section", "answer"});
  EXPECT_EQ(typo.exit_code, 2) << typo;
  EXPECT_TRUE(contains(typo.err, "did you mean 'answers'")) << typo;
  const CliResult json = run_cli({"summary", file, "--format", "json"});
  EXPECT_EQ(json.exit_code, 2) << json;
  EXPECT_TRUE(contains(json.err, "--format 'json'")) << json;

  const CliResult text = run_cli({"summary", file});
  const CliResult markdown = run_cli({"summary", file, "--format", "markdown"});
  ASSERT_EQ(markdown.exit_code, 0) << markdown;
  EXPECT_TRUE(contains(markdown.out, "## variant 1 of ")) << markdown;
  EXPECT_TRUE(contains(markdown.out, "| :--- | ---: |")) << markdown;
  const std::regex figure("-?[0-9][0-9,.]* ± [0-9][0-9,.]*");
  const auto figures = [&](const std::string& out) {
    std::multiset<std::string> found;
    for (std::sregex_iterator it(out.begin(), out.end(), figure), end; it != end; ++it)
      found.insert(it->str());
    return found;
  };
  EXPECT_FALSE(figures(text.out).empty());
  EXPECT_EQ(figures(markdown.out), figures(text.out));
  // Tables are whole: every row of a table has as many cells as its header; no code blocks.
  std::istringstream lines(markdown.out);
  std::size_t cells = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.rfind("    ", 0), 0u) << "an indented line is a code block: " << line;
    if (line.empty() || line[0] != '|') {
      cells = 0;
      continue;
    }
    const auto bars = static_cast<std::size_t>(std::count(line.begin(), line.end(), '|'));
    if (cells == 0) cells = bars;
    EXPECT_EQ(bars, cells) << line;
  }
}

}  // namespace
}  // namespace apmsim::cli_test
