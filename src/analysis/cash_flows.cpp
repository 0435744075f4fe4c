#include "analysis/cash_flows.hpp"

#include <algorithm>
#include <cmath>

namespace apmsim::analysis {

namespace {

namespace c = contract;

//! `total` in twelve monthly parts: month k of year `year` at its end (shift 0) or its start
//! (shift 1); the last part is what the others leave, so the parts add to the total.
void spread(double total, int year, int shift, std::vector<CashFlow>& out) {
  if (total == 0.0) return;
  const double part = total / kMonthsInYear;
  double paid = 0.0;
  for (int k = 1; k <= kMonthsInYear; ++k) {
    const double amount = k < kMonthsInYear ? part : total - paid;
    paid += amount;
    out.push_back({kMonthsInYear * year + k - shift, amount});
  }
}

//! A settlement `lag` months after the year's end, a repayment `repayment` months later still.
void settle(double amount, int year_end, int lag, int repayment, std::vector<CashFlow>& out) {
  if (amount == 0.0) return;
  out.push_back({year_end + lag + (amount < 0.0 ? repayment : 0), amount});
}

}  // namespace

void cash_flows(ProviderYear record, int year, const scenario::ContractTerms& terms,
                const scenario::CashTiming& timing, std::vector<CashFlow>& out) {
  if (record[c::kInProgram] == 0.0) return;
  using scenario::BasePayment;
  const bool claims = terms.base == BasePayment::Ffs;
  const double cost = terms.base == BasePayment::Fee ? terms.delivery_cost * record[c::kUnits]
                                                     : record[c::kActualCost];
  spread(record[c::kBasePayment] - record[c::kWithheld] - record[c::kStopLossPremium], year,
         timing.payments_in_advance && !claims ? 1 : 0, out);
  spread(-cost, year, 0, out);
  const int end = kMonthsInYear * (year + 1);
  const int repay = timing.repayment_months;
  settle(record[c::kEarnedBack], end, timing.earn_back_month, 0, out);
  settle(record[c::kInitialReconciliation], end, timing.reconciliation_month, repay, out);
  settle(record[c::kReconciliation] - record[c::kInitialReconciliation], end, timing.true_up_month,
         repay, out);
  if (terms.base == BasePayment::Capitation)
    settle(record[c::kStopLossRecovery] + record[c::kTruncationExcess], end, timing.stop_loss_month,
           0, out);
}

CashPaths cash_paths(const RecordView& view, const scenario::Contract& contract,
                     const std::vector<std::size_t>& providers) {
  const scenario::CashTiming& timing = contract.timing;
  CashPaths paths;
  paths.months = cash_months(view.years(), timing);
  paths.years = view.years();
  const auto years = static_cast<std::size_t>(view.years());
  const auto months = static_cast<std::size_t>(paths.months);
  const std::uint64_t reps = view.replications();
  paths.position.assign(reps * months, 0.0);
  paths.net.assign(reps * years, 0.0);
  paths.present.assign(reps * years, 0.0);
  std::vector<double> factor(months + 1);
  for (std::size_t m = 0; m <= months; ++m)
    factor[m] = discount_factor(timing.discount_rate, static_cast<int>(m));
  std::vector<double> by_month(months + 1);
  std::vector<CashFlow> flows;
  for (std::uint64_t rep = 0; rep < reps; ++rep) {
    std::fill(by_month.begin(), by_month.end(), 0.0);
    for (const std::size_t p : providers)
      for (int y = 0; y < view.years(); ++y) {
        flows.clear();
        cash_flows(view.record(rep, p, y), y, contract.years[static_cast<std::size_t>(y)], timing,
                   flows);
        double& net = paths.net[rep * years + static_cast<std::size_t>(y)];
        double& present = paths.present[rep * years + static_cast<std::size_t>(y)];
        for (const CashFlow& f : flows) {
          const auto m = static_cast<std::size_t>(f.month);
          by_month[m] += f.amount;
          net += f.amount;
          present += f.amount * factor[m];
        }
      }
    double position = by_month[0];
    for (std::size_t m = 1; m <= months; ++m) {
      position += by_month[m];
      paths.position[rep * months + m - 1] = position;
    }
  }
  return paths;
}

int cash_months(int years, const scenario::CashTiming& timing) {
  return kMonthsInYear * years + timing.last_lag();
}

double discount_factor(double rate, int month) {
  return std::pow(1.0 + rate, -static_cast<double>(month) / kMonthsInYear);
}

}  // namespace apmsim::analysis
