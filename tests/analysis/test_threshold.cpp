// The minimum-threshold test on hand-made records: false reward, false penalty and false negative
// rates, the excluded share and mean units per provider group and min_units, and the MSRs that
// keep the false reward at alpha.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/threshold.hpp"
#include "contract/risk_sharing.hpp"
#include "hand_records.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::find_table;
using handmade::HandRecords;
using handmade::mean_of;
using handmade::se_of;

// Groups "a" (p0 with 100 units, p1 with 40) and "b" (p2 with 60); one performance year; four
// replications in two batches. By replication 0..3:
//   p0: null shared result +5, -5, 0, 0;  target shared result 10, 10, 10, 0
//       null savings rate 0.03, -0.03, 0, 0.01
//   p1: null shared +3 always; target shared 10 always; null savings rate 0.02
//   p2: null shared -2, 0, -2, 0;  target shared 0, 0, 5, 5
//       null savings rate -0.01, 0, 0.05, -0.02
struct ThresholdWorld {
  HandRecords hand{4, 3, 1};
  scenario::Contract contract;
  scenario::AnalysisSettings settings;

  ThresholdWorld() {
    hand.groups = {"a", "a", "b"};
    contract.present = true;
    contract.years.resize(1);
    contract.years[0].sharing.enabled = true;
    settings.threshold_min_units = {0, 50};
    settings.threshold_alpha = 0.25;
    const double null0[4] = {5, -5, 0, 0}, target0[4] = {10, 10, 10, 0};
    const double rate0[4] = {0.03, -0.03, 0, 0.01};
    const double null2[4] = {-2, 0, -2, 0}, target2[4] = {0, 0, 5, 5};
    const double rate2[4] = {-0.01, 0, 0.05, -0.02};
    for (std::uint64_t r = 0; r < 4; ++r) {
      set(r, 0, 100, null0[r], target0[r], rate0[r]);
      set(r, 1, 40, 3, 10, 0.02);
      set(r, 2, 60, null2[r], target2[r], rate2[r]);
    }
  }
  void set(std::uint64_t r, std::size_t p, double units, double null_shared, double target_shared,
           double null_rate) {
    hand.at(r, p, 0, c::kUnits) = units;
    hand.at(r, p, 0, c::kNullSharedResult) = null_shared;
    hand.at(r, p, 0, c::kTargetSharedResult) = target_shared;
    hand.at(r, p, 0, c::kNullSavingsRate) = null_rate;
  }
  std::vector<AnalysisTable> analyse() const {
    return threshold_analysis(hand.view(2), contract, settings);
  }
};

