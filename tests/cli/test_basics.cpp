// The apmsim binary end to end: --version, --help, usage and unknown commands, and `validate` on
// good and bad scenarios (exit codes 0 success, 2 bad input, 1 runtime failure).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "run_cli.hpp"
#include "version.hpp"

namespace apmsim::cli_test {
namespace {

TEST(CliBasics, VersionPrintsVersionAndCommit) {
  const std::string expected = std::string("apmsim ") + kVersion + " (commit " + kGitCommit + ")\n";
  for (const char* flag : {"--version", "version"}) {
    const CliResult r = run_cli({flag});
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(r.out, expected) << r;
    EXPECT_EQ(r.err, "") << r;
  }
  EXPECT_NE(std::string(kGitCommit), "");
}

TEST(CliBasics, HelpExitsZero) {
  for (const char* flag : {"--help", "-h", "help"}) {
    const CliResult r = run_cli({flag});
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(contains(r.out, "usage:")) << r;
    for (const char* command : {"apmsim run", "apmsim validate", "apmsim summary"})
      EXPECT_TRUE(contains(r.out, command)) << command << "\n" << r;
    EXPECT_TRUE(contains(r.out, "exit codes")) << r;
  }
}

TEST(CliBasics, SubcommandHelpExitsZero) {
  for (const char* command : {"run", "validate", "summary"}) {
    const CliResult r = run_cli({command, "--help"});
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(contains(r.out, "usage:")) << r;
  }
}

// Each subcommand's --help is its own: its usage line and options, not every command's.
TEST(CliBasics, SubcommandHelpPrintsItsOwnOptions) {
  const CliResult run = run_cli({"run", "--help"});
  EXPECT_TRUE(contains(run.out, "usage: apmsim run SCENARIO.toml")) << run;
  EXPECT_TRUE(contains(run.out, "--replications")) << run;
  EXPECT_TRUE(contains(run.out, "--resume")) << run;
  EXPECT_FALSE(contains(run.out, "usage: apmsim merge")) << run;
  EXPECT_FALSE(contains(run.out, "--vary")) << run;  // solve's
  const CliResult merge = run_cli({"merge", "--help"});
  EXPECT_TRUE(contains(merge.out, "usage: apmsim merge SHARD.h5... --out FILE")) << merge;
  EXPECT_FALSE(contains(merge.out, "--replications")) << merge;
  const CliResult solve = run_cli({"solve", "--help"});
  EXPECT_TRUE(contains(solve.out, "--vary")) << solve;
  EXPECT_FALSE(contains(solve.out, "--write-records")) << solve;
  // `apmsim help COMMAND` says the same.
  for (const char* command : {"run", "price", "summary", "export", "calibrate", "info"}) {
    const CliResult a = run_cli({"help", command}), b = run_cli({command, "--help"});
    EXPECT_EQ(a.exit_code, 0) << a;
    EXPECT_EQ(a.out, b.out) << command;
    EXPECT_TRUE(contains(a.out, std::string("apmsim ") + command)) << a;
  }
  // The overview says how to reach them.
  EXPECT_TRUE(contains(run_cli({"--help"}).out, "apmsim help COMMAND"));
}

TEST(CliBasics, MistypedCommandSuggestsTheNearest) {
  for (const auto& [typed, meant] : std::vector<std::pair<std::string, std::string>>{
           {"rn", "run"}, {"sumary", "summary"}, {"valdiate", "validate"}, {"exprot", "export"}}) {
    const CliResult r = run_cli({typed, "x"});
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, "unknown command '" + typed + "'; did you mean '" + meant + "'?"))
        << r;
  }
  EXPECT_FALSE(contains(run_cli({"frobnicate"}).err, "did you mean")) << "nothing is near it";
}

TEST(CliBasics, NoArgumentsPrintsUsageAndExitsTwo) {
  const CliResult r = run_cli({});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.out + r.err, "usage:")) << r;
}

TEST(CliBasics, UnknownCommandExitsTwoWithAMessage) {
  const CliResult r = run_cli({"frobnicate", "x.toml"});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, "unknown command 'frobnicate'")) << r;
  EXPECT_TRUE(contains(r.err, "usage:")) << r;
  EXPECT_EQ(r.out, "") << r;
}

// --- validate ---------------------------------------------------------------------------

class CliValidateGood : public ::testing::TestWithParam<std::string> {};

// The resolved scenario is TOML that validate accepts again, resolving to the same text.
TEST_P(CliValidateGood, PrintsResolvedTomlThatValidatesToItself) {
  TempFolder dir;
  const std::string scenario = GetParam();
  const CliResult first = run_cli({"validate", scenario}, dir.path().string());
  ASSERT_TRUE(first.exited()) << first;
  ASSERT_EQ(first.exit_code, 0) << first;
  EXPECT_TRUE(contains(first.out, "[simulation]")) << first;
  EXPECT_TRUE(contains(first.out, "[[region]]")) << first;
  EXPECT_TRUE(contains(first.err, scenario + " is valid")) << first;

  const std::string resolved = dir.file("resolved.toml");
  write_file(resolved, first.out);
  const CliResult second = run_cli({"validate", resolved}, dir.path().string());
  ASSERT_TRUE(second.exited()) << second;
  ASSERT_EQ(second.exit_code, 0) << second;
  EXPECT_EQ(second.out, first.out);
  EXPECT_TRUE(contains(second.err, resolved + " is valid")) << second;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"resolved.toml"});
}

