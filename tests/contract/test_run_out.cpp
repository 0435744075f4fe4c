// Claims run-out (contract/run_out.hpp, docs/analyses.md "Run-out"): the completion pattern at the
// cut-off against a hand computation, the closed form of paid claims against a brute-force
// simulation of patient-month lumps, and the Evaluator's completion error over many replications
// against that closed form (mean within 4 standard errors, variance within chi-square bounds);
// no run-out and a pattern complete by the cut-off change no record bit; a true-up settles on the
// complete claims; the draws do not depend on how replications are batched.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "contract/run_out.hpp"
#include "hand_tallies.hpp"

namespace apmsim::contract {
namespace {

using handmade::contract_of;
using handmade::HandTallies;

constexpr double kUnits = 1000.0;
constexpr double kCost = 4.8e6;            // performance year: 4,800 per unit
constexpr double kCostSquared = 1.152e11;  // sum of squared unit costs: mean 4,800, cv 2

// A pattern paid half in the month of service, 30% a month later, 20% two months later.
scenario::RunOut run_out_of(int months, std::vector<double> lag, double factor = 0.0,
                            int true_up_months = 0) {
  scenario::RunOut r;
  r.enabled = true;
  r.months = months;
  r.lag = std::move(lag);
  r.completion_factor = factor;
  r.true_up_months = true_up_months;
  return r;
}

// One baseline year at 5,000 per unit, a performance year at 4,800, two-sided 50% sharing from the
// first dollar: the reconciliation moves with every dollar of accountable cost.
HandTallies world_of(std::uint64_t replications, std::uint64_t first = 0) {
  HandTallies world(1, 1);
  world.set_year(0, 0, kUnits, 5.0e6);
  world.set_year(0, 1, kUnits, kCost);
  world.record(0, 1)[model::TallyLayout::kCostSquared] = kCostSquared;
  for (int y = 0; y < 2; ++y) world.set_year(1, y, 10 * kUnits, 5.0e7);
  const std::vector<double> one(world.tallies.values);
  world.tallies.values.clear();
  for (std::uint64_t r = 0; r < replications; ++r)
    world.tallies.values.insert(world.tallies.values.end(), one.begin(), one.end());
  world.tallies.replications = replications;
  world.tallies.first_replication = first;
  world.model.params.seed = 20261205;
  return world;
}

scenario::Contract sharing_contract(const scenario::RunOut& run_out) {
  scenario::ContractTerms terms;
  terms.benchmark.risk_adjust = false;
  terms.sharing.enabled = true;
  terms.sharing.savings_rate = 0.5;
  terms.sharing.loss_rate = 0.5;
  scenario::Contract contract = contract_of(terms, 1, 1);
  contract.run_out = run_out;
  return contract;
}

// By hand: months 0..9 have at least 2 months to the cut-off (all paid), month 10 one month
// (0.5 + 0.3), month 11 none (0.5).
TEST(RunOut, CompletionPatternByHand) {
  const CompletionPattern p = completion_pattern(0, {0.5, 0.3, 0.2});
  for (int m = 0; m < 10; ++m) EXPECT_EQ(p.paid_by_cut_off[static_cast<std::size_t>(m)], 1.0);
  EXPECT_DOUBLE_EQ(p.paid_by_cut_off[10], 0.8);
  EXPECT_DOUBLE_EQ(p.paid_by_cut_off[11], 0.5);
  EXPECT_DOUBLE_EQ(p.expected, 11.3 / 12.0);
  EXPECT_DOUBLE_EQ(p.variance_factor, (0.8 * 0.2 + 0.5 * 0.5) / 144.0);
  // Two months of run-out: every month complete, exactly.
  const CompletionPattern complete = completion_pattern(2, {0.5, 0.3, 0.2});
  EXPECT_EQ(complete.expected, 1.0);
  EXPECT_EQ(complete.variance_factor, 0.0);
}

// A second method: 120 patients with fixed yearly costs, each month's twelfth paid at a lag drawn
// from the pattern, 20,000 times. The sample mean of paid claims must be within 4 standard errors
// of p C, and its sample variance within 4 of its own standard errors (sqrt(2 / R): paid is a sum
// of 1,440 independent lumps, close to normal) of S2 sum p_m (1 - p_m) / 144.
TEST(RunOut, ClosedFormMatchesPatientMonthLumps) {
  const std::vector<double> lag{0.35, 0.3, 0.15, 0.1, 0.06, 0.04};
  const int months = 1;
  std::mt19937_64 engine(11);
  std::gamma_distribution<double> yearly(0.5, 8000.0);
  std::vector<double> costs(120);
  double cost = 0.0, squared = 0.0;
  for (double& c : costs) {
    c = yearly(engine);
    cost += c;
    squared += c * c;
  }
  std::discrete_distribution<int> lag_of(lag.begin(), lag.end());
  const int runs = 20000;
  double sum = 0.0, sum_squares = 0.0;
  for (int r = 0; r < runs; ++r) {
    double paid = 0.0;
    for (const double c : costs)
      for (int m = 0; m < 12; ++m)
        if (lag_of(engine) <= 11 - m + months) paid += c / 12.0;
    sum += paid;
    sum_squares += paid * paid;
  }
  const double mean = sum / runs;
  const double variance = (sum_squares - runs * mean * mean) / (runs - 1);
  const CompletionPattern p = completion_pattern(months, lag);
  const double closed_variance = squared * p.variance_factor;
  EXPECT_NEAR(mean, p.expected * cost, 4.0 * std::sqrt(closed_variance / runs));
  EXPECT_NEAR(variance / closed_variance, 1.0, 4.0 * std::sqrt(2.0 / runs));
  EXPECT_LT(p.expected, 1.0);  // the pattern is incomplete at the cut-off: the test means something
}

// The Evaluator over 4,000 replications of one provider-year: completion_error / its closed-form
// sd has mean 0 (within 4 standard errors) and variance 1 (within 4 sqrt(2 / (n - 1)), the normal
// sample variance's standard error: the draw is normal and never clipped at these figures).
TEST(RunOut, CompletionErrorHasTheClosedFormsMeanAndSpread) {
  const std::uint64_t n = 4000;
  const HandTallies world = world_of(n);
  const scenario::RunOut terms = run_out_of(0, {0.5, 0.3, 0.2});
  const Records r = world.evaluate(sharing_contract(terms));
  const CompletionPattern p = completion_pattern(0, terms.lag);
  const double accountable = r.record(0, 0, 0)[kAccountableCost];
  const double sd = accountable * std::sqrt(kCostSquared * p.variance_factor) / (p.expected * kCost);
  double sum = 0.0, sum_squares = 0.0;
  for (std::uint64_t rep = 0; rep < n; ++rep) {
    const double z = r.record(rep, 0, 0)[kCompletionError] / sd;
    sum += z;
    sum_squares += z * z;
  }
  const double mean = sum / n;
  const double variance = (sum_squares - n * mean * mean) / (n - 1);
  EXPECT_NEAR(mean, 0.0, 4.0 / std::sqrt(static_cast<double>(n)));
  EXPECT_NEAR(variance, 1.0, 4.0 * std::sqrt(2.0 / (n - 1)));
}

// A completion factor other than the pattern's p: the error's mean is A (p / factor - 1).
TEST(RunOut, StatedCompletionFactorBiasesByItsRatio) {
  const std::uint64_t n = 4000;
  const HandTallies world = world_of(n);
  const double factor = 0.9;
  const scenario::RunOut terms = run_out_of(0, {0.5, 0.3, 0.2}, factor);
  const Records r = world.evaluate(sharing_contract(terms));
  const CompletionPattern p = completion_pattern(0, terms.lag);
  const double accountable = r.record(0, 0, 0)[kAccountableCost];
  const double sd = accountable * std::sqrt(kCostSquared * p.variance_factor) / (factor * kCost);
  double sum = 0.0;
  for (std::uint64_t rep = 0; rep < n; ++rep) sum += r.record(rep, 0, 0)[kCompletionError];
  const double bias = accountable * (p.expected / factor - 1.0);
  EXPECT_GT(bias, 10.0 * sd / std::sqrt(static_cast<double>(n)));  // the bias shows
  EXPECT_NEAR(sum / n, bias, 4.0 * sd / std::sqrt(static_cast<double>(n)));
}

//! Whether two record sets hold the same bits.
bool same_bits(const Records& a, const Records& b) {
  return a.values.size() == b.values.size() &&
         std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(double)) == 0;
}

// Without [contract.run_out], and with a pattern complete by the cut-off, every record is
// today's bit for bit (the completion error is exactly 0).
TEST(RunOut, NoRunOutAndACompletePatternChangeNoBit) {
  const HandTallies world = world_of(50);
  const Records today = world.evaluate(sharing_contract(scenario::RunOut{}));
  const Records complete = world.evaluate(sharing_contract(run_out_of(0, {1.0})));
  const Records early = world.evaluate(sharing_contract(run_out_of(2, {0.5, 0.3, 0.2}, 0.0, 14)));
  EXPECT_TRUE(same_bits(today, complete));
  EXPECT_TRUE(same_bits(today, early));
  const Records incomplete = world.evaluate(sharing_contract(run_out_of(0, {0.5, 0.3, 0.2})));
  EXPECT_FALSE(same_bits(today, incomplete));  // the comparison can fail
}

// With a true-up the reconciliation is the one on complete claims (today's, bit for bit) and
// initial + true_up adds up to it; without one the initial settlement is final.
TEST(RunOut, TrueUpSettlesOnCompleteClaims) {
  const HandTallies world = world_of(200);
  const Records today = world.evaluate(sharing_contract(scenario::RunOut{}));
  const Records trued = world.evaluate(sharing_contract(run_out_of(0, {0.5, 0.3, 0.2}, 0.0, 12)));
  const Records final = world.evaluate(sharing_contract(run_out_of(0, {0.5, 0.3, 0.2})));
  double moved = 0.0;
  for (std::uint64_t rep = 0; rep < 200; ++rep) {
    const double* t = trued.record(rep, 0, 0);
    const double* f = final.record(rep, 0, 0);
    EXPECT_EQ(t[kReconciliation], today.record(rep, 0, 0)[kReconciliation]);
    EXPECT_EQ(t[kPayment], today.record(rep, 0, 0)[kPayment]);
    EXPECT_NEAR(t[kInitialReconciliation] + t[kTrueUp], t[kReconciliation],
                1e-9 * std::abs(t[kReconciliation]));
    // The same draw: the initial settlements agree, and without a true-up it is final.
    EXPECT_EQ(t[kInitialReconciliation], f[kInitialReconciliation]);
    EXPECT_EQ(f[kReconciliation], f[kInitialReconciliation]);
    EXPECT_EQ(f[kTrueUp], 0.0);
    // 50% two-sided sharing from the first dollar: the initial settlement is off by half the
    // completion error.
    EXPECT_NEAR(t[kTrueUp], 0.5 * t[kCompletionError], 1e-6 * std::abs(t[kReconciliation]));
    moved += std::abs(t[kTrueUp]);
  }
  EXPECT_GT(moved, 0.0);
}

// The draw is keyed by the global replication: 40 replications in one batch or as 25 + 15 give
// the same records.
TEST(RunOut, DrawsDoNotDependOnBatches) {
  const scenario::Contract contract = sharing_contract(run_out_of(0, {0.5, 0.3, 0.2}));
  const Records whole = world_of(40).evaluate(contract);
  const HandTallies first = world_of(25, 0), second = world_of(15, 25);
  const Evaluator evaluator(first.model, contract, 1, 0.0);
  Records split = evaluator.make_records();
  evaluator.add(first.tallies, split);
  evaluator.add(second.tallies, split);
  EXPECT_TRUE(same_bits(whole, split));
}

}  // namespace
}  // namespace apmsim::contract
