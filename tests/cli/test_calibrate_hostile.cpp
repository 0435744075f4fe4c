// `apmsim calibrate` on hostile input (issues 24, 25): every file of tests/data/hostile/calibrate run
// as its manifest says (exit code, message fragment), each under a timeout (a cost of 1e30 once
// hung the parametric fit forever), none printing a raw control character or kilobytes of echoed
// input, none leaving a file when it fails; and the inputs made at run time: a FIFO without a
// writer, a 10 MB header, 10,001 provider groups.
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "run_cli.hpp"

namespace apmsim::cli_test {
namespace {

const std::string kHostile = std::string(APMSIM_TEST_DATA) + "/hostile/calibrate/";

struct HostileCase {
  std::string file, mode, options, fragment;
  int exit_code = 0;
};

std::vector<HostileCase> manifest() {
  std::ifstream in(kHostile + "manifest.tsv");
  std::vector<HostileCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) f.push_back(field);
    if (f.size() != 5) throw std::runtime_error("manifest.tsv: 5 fields expected: " + line);
    cases.push_back({f[0], f[1], f[2] == "-" ? "" : f[2], f[4], std::stoi(f[3])});
  }
  return cases;
}

//! Output a terminal may show safely: no control character but the line end, not kilobytes.
void expect_tame(const std::string& text, const CliResult& r) {
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    EXPECT_FALSE((b < 0x20 && c != '\n') || b == 0x7f) << "raw control byte " << int(b) << "\n"
                                                       << r;
  }
}

//! Runs calibrate on `input`; the population file is `dir`/pop.toml.
CliResult calibrate(const TempFolder& dir, const std::string& input, const std::string& mode,
                    const std::string& options) {
  std::vector<std::string> args{"calibrate"};
  if (mode == "continuance") args.push_back("--continuance");
  if (mode == "paid") args.push_back("--paid");
  args.push_back(input);
  args.insert(args.end(), {"--out", dir.file("pop.toml")});
  std::stringstream words(options);
  for (std::string w; words >> w;) args.push_back(w);
  return run_cli(args, "", 60.0);
}

TEST(CliCalibrateHostile, EveryManifestCaseEndsAsItSays) {
  const std::vector<HostileCase> cases = manifest();
  ASSERT_GE(cases.size(), 25u);
  for (const HostileCase& c : cases) {
    SCOPED_TRACE(c.file + " " + c.options);
    TempFolder dir;
    const CliResult r = calibrate(dir, kHostile + c.file, c.mode, c.options);
    ASSERT_FALSE(r.timed_out) << r;
    EXPECT_EQ(r.exit_code, c.exit_code) << r;
    EXPECT_NE((r.out + r.err).find(c.fragment), std::string::npos) << c.fragment << "\n" << r;
    expect_tame(r.err, r);
    EXPECT_LT(r.err.size(), 4096u) << r;
    if (c.exit_code != 0) {
      EXPECT_TRUE(dir.listing().empty()) << joined(dir.listing());
      EXPECT_EQ(r.err.find("pop.toml"), std::string::npos) << "points at the output\n" << r;
    } else if (c.mode == "paid") {  // the run-out table alone, not a scenario
      EXPECT_TRUE(contains(read_file(dir.file("pop.toml")), "\n[contract.run_out]\nlag = ["));
    } else {
      EXPECT_EQ(run_cli({"validate", dir.file("pop.toml")}).exit_code, 0);
    }
  }
}

TEST(CliCalibrateHostile, AFifoWithoutAWriterIsRefusedAtOnce) {
  TempFolder dir;
  ASSERT_EQ(::mkfifo(dir.file("claims.csv").c_str(), 0600), 0);
  for (const char* mode : {"claims", "continuance", "paid"}) {
    const CliResult r = calibrate(dir, dir.file("claims.csv"), mode, "");
    ASSERT_FALSE(r.timed_out) << r;
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_NE(r.err.find("is not a regular file"), std::string::npos) << r;
  }
  const CliResult folder = calibrate(dir, dir.path().string(), "claims", "");
  EXPECT_EQ(folder.exit_code, 2) << folder;
  EXPECT_NE(folder.err.find("is a folder"), std::string::npos) << folder;
}

TEST(CliCalibrateHostile, AHugeHeaderIsClippedNotEchoed) {
  TempFolder dir;
  std::string header(10 << 20, 'x');
  write_file(dir.file("wide.csv"), header + ",\x1b[2J\nA\n");
  for (const char* mode : {"claims", "paid"}) {
    const CliResult r = calibrate(dir, dir.file("wide.csv"), mode, "");
    EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 2000);
    EXPECT_NE(r.err.find("not a CSV header"), std::string::npos) << r.err.substr(0, 2000);
    EXPECT_LT(r.err.size(), 1024u);
  }
  // A header of many names under 64 KiB: the missing-column message lists the first few.
  std::string names = "member";
  for (int k = 0; k < 5000; ++k) names += ",c" + std::to_string(k);
  write_file(dir.file("many.csv"), names + "\nA\n");
  const CliResult many = calibrate(dir, dir.file("many.csv"), "claims", "");
  EXPECT_EQ(many.exit_code, 2) << many;
  EXPECT_NE(many.err.find("no column 'year'"), std::string::npos) << many;
  EXPECT_NE(many.err.find("(5001 columns)"), std::string::npos) << many;
  EXPECT_LT(many.err.size(), 1024u);
}

TEST(CliCalibrateHostile, TooManyProviderGroupsAreRefusedBeforeWriting) {
  // 200,000 groups made a 47 MB population that validate refuses; the limit is 10,000.
  TempFolder dir;
  std::string text = "member,year,cost,provider,provider_group\n";
  for (int g = 0; g <= 10000; ++g)
    text += "m" + std::to_string(g) + ",2023,100,p" + std::to_string(g) + ",g" + std::to_string(g) +
            "\n";
  write_file(dir.file("groups.csv"), text);
  const CliResult r = calibrate(dir, dir.file("groups.csv"), "claims", "");
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("groups.csv:10002:5: column 'provider_group': provider group 'g10000' is "
                       "one more than the 10000 calibrate writes"),
            std::string::npos)
      << r;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"groups.csv"});
}

}  // namespace
}  // namespace apmsim::cli_test
