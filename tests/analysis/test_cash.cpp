// Cash timing (docs/analyses.md, "Cash timing"): the dated flows of a provider-year add up to its
// net result, by hand for each base and on every record of every shipped scenario; the present
// value against its closed form; the worst point and the repayment mechanism by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "../support/contract_records.hpp"
#include "../support/shipped_scenario.hpp"
#include "analysis/cash.hpp"
#include "analysis/cash_flows.hpp"
#include "analysis/repayment_mechanism.hpp"
#include "engine/model.hpp"
#include "engine/truncation.hpp"
#include "hand_records.hpp"
#include "scenario/sweep.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::find_table;
using handmade::HandRecords;
using handmade::mean_of;

//! A one-year contract of base `base` with every settlement `lag` months after the year's end
//! and repayments 3 months after their notice.
scenario::Contract contract_of(scenario::BasePayment base, int lag, bool in_advance) {
  scenario::Contract contract;
  contract.present = true;
  contract.years.resize(1);
  contract.years[0].base = base;
  contract.years[0].delivery_cost = 70.0;
  scenario::CashTiming& t = contract.timing;
  t.present = true;
  t.payments_in_advance = in_advance;
  t.reconciliation_month = t.true_up_month = t.earn_back_month = t.stop_loss_month = lag;
  t.repayment_months = 3;
  return contract;
}

//! The sum of some flows.
double total(const std::vector<CashFlow>& flows) {
  double sum = 0.0;
  for (const CashFlow& f : flows) sum += f.amount;
  return sum;
}

//! One provider-year with round figures: units 10, cost 1080, benchmark 1200, withheld 24,
//! earned back 12, reconciliation -50 of which -30 initial (true-up -20), stop-loss recovery 7,
//! truncation excess 5, premium 6, and its payment and net result as contract/payment.cpp would
//! have them under `base` (fee: participation fee 100 per unit, delivery cost 70 per unit).
HandRecords one_year(scenario::BasePayment base) {
  HandRecords h(1, 1, 1);
  h.fill(c::kUnits, 10);
  h.fill(c::kActualCost, 1080);
  h.fill(c::kBenchmark, 1200);
  h.fill(c::kWithheld, 24);
  h.fill(c::kEarnedBack, 12);
  h.fill(c::kReconciliation, -50);
  h.fill(c::kInitialReconciliation, -30);
  h.fill(c::kStopLossRecovery, 7);
  h.fill(c::kTruncationExcess, 5);
  h.fill(c::kStopLossPremium, 6);
  h.fill(c::kInProgram, 1);
  const double common = -24 + 12 - 50 - 6;
  switch (base) {
    case scenario::BasePayment::Ffs:
      h.fill(c::kBasePayment, 1080);
      h.fill(c::kNetProviderResult, common);
      break;
    case scenario::BasePayment::Capitation:
      h.fill(c::kBasePayment, 1200);
      h.fill(c::kNetProviderResult, 1200 + common + 7 + 5 - 1080);
      break;
    case scenario::BasePayment::Fee:
      h.fill(c::kBasePayment, 1000);
      h.fill(c::kNetProviderResult, 1000 + common - 700);
      break;
  }
  return h;
}

