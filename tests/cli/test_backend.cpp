// Backends from the command line: `apmsim info` lists them and says whether a CUDA device was
// found; `--backend cuda` without one is bad input (exit 2, a message, nothing written), and
// `auto` says which backend it picked and why. Runs on every machine, with or without a GPU.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_cli.hpp"

namespace apmsim::cli_test {
namespace {

//! What `apmsim info` printed, checked once.
const CliResult& info() {
  static const CliResult r = run_cli({"info"});
  return r;
}

bool has_cuda_device() { return contains(info().out, "device 0:"); }

TEST(CliBackend, InfoListsBackendsAndExitsZero) {
  const CliResult& r = info();
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "apmsim ")) << r;
  EXPECT_TRUE(contains(r.out, "cpu: available")) << r;
  EXPECT_TRUE(contains(r.out, " kernel")) << r;
  // Exactly one verdict on CUDA.
  const int verdicts = int(contains(r.out, "cuda: not built")) +
                       int(contains(r.out, "cuda: built; no CUDA device: ")) +
                       int(has_cuda_device());
  EXPECT_EQ(verdicts, 1) << r;
  // A built CUDA backend names the runtime it carries and the driver (or its absence), and,
  // without a device, the runtime's own error ("cudaErrorNoDevice ...", "cudaErrorInsufficientDriver ...").
  if (!contains(r.out, "cuda: not built")) {
    EXPECT_TRUE(contains(r.out, ", runtime ")) << r;
    EXPECT_TRUE(contains(r.out, "driver")) << r;
    if (!has_cuda_device()) {
      EXPECT_TRUE(contains(r.out, "no CUDA device: cudaError")) << r;
    }
  }
}

TEST(CliBackend, InfoRefusesArguments) {
  const CliResult r = run_cli({"info", "extra"});
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
}

TEST(CliBackend, CudaWithoutADeviceExitsTwo) {
  if (has_cuda_device()) GTEST_SKIP() << "a CUDA device is present: tested by CudaWithADeviceRuns";
  TempFolder dir;
  const std::string out = dir.file("x.h5");
  const CliResult r = run_cli({"run", cli_data("small.toml"), "--backend", "cuda", "--out", out},
                              dir.path().string());
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_TRUE(contains(r.err, "apmsim: error: backend 'cuda' requested but")) << r;
  EXPECT_TRUE(contains(r.err, "no CUDA device") || contains(r.err, "no CUDA backend")) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(dir.listing(), std::vector<std::string>{}) << "nothing written\n" << r;
}

TEST(CliBackend, CudaWithADeviceRuns) {
  if (!has_cuda_device()) GTEST_SKIP() << "no CUDA device: tested by CudaWithoutADeviceExitsTwo";
  TempFolder dir;
  const CliResult r = run_cli(
      {"run", cli_data("small.toml"), "--backend", "cuda", "--quiet", "--out", dir.file("x.h5")},
      dir.path().string());
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.err, "backend cuda (requested")) << r;
}

TEST(CliBackend, AutoSaysWhichAndWhy) {
  TempFolder dir;
  const CliResult r = run_cli(
      {"run", cli_data("small.toml"), "--backend", "auto", "--quiet", "--out", dir.file("x.h5")},
      dir.path().string());
  ASSERT_TRUE(r.exited()) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  const char* expected =
      has_cuda_device() ? "backend cuda (auto: CUDA device " : "backend cpu (auto: ";
  EXPECT_TRUE(contains(r.err, expected)) << r;
  // Falling back says so and where to read why; the driver's own words are for `apmsim info`,
  // not every CPU run's log.
  if (!has_cuda_device() && !contains(info().out, "cuda: not built")) {
    EXPECT_TRUE(contains(r.err, "no CUDA device; `apmsim info` says why")) << r;
    EXPECT_FALSE(contains(r.err, "cudaError")) << r;
  }
}

}  // namespace
}  // namespace apmsim::cli_test
