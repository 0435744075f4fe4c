// Outputs that cannot be hijacked (issue 24), through the apmsim binary: links planted at the
// names writers used to build their outputs under, two writers on one --out, --force onto what
// is not a regular file or not an export, several outputs of one command published together.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "run_cli.hpp"

namespace apmsim::cli_test {
namespace {

//! The pid the kernel handed out last (this machine's pid namespace).
long last_pid() {
  std::ifstream in("/proc/sys/kernel/ns_last_pid");
  long pid = 0;
  in >> pid;
  return pid;
}

//! Symbolic links to `victim` at every name a writer of `out` built it under before issue 24
//! (`<out>.tmp.<pid>`, `.<name>.partial-<pid>`, `<out>.partial`), for the next 400 pids: where
//! the command's process lands. Returns them.
std::vector<std::string> plant_links(const std::string& out, const std::string& victim) {
  const fs::path p(out);
  std::vector<std::string> names{out + ".partial"};
  const long first = last_pid() + 1;
  for (long pid = first; pid < first + 400; ++pid) {
    names.push_back(out + ".tmp." + std::to_string(pid));
    names.push_back(
        (p.parent_path() / ("." + p.filename().string() + ".partial-" + std::to_string(pid)))
            .string());
  }
  for (const std::string& name : names) fs::create_symlink(victim, name);
  return names;
}

//! Runs `args` with links planted for each of `outputs`; the victim outside must be untouched
//! and every output a regular file or folder of the command's.
void expect_links_not_followed(const std::vector<std::string>& args,
                               const std::vector<std::string>& outputs, const TempFolder& dir) {
  apmsim::testing::TempFolder outside("apmsim_victim_");
  const std::string victim = outside.file("victim.txt");
  write_file(victim, "precious\n");
  std::vector<std::string> planted;
  for (const std::string& out : outputs)
    for (const std::string& name : plant_links(out, victim)) planted.push_back(name);
  const CliResult r = run_cli(args, dir.path().string(), 300);
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(read_file(victim), "precious\n") << "a planted link was followed\n" << r;
  EXPECT_EQ(outside.listing(), std::vector<std::string>{"victim.txt"});
  for (const std::string& name : planted) {
    EXPECT_TRUE(fs::is_symlink(fs::symlink_status(name))) << name << " replaced or removed";
    fs::remove(name);
  }
  EXPECT_TRUE(fs::exists(fs::symlink_status(outputs.front()))) << r;
  for (const std::string& out : outputs) {  // a run removes its checkpoint when it is done
    const fs::file_status status = fs::symlink_status(out);
    EXPECT_TRUE(!fs::exists(status) || fs::is_regular_file(status) || fs::is_directory(status))
        << out;
  }
  EXPECT_EQ(temporaries(dir.listing()), std::vector<std::string>{}) << r;
}

//! Sample claims for calibrate and a small results file for export, merge and report.
std::string small_run(const TempFolder& dir, const std::string& name,
                      std::vector<std::string> more = {}) {
  std::vector<std::string> args{"run",
                                cli_data("small.toml"),
                                "--out",
                                dir.file(name),
                                "--replications",
                                "8",
                                "--threads",
                                "1",
                                "--quiet"};
  args.insert(args.end(), more.begin(), more.end());
  const CliResult r = run_cli(args, dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r;
  return dir.file(name);
}

const char* const kContinuance =
    "upper,share,average\n0,0.2,0\n1000,0.5,400\n10000,0.25,3000\n,0.05,40000\n";

// Finding 1: temporaries were `<out>.tmp.<pid>`, probed with O_EXCL that took EEXIST for
// success, then opened with fopen / H5Fcreate(TRUNC), which followed a link planted there: a
// file elsewhere was overwritten. Now every temporary has a fresh random name and is created
// with O_CREAT|O_EXCL|O_NOFOLLOW (HDF5: H5F_ACC_EXCL); nothing planted is opened or followed.
TEST(CliOutputs, RunAndCheckpointNeverFollowALinkPlantedAtTheirTemporaries) {
  TempFolder dir;
  expect_links_not_followed({"run", cli_data("small.toml"), "--out", dir.file("x.h5"),
                             "--replications", "8", "--checkpoint-every", "0", "--quiet"},
                            {dir.file("x.h5"), dir.file("x.h5.checkpoint")}, dir);
}

TEST(CliOutputs, SampleNeverFollowsALinkPlantedAtItsTemporary) {
  TempFolder dir;
  expect_links_not_followed({"sample", cli_data("small.toml"), "--out", dir.file("c.csv")},
                            {dir.file("c.csv")}, dir);
}

TEST(CliOutputs, CalibrateNeverFollowsALinkPlantedAtItsTemporaries) {
  TempFolder dir;
  write_file(dir.file("table.csv"), kContinuance);
  expect_links_not_followed({"calibrate", "--continuance", dir.file("table.csv"), "--out",
                             dir.file("pop.toml"), "--json", dir.file("fit.json")},
                            {dir.file("pop.toml"), dir.file("fit.json")}, dir);
}

TEST(CliOutputs, ExportMergeAndReportNeverFollowALinkPlantedAtTheirTemporaries) {
  TempFolder dir;
  const std::string results = small_run(dir, "r.h5");
  expect_links_not_followed({"export", results, "--out", dir.file("r_csv")}, {dir.file("r_csv")},
                            dir);
  const std::string s0 = small_run(dir, "s0.h5", {"--shard", "0/2"});
  const std::string s1 = small_run(dir, "s1.h5", {"--shard", "1/2"});
  expect_links_not_followed({"merge", s0, s1, "--out", dir.file("m.h5"), "--quiet"},
                            {dir.file("m.h5")}, dir);
  if (std::system("/usr/bin/python3 -c 'import h5py, jinja2, matplotlib' 2>/dev/null") != 0)
    GTEST_SKIP() << "no /usr/bin/python3 with h5py, jinja2 and matplotlib: scripts/setup";
  expect_links_not_followed({"report", results, "--out", dir.file("r.html"), "--no-plots"},
                            {dir.file("r.html")}, dir);
}

// Finding 3: two exports on one --out both exited 0 (check, then rename). Now the folder is
// published with RENAME_NOREPLACE: one succeeds, the other exits 2 and the first is intact.
TEST(CliOutputs, TwoExportsOrReportsOnOneOutPublishOnce) {
  TempFolder dir;
  const std::string results = small_run(dir, "r.h5");
  std::vector<std::vector<std::string>> commands{
      {"export", results, "--out", dir.file("e"), "--format", "json"}};
  if (std::system("/usr/bin/python3 -c 'import h5py, jinja2, matplotlib' 2>/dev/null") == 0)
    commands.push_back({"report", results, "--out", dir.file("r.html"), "--no-plots"});
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0]);
    for (int attempt = 0; attempt < 3; ++attempt) {
      const auto [a, b] = run_cli_twice(args, dir.path().string(), 300);
      ASSERT_TRUE(a.exited() && b.exited()) << a << b;
      EXPECT_EQ((a.exit_code == 0) + (b.exit_code == 0), 1) << a << b;
      const CliResult& loser = a.exit_code == 0 ? b : a;
      EXPECT_EQ(loser.exit_code, 2) << loser;
      // Refused up front (it exists) or at publication (the other one published first).
      EXPECT_TRUE(contains(loser.err, "exists") ||
                  contains(loser.err, "was written by another process while this one ran"))
          << loser;
      const std::string out = args[3];
      if (args[0] == "export")
        EXPECT_TRUE(fs::exists(fs::path(out) / "results.json"));
      else
        EXPECT_TRUE(contains(read_file(out), "</html>"));
      EXPECT_EQ(temporaries(dir.listing()), std::vector<std::string>{}) << a << b;
      fs::remove_all(out);
    }
  }
}