// Each base by hand: twelve in-year parts each way, then the settlements at their months; the
// flows add up to the record's net result (claims cancel under ffs, the budget meets the cost
// under capitation, the fees the delivery cost under fee).
TEST(CashFlows, AddUpToTheNetResultUnderEachBase) {
  for (const auto base : {scenario::BasePayment::Ffs, scenario::BasePayment::Capitation,
                          scenario::BasePayment::Fee}) {
    SCOPED_TRACE(static_cast<int>(base));
    const HandRecords h = one_year(base);
    const scenario::Contract contract = contract_of(base, 6, true);
    const RecordView view = h.view(1);
    std::vector<CashFlow> flows;
    cash_flows(view.record(0, 0, 0), 0, contract.years[0], contract.timing, flows);
    EXPECT_NEAR(total(flows), view.record(0, 0, 0)[c::kNetProviderResult], 1e-12);
    const bool capitation = base == scenario::BasePayment::Capitation;
    // 24 in-year parts, earn-back, the initial reconciliation, the true-up, capitation's recovery.
    ASSERT_EQ(flows.size(), capitation ? 28u : 27u);
    // Payments in advance (capitation and fees): month 0 to 11; claims under ffs at month ends.
    EXPECT_EQ(flows.front().month, base == scenario::BasePayment::Ffs ? 1 : 0);
    EXPECT_EQ(flows[12].month, 1);  // the cost: month ends
    EXPECT_EQ(flows[23].month, 12);
    EXPECT_EQ(flows[24].month, 18);  // earned back, 6 months after the year
    EXPECT_EQ(flows[24].amount, 12);
    EXPECT_EQ(flows[25].month, 21);  // the initial reconciliation owed: notice + 3 months
    EXPECT_EQ(flows[25].amount, -30);
    EXPECT_EQ(flows[26].month, 21);  // the true-up owed too
    EXPECT_EQ(flows[26].amount, -20);
    if (capitation) {
      EXPECT_EQ(flows[27].amount, 12);  // recovery + truncation excess
    }
  }
}

// A provider out of the program (in_program = 0) moves no money.
TEST(CashFlows, NoneOutOfTheProgram) {
  HandRecords h = one_year(scenario::BasePayment::Capitation);
  h.fill(c::kInProgram, 0);
  const scenario::Contract contract = contract_of(scenario::BasePayment::Capitation, 6, false);
  std::vector<CashFlow> flows;
  cash_flows(h.view(1).record(0, 0, 0), 0, contract.years[0], contract.timing, flows);
  EXPECT_TRUE(flows.empty());
}

// The present value against its closed form. Capitation in advance, one provider-year: the budget
// less the withhold, 98 a month at months 0..11; the cost, 90 a month at months 1..12; earned back
// 12 at month 18; the reconciliation -50 owed at 12 + 6 + 3 = 21. With v = 1.05^(-1/12):
// PV = 98 (1 - v^12) / (1 - v) - 90 v (1 - v^12) / (1 - v) + 12 v^18 - 50 v^21.
TEST(CashAnalysis, PresentValueMatchesTheHandComputation) {
  HandRecords h(1, 1, 1);
  h.fill(c::kInProgram, 1);
  h.fill(c::kBasePayment, 1200);
  h.fill(c::kActualCost, 1080);
  h.fill(c::kWithheld, 24);
  h.fill(c::kEarnedBack, 12);
  h.fill(c::kReconciliation, -50);
  h.fill(c::kInitialReconciliation, -50);
  h.fill(c::kNetProviderResult, 1200 - 24 + 12 - 50 - 1080);
  scenario::Contract contract = contract_of(scenario::BasePayment::Capitation, 6, true);
  contract.timing.discount_rate = 0.05;
  const auto tables = cash_analysis(h.view(1), contract, {1.0});
  const EstimateTable* pv = find_table(tables, "present_value");
  ASSERT_NE(pv, nullptr);
  const double v = std::pow(1.05, -1.0 / 12);
  const double annuity = (1 - std::pow(v, 12)) / (1 - v);
  const double expected =
      98 * annuity - 90 * v * annuity + 12 * std::pow(v, 18) - 50 * std::pow(v, 21);
  EXPECT_NEAR(mean_of(*pv, "pv_net_result", 1, 0), expected, 1e-10);
  EXPECT_NEAR(mean_of(*pv, "pv_net_result", 1, 1), expected, 1e-10);  // agreement = the one year
  EXPECT_NEAR(mean_of(*pv, "net_result", 1, 1), 58.0, 1e-10);
  // At a zero rate the present value is the plain sum.
  contract.timing.discount_rate = 0.0;
  EXPECT_NEAR(mean_of(*find_table(cash_analysis(h.view(1), contract, {1.0}), "present_value"),
                      "pv_net_result", 0, 1),
              58.0, 1e-10);
}