TEST(ThresholdRates, ByGroupAndMinUnitsGivenEligibility) {
  const auto tables = ThresholdWorld().analyse();
  const EstimateTable* t = find_table(tables, "rates");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows,
            (std::vector<std::string>{"a min_units=0", "a min_units=50", "b min_units=0",
                                      "b min_units=50", "all min_units=0", "all min_units=50"}));
  ASSERT_EQ(t->columns, (std::vector<std::string>{"P1", "agreement"}));
  struct Expected {
    double mean_units, excluded, false_reward, false_penalty, false_negative;
  };
  // Group a, 8 provider-years. At 0: rewards p0 r0 and p1 x4; penalty p0 r1; no payment at the
  // target p0 r3. At 50 p1 is excluded, and not counted as a false negative: of p0's 4
  // provider-years, r0 is rewarded, r1 penalised, r3 not paid at the target.
  // Group b, 4 provider-years, all above 50: penalties r0 and r2; no target payment r0 and r1.
  // All at 50: 8 eligible of 12; rewards 1, penalties 3, false negatives 3.
  const Expected expected[6] = {{70, 0, 5.0 / 8, 1.0 / 8, 1.0 / 8},
                                {70, 0.5, 1.0 / 4, 1.0 / 4, 1.0 / 4},
                                {60, 0, 0, 2.0 / 4, 2.0 / 4},
                                {60, 0, 0, 2.0 / 4, 2.0 / 4},
                                {200.0 / 3, 0, 5.0 / 12, 3.0 / 12, 3.0 / 12},
                                {200.0 / 3, 4.0 / 12, 1.0 / 8, 3.0 / 8, 3.0 / 8}};
  for (std::size_t row = 0; row < 6; ++row)
    for (std::size_t column = 0; column < 2; ++column) {  // one year: the year is the agreement
      SCOPED_TRACE(t->rows[row] + " " + t->columns[column]);
      EXPECT_NEAR(mean_of(*t, "mean_units", row, column), expected[row].mean_units, 1e-12);
      EXPECT_NEAR(mean_of(*t, "excluded_share", row, column), expected[row].excluded, 1e-14);
      EXPECT_NEAR(mean_of(*t, "false_reward", row, column), expected[row].false_reward, 1e-14);
      EXPECT_NEAR(mean_of(*t, "false_penalty", row, column), expected[row].false_penalty, 1e-14);
      EXPECT_NEAR(mean_of(*t, "false_negative", row, column), expected[row].false_negative, 1e-14);
    }
  // Batch means, two batches: se = |a - b| / 2. All at 0: rewards 3 of 6, then 2 of 6.
  EXPECT_NEAR(se_of(*t, "false_reward", 4), (3.0 / 6 - 2.0 / 6) / 2, 1e-14);
  EXPECT_EQ(se_of(*t, "mean_units", 4), 0);
}

// The conditional rates are the joint ones (eligible and paid, over all provider-years) divided
// by the eligible share, and the eligible and excluded shares add up to one.
TEST(ThresholdRates, ConditionalEqualsJointOverEligibleShare) {
  const auto tables = ThresholdWorld().analyse();
  const EstimateTable& t = *find_table(tables, "rates");
  for (std::size_t row = 0; row < t.rows.size(); ++row) {
    SCOPED_TRACE(t.rows[row]);
    const double eligible = mean_of(t, "eligible_share", row);
    EXPECT_NEAR(eligible + mean_of(t, "excluded_share", row), 1, 1e-14);
    for (const std::string rate : {"false_reward", "false_penalty", "false_negative"})
      EXPECT_NEAR(mean_of(t, rate, row), mean_of(t, rate + "_joint", row) / eligible, 1e-14);
  }
  // "a min_units=50": half the provider-years are eligible, so the joint rates are half.
  EXPECT_NEAR(mean_of(t, "false_negative_joint", 1), 1.0 / 8, 1e-14);
}

// mean_units counts every provider-year of the row's group and year, eligible at m or not, so it
// is the same in each min_units row; a rate given eligibility is NaN (not 0) where no
// provider-year is eligible, while the joint rates and eligible_share are 0 and excluded_share 1.
TEST(ThresholdRates, MeanUnitsOverAllProviderYearsAndNaNWhereNoneIsEligible) {
  ThresholdWorld world;
  world.settings.threshold_min_units = {0, 50, 1000};
  const auto tables = world.analyse();
  const EstimateTable& t = *find_table(tables, "rates");
  ASSERT_EQ(t.rows[2], "a min_units=1000");
  for (std::size_t row = 0; row < 3; ++row)  // group a: p0 100 units, p1 40
    EXPECT_NEAR(mean_of(t, "mean_units", row), 70, 1e-12);
  EXPECT_EQ(mean_of(t, "excluded_share", 2), 1);
  EXPECT_EQ(mean_of(t, "eligible_share", 2), 0);
  for (const std::string rate : {"false_reward", "false_penalty", "false_negative",
                                 "noise_false_reward", "noise_false_penalty",
                                 "noise_false_negative"}) {
    SCOPED_TRACE(rate);
    EXPECT_TRUE(std::isnan(mean_of(t, rate, 2)));
    EXPECT_TRUE(std::isnan(se_of(t, rate, 2)));
  }
  EXPECT_EQ(mean_of(t, "false_reward_joint", 2), 0);
}