// Finding 3: `export X --out folder --force` deleted a folder that was not an export, the input
// .h5 included. Now --force replaces only a folder holding an export's marker and files.
TEST(CliOutputs, ExportForceReplacesOnlyAnExport) {
  TempFolder dir;
  const std::string results = small_run(dir, "r.h5");
  const CliResult home = run_cli({"export", results, "--out", dir.path().string(), "--force"});
  expect_refused(home, {"apmsim export did not write", "--force replaces only an export"});
  EXPECT_TRUE(fs::exists(results));
  fs::create_directory(dir.file("mine"));
  write_file(dir.file("mine/notes.txt"), "mine\n");
  const CliResult mine = run_cli({"export", results, "--out", dir.file("mine"), "--force"});
  expect_refused(mine, {"apmsim export did not write"});
  EXPECT_EQ(read_file(dir.file("mine/notes.txt")), "mine\n");
  // An export is replaced; one the user put a file into is not.
  ASSERT_EQ(run_cli({"export", results, "--out", dir.file("e")}).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir.file("e/.apmsim-export")));
  const CliResult again = run_cli({"export", results, "--out", dir.file("e"), "--force"});
  EXPECT_EQ(again.exit_code, 0) << again;
  fs::copy_file(results, dir.file("e/r.h5"));
  const CliResult foreign = run_cli({"export", results, "--out", dir.file("e"), "--force"});
  expect_refused(foreign, {"holds r.h5, which apmsim export does not write"});
  EXPECT_TRUE(fs::exists(dir.file("e/r.h5")));
  EXPECT_EQ(temporaries(dir.listing()), std::vector<std::string>{});
}

