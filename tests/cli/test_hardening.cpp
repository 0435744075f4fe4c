// What a hostile tester broke (issue 15), through the apmsim binary: two runs on one --out, runs
// too large for the machine, scenario "files" that are devices or huge. Each must exit with code 2
// and a clear message, at once, and leave no file behind but the ones it names. The signal,
// disk-full and stale-temporary cases are in tests/scale/test_hardening.sh.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "analysis/results.hpp"
#include "io/results_file.hpp"
#include "run_cli.hpp"

namespace apmsim::cli_test {
namespace {

//! Exit code 2 with each fragment in an error message of apmsim's own.
void expect_error(const CliResult& r, const std::vector<std::string>& fragments) {
  expect_refused(r, fragments);
  EXPECT_TRUE(contains(r.err, "apmsim: error: ")) << r;
}

// Two runs on one --out finishing together: both exited 0 and one result silently replaced the
// other. Now one publishes, and the other is refused before it starts (the file is there) or,
// when both got past that check, keeps its result under a name it prints.
TEST(CliHardening, TwoRunsOnOneOutNeverReplaceEachOther) {
  TempFolder dir;
  const std::vector<std::string> args{"run",
                                      cli_data("small.toml"),
                                      "--out",
                                      dir.file("x.h5"),
                                      "--replications",
                                      "200",
                                      "--threads",
                                      "1",
                                      "--quiet"};
  const auto [a, b] = run_cli_twice(args, dir.path().string(), 300);
  ASSERT_TRUE(a.exited() && b.exited()) << a << b;
  const CliResult& loser = a.exit_code == 0 ? b : a;
  EXPECT_EQ((a.exit_code == 0) + (b.exit_code == 0), 1) << a << b;
  expect_error(loser, {dir.file("x.h5")});
  EXPECT_TRUE(contains(loser.err, "already exists; not overwriting it") ||
              contains(loser.err, "was written by another process while this one ran"))
      << loser;
  std::vector<std::string> expected{"x.h5"};
  const std::string kept_mark = "is kept as ";
  const std::size_t at = loser.err.find(kept_mark);
  if (at != std::string::npos) {
    const std::string kept =
        loser.err.substr(at + kept_mark.size(), loser.err.find('\n', at) - at - kept_mark.size());
    const analysis::Results mine = io::read_results(kept);
    const analysis::Results theirs = io::read_results(dir.file("x.h5"));
    EXPECT_EQ(mine.info.replications, 200u);
    ASSERT_EQ(mine.variants.size(), theirs.variants.size());
    EXPECT_EQ(mine.variants[0].portfolio.mean, theirs.variants[0].portfolio.mean)
        << "the same run, so the same numbers";
    expected.push_back(fs::path(kept).filename().string());
    std::sort(expected.begin(), expected.end());
  }
  EXPECT_EQ(dir.listing(), expected) << "no temporary, no checkpoint left\n" << a << b;
}

// 4,294,967,295 providers allocated for 25 s and then failed with std::bad_alloc (exit 1).
TEST(CliHardening, AModelTooLargeForMemoryIsRefusedAtOnce) {
  TempFolder dir;
  const auto start = std::chrono::steady_clock::now();
  const CliResult r = run_cli({"run", cli_data("many_providers.toml"), "--out", dir.file("x.h5")},
                              dir.path().string(), 120);
  expect_error(r, {"many_providers.toml: the run needs about ", "TiB of memory",
                     "of memory is available", "its model alone is too large"});
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30.0);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{});
  // validate says the scenario is valid, and that a run here would be refused, and why.
  const CliResult v = run_cli({"validate", cli_data("many_providers.toml")}, "", 120);
  ASSERT_TRUE(v.exited()) << v;
  EXPECT_EQ(v.exit_code, 0) << v;
  EXPECT_TRUE(contains(v.err, "is valid (4294967295 providers")) << v;
  EXPECT_TRUE(contains(v.err, "a run here would be refused: ")) << v;
}

// --batch-size 4294967295 gave std::bad_alloc; now the figure and a batch size that fits.
TEST(CliHardening, ABatchTooLargeForMemoryNamesOneThatFits) {
  TempFolder dir;
  const CliResult r = run_cli({"run", cli_data("small.toml"), "--out", dir.file("x.h5"),
                               "--replications", "4294967296", "--batch-size", "4294967295"},
                              dir.path().string(), 120);
  expect_error(r, {"of memory is available; it would fit with --batch-size "});
  EXPECT_FALSE(contains(r.err, "replications, backend")) << "refused before it starts\n" << r;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{});
}

// panel_size = 4294967295 ran for minutes with no word: now validate says what a run is (its
// unit-years, its memory, its time at a nominal rate) without running a pilot of it.
TEST(CliHardening, ValidateSaysTheSizeMemoryAndTimeOfAHugeRun) {
  const auto start = std::chrono::steady_clock::now();
  const CliResult v = run_cli({"validate", cli_data("huge_panel.toml")}, "", 120);
  ASSERT_TRUE(v.exited()) << v;
  EXPECT_EQ(v.exit_code, 0) << v;
  EXPECT_TRUE(contains(v.err, "20 replications x 34.4 G unit-years = 687 G unit-years")) << v;
  EXPECT_TRUE(contains(v.err, "at a nominal 30 M unit-years/s per thread")) << v;
  EXPECT_TRUE(contains(v.err, "KiB of memory (model ")) << v;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30.0);
}

// `apmsim validate /dev/zero` read forever and grew without bound.
TEST(CliHardening, ScenarioFilesAreRegularAndSmall) {
  const CliResult zero = run_cli({"validate", "/dev/zero"}, "", 30);
  expect_error(zero, {"/dev/zero: not a regular file"});
  TempFolder dir;
  const std::string big = dir.file("big.toml");
  write_file(big, "# " + std::string((16u << 20) + 1, 'x') + "\n");
  const CliResult r = run_cli({"run", big, "--out", dir.file("x.h5")}, dir.path().string(), 60);
  expect_error(r, {big + ": larger than 16 MiB"});
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"big.toml"});
}

// A folder that takes no files failed only after the whole simulation (exit 1).
TEST(CliHardening, AFolderThatTakesNoFilesIsRefusedBeforeSimulating) {
  TempFolder dir;
  std::vector<std::string> folders{"/proc"};  // not writable, even by root
  if (::geteuid() != 0) {
    fs::create_directory(dir.path() / "ro");
    fs::permissions(dir.path() / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    folders.push_back((dir.path() / "ro").string());
  }
  for (const std::string& folder : folders) {
    SCOPED_TRACE(folder);
    const CliResult r =
        run_cli({"run", cli_data("small.toml"), "--out", folder + "/x.h5"}, dir.path().string());
    expect_error(r, {"cannot write results file " + folder + "/x.h5",
                       "cannot create files in folder " + folder});
    EXPECT_FALSE(contains(r.err, "replications, backend")) << "refused before it starts\n" << r;
    const CliResult c = run_cli(
        {"run", cli_data("small.toml"), "--out", dir.file("x.h5"), "--checkpoint", folder + "/c"},
        dir.path().string());
    expect_error(c, {"cannot write checkpoint " + folder + "/c"});
  }
  if (fs::exists(dir.path() / "ro")) fs::permissions(dir.path() / "ro", fs::perms::owner_all);
  EXPECT_FALSE(fs::exists(dir.path() / "x.h5"));
}

}  // namespace
}  // namespace apmsim::cli_test