// Without a finite null savings rate (no benchmark in any provider-year) the msr row's rate
// figures are NaN; mean_units still counts the provider-years.
TEST(ThresholdMsr, NaNWithoutNullSavingsRates) {
  ThresholdWorld world;
  for (std::uint64_t r = 0; r < 4; ++r)
    for (std::size_t p = 0; p < 3; ++p)
      world.hand.at(r, p, 0, c::kNullSavingsRate) = std::nan("");
  const auto tables = world.analyse();
  const EstimateTable& m = *find_table(tables, "msr");
  EXPECT_NEAR(mean_of(m, "mean_units", 0), 70, 1e-12);
  for (const std::string figure : {"null_savings_rate_mean", "msr_for_alpha", "msr_normal",
                                   "noise_savings_rate_sd", "noise_msr_for_alpha",
                                   "noise_msr_normal"}) {
    SCOPED_TRACE(figure);
    EXPECT_TRUE(std::isnan(mean_of(m, figure, 0)));
  }
  // The as-designed sd of fewer than two rates is 0, not NaN (stats::standard_deviation); the
  // noise-only sd is NaN (docs/analyses.md).
  EXPECT_EQ(mean_of(m, "null_savings_rate_sd", 0), 0);
}

// Two years: the rates of each year and of the agreement pool that year's provider-years.
TEST(ThresholdRates, ByPerformanceYear) {
  HandRecords hand(2, 1, 2);
  hand.fill(c::kUnits, 10);
  hand.at(0, 0, 0, c::kNullSharedResult) = 1;  // year 1: rewarded in 1 of 2 replications
  hand.at(0, 0, 1, c::kUnits) = 1;             // year 2: 1 unit in replication 0
  scenario::Contract contract;
  contract.present = true;
  contract.years.resize(2);
  for (auto& terms : contract.years) terms.sharing.enabled = true;
  scenario::AnalysisSettings settings;
  settings.threshold_min_units = {5};
  const auto tables = threshold_analysis(hand.view(2), contract, settings);
  const EstimateTable& t = *find_table(tables, "rates");
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_NEAR(mean_of(t, "false_reward", 0, 0), 0.5, 1e-14);
  EXPECT_NEAR(mean_of(t, "false_reward", 0, 1), 0.0, 1e-14);
  EXPECT_NEAR(mean_of(t, "excluded_share", 0, 1), 0.5, 1e-14);
  EXPECT_NEAR(mean_of(t, "false_reward", 0, 2), 1.0 / 3, 1e-14);  // 1 of 3 eligible
  EXPECT_NEAR(mean_of(t, "false_reward_joint", 0, 2), 1.0 / 4, 1e-14);
}

