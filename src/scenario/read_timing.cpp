//! `[contract.timing]`: when the money of a provider-year moves (docs/scenario-reference.md).
#include <algorithm>
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"

namespace apmsim::scenario {

namespace {

//! The longest settlement lag taken, in months after a performance year's end (ten years).
constexpr std::int64_t kMaxLagMonths = 120;

}  // namespace

CashTiming read_timing(const TableReader& contract_table, const RunOut& run_out) {
  CashTiming t;
  const std::optional<TableReader> found = sub_table(contract_table, "timing", "contract.timing");
  if (!found) return t;
  const TableReader& r = *found;
  t.present = true;
  t.discount_rate = r.number("discount_rate", t.discount_rate, right_open(0.0, 1.0));
  t.payments_in_advance = r.flag("payments_in_advance", t.payments_in_advance);
  const auto lag = [&r](const char* key, int fallback) {
    return static_cast<int>(r.integer(key, fallback, 0, kMaxLagMonths));
  };
  t.reconciliation_month = lag("reconciliation_month", t.reconciliation_month);
  // A true-up is paid no sooner than its claims are cut off ([contract.run_out] true_up_months).
  if (run_out.true_up()) t.true_up_month = std::max(t.reconciliation_month, run_out.true_up_months);
  t.true_up_month = lag("true_up_month", t.true_up_month);
  t.earn_back_month = lag("earn_back_month", t.earn_back_month);
  t.stop_loss_month = lag("stop_loss_month", t.stop_loss_month);
  t.repayment_months = lag("repayment_months", t.repayment_months);
  t.mechanism_expenditure_share =
      r.number("mechanism_expenditure_share", t.mechanism_expenditure_share, closed(0.0, 1.0));
  t.mechanism_revenue_share =
      r.number("mechanism_revenue_share", t.mechanism_revenue_share, closed(0.0, 1.0));
  if (t.true_up_month < t.reconciliation_month)
    r.fail("true_up_month", "must be >= reconciliation_month (" +
                                std::to_string(t.reconciliation_month) +
                                "): the true-up follows the reconciliation");
  if (run_out.enabled && t.reconciliation_month < run_out.months)
    r.fail("reconciliation_month", "must be >= [contract.run_out] months (" +
                                       std::to_string(run_out.months) +
                                       "): a reconciliation is paid after its claims' cut-off");
  if (run_out.true_up() && t.true_up_month < run_out.true_up_months)
    r.fail("true_up_month", "must be >= [contract.run_out] true_up_months (" +
                                std::to_string(run_out.true_up_months) +
                                "): a true-up is paid after its claims' cut-off");
  return t;
}

}  // namespace apmsim::scenario