// The worst point by hand, two replications of the provider-year above. Position at month m:
// 98 (m + 1) - 90 m = 98 + 8 m for m <= 11, 96 at month 12 (the last budget came at month 11);
// 108 at month 18 (earn-back). Replication 1 owes 50 at month 21: 58, its worst. Replication 2 is
// paid 30 at month 18: 138, its worst is 96 at month 12.
TEST(CashAnalysis, WorstPointByHand) {
  HandRecords h(2, 1, 1);
  h.fill(c::kInProgram, 1);
  h.fill(c::kBasePayment, 1200);
  h.fill(c::kActualCost, 1080);
  h.fill(c::kWithheld, 24);
  h.fill(c::kEarnedBack, 12);
  for (const auto& [rep, reconciliation] : {std::pair{0, -50.0}, std::pair{1, 30.0}}) {
    h.at(rep, 0, 0, c::kReconciliation) = reconciliation;
    h.at(rep, 0, 0, c::kInitialReconciliation) = reconciliation;
  }
  const scenario::Contract contract = contract_of(scenario::BasePayment::Capitation, 6, true);
  const auto tables = cash_analysis(h.view(2), contract, {1.0});
  const EstimateTable* position = find_table(tables, "position");
  const EstimateTable* worst = find_table(tables, "worst_point");
  ASSERT_NE(position, nullptr);
  ASSERT_NE(worst, nullptr);
  ASSERT_EQ(position->columns.size(), 21u);  // 12 months + 6 + 3 for a repayment
  EXPECT_EQ(mean_of(*position, "mean", 0, 0), 106.0);
  EXPECT_EQ(mean_of(*position, "mean", 0, 11), 96.0);
  EXPECT_EQ(mean_of(*position, "mean", 0, 17), (108.0 + 138.0) / 2);
  EXPECT_EQ(mean_of(*position, "p05", 0, 20), 58.0);
  EXPECT_EQ(mean_of(*position, "p95", 0, 20), 138.0);
  EXPECT_EQ(mean_of(*worst, "worst_mean", 0), (58.0 + 96.0) / 2);
  EXPECT_EQ(mean_of(*worst, "worst_p05", 0), 58.0);
  EXPECT_EQ(mean_of(*worst, "worst_month_p50", 0), 12.0);  // lower median of {21, 12}
  // Mean path: 96 at month 12, (58 + 138) / 2 = 98 at month 21: lowest at 12.
  EXPECT_EQ(mean_of(*worst, "worst_month_of_mean", 0), 12.0);
  // The portfolio row of one provider is that provider.
  EXPECT_EQ(mean_of(*worst, "worst_mean", 1), mean_of(*worst, "worst_mean", 0));
}