// Finding 5: --force replaced device nodes and links (`--out /dev/null --force` as root would
// replace the system's). Now --force replaces only a regular file; anything else is exit 2
// naming what it is. A character device where tests run as root, a FIFO and links elsewhere.
TEST(CliOutputs, ForceRefusesWhatIsNotARegularFile) {
  TempFolder dir;
  const std::string results = small_run(dir, "r.h5");
  struct Special {
    std::string name, kind;
  };
  std::vector<Special> specials{
      {"fifo", "a FIFO"}, {"link", "a symbolic link"}, {"null", "a symbolic link"}};
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  fs::create_symlink(results, dir.file("link"));
  fs::create_symlink("/dev/null", dir.file("null"));
  if (::geteuid() == 0 && ::mknod(dir.file("chr").c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0)
    specials.push_back({"chr", "a character device"});
  write_file(dir.file("t.csv"), kContinuance);
  for (const Special& s : specials) {
    SCOPED_TRACE(s.name);
    const std::string out = dir.file(s.name);
    const std::vector<std::vector<std::string>> commands{
        {"run", cli_data("small.toml"), "--out", out, "--replications", "4", "--force"},
        {"sample", cli_data("small.toml"), "--out", out, "--force"},
        {"calibrate", "--continuance", dir.file("t.csv"), "--out", out, "--force"},
        {"merge", results, "--out", out, "--force"},
        {"export", results, "--out", out, "--force"}};
    for (const auto& args : commands) {
      SCOPED_TRACE(args[0]);
      expect_refused(run_cli(args, dir.path().string()), {out + " is " + s.kind});
    }
    EXPECT_FALSE(fs::is_regular_file(fs::symlink_status(out))) << "replaced";
  }
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

// Several outputs of one command: calibrate's --json naming --out was accepted (one replaced the
// other), and a failure after the first output left the others published. Now they are checked
// distinct, and published together or not at all.
TEST(CliOutputs, CalibratePublishesAllOutputsOrNone) {
  TempFolder dir;
  write_file(dir.file("t.csv"), kContinuance);
  const CliResult same = run_cli({"calibrate", "--continuance", dir.file("t.csv"), "--out",
                                  dir.file("p.toml"), "--json", dir.file("p.toml")});
  expect_refused(same, {"--out and --json name one file"});
  // The plot fails (a Python that exits 1) after the population and the report were written.
  ::setenv("APMSIM_PYTHON", "/bin/false", 1);
  const CliResult failed =
      run_cli({"calibrate", "--continuance", dir.file("t.csv"), "--out", dir.file("p.toml"),
               "--json", dir.file("f.json"), "--plot", dir.file("plots")});
  ::unsetenv("APMSIM_PYTHON");
  ASSERT_TRUE(failed.exited()) << failed;
  EXPECT_NE(failed.exit_code, 0) << failed;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"t.csv"}) << failed;
  // --plot into an existing folder holding a fit: not without --force.
  fs::create_directory(dir.file("plots"));
  write_file(dir.file("plots/fit.json"), "{}\n");
  const CliResult plot = run_cli({"calibrate", "--continuance", dir.file("t.csv"), "--out",
                                  dir.file("p.toml"), "--plot", dir.file("plots")});
  expect_refused(plot, {"already holds a fit", "use --force"});
  EXPECT_EQ(read_file(dir.file("plots/fit.json")), "{}\n");
  EXPECT_FALSE(fs::exists(dir.file("p.toml")));
}

}  // namespace
}  // namespace apmsim::cli_test
