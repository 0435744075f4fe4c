// Withhold pricing on hand-made records: every quantity of the forfeit, provider,
// earn_share_distribution and solved_rate tables against hand computations.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/contract_tables.hpp"
#include "analysis/quantity_table.hpp"
#include "analysis/withhold.hpp"
#include "hand_records.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::find_table;
using handmade::HandRecords;
using handmade::mean_of;
using handmade::se_of;

// Two providers, two performance years, four replications in two batches ([0, 2) and [2, 4)).
// Base payment 1000 and a 2% withhold (20) in every provider-year; earn shares e (measured) and
// ec (complete data):
//                 reps 0-1 (batch 0)          reps 2-3 (batch 1)
//   p0 year 1     e 1,    ec 1    forfeit 0   the same
//   p0 year 2     e 0.5,  ec 1    forfeit 10  e 1, ec 1, forfeit 0
//   p1 year 1     e 0.75, ec 0.75 forfeit 5   the same
//   p1 year 2     e 0,    ec 0.5  forfeit 20  the same
// p0 year 2 in batch 0 is at target quality on complete data and still forfeits: noise.
struct WithholdWorld {
  HandRecords hand{4, 2, 2};
  scenario::Contract contract;
  scenario::AnalysisSettings settings;

  WithholdWorld() {
    contract.present = true;
    contract.years.resize(2);
    for (auto& terms : contract.years) terms.withhold.rate = 0.02;
    for (std::uint64_t rep = 0; rep < 4; ++rep) {
      const bool first_batch = rep < 2;
      set(rep, 0, 0, 1.0, 1.0);
      set(rep, 0, 1, first_batch ? 0.5 : 1.0, 1.0);
      set(rep, 1, 0, 0.75, 0.75);
      set(rep, 1, 1, 0.0, 0.5);
    }
  }
  void set(std::uint64_t rep, std::size_t p, int y, double earn_share, double complete) {
    hand.at(rep, p, y, c::kBasePayment) = 1000;
    hand.at(rep, p, y, c::kWithheld) = 20;
    hand.at(rep, p, y, c::kEarnedBack) = 20 * earn_share;
    hand.at(rep, p, y, c::kForfeited) = 20 * (1 - earn_share);
    hand.at(rep, p, y, c::kEarnShare) = earn_share;
    hand.at(rep, p, y, c::kEarnShareComplete) = complete;
  }
  std::vector<AnalysisTable> analyse() const {
    return withhold_analysis(hand.view(2), contract, settings);
  }
};

// Two batches: the batch-means standard error is sd(a, b) / sqrt(2) = |a - b| / 2.
double two_batch_se(double a, double b) { return std::fabs(a - b) / 2; }

// A money total's standard error is over replications, as in the contract tables: two
// replications at a and two at b give sd = |a - b| / 2 x sqrt(4 / 3), se = sd / 2.
double replication_se(double a, double b) { return std::fabs(a - b) / 2 * std::sqrt(4.0 / 3) / 2; }

TEST(WithholdForfeit, PortfolioTotalsOverTheAgreement) {
  const auto tables = WithholdWorld().analyse();
  const EstimateTable* t = find_table(tables, "forfeit");
  ASSERT_NE(t, nullptr);
  const std::size_t agreement = 2;
  // Per replication: withheld 80; forfeited 35 (batch 0) and 25 (batch 1).
  EXPECT_DOUBLE_EQ(mean_of(*t, "withheld", 0, agreement), 80);
  EXPECT_DOUBLE_EQ(se_of(*t, "withheld", 0, agreement), 0);
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeited", 0, agreement), 30);
  EXPECT_DOUBLE_EQ(se_of(*t, "forfeited", 0, agreement), replication_se(35, 25));
  EXPECT_DOUBLE_EQ(mean_of(*t, "earned_back", 0, agreement), 50);
  EXPECT_DOUBLE_EQ(se_of(*t, "earned_back", 0, agreement), replication_se(45, 55));
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeit_share", 0, agreement), 30.0 / 80);
  EXPECT_DOUBLE_EQ(se_of(*t, "forfeit_share", 0, agreement), two_batch_se(35.0 / 80, 25.0 / 80));
  // 3 of 4 provider-years forfeit in batch 0, 2 of 4 in batch 1.
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeit_probability", 0, agreement), 10.0 / 16);
  EXPECT_DOUBLE_EQ(se_of(*t, "forfeit_probability", 0, agreement), two_batch_se(0.75, 0.5));
  // Shortfall = withheld x (1 - complete-data earn share): 0 + 0 + 5 + 10 in both batches.
  EXPECT_DOUBLE_EQ(mean_of(*t, "shortfall_forfeit", 0, agreement), 15);
  EXPECT_DOUBLE_EQ(se_of(*t, "shortfall_forfeit", 0, agreement), 0);
  EXPECT_DOUBLE_EQ(mean_of(*t, "noise_forfeit", 0, agreement), 15);
  EXPECT_DOUBLE_EQ(se_of(*t, "noise_forfeit", 0, agreement), replication_se(20, 10));
  // At target on complete data: p0 both years; forfeiting: p0 year 2 in batch 0 (2 of 8).
  EXPECT_DOUBLE_EQ(mean_of(*t, "noise_forfeit_probability", 0, agreement), 0.25);
  EXPECT_DOUBLE_EQ(se_of(*t, "noise_forfeit_probability", 0, agreement), two_batch_se(0.5, 0));
}