// The noise-only world by hand: one provider, benchmark 1,000, counterfactual 1,000, symmetric
// 2% minimum savings and loss rates, half shared both ways; null savings rates 0.05, 0.03, 0.01,
// -0.01 (mean 0.02: coding growth and drift). As designed two of four are paid; noise only the
// rates are 0.03, 0.01, -0.01, -0.03: one paid, one charged; at the 2% target 0.05, 0.03, 0.01,
// -0.01: two not paid.
TEST(ThresholdNoiseOnly, CentredNullWorldByHand) {
  HandRecords hand(4, 1, 1);
  hand.fill(c::kUnits, 100);
  hand.fill(c::kBenchmark, 1000);
  hand.fill(c::kCounterfactualCost, 1000);
  hand.fill(c::kMinimumSavingsRate, 0.02);
  const double rates[4] = {0.05, 0.03, 0.01, -0.01};
  for (std::uint64_t r = 0; r < 4; ++r) {
    hand.at(r, 0, 0, c::kNullSavingsRate) = rates[r];
    hand.at(r, 0, 0, c::kNullSharedResult) = rates[r] >= 0.02 ? 1 : 0;
    hand.at(r, 0, 0, c::kTargetSharedResult) = 1;
  }
  scenario::Contract contract;
  contract.present = true;
  contract.years.resize(1);
  scenario::SharingTerms& sharing = contract.years[0].sharing;
  sharing.enabled = true;
  sharing.minimum_savings_rate = 0.02;
  sharing.loss_rate_same = true;
  sharing.loss_rate = 0.5;
  scenario::AnalysisSettings settings;
  settings.threshold_min_units = {0};
  settings.threshold_alpha = 0.25;
  settings.threshold_target_effect = 0.02;
  const RecordView view = hand.view(2);
  const NoiseOnlyWorld world = noise_only_world(view, contract, 0.02);
  EXPECT_NEAR(world.savings_rate[0], 0.03, 1e-15);
  EXPECT_NEAR(world.null_shared[0], 0.5 * 30, 1e-9);   // first-dollar: half of 30
  EXPECT_NEAR(world.null_shared[3], -0.5 * 30, 1e-9);  // a 3% loss, half owed
  EXPECT_NEAR(world.target_shared[0], 0.5 * 50, 1e-9);
  const auto tables = threshold_analysis(view, contract, settings);
  const EstimateTable& t = *find_table(tables, "rates");
  EXPECT_NEAR(mean_of(t, "false_reward", 0, 1), 0.5, 1e-14);
  EXPECT_NEAR(mean_of(t, "false_penalty", 0, 1), 0, 1e-14);
  EXPECT_NEAR(mean_of(t, "noise_false_reward", 0, 1), 0.25, 1e-14);
  EXPECT_NEAR(mean_of(t, "noise_false_penalty", 0, 1), 0.25, 1e-14);
  EXPECT_NEAR(mean_of(t, "noise_false_negative", 0, 1), 0.5, 1e-14);
  const EstimateTable& m = *find_table(tables, "msr");
  const double sd0 = std::sqrt(20e-4 / 3);
  EXPECT_NEAR(mean_of(m, "null_savings_rate_mean", 0, 1), 0.02, 1e-15);
  EXPECT_NEAR(mean_of(m, "noise_savings_rate_sd", 0, 1), sd0, 1e-14);
  EXPECT_NEAR(mean_of(m, "noise_msr_for_alpha", 0, 1), 0.01, 1e-14);  // 3rd of 4
  EXPECT_NEAR(mean_of(m, "noise_msr_normal", 0, 1), stats::normal_quantile(0.75) * sd0, 1e-14);
}

// s0 is centred on the run's own mean for each provider-year, so each s0 has variance
// (1 - 1/R) sigma^2, and noise_savings_rate_sd, the sample sd of the s0 of C provider-years pooled
// (N = C R values, N - 1 in the denominator), estimates sigma^2 C (R - 1) / (C R - 1): here two
// providers, R = 2, null rates 0.01, 0.03 and 0.10, 0.14: s0 = -0.01, 0.01, -0.02, 0.02, sum of
// squares 0.001, variance 0.001 / 3, two thirds of the within-provider variance 0.001 / 2.
TEST(ThresholdNoiseOnly, CentredOnTheRunsMeanShrinksTheVariance) {
  HandRecords hand(2, 2, 1);
  hand.fill(c::kUnits, 100);
  hand.fill(c::kBenchmark, 1000);
  hand.fill(c::kCounterfactualCost, 1000);
  hand.at(0, 0, 0, c::kNullSavingsRate) = 0.01;
  hand.at(1, 0, 0, c::kNullSavingsRate) = 0.03;
  hand.at(0, 1, 0, c::kNullSavingsRate) = 0.10;
  hand.at(1, 1, 0, c::kNullSavingsRate) = 0.14;
  scenario::Contract contract;
  contract.present = true;
  contract.years.resize(1);
  contract.years[0].sharing.enabled = true;
  scenario::AnalysisSettings settings;
  settings.threshold_min_units = {0};
  const RecordView view = hand.view(1);
  const NoiseOnlyWorld world = noise_only_world(view, contract, 0.0);
  EXPECT_NEAR(world.savings_rate[0], -0.01, 1e-15);  // record index rep x cells + cell
  EXPECT_NEAR(world.savings_rate[1], -0.02, 1e-15);
  EXPECT_NEAR(world.savings_rate[2], 0.01, 1e-15);
  EXPECT_NEAR(world.savings_rate[3], 0.02, 1e-15);
  const auto tables = threshold_analysis(view, contract, settings);
  const EstimateTable& m = *find_table(tables, "msr");
  ASSERT_EQ(m.rows, (std::vector<std::string>{"p", "all"}));
  const double cells = 2, reps = 2, within = 0.001 / (cells * (reps - 1));
  const double shrink = cells * (reps - 1) / (cells * reps - 1);  // 2/3; -> 1 - 1/R for many cells
  EXPECT_NEAR(mean_of(m, "noise_savings_rate_sd", 1), std::sqrt(shrink * within), 1e-15);
  EXPECT_NEAR(mean_of(m, "noise_savings_rate_sd", 1), std::sqrt(0.001 / 3), 1e-15);
}

