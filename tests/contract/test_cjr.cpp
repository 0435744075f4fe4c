// CJR's separate discounts (42 CFR 510.305; docs/scenario-reference.md `repayment_discount`):
// reconciliation payments are measured against the target less the 3% discount, repayments
// against the target less the repayment discount, waived in PY1, 2% in PY2-3 and 3% in PY4-5.
// Hand-written tallies through the Evaluator.
#include <gtest/gtest.h>

#include "contract/benchmark.hpp"
#include "hand_tallies.hpp"

namespace apmsim::contract {
namespace {

using handmade::contract_of;
using handmade::HandTallies;

// Three baseline years of 100 episodes at 25,000 (an undiscounted target of 2,500,000), and three
// performance years of 2,550,000 (2% over the target), 2,440,000 and 2,400,000. Stop-loss and
// stop-gain at 20% (one corridor band, share 1).
TEST(CjrDiscounts, RepaymentsAgainstTheirOwnDiscount) {
  HandTallies world(3, 3);
  for (int b = 0; b < 3; ++b) world.set_year(0, b, 100, 2.5e6);
  world.set_year(0, 3, 100, 2.55e6);
  world.set_year(0, 4, 100, 2.44e6);
  world.set_year(0, 5, 100, 2.40e6);
  scenario::ContractTerms terms;
  terms.benchmark.risk_adjust = false;
  terms.benchmark.discount = 0.03;
  terms.corridor = {{-0.20, 0.20, 1.0}};
  scenario::Contract contract = contract_of(terms, 3, 3);

  // One discount for both (before the rule): 2,425,000 is the target for gains and losses.
  Records r = world.evaluate(contract);
  EXPECT_NEAR(r.record(0, 0, 0)[kReconciliation], -125000.0, 1e-6);
  EXPECT_NEAR(r.record(0, 0, 1)[kReconciliation], -15000.0, 1e-6);
  EXPECT_NEAR(r.record(0, 0, 2)[kReconciliation], 25000.0, 1e-6);

  // Repayment discounts 0 / 2% / 3% by year: PY1 repays only the 50,000 over the undiscounted
  // target; PY2 lies between the gain target (2,425,000) and the repayment target (2,450,000) and
  // settles at 0; PY3's gain is measured against 2,425,000 as before.
  const double repayment[] = {0.0, 0.02, 0.03};
  for (int y = 0; y < 3; ++y) {
    contract.years[static_cast<std::size_t>(y)].benchmark.repayment_same = false;
    contract.years[static_cast<std::size_t>(y)].benchmark.repayment_discount = repayment[y];
  }
  r = world.evaluate(contract);
  EXPECT_NEAR(r.record(0, 0, 0)[kReconciliation], -50000.0, 1e-6);
  EXPECT_NEAR(r.record(0, 0, 1)[kReconciliation], 0.0, 1e-6);
  EXPECT_NEAR(r.record(0, 0, 2)[kReconciliation], 25000.0, 1e-6);
  EXPECT_NEAR(r.record(0, 0, 0)[kNetProviderResult], -50000.0, 1e-6);  // ffs: R is the result
  EXPECT_NEAR(r.record(0, 0, 0)[kBenchmark], 2.425e6, 1e-6);  // the record keeps the gain target
}

// 42 CFR 510.315: "good" quality takes 1 point and "excellent" 1.5 points off the discount, on
// repayments as on gains: 2% becomes 1% and 0.5%, 3% becomes 2% and 1.5%; PY1's waiver stays 0.
TEST(CjrDiscounts, QualityLowersTheRepaymentDiscountToo) {
  scenario::BenchmarkTerms terms;
  terms.discount = 0.03;
  terms.quality_discount = {{0.90, 0.02}, {0.93, 0.015}};
  EXPECT_DOUBLE_EQ(repayment_discount_in_force(terms, 0.02), 0.02);  // one discount for both
  terms.repayment_same = false;
  terms.repayment_discount = 0.02;
  EXPECT_NEAR(repayment_discount_in_force(terms, discount_in_force(terms, 0.91)), 0.01, 1e-15);
  EXPECT_NEAR(repayment_discount_in_force(terms, discount_in_force(terms, 0.95)), 0.005, 1e-15);
  EXPECT_NEAR(repayment_discount_in_force(terms, discount_in_force(terms, 0.50)), 0.02, 1e-15);
  terms.repayment_discount = 0.03;
  EXPECT_NEAR(repayment_discount_in_force(terms, discount_in_force(terms, 0.91)), 0.02, 1e-15);
  terms.repayment_discount = 0.0;
  EXPECT_DOUBLE_EQ(repayment_discount_in_force(terms, discount_in_force(terms, 0.95)), 0.0);
}

}  // namespace
}  // namespace apmsim::contract