// One figure, one interval: the money totals are the contract tables' own estimates (mean and
// se over replications, interval 1.96), the same bits as contract_portfolio; shares and
// probabilities keep batch means with Student t.
TEST(WithholdForfeit, MoneyTotalsAreTheContractTablesEstimates) {
  const WithholdWorld world;
  const auto tables = world.analyse();
  const EstimateTable& t = *find_table(tables, "forfeit");
  VariantSummary contract;
  contract_tables(world.hand.view(2), contract);
  for (const char* name : {"withheld", "earned_back", "forfeited"})
    for (std::size_t column = 0; column < 3; ++column) {
      SCOPED_TRACE(std::string(name) + " column " + std::to_string(column));
      EXPECT_EQ(mean_of(t, name, 0, column), mean_of(contract.contract_portfolio, name, 0, column));
      EXPECT_EQ(se_of(t, name, 0, column), se_of(contract.contract_portfolio, name, 0, column));
      EXPECT_EQ(t.multiplier(t.quantity(name)), contract.contract_portfolio.ci_multiplier);
    }
  EXPECT_EQ(t.multiplier(t.quantity("forfeited")), kNormal95);
  EXPECT_GT(t.multiplier(t.quantity("forfeit_share")), 12.7);  // t(1): two batches
}

TEST(WithholdForfeit, ByPerformanceYear) {
  const auto tables = WithholdWorld().analyse();
  const EstimateTable& t = *find_table(tables, "forfeit");
  ASSERT_EQ(t.columns,
            (std::vector<std::string>{"P1", "P2", "agreement"}));
  // Year 1: p0 forfeits 0, p1 forfeits 5 (shortfall 5), in every replication.
  EXPECT_DOUBLE_EQ(mean_of(t, "withheld", 0, 0), 40);
  EXPECT_DOUBLE_EQ(mean_of(t, "earned_back", 0, 0), 35);
  EXPECT_DOUBLE_EQ(mean_of(t, "forfeited", 0, 0), 5);
  EXPECT_DOUBLE_EQ(mean_of(t, "forfeit_share", 0, 0), 0.125);
  EXPECT_DOUBLE_EQ(mean_of(t, "forfeit_probability", 0, 0), 0.5);
  EXPECT_DOUBLE_EQ(mean_of(t, "shortfall_forfeit", 0, 0), 5);
  EXPECT_DOUBLE_EQ(mean_of(t, "noise_forfeit", 0, 0), 0);
  EXPECT_DOUBLE_EQ(mean_of(t, "noise_forfeit_probability", 0, 0), 0);
  EXPECT_DOUBLE_EQ(se_of(t, "forfeited", 0, 0), 0);
  // Year 2: forfeits 30 then 20; shortfall 10; p0 at target forfeits in batch 0 only.
  EXPECT_DOUBLE_EQ(mean_of(t, "forfeited", 0, 1), 25);
  EXPECT_DOUBLE_EQ(mean_of(t, "forfeit_share", 0, 1), 25.0 / 40);
  EXPECT_DOUBLE_EQ(mean_of(t, "forfeit_probability", 0, 1), 0.75);
  EXPECT_DOUBLE_EQ(mean_of(t, "shortfall_forfeit", 0, 1), 10);
  EXPECT_DOUBLE_EQ(mean_of(t, "noise_forfeit", 0, 1), 15);
  EXPECT_DOUBLE_EQ(mean_of(t, "noise_forfeit_probability", 0, 1), 0.5);
}

TEST(WithholdProvider, ForfeitPerProvider) {
  const auto tables = WithholdWorld().analyse();
  const EstimateTable* t = find_table(tables, "provider");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows, (std::vector<std::string>{"p/0", "p/1"}));
  ASSERT_EQ(t->quantities.size(), 3u);
  // p0: forfeits 10 a replication in batch 0, nothing in batch 1; 2 of its 8 years forfeit.
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeited", 0), 5);
  EXPECT_DOUBLE_EQ(se_of(*t, "forfeited", 0), replication_se(10, 0));
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeit_share", 0), 5.0 / 40);
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeit_probability", 0), 0.25);
  // p1: 5 + 20 every replication, both its years forfeit.
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeited", 1), 25);
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeit_share", 1), 25.0 / 40);
  EXPECT_DOUBLE_EQ(mean_of(*t, "forfeit_probability", 1), 1);
}