TEST(ThresholdMsr, EmpiricalAndNormalMsrByHand) {
  const auto tables = ThresholdWorld().analyse();
  const EstimateTable* t = find_table(tables, "msr");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows, (std::vector<std::string>{"a", "b", "all"}));
  const double z = stats::normal_quantile(0.75);  // alpha = 0.25
  // Group a: 0.03, 0.02, -0.03, 0.02, 0, 0.02, 0.01, 0.02: mean 0.01125, sum of squared
  // deviations 0.0024875; the 75% quantile (6th of 8, sorted) is 0.02.
  const double sd_a = std::sqrt(0.0024875 / 7);
  EXPECT_NEAR(mean_of(*t, "mean_units", 0), 70, 1e-12);
  EXPECT_NEAR(mean_of(*t, "null_savings_rate_mean", 0), 0.01125, 1e-14);
  EXPECT_NEAR(mean_of(*t, "null_savings_rate_sd", 0), sd_a, 1e-14);
  EXPECT_NEAR(mean_of(*t, "msr_for_alpha", 0), 0.02, 1e-14);
  EXPECT_NEAR(mean_of(*t, "msr_normal", 0), 0.01125 + z * sd_a, 1e-14);
  // Group b: -0.01, 0, 0.05, -0.02: mean 0.005, squared deviations 0.0029; 3rd of 4 is 0.
  const double sd_b = std::sqrt(0.0029 / 3);
  EXPECT_NEAR(mean_of(*t, "null_savings_rate_mean", 1), 0.005, 1e-14);
  EXPECT_NEAR(mean_of(*t, "null_savings_rate_sd", 1), sd_b, 1e-14);
  EXPECT_NEAR(mean_of(*t, "msr_for_alpha", 1), 0, 1e-14);
  EXPECT_NEAR(mean_of(*t, "msr_normal", 1), 0.005 + z * sd_b, 1e-14);
  // Batch 0 of group b: -0.01, 0 (mean -0.005); batch 1: 0.05, -0.02 (mean 0.015).
  EXPECT_NEAR(se_of(*t, "null_savings_rate_mean", 1), (0.015 + 0.005) / 2, 1e-14);
}

