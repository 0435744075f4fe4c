// The stop-loss exhibit on hand-made records: expected recoveries and retained claims, P(attach)
// with its count and the rule-of-three bound, retained percentiles, the expected policyholder
// deficit and the break-even aggregate attachment, against hand computations and an exact
// compound distribution (every outcome of a small portfolio, one per replication).
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/stop_loss_exhibit.hpp"
#include "hand_records.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::find_table;
using handmade::HandRecords;
using handmade::mean_of;
using handmade::se_of;

std::size_t row_of(const EstimateTable& t, const std::string& label) {
  const auto it = std::find(t.rows.begin(), t.rows.end(), label);
  EXPECT_NE(it, t.rows.end()) << label;
  return static_cast<std::size_t>(it - t.rows.begin());
}

// Four replications of one provider-year: claims 90, 110, 110, 130 of which the specific
// stop-loss takes 10 each, so claims net of specific are 80, 100, 100, 120 (expected 100).
HandRecords four_years() {
  HandRecords hand(4, 1, 1);
  const double cost[4] = {90, 110, 110, 130};
  for (std::uint64_t r = 0; r < 4; ++r) {
    hand.at(r, 0, 0, c::kActualCost) = cost[r];
    hand.at(r, 0, 0, c::kStopLossRecovery) = 10;
    hand.at(r, 0, 0, c::kUnits) = 1;
  }
  return hand;
}

TEST(RiskStopLossExhibit, AggregateFactorByHand) {
  const HandRecords hand = four_years();
  scenario::AnalysisSettings settings;
  settings.aggregate_attachment_factors = {1.1};
  const auto tables = stop_loss_exhibit(hand.view(2), {}, settings);
  const EstimateTable& t = *find_table(tables, "stop_loss_exhibit");
  const std::size_t f = row_of(t, "aggregate factor=1.1");
  // Attachment 110: recovery 10 in one year of four; retained 80, 100, 100, 110.
  EXPECT_NEAR(mean_of(t, "attachment_factor", f), 1.1, 1e-14);
  EXPECT_NEAR(mean_of(t, "expected_claims", f), 100, 1e-12);
  EXPECT_NEAR(mean_of(t, "expected_recoveries", f), 2.5, 1e-12);
  EXPECT_NEAR(mean_of(t, "expected_retained", f), 97.5, 1e-12);
  EXPECT_NEAR(mean_of(t, "attach_probability", f), 0.25, 1e-14);
  EXPECT_EQ(mean_of(t, "attach_count", f), 1);
  EXPECT_TRUE(std::isnan(mean_of(t, "attach_probability_upper", f)));
  // Retained / 97.5 sorted: 80, 100, 100, 110; percentile p = the ceil(4 p)-th.
  EXPECT_NEAR(mean_of(t, "retained_p50", f), 100 / 97.5, 1e-14);
  EXPECT_NEAR(mean_of(t, "retained_p75", f), 100 / 97.5, 1e-14);
  EXPECT_NEAR(mean_of(t, "retained_p90", f), 110 / 97.5, 1e-14);
  EXPECT_NEAR(mean_of(t, "retained_p99", f), 110 / 97.5, 1e-14);
  // EPD: (2.5 + 2.5 + 12.5) / 4 over 97.5.
  EXPECT_NEAR(mean_of(t, "epd", f), 17.5 / 390, 1e-14);
  // Break-even: 4 A = 40 + (400 - 4 A) for A below 80: A = 55, factor 0.55; all attach.
  const std::size_t b = row_of(t, "aggregate break-even");
  EXPECT_NEAR(mean_of(t, "attachment_factor", b), 0.55, 1e-10);
  EXPECT_NEAR(mean_of(t, "expected_recoveries", b), 45, 1e-8);
  EXPECT_NEAR(mean_of(t, "attach_probability", b), 1, 1e-14);
}

TEST(RiskStopLossExhibit, MonthlyFactorWithMinimumAndTheRuleOfThree) {
  const HandRecords hand = four_years();
  scenario::AnalysisSettings settings;
  settings.aggregate_attachment_factors = {};
  settings.aggregate_monthly_factor = 5;  // 5 x 12 member months = 60, below the minimum
  settings.aggregate_minimum_attachment = 100;
  auto tables = stop_loss_exhibit(hand.view(2), {}, settings);
  const EstimateTable& t = *find_table(tables, "stop_loss_exhibit");
  const std::size_t m = row_of(t, "aggregate monthly=5 minimum=100");
  EXPECT_NEAR(mean_of(t, "attachment_factor", m), 1.0, 1e-14);
  EXPECT_NEAR(mean_of(t, "expected_recoveries", m), 5, 1e-12);
  // 10 x 12 = 120: no year exceeds it. Then P(attach) reads 0 with the bound 3 / 4 beside it.
  settings.aggregate_monthly_factor = 10;
  tables = stop_loss_exhibit(hand.view(2), {}, settings);
  const EstimateTable& u = *find_table(tables, "stop_loss_exhibit");
  const std::size_t n = row_of(u, "aggregate monthly=10 minimum=100");
  EXPECT_EQ(mean_of(u, "attach_count", n), 0);
  EXPECT_EQ(mean_of(u, "attach_probability", n), 0);
  EXPECT_NEAR(mean_of(u, "attach_probability_upper", n), 0.75, 1e-15);
}

