// Simulate once, price many (run/price.hpp): contract terms evaluated on a run's stored tallies
// give, bit for bit, the results of a full run of those terms with the same seed; for every
// shipped scenario's own terms, and for other terms on kept thresholds. Terms that need a tally
// the run did not keep, or that touch the simulated world, are refused with the file and key. The
// stored truncation pilot's amounts stand in for the pilot exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../support/same_results.hpp"
#include "run/price.hpp"
#include "run/simulate.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::run {
namespace {

using testing_support::expect_same_results;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

RunSettings stored_settings(std::uint64_t replications) {
  RunSettings o;
  o.replications = replications;
  o.batch_size = 2;
  o.seed = 20261205;
  o.keep_tallies = true;
  o.keep_records = true;
  return o;
}

void expect_same_records(const analysis::Results& a, const analysis::Results& b) {
  ASSERT_EQ(a.records.size(), b.records.size());
  for (std::size_t v = 0; v < a.records.size(); ++v) {
    EXPECT_EQ(a.records[v].fields, b.records[v].fields);
    EXPECT_TRUE(testing_support::same_bits(a.records[v].values, b.records[v].values))
        << a.records[v].variant;
  }
}

// Every shipped scenario with a contract: its own terms priced on its stored tallies equal the run.
TEST(Price, OwnTermsOnStoredTalliesEqualTheRunForEveryShippedScenario) {
  int priced = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(APMSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    const scenario::Scenario s = scenario::load_scenario(entry.path().string());
    if (!s.contract.present) continue;
    SCOPED_TRACE(entry.path().filename().string());
    const analysis::Results run = simulate(s, stored_settings(4));
    const scenario::Scenario terms =
        priced_scenario(run, "run.h5", own_terms(s.text, "s.toml"), "terms.toml");
    RunSettings o;
    o.keep_records = true;
    const analysis::Results price_results = price(run, "run.h5", terms, o);
    expect_same_results(run, price_results);
    expect_same_records(run, price_results);
    ++priced;
  }
  EXPECT_GE(priced, 9);
}

// With parameter risk the stored tallies are each draw's: priced, they give the run's results.
TEST(Price, ParameterRiskRunsPriceAsTheyRan) {
  const scenario::Scenario s =
      scenario::load_scenario(std::string(APMSIM_TEST_DATA) + "/good/parameter_risk.toml");
  ASSERT_TRUE(s.simulation.parameter_risk);
  const analysis::Results run = simulate(s, stored_settings(8));
  RunSettings o;
  o.keep_records = true;
  const analysis::Results priced =
      price(run, "run.h5", priced_scenario(run, "run.h5", own_terms(s.text, "s.toml"), "terms.toml"), o);
  expect_same_results(run, priced);
  expect_same_records(run, priced);
}

// Other terms: monitor_capitation run with its 20,000 attachment and a kept 60,000; priced with two
// layers, bands and an aggregate cover, against a full run of those terms with the same [tallies].
TEST(Price, OtherTermsEqualAFullRunOfThem) {
  std::string text = read_text(std::string(APMSIM_SOURCE_DIR) + "/scenarios/monitor_capitation.toml");
  text = text.substr(0, text.find("[sweep]"));
  text.replace(text.find("[contract]"), 0, "[tallies]\nthresholds = [60000.0, 150000.0]\n\n");
  const scenario::Scenario stored = scenario::parse_scenario(text, "monitor.toml");
  const analysis::Results run = simulate(stored, stored_settings(12));
  const std::string old = "attachment = 20000.0\ncoinsurance = 0.0\npremium = 670.0\n";
  ASSERT_NE(text.find(old), std::string::npos);
  std::string new_terms = text;
  new_terms.replace(new_terms.find(old), old.size(),
                    "attachment = 20000.0\nlimit = 60000.0\ncoinsurance = 0.2\npremium = 500.0\n"
                    "[[contract.stop_loss.layer]]\nattachment = 150000.0\npremium = 20.0\n"
                    "[contract.stop_loss.aggregate]\nattachment_factor = 0.95\npremium = 30.0\n");
  const scenario::Scenario full = scenario::parse_scenario(new_terms, "monitor.toml");
  const analysis::Results direct = simulate(full, stored_settings(12));
  const scenario::Scenario terms =
      priced_scenario(run, "run.h5", own_terms(new_terms, "s.toml"), "terms.toml");
  RunSettings o;
  o.keep_records = true;
  const analysis::Results priced = price(run, "run.h5", terms, o);
  expect_same_results(direct, priced);
  expect_same_records(direct, priced);
  // And they differ from the stored terms' (the test would pass on a no-op otherwise).
  EXPECT_FALSE(testing_support::same_bits(run.records.front().values, priced.records.front().values));
}

// `apmsim solve` prices its candidates with one SameWorld: the truncation pilot and the stored
// tallies' summary made by the first pricing and reused by the next. Each result equals a
// pricing of its own, bit for bit, in either order of terms (mssp_aco: truncate_percentile).
TEST(Price, PricingWithTheSameWorldEqualsPricingAlone) {
  const scenario::Scenario s =
      scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) + "/scenarios/mssp_aco.toml");
  const analysis::Results run = simulate(s, stored_settings(4));
  std::string terms = own_terms(s.text, "s.toml");
  terms = terms.substr(0, terms.find("[sweep]"));
  std::string other = terms;
  const std::string rate = "savings_rate = 0.5";
  ASSERT_NE(other.find(rate), std::string::npos) << other;
  other.replace(other.find(rate), rate.size(), "savings_rate = 0.35");
  RunSettings shared;
  shared.keep_records = true;
  shared.same_world = std::make_shared<SameWorld>();
  RunSettings alone;
  alone.keep_records = true;
  for (const std::string& text : {terms, other, terms}) {
    const scenario::Scenario priced = priced_scenario(run, "run.h5", text, "terms.toml");
    const analysis::Results with_memo = price(run, "run.h5", priced, shared);
    EXPECT_FALSE(shared.same_world->stored_summary.empty());
    const analysis::Results without = price(run, "run.h5", priced, alone);
    expect_same_results(without, with_memo);
    expect_same_records(without, with_memo);
  }
}

