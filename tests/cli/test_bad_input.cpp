// Bad input to the apmsim binary: options, scenario paths, output paths and results files.
// Each must exit with code 2 and a clear message on stderr, never crash, and never leave an
// output file or a temporary behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "run_cli.hpp"

namespace apmsim::cli_test {
namespace {

//! Exit code 2, an error message on stderr containing each of `fragments`, nothing on stdout.
void expect_bad_input(const CliResult& r, const std::vector<std::string>& fragments) {
  ASSERT_TRUE(r.exited()) << "crashed or hung\n" << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, "apmsim: error: ")) << r;
  for (const auto& f : fragments) EXPECT_TRUE(contains(r.err, f)) << "'" << f << "' not in\n" << r;
  EXPECT_EQ(r.out, "") << r;
}

struct BadRun {
  const char* name;
  std::vector<std::string> args;       // after "run"; "{S}" = small.toml, "{D}" = the folder,
                                       // "{O}" = the --out path (else --out is appended)
  std::vector<std::string> fragments;  // expected in the message
};

class CliBadRun : public ::testing::TestWithParam<BadRun> {};

TEST_P(CliBadRun, ExitsTwoAndWritesNothing) {
  TempFolder dir;
  const std::string out = dir.file("x.h5");
  std::vector<std::string> args{"run"};
  bool has_out = false;
  for (const std::string& a : GetParam().args) {
    if (a == "{S}") {
      args.push_back(cli_data("small.toml"));
    } else if (a == "{O}") {
      args.push_back(out);
      has_out = true;
    } else if (a.rfind("{D}", 0) == 0) {
      args.push_back(dir.path().string() + a.substr(3));
    } else {
      args.push_back(a);
    }
  }
  if (!has_out) {
    args.push_back("--out");
    args.push_back(out);
  }
  const CliResult r = run_cli(args, dir.path().string());
  expect_bad_input(r, GetParam().fragments);
  EXPECT_FALSE(fs::exists(out)) << r;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{}) << "nothing written\n" << r;
}