// Three patients each costing 0 or 100 with probability 1/2, a specific stop-loss at 60 per
// patient: the 8 outcomes are the 8 replications, so the sample is the exact compound
// distribution. Net of specific the portfolio costs 60 k, k ~ Binomial(3, 1/2): E = 90, the
// specific recovery 40 k (E = 60). Factor 1.25 attaches at 112.5: recoveries 7.5 (k = 2, 3 of
// 8) and 67.5 (k = 3, 1 of 8): E = 11.25, P = 1/2, E retained 78.75. Break-even: for A in
// [60, 120], E min(S, A) - E (S - A)+ = A - 45 = 60 at A = 105, factor 7/6.
TEST(RiskStopLossExhibit, ExactCompoundDistributionNetOfSpecific) {
  HandRecords hand(8, 1, 1, {60});
  for (std::uint64_t r = 0; r < 8; ++r) {
    const int k = (r & 1) + ((r >> 1) & 1) + ((r >> 2) & 1);
    hand.at(r, 0, 0, c::kUnits) = 3;
    hand.at(r, 0, 0, c::kActualCost) = 100 * k;
    hand.at(r, 0, 0, c::kStopLossRecovery) = 40 * k;
    hand.excess(r, 0, 0, 0) = 40 * k;
  }
  scenario::AnalysisSettings settings;
  settings.aggregate_attachment_factors = {1.25};
  const auto tables = stop_loss_exhibit(hand.view(4), {}, settings);
  const EstimateTable& t = *find_table(tables, "stop_loss_exhibit");
  const std::size_t f = row_of(t, "aggregate factor=1.25");
  EXPECT_NEAR(mean_of(t, "expected_claims", f), 90, 1e-12);
  EXPECT_NEAR(mean_of(t, "expected_recoveries", f), 11.25, 1e-12);
  EXPECT_NEAR(mean_of(t, "expected_retained", f), 78.75, 1e-12);
  EXPECT_NEAR(mean_of(t, "attach_probability", f), 0.5, 1e-14);
  EXPECT_EQ(mean_of(t, "attach_count", f), 4);
  // Retained 0, 60 (x3), 112.5 (x4): the median is 60 / 78.75, the 75th and above 112.5 / 78.75.
  EXPECT_NEAR(mean_of(t, "retained_p50", f), 60 / 78.75, 1e-14);
  EXPECT_NEAR(mean_of(t, "retained_p95", f), 112.5 / 78.75, 1e-14);
  // EPD: (112.5 - 78.75) x 4 / 8 over 78.75.
  EXPECT_NEAR(mean_of(t, "epd", f), 33.75 * 4 / 8 / 78.75, 1e-14);
  const std::size_t b = row_of(t, "aggregate break-even");
  EXPECT_NEAR(mean_of(t, "attachment_factor", b), 7.0 / 6, 1e-10);
  // The specific layer at 60: recoveries E[40 k] = 60, attaching when k >= 1 (7 of 8).
  const std::size_t s = row_of(t, "specific attachment=60");
  EXPECT_NEAR(mean_of(t, "expected_recoveries", s), 60, 1e-12);
  EXPECT_NEAR(mean_of(t, "expected_retained", s), 90, 1e-12);
  EXPECT_NEAR(mean_of(t, "attach_probability", s), 7.0 / 8, 1e-14);
  EXPECT_TRUE(std::isnan(mean_of(t, "attachment_factor", s)));
  EXPECT_GT(se_of(t, "expected_recoveries", f), 0);
}

TEST(RiskStopLossExhibit, BreakEvenFactorIsNaNWhenTheSpecificTakesEverything) {
  // Retained never reaches the specific recovery: no attachment balances them.
  std::vector<StopLossYear> years(2);
  for (StopLossYear& y : years) {
    y.claims = 10;
    y.expected_claims = 10;
    y.other_recovery = 100;
  }
  EXPECT_TRUE(std::isnan(break_even_factor(years)));
  years[0].other_recovery = years[1].other_recovery = 0;  // constant claims: half and half
  EXPECT_NEAR(break_even_factor(years), 0.5, 1e-12);
}

}  // namespace
}  // namespace apmsim::analysis
