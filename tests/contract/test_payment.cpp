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
  year.cost_at_attachment = 100000.0;
  scenario::ContractTerms terms;
  EXPECT_DOUBLE_EQ(accountable_cost(terms, year).cost, 120000.0);  // no stop-loss
  terms.stop_loss.enabled = true;
  terms.stop_loss.attachment = 2000.0;
  terms.stop_loss.coinsurance = 0.1;
  terms.stop_loss.premium = 50.0;
  AccountableCost a = accountable_cost(terms, year);
  EXPECT_DOUBLE_EQ(a.recovery, 18000.0);
  EXPECT_DOUBLE_EQ(a.premium, 5000.0);
  EXPECT_DOUBLE_EQ(a.cost, 120000.0 - 18000.0);
  terms.base = scenario::BasePayment::Capitation;
  a = accountable_cost(terms, year);
  EXPECT_DOUBLE_EQ(a.cost, 120000.0 - 18000.0 + 5000.0);
}

// The cover attached at or above truncate_at recovers nothing (the tallies' cost at the
// attachment is the truncated cost), so it charges no premium either.
TEST(StopLoss, NoPremiumForCoverAboveTheTruncationPoint) {
  ProviderYear year;
  year.units = 100;
  year.cost = 130000.0;
  year.truncated_cost = year.cost_at_attachment = 110000.0;  // min(attachment, truncation) read
  scenario::ContractTerms terms;
  terms.benchmark.truncate_at = 3000.0;
  terms.stop_loss.enabled = true;
  terms.stop_loss.attachment = 3000.0;
  terms.stop_loss.premium = 50.0;
  AccountableCost a = accountable_cost(terms, year);
  EXPECT_DOUBLE_EQ(a.recovery, 0.0);
  EXPECT_DOUBLE_EQ(a.premium, 0.0);
  EXPECT_DOUBLE_EQ(a.cost, 110000.0);
  EXPECT_DOUBLE_EQ(a.truncated_excess, 20000.0);
  terms.stop_loss.attachment = 2999.0;  // just below: the cover is in force and charged
  year.cost_at_attachment = 105000.0;
  a = accountable_cost(terms, year);
  EXPECT_DOUBLE_EQ(a.recovery, 5000.0);
  EXPECT_DOUBLE_EQ(a.premium, 5000.0);
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
