// The per-replication losses every results file with a contract stores (format 2.3): the risk
// tables' own replication totals, by performance year and over the agreement, and the size rule
// for the participants' years.
#include <gtest/gtest.h>

#include "analysis/loss_totals.hpp"
#include "analysis/risk.hpp"
#include "hand_records.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::HandRecords;

// 3 replications, 2 providers, 2 performance years: provider p's net result in year y of
// replication r is 100 r - 10 p + y, so its loss is the negative.
HandRecords three_by_two_by_two() {
  HandRecords hand(3, 2, 2);
  for (std::uint64_t r = 0; r < 3; ++r)
    for (std::size_t p = 0; p < 2; ++p)
      for (int y = 0; y < 2; ++y)
        hand.at(r, p, y, c::kNetProviderResult) = 100.0 * r - 10.0 * p + y;
  return hand;
}

TEST(LossTotals, PortfolioAndProvidersByYearAndAgreement) {
  const HandRecords hand = three_by_two_by_two();
  const RecordView view = hand.view(2);
  const ReplicationLosses l = loss_totals(view);
  EXPECT_EQ(l.replications, 3u);
  const std::vector<std::string> columns{"P1", "P2", "agreement"};
  EXPECT_EQ(l.columns, columns);
  EXPECT_EQ(l.provider_columns, columns);
  EXPECT_EQ(l.providers, (std::vector<std::string>{"p/0", "p/1"}));
  ASSERT_EQ(l.portfolio.size(), 9u);
  ASSERT_EQ(l.provider.size(), 18u);
  for (std::uint64_t r = 0; r < 3; ++r) {
    const double rep = 100.0 * r;
    // Portfolio, year y: -(2 x 100 r - 10 + 2 y); agreement: the sum of both years.
    EXPECT_EQ(l.portfolio[r * 3 + 0], -(2 * rep - 10));
    EXPECT_EQ(l.portfolio[r * 3 + 1], -(2 * rep - 10 + 2));
    EXPECT_EQ(l.portfolio[r * 3 + 2], -(4 * rep - 20 + 2));
    for (std::size_t p = 0; p < 2; ++p) {
      const double base = rep - 10.0 * p;
      EXPECT_EQ(l.provider[(r * 2 + p) * 3 + 0], -base);
      EXPECT_EQ(l.provider[(r * 2 + p) * 3 + 1], -(base + 1));
      EXPECT_EQ(l.provider[(r * 2 + p) * 3 + 2], -(2 * base + 1));
    }
  }
  // The same numbers the risk tables take their VaR from, bit for bit.
  const std::vector<double> agreement =
      replication_losses(view, view.everyone(), view.all_replications());
  for (std::uint64_t r = 0; r < 3; ++r) EXPECT_EQ(l.portfolio[r * 3 + 2], agreement[r]);
}

// Above the size rule (providers x columns x replications = 18 here) the participants keep the
// agreement alone; the portfolio keeps its years.
TEST(LossTotals, ProvidersKeepTheAgreementAloneWhenLarge) {
  const HandRecords hand = three_by_two_by_two();
  const ReplicationLosses small = loss_totals(hand.view(2), 18);
  EXPECT_EQ(small.provider_columns.size(), 3u);
  const ReplicationLosses l = loss_totals(hand.view(2), 17);
  EXPECT_EQ(l.provider_columns, std::vector<std::string>{"agreement"});
  EXPECT_EQ(l.columns.size(), 3u);
  ASSERT_EQ(l.provider.size(), 6u);
  for (std::uint64_t r = 0; r < 3; ++r)
    for (std::size_t p = 0; p < 2; ++p)
      EXPECT_EQ(l.provider[r * 2 + p], small.provider[(r * 2 + p) * 3 + 2]);
}

}  // namespace
}  // namespace apmsim::analysis
