// Run states: the fold of replications is exact, so pieces joined in order, any batch size, and
// an interrupted run resumed from its checkpoint all give the one-pass results bit for bit; and
// a state from another run, out of order, damaged or truncated is refused with a message.
#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <filesystem>

#include "../support/run_pieces.hpp"
#include "../support/same_results.hpp"
#include "../support/temp_folder.hpp"
#include "run/run.hpp"
#include "run/simulate.hpp"
#include "analysis/tally_summary.hpp"
#include "engine/model.hpp"
#include "model/tally_layout.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"

namespace apmsim::run {
namespace {

using namespace apmsim::analysis;  // NOLINT: the results and analyses these runs make
using testing_support::expect_same_results;

scenario::Scenario small_scenario(std::uint64_t replications = 60) {
  scenario::Scenario s = scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) +
                                                 "/scenarios/oxford_outcome_pot.toml");
  s.simulation.replications = replications;
  s.simulation.batch_size = 16;
  return s;
}

TEST(RunState, PiecesJoinedInOrderEqualOnePass) {
  const scenario::Scenario s = small_scenario();
  RunSettings o;
  run::Run whole(s, o, true);
  whole.reset(0);
  whole.simulate_batch(60);
  ASSERT_TRUE(whole.results(0.0).variants.front().has_contract);

  const Results joined = testing_support::joined_in_pieces(s, {17, 1, 22, 20});
  EXPECT_EQ(joined.info.replications, 60u);
  expect_same_results(whole.results(0.0), joined);
}

TEST(RunState, BatchSizeDoesNotChangeTheResults) {
  scenario::Scenario s = small_scenario(45);
  s.simulation.batch_size = 1;
  const Results one = simulate(s, {});
  s.simulation.batch_size = 45;
  const Results all = simulate(s, {});
  expect_same_results(one, all);
}

TEST(RunState, ShardRangesPartitionTheReplications) {
  for (std::uint64_t r : {1ull, 10ull, 1001ull, ~0ull})
    for (int n : {1, 3, 7}) {
      if (r < static_cast<std::uint64_t>(n)) continue;
      std::uint64_t expected_first = 0;
      for (int i = 0; i < n; ++i) {
        const auto [a, b] = shard_range(r, i, n);
        EXPECT_EQ(a, expected_first);
        EXPECT_GE(b - a, r / n);
        EXPECT_LE(b - a - r / n, 1u);
        expected_first = b;
      }
      EXPECT_EQ(expected_first, r) << r << " in " << n;
    }
}

std::string state_of(const scenario::Scenario& s, std::uint64_t first, std::uint64_t count) {
  run::Run run(s, {}, true);
  run.reset(first);
  run.simulate_batch(count);
  return run.save_state();
}

void expect_refused(Run& run, const std::string& state, const std::string& message) {
  try {
    run.absorb(state, "STATE");
    ADD_FAILURE() << "accepted a state that should be refused: " << message;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("STATE: ", 0), 0u) << e.what();
  }
}

TEST(RunState, RefusesStatesOfOtherRunsOrOutOfOrder) {
  const scenario::Scenario s = small_scenario();
  run::Run run(s, {}, false);
  run.reset(0);
  run.absorb(state_of(s, 0, 10), "first");
  expect_refused(run, state_of(s, 20, 5), "but replication 10 comes next");
  scenario::Scenario seed = s;
  seed.simulation.seed += 1;
  expect_refused(run, state_of(seed, 10, 5), "made with seed");
  scenario::Scenario more = s;
  more.simulation.replications = 61;
  expect_refused(run, state_of(more, 10, 5), "made for 61 replications");
  scenario::Scenario text = s;
  text.text += "\n# edited\n";
  expect_refused(run, state_of(text, 10, 5), "different scenario");
  RunSettings tallies;
  tallies.keep_tallies = true;
  run::Run with(s, tallies, true);
  with.reset(10);
  with.simulate_batch(3);
  expect_refused(run, with.save_state(), "--write-tallies");
  EXPECT_EQ(run.end(), 10u);  // nothing refused was taken in
}

TEST(RunState, RefusesDamagedTruncatedOrForeignBytes) {
  const scenario::Scenario s = small_scenario();
  const std::string good = state_of(s, 0, 8);
  run::Run run(s, {}, false);
  run.reset(0);
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x10;
  expect_refused(run, flipped, "damaged or truncated");
  expect_refused(run, good.substr(0, good.size() - 100), "damaged or truncated");
  expect_refused(run, "", "not an apmsim run state");
  expect_refused(run,
                 "PK\x03\x04 something else entirely, long enough to have a digest......"
                 "................................................................",
                 "not an apmsim run state");
  run.absorb(good, "good");  // after all that, the good one still fits
  EXPECT_EQ(run.end(), 8u);
}

TEST(RunState, InterruptedRunResumesToTheSameResults) {
  testing::TempFolder folder("run_state_");
  const scenario::Scenario s = small_scenario();
  const Results uninterrupted = simulate(s, {});

  volatile std::sig_atomic_t stop = 0;
  RunSettings o;
  o.checkpoint_path = folder.file("run.checkpoint");
  o.stop = &stop;
  // As if a signal came right after the first batch (one within a batch drops that batch).
  o.progress = [&](std::uint64_t done, std::uint64_t) { stop = done >= 16 ? 1 : 0; };
  const Results interrupted = simulate(s, o);
  ASSERT_TRUE(interrupted.interrupted);
  EXPECT_EQ(interrupted.info.replications, 16u);
  ASSERT_TRUE(std::filesystem::exists(o.checkpoint_path));

  stop = 0;
  o.progress = nullptr;
  o.resume = true;
  std::string notes;
  o.note = [&](const std::string& n) { notes += n; };
  const Results resumed = simulate(s, o);
  EXPECT_FALSE(resumed.interrupted);
  EXPECT_NE(notes.find("replications 0 to 16 are done"), std::string::npos) << notes;
  expect_same_results(uninterrupted, resumed);
}

// The numeric guard: an infinite tally is reported with what, where and which replication,
// never folded into the estimates (which would print Inf or NaN).
TEST(RunState, OverflowIsReportedNotWritten) {
  const scenario::Scenario s = small_scenario();
  const engine::Model model = engine::build_model(s);
  TallySummary summary(s, model);
  engine::BatchTallies b;
  b.first_replication = 41;
  b.replications = 1;
  b.entities = model.entity_count();
  b.years = model.years();
  b.fields = model.layout.fields();
  b.values.assign(std::size_t{b.entities} * b.years * b.fields, 1.0);
  b.values[model::TallyLayout::kCost] = INFINITY;  // provider 0, year 0
  try {
    summary.add(b);
    ADD_FAILURE() << "an infinite cost was accepted";
  } catch (const stats::OverflowError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("numeric overflow: cost_per_unit of " + model.entities[0].name + " in year 0"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("replication 41"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace apmsim::run