TEST(WithholdEarnShareDistribution, SharesPerTenth) {
  const auto tables = WithholdWorld().analyse();
  const EstimateTable* t = find_table(tables, "earn_share_distribution");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 10u);
  EXPECT_EQ(t->rows.front(), "[0,0.1)");
  EXPECT_EQ(t->rows.back(), "[0.9,1]");
  // 16 provider-years: share 0 four times, 0.5 twice, 0.75 four times, 1 six times.
  const double expected[10] = {4.0 / 16, 0, 0, 0, 0, 2.0 / 16, 0, 4.0 / 16, 0, 6.0 / 16};
  for (std::size_t bin = 0; bin < 10; ++bin)
    EXPECT_DOUBLE_EQ(mean_of(*t, "probability", bin), expected[bin]) << t->rows[bin];
  // Batch 0 has one share 1 in 4 provider-years a replication; batch 1 two.
  EXPECT_DOUBLE_EQ(se_of(*t, "probability", 9), two_batch_se(0.25, 0.5));
}

TEST(WithholdEarnShareDistribution, OutOfRangeSharesClampAndNaNIsSkipped) {
  HandRecords hand(1, 4, 1);
  hand.at(0, 0, 0, c::kEarnShare) = -0.2;
  hand.at(0, 1, 0, c::kEarnShare) = 1.3;
  hand.at(0, 2, 0, c::kEarnShare) = std::nan("");
  hand.at(0, 3, 0, c::kEarnShare) = 0.95;
  scenario::Contract contract;
  contract.years.resize(1);
  contract.years[0].withhold.rate = 0.05;
  const auto tables = withhold_analysis(hand.view(1), contract, {});
  const EstimateTable& t = *find_table(tables, "earn_share_distribution");
  EXPECT_DOUBLE_EQ(mean_of(t, "probability", 0), 1.0 / 3);
  EXPECT_DOUBLE_EQ(mean_of(t, "probability", 9), 2.0 / 3);
}

TEST(WithholdSolvedRate, ExpectedForfeitIsLinearInTheRate) {
  WithholdWorld world;
  world.settings.target_forfeit = 0.01;
  const auto tables = world.analyse();
  const EstimateTable* t = find_table(tables, "solved_rate");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows, (std::vector<std::string>{"expected_forfeit=0.01"}));
  // sum base = 16000, sum base (1 - e) = 2 x 1750 + 2 x 1250 = 6000.
  const double rate = 0.01 * 16000 / 6000;
  EXPECT_NEAR(mean_of(*t, "rate", 0), rate, 1e-15);
  EXPECT_NEAR(se_of(*t, "rate", 0), two_batch_se(0.01 * 8000 / 3500, 0.01 * 8000 / 2500), 1e-15);
  // The forfeit at the contract's 2% is 30 of 4000 a replication; scaled to the solved rate it
  // is the target.
  const EstimateTable& forfeit = *find_table(tables, "forfeit");
  const double forfeit_share_of_base = mean_of(forfeit, "forfeited", 0, 2) / 4000;
  EXPECT_NEAR(forfeit_share_of_base * rate / 0.02, 0.01, 1e-15);
}

TEST(WithholdSolvedRate, UnreachableTargetsWithholdEverything) {
  WithholdWorld world;
  world.settings.target_forfeit = 0.5;  // more than 6000 / 16000 even at a rate of 1
  EXPECT_EQ(mean_of(*find_table(world.analyse(), "solved_rate"), "rate", 0), 1.0);
  // Every provider earns everything back: no rate forfeits anything.
  for (std::uint64_t rep = 0; rep < 4; ++rep)
    for (std::size_t p = 0; p < 2; ++p)
      for (int y = 0; y < 2; ++y) world.set(rep, p, y, 1.0, 1.0);
  world.settings.target_forfeit = 0.01;
  world.settings.forfeit_probability = 0.1;
  world.settings.forfeit_limit = 0.01;
  const auto tables = world.analyse();
  const EstimateTable& t = *find_table(tables, "solved_rate");
  EXPECT_EQ(mean_of(t, "rate", 0), 1.0);
  EXPECT_EQ(mean_of(t, "rate", 1), 1.0);
}

TEST(WithholdSolvedRate, ForfeitProbabilityFromTheUnearnedQuantile) {
  WithholdWorld world;
  world.settings.forfeit_probability = 0.25;
  world.settings.forfeit_limit = 0.01;
  const auto tables = world.analyse();
  const EstimateTable& t = *find_table(tables, "solved_rate");
  ASSERT_EQ(t.rows, (std::vector<std::string>{"P(forfeit>0.01)<=0.25"}));
  // Unearned shares 1 - e, sorted: 0 x6, 0.25 x4, 0.5 x2, 1 x4; the 75% quantile (12th of 16)
  // is 0.5, so rate 0.02: P(0.02 (1 - e) > 0.01) = P(1 - e > 0.5) = 4 / 16.
  EXPECT_NEAR(mean_of(t, "rate", 0), 0.02, 1e-15);
  // Batches: 6th of 8 is 0.5 (rate 0.02), then 0.25 (rate 0.04).
  EXPECT_NEAR(se_of(t, "rate", 0), two_batch_se(0.02, 0.04), 1e-15);
}

TEST(WithholdAnalysis, NothingWithoutAWithhold) {
  WithholdWorld world;
  for (auto& terms : world.contract.years) terms.withhold.rate = 0;
  EXPECT_FALSE(has_withhold(world.contract));
  EXPECT_TRUE(world.analyse().empty());
}

}  // namespace
}  // namespace apmsim::analysis