// The stored run's truncation pilot amounts (format 2.6) stand in for its pilot: pricing with them
// and pricing without them (an older file: the pilot simulated again) give the same results bit
// for bit, and a priced run that stores its tallies stores the same amounts again.
TEST(Price, StoredPilotAmountsEqualThePilot) {
  const scenario::Scenario s =
      scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) + "/scenarios/mssp_aco.toml");
  const analysis::Results run = simulate(s, stored_settings(4));
  ASSERT_EQ(run.tallies.truncation_levels, std::vector<double>{0.99});
  ASSERT_EQ(run.tallies.truncation_amounts.size(), static_cast<std::size_t>(run.tallies.years));
  analysis::Results older = run;
  older.tallies.truncation_levels.clear();
  older.tallies.truncation_amounts.clear();
  older.tallies.truncation_type_amounts.clear();
  const scenario::Scenario priced =
      priced_scenario(run, "run.h5", own_terms(s.text, "s.toml"), "terms.toml");
  RunSettings o;
  o.keep_records = true;
  o.keep_tallies = true;
  const analysis::Results with = price(run, "run.h5", priced, o);
  const analysis::Results without = price(older, "old.h5", priced, o);
  expect_same_results(with, without);
  expect_same_records(with, without);
  EXPECT_EQ(with.tallies.truncation_levels, run.tallies.truncation_levels);
  EXPECT_EQ(with.tallies.truncation_amounts, run.tallies.truncation_amounts);
  EXPECT_EQ(without.tallies.truncation_amounts, run.tallies.truncation_amounts);
  EXPECT_EQ(with.tallies.truncation_type_amounts, run.tallies.truncation_type_amounts);
}