INSTANTIATE_TEST_SUITE_P(
    Options, CliBadRun,
    ::testing::Values(
        BadRun{"replications_zero", {"{S}", "--replications", "0"}, {"--replications"}},
        BadRun{"replications_negative", {"{S}", "--replications", "-5"}, {"--replications"}},
        BadRun{"replications_not_a_number",
               {"{S}", "--replications", "abc"},
               {"--replications", "abc"}},
        BadRun{"replications_float", {"{S}", "--replications", "1e3"}, {"--replications", "1e3"}},
        BadRun{"replications_overflow",
               {"{S}", "--replications", "99999999999999999999"},
               {"--replications"}},
        BadRun{"replications_without_value",
               {"{S}", "--out", "{O}", "--replications"},
               {"required argument", "--replications"}},
        // The value is missing, so boost takes "--out" as it and the path as a second
        // scenario: still exit code 2, with a less precise message.
        BadRun{"replications_without_value_before_out", {"{S}", "--replications"}, {}},
        BadRun{"threads_zero", {"{S}", "--threads", "0"}, {"--threads"}},
        BadRun{"threads_negative", {"{S}", "--threads", "-2"}, {"--threads"}},
        BadRun{"threads_overflow", {"{S}", "--threads", "99999999999"}, {"--threads"}},
        // 40000 failed in libgomp, 100000 crashed (exit 139).
        BadRun{"threads_far_past_the_hardware",
               {"{S}", "--threads", "40000"},
               {"--threads: 40000 is more than 64 times the", "hardware threads"}},
        BadRun{"threads_crash_before", {"{S}", "--threads", "100000"}, {"--threads: 100000"}},
        // The random streams number replications with 32 bits: more would repeat worlds.
        BadRun{"replications_past_32_bits",
               {"{S}", "--replications", "1000000000000000"},
               {"--replications: must be in [1, 4294967296], got 1000000000000000"}},
        // --checkpoint DIR failed after the first batch; --checkpoint = --out left a checkpoint
        // named as the results file.
        BadRun{"checkpoint_is_a_folder", {"{S}", "--checkpoint", "{D}"}, {"it is a folder"}},
        BadRun{"checkpoint_is_the_out",
               {"{S}", "--out", "{O}", "--checkpoint", "{D}/./x.h5"},
               {"it is the results file"}},
        BadRun{"checkpoint_in_a_missing_folder",
               {"{S}", "--checkpoint", "{D}/no/such/c"},
               {"/no/such/c: folder", "/no/such does not exist"}},
        BadRun{"checkpoint_not_a_regular_file",
               {"{S}", "--checkpoint", "/dev/null"},
               {"--checkpoint /dev/null: not a regular file"}},
        BadRun{"backend_gpu", {"{S}", "--backend", "gpu"}, {"--backend", "gpu"}},
        // --backend cuda is bad input only without a GPU: test_backend.cpp checks both cases.
        BadRun{"batch_size_negative", {"{S}", "--batch-size", "-1"}, {"--batch-size"}},
        BadRun{"batch_size_zero", {"{S}", "--batch-size", "0"}, {"--batch-size"}},
        BadRun{"batch_size_over_uint32", {"{S}", "--batch-size", "4294967297"}, {"--batch-size"}},
        BadRun{"seed_negative", {"{S}", "--seed", "-1"}, {"--seed"}},
        BadRun{"seed_not_a_number", {"{S}", "--seed", "abc"}, {"--seed", "abc"}},
        BadRun{"seed_overflow", {"{S}", "--seed", "18446744073709551616"}, {"--seed"}},
        BadRun{"unknown_option", {"{S}", "--frobnicate"}, {"--frobnicate"}},
        BadRun{"two_scenarios", {"{S}", "{S}"}, {"positional"}},
        BadRun{"missing_scenario", {"--quiet"}, {"missing scenario file"}},
        BadRun{
            "scenario_does_not_exist", {"{D}/nope.toml"}, {"nope.toml", "no such scenario file"}},
        BadRun{"scenario_is_a_folder", {"{D}"}, {"not a scenario file"}},
        BadRun{"bad_scenario",
               {std::string(APMSIM_TEST_DATA) + "/bad/unknown_key.toml"},
               {"unknown_key.toml:14:", "'provider_group[0].panelsize'"}},
        BadRun{"bad_parameter_risk_path",
               {std::string(APMSIM_TEST_DATA) + "/bad/parameter_risk_unknown_path.toml"},
               {"parameter_risk_unknown_path.toml:21:", "'parameter_risk.parameter[0].key'",
                "no 'stratum' entry named 'sick'"}},
        BadRun{"bad_parameter_risk_deviations",
               {std::string(APMSIM_TEST_DATA) + "/bad/parameter_risk_deviation_count.toml"},
               {"parameter_risk_deviation_count.toml:23:",
                "'parameter_risk.parameter[0].deviations'"}},
        BadRun{
            "bad_parameter_risk_not_finite",
            {std::string(APMSIM_TEST_DATA) + "/bad/parameter_risk_not_finite.toml"},
            {"parameter_risk_not_finite.toml:23:", "'parameter_risk.parameter[0].deviations[1]'"}},
        BadRun{"bad_sweep_value",
               {std::string(APMSIM_TEST_DATA) + "/bad/sweep_bad_value.toml"},
               {"sweep_bad_value.toml:23:", "savings_rate=1.5"}}),
    [](const ::testing::TestParamInfo<BadRun>& info) { return std::string(info.param.name); });

TEST(CliBadOut, MissingFolderExitsTwoAndWritesNothing) {
  TempFolder dir;
  const std::string out = dir.file("no/such/folder/x.h5");
  const CliResult r = run_cli({"run", cli_data("small.toml"), "--out", out}, dir.path().string());
  expect_bad_input(r, {out, "does not exist"});
  EXPECT_EQ(dir.listing(), std::vector<std::string>{});
  // Refused before simulating, not after.
  EXPECT_FALSE(contains(r.err, "replications, backend")) << r;
}

TEST(CliBadOut, DefaultResultsFolderIsCreated) {
  TempFolder dir;  // no results/ in it: the default output folder is made, an --out folder is not
  const CliResult r = run_cli({"run", cli_data("small.toml"), "--quiet"}, dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"results"});
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "results" / "small.h5"));
}

TEST(CliBadOut, FolderInPlaceOfTheFileExitsTwo) {
  TempFolder dir;
  fs::create_directory(dir.path() / "x.h5");
  for (bool force : {false, true}) {
    std::vector<std::string> args{"run", cli_data("small.toml"), "--out", dir.file("x.h5")};
    if (force) args.push_back("--force");
    const CliResult r = run_cli(args, dir.path().string());
    SCOPED_TRACE(force ? "--force" : "no --force");
    expect_bad_input(r, {dir.file("x.h5")});
    EXPECT_EQ(dir.listing(), std::vector<std::string>{"x.h5"});
    EXPECT_TRUE(fs::is_directory(dir.path() / "x.h5"));
    EXPECT_TRUE(fs::is_empty(dir.path() / "x.h5"));
  }
}