// A provider at exactly the MSR is paid (savings rate >= MSR), so msr_for_alpha, the
// ceil((1 - alpha) n)-th smallest null savings rate, lets through the floor(alpha n) rates above
// it and itself: a false reward of (floor(alpha n) + 1) / n, just above alpha. Ten null rates
// -4/64 .. 5/64 (exact in binary), benchmark 1,024, alpha 0.25: msr_for_alpha is the 8th, 3/64;
// 3/64, 4/64 and 5/64 are paid, 3 of 10 = 0.3 > 0.25; any MSR above 3/64 (up to 4/64) pays 2 of
// 10, 0.2 <= alpha.
TEST(ThresholdMsr, ProviderAtExactlyTheMsrIsPaidSoFalseRewardIsJustAboveAlpha) {
  const std::uint64_t n = 10;
  const double benchmark = 1024.0, alpha = 0.25;
  HandRecords hand(n, 1, 1);
  hand.fill(c::kUnits, 100);
  hand.fill(c::kBenchmark, benchmark);
  for (std::uint64_t r = 0; r < n; ++r)
    hand.at(r, 0, 0, c::kNullSavingsRate) = (static_cast<double>(r) - 4.0) / 64.0;
  scenario::Contract contract;
  contract.present = true;
  contract.years.resize(1);
  contract.years[0].sharing.enabled = true;  // first dollar, half shared
  scenario::AnalysisSettings settings;
  settings.threshold_min_units = {0};
  settings.threshold_alpha = alpha;
  const auto msr_of = [&] {
    const auto tables = threshold_analysis(hand.view(1), contract, settings);
    return mean_of(*find_table(tables, "msr"), "msr_for_alpha", 0);
  };
  const double msr = msr_of();
  EXPECT_EQ(msr, 3.0 / 64.0);
  // The contract's own rule at that MSR, on each null world: the evaluator's null_shared_result.
  const auto paid_at = [&](double minimum) {
    double paid = 0;
    for (std::uint64_t r = 0; r < n; ++r) {
      const double rate = hand.at(r, 0, 0, c::kNullSavingsRate);
      const double shared = c::shared_savings(contract.years[0].sharing, {minimum, minimum},
                                              benchmark, benchmark * (1.0 - rate));
      hand.at(r, 0, 0, c::kNullSharedResult) = shared;
      paid += shared > 0 ? 1 : 0;
    }
    return paid / static_cast<double>(n);
  };
  EXPECT_GT(c::shared_savings(contract.years[0].sharing, {msr, msr}, benchmark,
                              benchmark * (1.0 - msr)),
            0.0);  // exactly at the MSR: paid
  EXPECT_DOUBLE_EQ(paid_at(msr), (std::floor(alpha * n) + 1) / n);
  EXPECT_DOUBLE_EQ(paid_at(msr), 0.3);
  const auto tables = threshold_analysis(hand.view(1), contract, settings);
  EXPECT_DOUBLE_EQ(mean_of(*find_table(tables, "rates"), "false_reward", 0), 0.3);
  // Just above it the false reward is at most alpha.
  EXPECT_DOUBLE_EQ(paid_at(std::nextafter(msr, 1.0)), 0.2);
  EXPECT_DOUBLE_EQ(paid_at(4.0 / 64.0), 0.2);
}

TEST(ThresholdFalseReward, HeadlineIsTheAllRowAtTheFirstMinUnits) {
  const ThresholdWorld world;
  const RecordView view = world.hand.view(2);
  const stats::Estimate e = false_reward_estimate(view, world.contract, world.settings);
  const auto tables = world.analyse();
  const EstimateTable& t = *find_table(tables, "rates");
  EXPECT_EQ(e.value, mean_of(t, "false_reward", 4));
  EXPECT_EQ(e.se, se_of(t, "false_reward", 4));
}

TEST(ThresholdAnalysis, NothingWhenNoYearPaysOnSavings) {
  ThresholdWorld world;
  world.contract.years[0].sharing.enabled = false;
  EXPECT_FALSE(tests_thresholds(world.contract));
  EXPECT_TRUE(world.analyse().empty());
  EXPECT_TRUE(
      std::isnan(false_reward_estimate(world.hand.view(2), world.contract, world.settings).value));
  // A corridor pays on savings too.
  world.contract.years[0].corridor.push_back({-0.1, 0.1, 0.5});
  EXPECT_TRUE(tests_thresholds(world.contract));
}

}  // namespace
}  // namespace apmsim::analysis