// A tally threshold the run did not keep is refused, naming it; so are terms touching the world,
// a run without tallies, and a shard. Errors in the terms' tables name the terms file.
TEST(Price, RefusesWhatTheStoredRunCannotAnswer) {
  const scenario::Scenario s = scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) +
                                                       "/scenarios/monitor_capitation.toml");
  const analysis::Results run = simulate(s, stored_settings(4));
  std::string terms = own_terms(s.text, "s.toml");
  const std::string attachment = "attachment = 20000";
  ASSERT_NE(terms.find(attachment), std::string::npos) << terms;
  std::string needs = terms;
  needs.replace(needs.find(attachment), attachment.size(), "attachment = 30000");
  try {
    price(run, "run.h5", priced_scenario(run, "run.h5", needs, "terms.toml"), {});
    ADD_FAILURE() << "a threshold the run did not keep was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tally threshold 30000"), std::string::npos) << e.what();
  }
  try {
    priced_scenario(run, "run.h5", terms + "\n[simulation]\nreplications = 5\n", "terms.toml");
    ADD_FAILURE() << "a terms file with [simulation] was accepted";
  } catch (const scenario::ScenarioError& e) {
    EXPECT_EQ(e.file(), "terms.toml");
    EXPECT_EQ(e.key(), "simulation");
  }
  std::string bad = terms;
  bad.replace(bad.find(attachment), attachment.size(), "attachmnt = 20000");
  try {
    priced_scenario(run, "run.h5", bad, "terms.toml");
    ADD_FAILURE() << "an unknown key was accepted";
  } catch (const scenario::ScenarioError& e) {
    EXPECT_EQ(e.file(), "terms.toml") << e.what();
    EXPECT_GT(e.line(), 0);
  }
  // A tally that is not finite where its year sums it (a damaged or crafted file) is named.
  analysis::Results damaged = run;
  damaged.tallies.values[damaged.tallies.fields.size() + 1] = std::nan("");  // entity 0, year 2
  try {
    price(damaged, "run.h5", priced_scenario(damaged, "run.h5", terms, "terms.toml"), {});
    ADD_FAILURE() << "a NaN tally was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("run.h5: its stored tally cost of entity 0 in calendar "
                                         "year 2 of replication 0 is not finite"),
              std::string::npos)
        << e.what();
  }
  analysis::Results bare = run;
  bare.has_tallies = false;
  EXPECT_THROW(priced_scenario(bare, "run.h5", terms, "terms.toml"), InputError);
  analysis::Results shard = run;
  shard.info.shard_count = 2;
  EXPECT_THROW(priced_scenario(shard, "run.h5", terms, "terms.toml"), InputError);
}

// A truncate_percentile amount is summed in its own calendar year only (format 2.7,
// TallyDump::threshold_years): terms that read it in every year (truncate_at at that amount) are
// refused, naming the threshold and a year; the file's flags say which years hold it.
TEST(Price, RefusesAPercentileAmountInYearsThatDidNotSumIt) {
  std::string text =
      read_text(std::string(APMSIM_SOURCE_DIR) + "/scenarios/monitor_capitation.toml");
  text = text.substr(0, text.find("[sweep]"));
  const std::string method = "method = \"historical\"\n";
  ASSERT_NE(text.find(method), std::string::npos);
  text.replace(text.find(method), method.size(), method + "truncate_percentile = 0.99\n");
  const scenario::Scenario s = scenario::parse_scenario(text, "monitor.toml");
  const analysis::Results run = simulate(s, stored_settings(4));
  const analysis::TallyDump& t = run.tallies;
  ASSERT_EQ(t.truncation_amounts.size(), static_cast<std::size_t>(t.years));
  ASSERT_EQ(t.threshold_years.size(), t.thresholds.size());
  const double year4 = t.truncation_amounts[3];  // the first performance year's amount
  for (std::size_t k = 0; k < t.thresholds.size(); ++k) {
    const auto c = std::find(t.truncation_amounts.begin(), t.truncation_amounts.end(),
                             t.thresholds[k]);
    EXPECT_EQ(t.threshold_years[k],
              c == t.truncation_amounts.end() ? ~0u : 1u << (c - t.truncation_amounts.begin()))
        << t.thresholds[k];
  }
  // Its own terms price as they ran.
  RunSettings o;
  o.keep_records = true;
  const analysis::Results own =
      price(run, "run.h5", priced_scenario(run, "run.h5", own_terms(text, "s.toml"), "terms.toml"), o);
  expect_same_records(run, own);
  std::string fixed = own_terms(text, "s.toml");
  const std::string percentile = "truncate_percentile = 0.99";
  ASSERT_NE(fixed.find(percentile), std::string::npos) << fixed;
  fixed.replace(fixed.find(percentile), percentile.size(),
                "truncate_at = " + scenario::format_number(year4));
  try {
    price(run, "run.h5", priced_scenario(run, "run.h5", fixed, "terms.toml"), {});
    ADD_FAILURE() << "an amount summed in one year was read in every year";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("tally threshold " + scenario::format_number(year4) + " in calendar year 1"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("run.h5"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace apmsim::run
