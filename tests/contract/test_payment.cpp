// Accountable cost and settlement of a provider-year against hand-computed cases, for each base
// payment (docs/scenario-reference.md, "Payments per provider-year").
#include <gtest/gtest.h>

#include "contract/payment.hpp"

namespace apmsim::contract {
namespace {

// 100 units, claims 120,000 of which 20,000 above a 2,000 per-unit attachment; the provider
// keeps 10% of the excess and pays a premium of 50 per unit. The premium is part of the
// accountable cost only under capitation (paid from the budget); under ffs it is cash alone.
TEST(StopLoss, AccountableCostWithSpecificStopLoss) {
  ProviderYear year;
  year.units = 100;
  year.cost = year.truncated_cost = 120000.0;
  year.capped = {{2000.0, 100000.0}};
  scenario::ContractTerms terms;
  EXPECT_DOUBLE_EQ(accountable_cost(terms, year, 0.0).cost, 120000.0);  // no stop-loss
  terms.stop_loss.enabled = true;
  terms.stop_loss.attachment = 2000.0;
  terms.stop_loss.coinsurance = 0.1;
  terms.stop_loss.premium = 50.0;
  AccountableCost a = accountable_cost(terms, year, 0.0);
  EXPECT_DOUBLE_EQ(a.recovery, 18000.0);
  EXPECT_DOUBLE_EQ(a.premium, 5000.0);
  EXPECT_DOUBLE_EQ(a.cost, 120000.0 - 18000.0);
  terms.base = scenario::BasePayment::Capitation;
  a = accountable_cost(terms, year, 0.0);
  EXPECT_DOUBLE_EQ(a.cost, 120000.0 - 18000.0 + 5000.0);
}

// The cover attached at or above truncate_at recovers nothing (the tallies' cost at the
// attachment is the truncated cost), so it charges no premium either.
TEST(StopLoss, NoPremiumForCoverAboveTheTruncationPoint) {
  ProviderYear year;
  year.units = 100;
  year.cost = 130000.0;
  year.truncated_cost = 110000.0;
  scenario::ContractTerms terms;
  terms.benchmark.truncate_at = 3000.0;
  terms.stop_loss.enabled = true;
  terms.stop_loss.attachment = 3000.0;
  terms.stop_loss.premium = 50.0;
  AccountableCost a = accountable_cost(terms, year, 0.0);
  EXPECT_DOUBLE_EQ(a.recovery, 0.0);
  EXPECT_DOUBLE_EQ(a.premium, 0.0);
  EXPECT_DOUBLE_EQ(a.cost, 110000.0);
  EXPECT_DOUBLE_EQ(a.truncated_excess, 20000.0);
  terms.stop_loss.attachment = 2999.0;  // just below: the cover is in force and charged
  year.capped = {{2999.0, 105000.0}};
  a = accountable_cost(terms, year, 0.0);
  EXPECT_DOUBLE_EQ(a.recovery, 5000.0);
  EXPECT_DOUBLE_EQ(a.premium, 5000.0);
}

// Several specific layers with limits, bands and an aggregate cover, by hand. 100 units with
// claims 150,000; sum min(cost, b) at the boundaries: 20,000 -> 90,000, 50,000 -> 120,000,
// 100,000 -> 140,000 (so 10,000 above 100,000).
TEST(StopLoss, LayersBandsAndAggregateByHand) {
  ProviderYear year;
  year.units = 100;
  year.cost = year.truncated_cost = 150000.0;
  year.capped = {{20000.0, 90000.0}, {50000.0, 120000.0}, {100000.0, 140000.0}};
  scenario::ContractTerms terms;
  // 20k-50k at 80% (premium 30), 50k-100k in full (premium 20), above 100k at 50% (premium 5).
  terms.stop_loss.layers = {{20000.0, 50000.0, 0.2, 30.0},
                            {50000.0, 100000.0, 0.0, 20.0},
                            {100000.0, scenario::kNoLimit, 0.5, 5.0}};
  AccountableCost a = accountable_cost(terms, year, 0.0);
  EXPECT_DOUBLE_EQ(a.recovery, 0.8 * 30000.0 + 20000.0 + 0.5 * 10000.0);
  EXPECT_DOUBLE_EQ(a.premium, (30.0 + 20.0 + 5.0) * 100);
  EXPECT_DOUBLE_EQ(a.cost, 150000.0 - 49000.0);
  // The same as bands: shares 0.8, 1, 0.5 and one premium of 55 for the arrangement.
  scenario::ContractTerms banded;
  banded.stop_loss.bands = {{20000.0, 50000.0, 0.8},
                            {50000.0, 100000.0, 1.0},
                            {100000.0, scenario::kNoLimit, 0.5}};
  banded.stop_loss.band_premium = 55.0;
  const AccountableCost b = accountable_cost(banded, year, 0.0);
  EXPECT_DOUBLE_EQ(b.recovery, a.recovery);
  EXPECT_DOUBLE_EQ(b.premium, a.premium);
  // An aggregate cover at 0.9 x the benchmark (100,000): net cost 101,000 exceeds 90,000 by
  // 11,000, of which it pays 90% (coinsurance 0.1) up to a limit of 9,000; premium 12 per unit.
  terms.stop_loss.aggregate.enabled = true;
  terms.stop_loss.aggregate.attachment_factor = 0.9;
  terms.stop_loss.aggregate.coinsurance = 0.1;
  terms.stop_loss.aggregate.limit = 9000.0;
  terms.stop_loss.aggregate.premium = 12.0;
  a = accountable_cost(terms, year, 100000.0);
  EXPECT_DOUBLE_EQ(a.aggregate_recovery, 9000.0);  // 9,900 capped at the limit
  EXPECT_DOUBLE_EQ(a.recovery, 49000.0 + 9000.0);
  EXPECT_DOUBLE_EQ(a.premium, 5500.0 + 1200.0);
  EXPECT_DOUBLE_EQ(a.cost, 150000.0 - 58000.0);
  // Monthly attachment: max(75 x 12 x 100, 95,000) = 95,000: it pays 0.9 x 6,000.
  terms.stop_loss.aggregate.basis = scenario::AggregateStopLoss::Basis::kMonthly;
  terms.stop_loss.aggregate.monthly_attachment = 75.0;
  terms.stop_loss.aggregate.minimum_attachment = 95000.0;
  EXPECT_DOUBLE_EQ(accountable_cost(terms, year, 100000.0).aggregate_recovery, 5400.0);
  // A stated amount of 100,500: 0.9 x 500.
  terms.stop_loss.aggregate.basis = scenario::AggregateStopLoss::Basis::kAmount;
  terms.stop_loss.aggregate.attachment = 100500.0;
  EXPECT_DOUBLE_EQ(accountable_cost(terms, year, 100000.0).aggregate_recovery, 450.0);
}

// With truncation at 50,000 the layers above it insure nothing and charge nothing; a limit at or
// above it pays up to the truncated cost; the bands' premium is charged while any band is in force.
TEST(StopLoss, LayersAgainstTheTruncationPoint) {
  ProviderYear year;
  year.units = 100;
  year.cost = 150000.0;
  year.truncated_cost = 120000.0;  // sum min(cost, 50,000)
  year.capped = {{20000.0, 90000.0}};
  scenario::ContractTerms terms;
  terms.benchmark.truncate_at = 50000.0;
  terms.stop_loss.layers = {{20000.0, 100000.0, 0.0, 30.0}, {50000.0, scenario::kNoLimit, 0.0, 9.0}};
  AccountableCost a = accountable_cost(terms, year, 0.0);
  EXPECT_DOUBLE_EQ(a.recovery, 30000.0);
  EXPECT_DOUBLE_EQ(a.premium, 3000.0);
  EXPECT_DOUBLE_EQ(a.truncated_excess, 30000.0);
  scenario::ContractTerms banded;
  banded.benchmark.truncate_at = 50000.0;
  banded.stop_loss.bands = {{60000.0, scenario::kNoLimit, 1.0}};
  banded.stop_loss.band_premium = 7.0;
  EXPECT_DOUBLE_EQ(accountable_cost(banded, year, 0.0).premium, 0.0);
  banded.stop_loss.bands.insert(banded.stop_loss.bands.begin(), {20000.0, 60000.0, 0.5});
  a = accountable_cost(banded, year, 0.0);
  EXPECT_DOUBLE_EQ(a.recovery, 15000.0);
  EXPECT_DOUBLE_EQ(a.premium, 700.0);
}

TEST(Payment, EachBasePayment) {
  scenario::ContractTerms terms;
  terms.withhold.rate = 0.1;
  AccountableCost stop_loss;
  stop_loss.recovery = 300.0;
  stop_loss.premium = 100.0;
  stop_loss.truncated_excess = 200.0;
  // ffs: claims 1,000 paid less the withhold, 60% of it earned back, 50 of shared savings, and
  // the stop-loss premium of 100 paid in cash (the recovery only lowered the accountable cost).
  Settlement s = settle(terms, 10, 1000.0, 1100.0, 0.6, 50.0, stop_loss);
  EXPECT_DOUBLE_EQ(s.base_payment, 1000.0);
  EXPECT_DOUBLE_EQ(s.withheld, 100.0);
  EXPECT_DOUBLE_EQ(s.earned_back, 60.0);
  EXPECT_DOUBLE_EQ(s.forfeited(), 40.0);
  EXPECT_DOUBLE_EQ(s.payment, 1000.0 - 100.0 + 60.0 + 50.0 - 100.0);
  EXPECT_DOUBLE_EQ(s.net_provider_result(), -40.0 + 50.0 - 100.0);
  EXPECT_DOUBLE_EQ(s.outlay, s.payment);
  // capitation: the budget (benchmark 1,100) up front; stop-loss recovery and the cost above the
  // truncation point (200) are cash, premium paid.
  terms.base = scenario::BasePayment::Capitation;
  s = settle(terms, 10, 1000.0, 1100.0, 0.6, -50.0, stop_loss);
  EXPECT_DOUBLE_EQ(s.base_payment, 1100.0);
  EXPECT_DOUBLE_EQ(s.payment, 1100.0 - 110.0 + 66.0 - 50.0 + 300.0 + 200.0 - 100.0);
  EXPECT_DOUBLE_EQ(s.net_provider_result(), s.payment - 1000.0);
  // fee: 30 per unit; claims are still paid by the payer; the vendor's cost is its delivery cost.
  terms.base = scenario::BasePayment::Fee;
  terms.participation_fee = 30.0;
  terms.delivery_cost = 20.0;
  s = settle(terms, 10, 1000.0, 1100.0, 0.6, 0.0, stop_loss);
  EXPECT_DOUBLE_EQ(s.base_payment, 300.0);
  EXPECT_DOUBLE_EQ(s.payment, 300.0 - 30.0 + 18.0 - 100.0);
  EXPECT_DOUBLE_EQ(s.net_provider_result(), 188.0 - 200.0);
  EXPECT_DOUBLE_EQ(s.outlay, 1000.0 + 188.0);
}

}  // namespace
}  // namespace apmsim::contract
