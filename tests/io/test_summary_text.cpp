// The human summary: header facts, estimates rounded to their standard error, NaN as "-",
// a line per region, and short enough to read at a glance.

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "io/results_file.hpp"
#include "test_support.hpp"

namespace apmsim::io {
namespace {

using testing_support::kNaN;
using testing_support::make_results;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

analysis::Results summary_results() {
  analysis::Results results = make_results();
  analysis::EstimateTable& portfolio = results.variants[0].portfolio;
  const std::size_t rate = portfolio.quantity("true_savings_rate");
  const std::size_t units = portfolio.quantity("units");
  portfolio.mean[portfolio.index(rate, 0, 2)] = 0.0213;  // participants, first performance year
  portfolio.se[portfolio.index(rate, 0, 2)] = 0.0011;
  portfolio.mean[portfolio.index(units, 1, 0)] = 160000;  // all, B1: exact (se 0)
  portfolio.se[portfolio.index(units, 1, 0)] = 0;
  portfolio.mean[portfolio.index(units, 1, 1)] = 1234.5678;  // se unknown
  portfolio.se[portfolio.index(units, 1, 1)] = kNaN;
  return results;
}

TEST(SummaryText, HeaderNamesTheRun) {
  const std::string text = format_summary(summary_results());
  EXPECT_TRUE(contains(text, "scenarios/test.toml")) << text;
  EXPECT_TRUE(contains(text, "sha256 " + make_results().scenario_sha256.substr(0, 12))) << text;
  EXPECT_TRUE(contains(text, "seed 42, 2,000 replications in 8 batches of up to 250")) << text;
  EXPECT_TRUE(contains(text, "2 baseline years (B1-B2), 2 performance years (P1-P2)")) << text;
  EXPECT_TRUE(contains(text, "backend cpu (cpu: 2 threads, avx2)")) << text;
  EXPECT_TRUE(contains(text, "12.5 s")) << text;
  EXPECT_TRUE(contains(text, "3.84 M unit-years/s")) << text;  // 4.8e7 / 12.5
}

TEST(SummaryText, EstimatesAreRoundedToTheirStandardError) {
  const std::string text = format_summary(summary_results());
  EXPECT_TRUE(contains(text, "2.13 ± 0.11")) << text;      // a share, in percent
  EXPECT_TRUE(contains(text, "10,000 ± 10")) << text;      // participants, units, B1
  EXPECT_TRUE(contains(text, "10,103 ± 10")) << text;      // cost_per_unit, P2 (10103 ± 10.103)
  EXPECT_TRUE(contains(text, "  160,000  ")) << text;      // exact value: no "± 0"
  EXPECT_TRUE(contains(text, "  1,235  ")) << text;        // unknown se: the value's own digits
  EXPECT_TRUE(contains(text, "9,100.0 ± 9.1")) << text;    // region north, B1
  EXPECT_TRUE(contains(text, "cost_per_unit (currency/unit)")) << text;  // the unit in the header
  EXPECT_TRUE(contains(text, "true_savings_rate (%)")) << text;
  EXPECT_FALSE(contains(text, "nan")) << text;
}

TEST(SummaryText, SaysHowToReadItAndNamesTheCurrency) {
  analysis::Results results = summary_results();
  results.info.currency = "GBP";
  const std::string text = format_summary(results);
  EXPECT_TRUE(contains(text, "reading: mean over replications ± its standard error")) << text;
  EXPECT_TRUE(contains(text, "money in GBP per replication")) << text;
  EXPECT_TRUE(contains(text, "cost_per_unit (GBP/unit)")) << text;
  // No contract in these results: no sign conventions to state.
  EXPECT_FALSE(contains(text, "signs:")) << text;
}

TEST(SummaryText, OneBatchIsSaidSo) {
  analysis::Results results = summary_results();
  results.info.replications = 100;
  results.info.batch_size = 250;
  const std::string text = format_summary(results);
  EXPECT_TRUE(contains(text, "100 replications in one batch")) << text;
}

TEST(SummaryText, TablesByYearWithNaNAsDash) {
  const std::string text = format_summary(summary_results());
  EXPECT_TRUE(contains(text, "variant 1 of 2: base\n  3 providers (2 participants)")) << text;
  EXPECT_TRUE(contains(text, "population: participants (per unit)")) << text;
  EXPECT_TRUE(contains(text, "population: all (per unit)")) << text;
  EXPECT_TRUE(contains(text, "variant 2 of 2: alt")) << text;
  EXPECT_LT(text.find("1 of 2: base"), text.find("2 of 2: alt"));
  for (const char* label : {"B1", "B2", "P1", "P2"}) EXPECT_TRUE(contains(text, label)) << label;
  // The true savings rate is undefined in baseline years: the B1 line ends in "-".
  std::size_t b1 = text.find("\n    B1 ");
  ASSERT_NE(b1, std::string::npos) << text;
  const std::string line = text.substr(b1 + 1, text.find('\n', b1 + 1) - b1 - 1);
  EXPECT_EQ(line.back(), '-') << line;
  EXPECT_TRUE(contains(text, "regions: cost_per_unit")) << text;
  EXPECT_TRUE(contains(text, "\n    north ")) << text;
  EXPECT_TRUE(contains(text, "\n    south ")) << text;
}

// Honest tails (docs/analyses.md): a layer nothing reached reads "< 3/N", not 0 +/- 0, and a
// net result whose tail rests on few replications says so.
TEST(SummaryText, TailsBoundWhatNeverHappenedAndFlagThinTails) {
  analysis::Results results = make_results();
  analysis::VariantSummary& v = results.variants[0];
  v.has_contract = true;
  analysis::EstimateTable layers = testing_support::make_table(
      {"0.1-0.5", "0.5-1"}, 1,
      {{"attach_probability", "fraction", ""}, {"attach_count", "provider-years", ""},
       {"attach_probability_upper", "fraction", ""}},
      0.0);
  const auto set = [](analysis::EstimateTable& t, const char* q, std::size_t row, std::size_t col,
                      double mean, double se) {
    t.mean[t.index(t.quantity(q), row, col)] = mean;
    t.se[t.index(t.quantity(q), row, col)] = se;
  };
  set(layers, "attach_probability_upper", 0, 0, kNaN, kNaN);
  set(layers, "attach_probability", 1, 0, 0, 0);
  set(layers, "attach_probability_upper", 1, 0, 0.003, kNaN);  // 3 / 1,000 provider-years
  v.analyses.push_back({"risk", "aggregate_layers", "", layers});
  analysis::EstimateTable net = testing_support::make_table(
      {"portfolio"}, 1,
      {{"mean", "currency", ""}, {"tail_count_995", "replications", ""},
       {"sd_se_ratio", "ratio", ""}, {"kurtosis", "ratio", ""}, {"tail_flag", "indicator", ""}},
      0.0);
  set(net, "tail_count_995", 0, 0, 4, kNaN);
  set(net, "sd_se_ratio", 0, 0, 1.62, kNaN);
  set(net, "kurtosis", 0, 0, 8.31, kNaN);
  set(net, "tail_flag", 0, 0, 1, kNaN);
  v.analyses.push_back({"risk", "net_result", "", net});
  const std::string text = format_summary(results);
  EXPECT_TRUE(contains(text, "0.5-1: none attached in the run, P(attach) < 0.30% (95%, 3/N), not 0"))
      << text;
  EXPECT_FALSE(contains(text, "0.1-0.5: none attached")) << text;
  EXPECT_TRUE(contains(text, "tail se not to be trusted: 4 replications beyond var_995")) << text;
  EXPECT_TRUE(contains(text, "kurtosis 8.3 above 6 (sd's se too)")) << text;
  set(net, "tail_flag", 0, 0, 0, kNaN);
  v.analyses.back().table = net;
  EXPECT_FALSE(contains(format_summary(results), "tail se not to be trusted"));
}

TEST(SummaryText, StaysShort) {
  const std::string text = format_summary(summary_results());
  const auto lines = std::count(text.begin(), text.end(), '\n');
  EXPECT_LE(lines, 44) << text;
  EXPECT_FALSE(contains(text, "aco/1")) << "providers are not listed one by one";
}

//! Characters (not bytes) on the widest line.
std::size_t widest(const std::string& text) {
  std::size_t widest = 0, line = 0;
  for (char c : text) {
    if (c == '\n') {
      widest = std::max(widest, line);
      line = 0;
    } else if ((c & 0xC0) != 0x80) {
      ++line;
    }
  }
  return std::max(widest, line);
}

// A table wider than the page is cut into blocks of columns, each with its row labels again: no
// line is wider than 120 characters (or the width asked for), and every value is still there.
TEST(SummaryText, WideTablesAreCutToThePage) {
  // The variants' key figures side by side: a column per headline quantity.
  analysis::Results results = make_results();
  std::vector<analysis::Quantity> quantities;
  for (int q = 0; q < 12; ++q) quantities.push_back({"quantity_number_" + std::to_string(q), "currency", ""});
  for (analysis::VariantSummary& v : results.variants) {
    v.has_contract = true;
    v.headline = testing_support::make_table({"portfolio"}, 1, quantities, 123456789.0);
  }
  for (std::size_t width : {std::size_t(120), std::size_t(60)}) {
    SummaryOptions options;
    options.width = width;
    const std::string text = format_summary(results, options);
    // Every table line; at 120 every line (the header's prose is shorter than that).
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (width == 120 || contains(line, "quantity_number") || contains(line, "123,456,789")) {
        EXPECT_LE(widest(line), width) << line;
      }
    for (int q = 0; q < 12; ++q)
      EXPECT_TRUE(contains(text, "quantity_number_" + std::to_string(q) + " (currency)")) << q;
  }
  const std::string narrow = format_summary(results, [] { SummaryOptions o; o.width = 60; return o; }());
  const std::string normal = format_summary(results);
  EXPECT_GT(std::count(narrow.begin(), narrow.end(), '\n'), std::count(normal.begin(), normal.end(), '\n'));
}

// The answers come before the population and the money flows; a table equal to the first
// variant's (a sweep of contract terms leaves the benchmark analysis alone) is named, once.
TEST(SummaryText, AnswersFirstAndIdenticalTablesOnce) {
  analysis::Results results = make_results();
  analysis::EstimateTable methods = testing_support::make_table(
      {"historical", "regional"}, 1, {{"bias", "fraction", ""}, {"rmse", "fraction", ""}}, 0.01);
  for (analysis::VariantSummary& v : results.variants) {
    v.has_contract = true;
    v.analyses.push_back({"benchmark", "methods", "", methods});
  }
  const std::string text = format_summary(results);
  const std::size_t answers = text.find("answers (agreement");
  ASSERT_NE(answers, std::string::npos) << text;
  EXPECT_LT(answers, text.find("population: participants")) << text;
  std::size_t printed = 0;
  for (std::size_t at = 0; (at = text.find("\n    historical ", at)) != std::string::npos; ++at)
    ++printed;
  EXPECT_EQ(printed, 1u) << text;
  EXPECT_TRUE(contains(text, "benchmark error vs counterfactual (all years): as in variant 1")) << text;
  // One variant asked for: its own tables, in full.
  const std::string alt = format_summary(results, [&] { SummaryOptions o; o.variant = results.variants[1].name; return o; }());
  EXPECT_FALSE(contains(alt, "variant 1 of 2")) << alt;
  EXPECT_TRUE(contains(alt, "\n    historical ")) << alt;
}

}  // namespace
}  // namespace apmsim::io
