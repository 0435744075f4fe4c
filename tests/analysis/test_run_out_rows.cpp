// The contract tables' run-out rows (docs/analyses.md, "Run-out"): initial_reconciliation, true_up
// and completion_error, after every other row, only when the view has them as extra fields (as
// make_record_view sets for a contract with [contract.run_out]); the other rows are the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/contract_tables.hpp"
#include "hand_records.hpp"

namespace apmsim::analysis {
namespace {

std::vector<std::string> names_of(const EstimateTable& t) {
  std::vector<std::string> names;
  for (const Quantity& q : t.quantities) names.push_back(q.name);
  return names;
}

TEST(ContractTables, RunOutRowsOnlyWithARunOut) {
  handmade::HandRecords hand(2, 1, 1);
  const double initial[2] = {120, 80}, true_up[2] = {-20, 10}, error[2] = {-40, 20};
  for (std::uint64_t r = 0; r < 2; ++r) {
    hand.at(r, 0, 0, contract::kInitialReconciliation) = initial[r];
    hand.at(r, 0, 0, contract::kTrueUp) = true_up[r];
    hand.at(r, 0, 0, contract::kReconciliation) = initial[r] + true_up[r];
    hand.at(r, 0, 0, contract::kCompletionError) = error[r];
  }
  VariantSummary plain, run_out;
  contract_tables(hand.view(2), plain);
  RecordView with_run_out = hand.view(2);
  // What make_record_view sets for a contract with [contract.run_out].
  with_run_out.set_extra_fields(
      {contract::kInitialReconciliation, contract::kTrueUp, contract::kCompletionError});
  contract_tables(with_run_out, run_out);
  std::vector<std::string> expected = names_of(plain.contract_portfolio);
  for (const char* name : {"initial_reconciliation", "true_up", "completion_error"}) {
    EXPECT_EQ(std::find(expected.begin(), expected.end(), name), expected.end()) << name;
    expected.push_back(name);
  }
  EXPECT_EQ(names_of(run_out.contract_portfolio), expected);
  EXPECT_EQ(handmade::mean_of(run_out.contract_portfolio, "initial_reconciliation", 0, 1), 100);
  EXPECT_EQ(handmade::mean_of(run_out.contract_portfolio, "true_up", 0, 1), -5);
  EXPECT_EQ(handmade::mean_of(run_out.contract_portfolio, "completion_error", 0, 1), -10);
  EXPECT_EQ(handmade::mean_of(run_out.contract_portfolio, "reconciliation", 0, 1),
            handmade::mean_of(plain.contract_portfolio, "reconciliation", 0, 1));
}

}  // namespace
}  // namespace apmsim::analysis
