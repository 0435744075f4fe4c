// Parameter risk in a run (docs/calibration.md, "Parameter risk"): with every deviation 0 the run
// equals the run without parameter risk bit for bit, and a scenario whose [parameter_risk] is
// off runs as one without the section; the same seed gives the same results whatever the batch
// size, threads or pieces (each block of replications draws from (seed, block) alone); the
// results say what was done.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>

#include "../support/run_pieces.hpp"
#include "../support/same_results.hpp"
#include "run/run.hpp"
#include "scenario/load.hpp"

namespace apmsim::run {
namespace {

using analysis::EstimateTable;
using analysis::Results;

std::string file_text() {
  std::ifstream in(std::string(APMSIM_TEST_DATA) + "/good/parameter_risk.toml");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

//! The test world without [parameter_risk] and its [simulation] keys.
std::string without_risk(std::string text) {
  text = text.substr(0, text.find("[parameter_risk]"));
  for (const char* key : {"parameter_risk = true\n", "parameter_block = 3\n"})
    text.erase(text.find(key), std::strlen(key));
  return text;
}

using testing_support::same_results;

Results run(const std::string& text, std::uint32_t batch, int threads) {
  const scenario::Scenario s = scenario::parse_scenario(text, "parameter_risk.toml");
  RunSettings o;
  o.batch_size = batch;
  o.threads = threads;
  run::Run r(s, o, true);
  r.reset(0);
  while (r.end() < s.simulation.replications)
    r.simulate_batch(std::min<std::uint64_t>(batch, s.simulation.replications - r.end()));
  return r.results(0.0);
}

TEST(ParameterRiskRun, ZeroDeviationsRunAsWithoutParameterRisk) {
  const std::string zeros = std::regex_replace(
      file_text(), std::regex(R"(deviations = \[[^\]]*\])"), "deviations = [0.0, 0.0, 0.0, 0.0]");
  const Results with = run(zeros, 7, 2), without = run(without_risk(file_text()), 7, 2);
  ASSERT_TRUE(with.variants.front().has_contract);
  EXPECT_TRUE(same_results(with, without));
  EXPECT_EQ(with.info.parameter_risk.rfind("parameter risk: 7 draws, one per 3 replications, of 8 "
                                           "parameters",
                                           0),
            0u)
      << with.info.parameter_risk;
  EXPECT_EQ(without.info.parameter_risk, "");
}

TEST(ParameterRiskRun, SwitchedOffRunsAsWithoutTheSection) {
  std::string off = file_text();
  off.replace(off.find("parameter_risk = true"), 21, "parameter_risk = false");
  const Results r = run(off, 7, 2);
  EXPECT_TRUE(same_results(r, run(without_risk(file_text()), 7, 2)));
  EXPECT_EQ(r.info.parameter_risk.rfind("parameters fixed at their estimates", 0), 0u)
      << r.info.parameter_risk;
}

TEST(ParameterRiskRun, DrawsChangeTheResults) {
  EXPECT_FALSE(same_results(run(file_text(), 7, 2), run(without_risk(file_text()), 7, 2)));
}

TEST(ParameterRiskRun, SameSeedSameResultsWhateverBatchesThreadsAndPieces) {
  const std::string text = file_text();
  const Results reference = run(text, 7, 2);
  EXPECT_TRUE(same_results(reference, run(text, 20, 1)));
  EXPECT_TRUE(same_results(reference, run(text, 1, 2)));
  EXPECT_TRUE(same_results(reference, run(text, 4, 1)));
  // Pieces that start inside a block (a shard, an MPI rank) joined in order.
  const scenario::Scenario s = scenario::parse_scenario(text, "parameter_risk.toml");
  EXPECT_TRUE(same_results(reference, testing_support::joined_in_pieces(s, {5, 1, 8, 6})));
}

}  // namespace
}  // namespace apmsim::run