INSTANTIATE_TEST_SUITE_P(Scenarios, CliValidateGood,
                         ::testing::Values(cli_data("small.toml"), cli_data("minimal.toml"),
                                           std::string(APMSIM_TEST_DATA) + "/good/full.toml",
                                           std::string(APMSIM_TEST_DATA) + "/good/minimal.toml"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return std::to_string(info.index);
                         });

struct BadScenario {
  const char* name;  // tests/data/bad/<name>.toml
  int line;          // 0: the message has no line
  const char* key;   // "" for TOML syntax errors
};

class CliValidateBad : public ::testing::TestWithParam<BadScenario> {};

TEST_P(CliValidateBad, ExitsTwoNamingFileLineColumnAndKey) {
  const BadScenario& bad = GetParam();
  const std::string path = bad_data(bad.name);
  const CliResult r = run_cli({"validate", path});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << "no half-printed scenario\n" << r;
  EXPECT_TRUE(contains(r.err, "apmsim: error: " + path)) << r;
  if (bad.line > 0) {
    // file:line:column: 'key': message
    const std::string where = path + ":" + std::to_string(bad.line) + ":";
    const std::size_t at = r.err.find(where);
    ASSERT_NE(at, std::string::npos) << "'" << where << "' not in\n" << r;
    std::size_t column_end = at + where.size();
    while (column_end < r.err.size() && std::isdigit(static_cast<unsigned char>(r.err[column_end])))
      ++column_end;
    EXPECT_GT(column_end, at + where.size()) << "no column after " << where << "\n" << r;
    EXPECT_EQ(r.err.substr(column_end, 2), ": ") << r;
  }
  if (*bad.key != '\0') {
    EXPECT_TRUE(contains(r.err, "'" + std::string(bad.key) + "': ")) << bad.key << "\n" << r;
  }
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line of error\n" << r;
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, CliValidateBad,
    ::testing::Values(BadScenario{"unknown_key", 14, "provider_group[0].panelsize"},
                      BadScenario{"wrong_type", 9, "stratum[0].mean"},
                      BadScenario{"probability_out_of_range", 9, "stratum[0].p_any"},
                      BadScenario{"duplicate_name", 7, "region[1].name"},
                      BadScenario{"negative_seed", 4, "simulation.seed"},
                      BadScenario{"bad_choice", 4, "simulation.backend"},
                      BadScenario{"unknown_region", 13, "provider_group[0].region"},
                      BadScenario{"shares_not_summing", 13, "stratum[1].share"},
                      BadScenario{"missing_required_key", 6, "stratum[0].mean"},
                      BadScenario{"syntax_error", 12, ""},
                      BadScenario{"missing_region", 0, "region"}),
    [](const ::testing::TestParamInfo<BadScenario>& info) { return std::string(info.param.name); });

TEST(CliValidate, MissingFileExitsTwo) {
  TempFolder dir;
  const std::string path = dir.file("nope.toml");
  const CliResult r = run_cli({"validate", path});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, path)) << r;
  EXPECT_EQ(r.out, "") << r;
}

TEST(CliValidate, BinaryFileIsASyntaxErrorNotACrash) {
  TempFolder dir;
  const std::string path = dir.file("binary.toml");
  write_file(path, std::string("\xff\xfe\x00\x01[simulation]\n\x89HDF\r\n", 20));
  const CliResult r = run_cli({"validate", path});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, path + ":1:")) << r;
}

TEST(CliValidate, MissingArgumentAndExtraArgumentExitTwo) {
  const CliResult none = run_cli({"validate"});
  ASSERT_TRUE(none.exited()) << none;
  EXPECT_EQ(none.exit_code, 2) << none;
  EXPECT_TRUE(contains(none.err, "missing scenario file")) << none;

  const std::string s = cli_data("small.toml");
  const CliResult two = run_cli({"validate", s, s});
  ASSERT_TRUE(two.exited()) << two;
  EXPECT_EQ(two.exit_code, 2) << two;
  EXPECT_EQ(two.out, "") << two;
}


// In a log (stderr not a terminal) a batch longer than the heartbeat interval still shows signs
// of life: "still running" lines inside the batch (APMSIM_HEARTBEAT_SECONDS shortens the minute).
TEST(CliProgress, HeartbeatInsideALongBatch) {
  TempFolder dir;
  ::setenv("APMSIM_HEARTBEAT_SECONDS", "0.2", 1);
  const CliResult r = run_cli({"run", std::string(APMSIM_TEST_DATA) + "/good/full.toml",
                               "--replications", "40", "--batch-size", "40", "--threads", "1",
                               "--quiet", "--out", dir.file("x.h5")},
                              dir.path().string(), 600);
  ::unsetenv("APMSIM_HEARTBEAT_SECONDS");
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.err, "apmsim: still running: the first batch, ")) << r;
  EXPECT_TRUE(contains(r.err, "100%  40 / 40 replications")) << r;
}

}  // namespace
}  // namespace apmsim::cli_test
