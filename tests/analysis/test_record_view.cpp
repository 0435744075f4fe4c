// The record view the analyses share: provider-years in replication, provider, year order, and
// the contiguous batches of batch means with its standard error.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/quantity_table.hpp"
#include "hand_records.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::HandRecords;

TEST(RecordView, BatchesAreContiguousAndAtMostOnePerReplication) {
  HandRecords hand(10, 1, 1);
  const std::vector<ReplicationRange> three = hand.view(3).batch_ranges();
  ASSERT_EQ(three.size(), 3u);  // [0, 3), [3, 6), [6, 10): floor(j n / K)
  EXPECT_EQ(three[0].first, 0u);
  EXPECT_EQ(three[0].count, 3u);
  EXPECT_EQ(three[1].first, 3u);
  EXPECT_EQ(three[1].count, 3u);
  EXPECT_EQ(three[2].first, 6u);
  EXPECT_EQ(three[2].count, 4u);
  EXPECT_EQ(hand.view(20).batch_ranges().size(), 10u);
  EXPECT_TRUE(HandRecords(0, 1, 1).view(20).batch_ranges().empty());
}

// With fewer replications than batches the interval has (replications - 1) degrees of freedom:
// one batch per replication, not `batches` of them.
TEST(RecordView, IntervalDegreesOfFreedomFollowTheNonEmptyBatches) {
  HandRecords hand(5, 1, 1);
  EXPECT_EQ(hand.view(20).batch_count(), 5);
  EXPECT_EQ(hand.view(3).batch_count(), 3);
  EXPECT_EQ(HandRecords(0, 1, 1).view(20).batch_count(), 0);
  const EstimateTable few = make_table({"r"}, {"all"}, {}, hand.view(20).batch_count());
  EXPECT_DOUBLE_EQ(few.ci_multiplier, stats::student_t_quantile(0.975, 4));  // 2.776
  EXPECT_GT(few.ci_multiplier, stats::student_t_quantile(0.975, 19));
}

TEST(RecordView, VisitsReplicationsThenProvidersThenYears) {
  HandRecords hand(2, 2, 2);
  for (std::uint64_t r = 0; r < 2; ++r)
    for (std::size_t p = 0; p < 2; ++p)
      for (int y = 0; y < 2; ++y) hand.at(r, p, y, c::kUnits) = 100.0 * r + 10.0 * p + y;
  const RecordView view = hand.view(2);
  const auto units = [](ProviderYear record) { return record[c::kUnits]; };
  EXPECT_EQ(view.values(view.everyone(), view.all_replications(), units),
            (std::vector<double>{0, 1, 10, 11, 100, 101, 110, 111}));
  EXPECT_EQ(view.values({{1}, 1}, {1, 1}, units), (std::vector<double>{111}));
  EXPECT_EQ(view.replication_totals(view.everyone(0), view.all_replications(), units),
            (std::vector<double>{10, 210}));
}

// value on all replications; se = sd of the finite batch values / sqrt(their number).
TEST(RecordView, BatchMeansStandardError) {
  HandRecords hand(6, 1, 1);
  const double units[6] = {1, 2, 3, 4, 100, std::nan("")};
  for (std::uint64_t r = 0; r < 6; ++r) hand.at(r, 0, 0, c::kUnits) = units[r];
  const RecordView view = hand.view(3);
  const auto first_units = [&](ReplicationRange range) {
    return std::vector<double>{view.record(range.first, 0, 0)[c::kUnits]};
  };
  // Batches [0, 2), [2, 4), [4, 6): values 1, 3, 100; the whole sample's is 1.
  const std::vector<stats::Estimate> e = batch_means(view, 1, first_units);
  EXPECT_EQ(e[0].value, 1);
  EXPECT_NEAR(e[0].se, stats::standard_deviation({1, 3, 100}) / std::sqrt(3.0), 1e-12);
  // A NaN batch value is left out: two batches remain. A NaN whole-sample value has no error.
  hand.at(2, 0, 0, c::kUnits) = std::nan("");
  const std::vector<stats::Estimate> f = batch_means(hand.view(3), 1, first_units);
  EXPECT_EQ(f[0].value, 1);
  EXPECT_NEAR(f[0].se, stats::standard_deviation({1, 100}) / std::sqrt(2.0), 1e-12);
  hand.at(0, 0, 0, c::kUnits) = std::nan("");
  const std::vector<stats::Estimate> g = batch_means(hand.view(3), 1, first_units);
  EXPECT_TRUE(std::isnan(g[0].value));
  EXPECT_TRUE(std::isnan(g[0].se));
}

}  // namespace
}  // namespace apmsim::analysis