TEST(CliBadOut, EmptyNameExitsTwo) {
  TempFolder dir;
  const CliResult r = run_cli({"run", cli_data("small.toml"), "--out", ""}, dir.path().string());
  expect_bad_input(r, {"--out"});
  EXPECT_EQ(dir.listing(), std::vector<std::string>{});
}

// --- summary on files that are not results files ------------------------------------------

//! A real results file of small.toml, made once per process.
const std::string& real_results() {
  static const std::string bytes = [] {
    const fs::path dir =
        fs::path(::testing::TempDir()) / ("apmsim_cli_real_results_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string file = (dir / "real.h5").string();
    const CliResult r =
        run_cli({"run", cli_data("small.toml"), "--out", file, "--force", "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r;
    std::string b = fs::exists(file) ? read_file(file) : std::string();
    fs::remove_all(dir);
    return b;
  }();
  return bytes;
}

void expect_summary_refuses(const std::string& path, const std::vector<std::string>& fragments) {
  SCOPED_TRACE(path);
  const CliResult r = run_cli({"summary", path});
  std::vector<std::string> all{path};
  all.insert(all.end(), fragments.begin(), fragments.end());
  expect_bad_input(r, all);
}

TEST(CliBadSummary, MissingFile) {
  TempFolder dir;
  expect_summary_refuses(dir.file("nope.h5"), {"does not exist"});
}

TEST(CliBadSummary, TextFile) {
  TempFolder dir;
  write_file(dir.file("text.h5"), "this is not HDF5\n");
  expect_summary_refuses(dir.file("text.h5"), {"not an apmsim results file"});
}

TEST(CliBadSummary, EmptyFile) {
  TempFolder dir;
  write_file(dir.file("empty.h5"), "");
  expect_summary_refuses(dir.file("empty.h5"), {"not an apmsim results file"});
}

TEST(CliBadSummary, ScenarioFile) {
  expect_summary_refuses(cli_data("small.toml"), {"not an apmsim results file"});
}

TEST(CliBadSummary, Folder) {
  TempFolder dir;
  expect_summary_refuses(dir.path().string(), {});
}

TEST(CliBadSummary, MissingArgument) {
  expect_bad_input(run_cli({"summary"}), {"missing results file"});
}

TEST(CliBadSummary, TruncatedCopiesOfARealFile) {
  const std::string& bytes = real_results();
  ASSERT_GT(bytes.size(), 4096u);
  TempFolder dir;
  for (std::size_t length : {std::size_t{8}, std::size_t{512}, std::size_t{2048}, bytes.size() / 2,
                             bytes.size() - 100, bytes.size() - 1}) {
    const std::string path = dir.file("truncated_" + std::to_string(length) + ".h5");
    write_file(path, bytes.substr(0, length));
    expect_summary_refuses(path, {});
  }
  // The intact file reads (so the refusals above are about truncation).
  write_file(dir.file("whole.h5"), bytes);
  const CliResult r = run_cli({"summary", dir.file("whole.h5")});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
}

// Damaged bytes anywhere, header included: always refused with exit code 2 (the integrity
// header's SHA-256 covers every byte), never read, never a crash or a runtime failure.
TEST(CliBadSummary, DamagedCopiesNeverCrash) {
  const std::string& bytes = real_results();
  ASSERT_GT(bytes.size(), 4096u);
  TempFolder dir;
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    std::string damaged = bytes;
    const std::size_t at = (bytes.size() - 64) * static_cast<std::size_t>(i) / 12;
    for (std::size_t k = 0; k < 64; ++k)
      damaged[at + k] = static_cast<char>(damaged[at + k] ^ 0x5a);
    const std::string path = dir.file("damaged_" + std::to_string(at) + ".h5");
    write_file(path, damaged);
    const CliResult r = run_cli({"summary", path});
    ASSERT_TRUE(r.exited()) << r;
    EXPECT_EQ(r.exit_code, 2) << r;
    if (r.exit_code == 2) {
      ++refused;
      EXPECT_TRUE(contains(r.err, "apmsim: error: " + path)) << r;
    }
  }
  EXPECT_EQ(refused, 12);
}

}  // namespace
}  // namespace apmsim::cli_test
