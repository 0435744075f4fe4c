#pragma once
//! When the money of a provider-year moves (docs/analyses.md, "Cash timing"): the record's
//! flows, each at a month counted from the start of performance year 1, under the contract's
//! `[contract.timing]`. The flows of a provider-year sum to its net_provider_result.

#include <cstdint>
#include <vector>

#include "analysis/record_view.hpp"
#include "scenario/contract.hpp"

namespace apmsim::analysis {

//! Months in a year: in-year flows are spread evenly over them.
inline constexpr int kMonthsInYear = 12;

//! One dated flow: `amount` (> 0: to the provider) at the end of month `month` (0 = the start of
//! performance year 1; month 12y + k ends month k of performance year y, y from 0).
struct CashFlow {
  int month = 0;
  double amount = 0.0;
};

//! The flows of provider-year `record` of performance year `year` (from 0) under `terms`:
//!   in year, one twelfth a month (the last part = total - the other eleven, so the parts add
//!     to the total): the base payment less the withhold and the stop-loss premium, at the
//!     month's end, or its start with payments_in_advance (capitation and fees; claims under
//!     ffs are paid as incurred), and the provider's cost (claims under ffs and capitation,
//!     delivery_cost x units under fee) at the month's end;
//!   after the year's end E = 12 (year + 1): earned_back at E + earn_back_month;
//!     initial_reconciliation at E + reconciliation_month and the true-up (reconciliation -
//!     initial_reconciliation) at E + true_up_month, each + repayment_months when < 0 (a
//!     repayment is due after the notice); under capitation stop_loss_recovery +
//!     truncation_excess at E + stop_loss_month (under ffs and fee they lower accountable cost
//!     only: contract/payment.hpp).
//! A provider-year out of the program (in_program = 0) has none. Zero amounts are left out.
void cash_flows(ProviderYear record, int year, const scenario::ContractTerms& terms,
                const scenario::CashTiming& timing, std::vector<CashFlow>& out);

//! The cash of some participants, replication by replication: the cumulative position at the
//! end of each month 1..months (a flow at month 0 counts in month 1's), and per performance year
//! the sum of that year's flows and their present value at the start of performance year 1,
//! sum amount x discount_factor(discount_rate, month).
struct CashPaths {
  int months = 0;
  int years = 0;
  std::vector<double> position;  //!< [replication][month - 1]
  std::vector<double> net;       //!< [replication][year]: the year's flows
  std::vector<double> present;   //!< [replication][year]: their present value

  double position_at(std::uint64_t rep, int month) const {
    return position[rep * static_cast<std::uint64_t>(months) +
                    static_cast<std::uint64_t>(month - 1)];
  }
};

//! The cash paths of `providers` (indices into the view's participants) in every replication.
CashPaths cash_paths(const RecordView& view, const scenario::Contract& contract,
                     const std::vector<std::size_t>& providers);

//! Months the cash position covers: the performance years and the last settlement lag.
int cash_months(int years, const scenario::CashTiming& timing);

//! The discount factor of month m at annual rate r: (1 + r)^(-m / 12).
double discount_factor(double rate, int month);

}  // namespace apmsim::analysis