// MSSP's repayment mechanism by hand: benchmark 1,000,000, cost 900,000, revenue share 0.5:
// min(1% x 1,000,000, 2% x 0.5 x 900,000) = 9,000. Owed in four replications: 5,000, 12,000, 0,
// 9,000: mean 6,500, P(owed > 0) = 3/4, P(owed > 9,000) = 1/4 (9,000 is covered), beyond 3,000/4.
TEST(CashAnalysis, RepaymentMechanismByHand) {
  HandRecords h(4, 1, 1);
  h.fill(c::kInProgram, 1);
  h.fill(c::kBenchmark, 1e6);
  h.fill(c::kActualCost, 9e5);
  const double reconciliation[] = {-5000, -12000, 3000, -9000};
  for (std::uint64_t rep = 0; rep < 4; ++rep) {
    h.at(rep, 0, 0, c::kReconciliation) = reconciliation[rep];
    h.at(rep, 0, 0, c::kInitialReconciliation) = reconciliation[rep];
  }
  scenario::Contract contract = contract_of(scenario::BasePayment::Ffs, 6, false);
  EXPECT_TRUE(repayment_mechanism_table(h.view(2), contract, {0.5}).empty());  // one-sided
  contract.years[0].sharing.enabled = true;
  contract.years[0].sharing.loss_rate = 0.5;
  ASSERT_TRUE(can_owe(contract.years[0]));
  const auto tables = repayment_mechanism_table(h.view(2), contract, {0.5});
  const EstimateTable* t = find_table(tables, "repayment_mechanism");
  ASSERT_NE(t, nullptr);
  for (std::size_t column : {0u, 1u}) {
    EXPECT_DOUBLE_EQ(mean_of(*t, "mechanism", 0, column), 9000.0);
    EXPECT_DOUBLE_EQ(mean_of(*t, "owed_mean", 0, column), 6500.0);
    EXPECT_DOUBLE_EQ(mean_of(*t, "owed_probability", 0, column), 0.75);
    EXPECT_DOUBLE_EQ(mean_of(*t, "beyond_probability", 0, column), 0.25);
    EXPECT_DOUBLE_EQ(mean_of(*t, "beyond_mean", 0, column), 750.0);
    EXPECT_DOUBLE_EQ(mean_of(*t, "owed_p95", 0, column), 12000.0);
  }
  // With the expenditure share the lesser: 0.5% x 1,000,000 = 5,000.
  contract.timing.mechanism_expenditure_share = 0.005;
  EXPECT_DOUBLE_EQ(mean_of(*find_table(repayment_mechanism_table(h.view(2), contract, {0.5}),
                                       "repayment_mechanism"),
                           "mechanism", 0, 1),
                   5000.0);
}

// On every record of every variant of every shipped scenario with a contract (with its own
// [contract.timing], or the defaults, paid in advance, where it has none): each provider-year's
// flows add up to its net_provider_result, and the last month's cash position of the portfolio to
// the sum of the net results. The flows are summed in another order than the waterfall's terms,
// so the tolerance is 1e-9 of the gross money (base payment + cost + 1).
TEST(CashFlows, AddUpInEveryRecordOfEveryShippedScenario) {
  int scenarios = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(APMSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    const std::string name = entry.path().stem().string();
    scenario::Scenario base = testing_support::shipped(name, 4);
    if (!base.contract.present) continue;
    ++scenarios;
    std::vector<scenario::Variant> variants = scenario::expand_sweep(base);
    engine::resolve_truncation(variants, base.simulation.seed);
    for (scenario::Variant& v : variants) {
      SCOPED_TRACE(name + " " + v.name);
      scenario::Contract& contract = v.scenario.contract;
      if (!contract.timing.present) contract.timing.payments_in_advance = true;
      const engine::Model model = engine::build_model(v.scenario);
      const c::Records r = testing_support::contract_records(v.scenario, model, 4, 8);
      const RecordView view = make_record_view(v.scenario, model, r);
      std::vector<std::size_t> everyone(view.providers());
      for (std::size_t p = 0; p < everyone.size(); ++p) everyone[p] = p;
      const CashPaths paths = cash_paths(view, contract, everyone);
      std::vector<CashFlow> flows;
      for (std::uint64_t rep = 0; rep < r.replications; ++rep) {
        double net = 0.0, gross = 1.0;
        for (std::size_t p = 0; p < view.providers(); ++p)
          for (int y = 0; y < r.years; ++y) {
            const ProviderYear record = view.record(rep, p, y);
            flows.clear();
            cash_flows(record, y, contract.years[static_cast<std::size_t>(y)], contract.timing,
                       flows);
            const double scale =
                std::fabs(record[c::kBasePayment]) + std::fabs(record[c::kActualCost]) + 1.0;
            ASSERT_NEAR(total(flows), record[c::kNetProviderResult], 1e-9 * scale)
                << "replication " << rep << " provider " << p << " year " << y + 1;
            net += record[c::kNetProviderResult];
            gross += scale;
          }
        ASSERT_NEAR(paths.position_at(rep, paths.months), net, 1e-9 * gross);
      }
    }
  }
  EXPECT_GE(scenarios, 8);
}

}  // namespace
}  // namespace apmsim::analysis
