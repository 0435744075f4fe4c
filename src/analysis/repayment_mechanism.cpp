#include "analysis/repayment_mechanism.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "analysis/quantity_table.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;

enum class Repayment {
  kMechanism,
  kOwedMean,
  kOwedProbability,
  kOwedP95,
  kOwedP99,
  kBeyondProbability,
  kBeyondMean
};
using R = Repayment;
constexpr std::array kRepaymentQuantities{
    QuantityInfo<R>{R::kMechanism, "mechanism", "currency/provider-year",
                    "repayment mechanism under 42 CFR 425.204(f)(4): the lesser of the "
                    "expenditure and revenue shares"},
    QuantityInfo<R>{R::kOwedMean, "owed_mean", "currency/provider-year",
                    "expected amount owed, max(-reconciliation, 0)"},
    QuantityInfo<R>{R::kOwedProbability, "owed_probability", "fraction", "P(owed > 0)"},
    QuantityInfo<R>{R::kOwedP95, "owed_p95", "currency/provider-year",
                    "95th percentile of the amount owed"},
    QuantityInfo<R>{R::kOwedP99, "owed_p99", "currency/provider-year",
                    "99th percentile of the amount owed"},
    QuantityInfo<R>{R::kBeyondProbability, "beyond_probability", "fraction",
                    "P(owed > mechanism): the mechanism does not cover the repayment"},
    QuantityInfo<R>{R::kBeyondMean, "beyond_mean", "currency/provider-year",
                    "E[(owed - mechanism)+]: expected amount owed beyond the mechanism"},
};
static_assert(listed_in_order(kRepaymentQuantities));
constexpr const auto& quantity_table(Repayment) { return kRepaymentQuantities; }

//! One provider-year's amount owed and mechanism.
struct Owed {
  double owed = 0.0;
  double mechanism = 0.0;
};

//! The provider-years of `selection` in `range` that are in the program in a year that can owe.
std::vector<Owed> owed_in(const RecordView& view, const scenario::Contract& contract,
                          const std::vector<double>& revenue_shares, const Selection& selection,
                          ReplicationRange range) {
  std::vector<Owed> out;
  for (std::uint64_t rep = range.first; rep < range.first + range.count; ++rep)
    for (const std::size_t p : selection.providers)
      for (int y = 0; y < view.years(); ++y) {
        if (!selection.covers(y) || !can_owe(contract.years[static_cast<std::size_t>(y)])) continue;
        const ProviderYear record = view.record(rep, p, y);
        if (record[c::kInProgram] == 0.0) continue;
        out.push_back({std::max(-record[c::kReconciliation], 0.0),
                       repayment_mechanism(record, revenue_shares[p], contract.timing)});
      }
  return out;
}

//! The means and probabilities of some provider-years: what batch means averages.
QuantityGrid<Repayment> repayment_means(const std::vector<Owed>& years) {
  QuantityGrid<Repayment> grid;
  if (years.empty()) return grid;
  double mechanism = 0, owed = 0, owing = 0, beyond = 0, beyond_amount = 0;
  for (const Owed& y : years) {
    mechanism += y.mechanism;
    owed += y.owed;
    owing += y.owed > 0.0 ? 1.0 : 0.0;
    beyond += y.owed > y.mechanism ? 1.0 : 0.0;
    beyond_amount += std::max(y.owed - y.mechanism, 0.0);
  }
  const auto n = static_cast<double>(years.size());
  grid(R::kMechanism) = mechanism / n;
  grid(R::kOwedMean) = owed / n;
  grid(R::kOwedProbability) = owing / n;
  grid(R::kBeyondProbability) = beyond / n;
  grid(R::kBeyondMean) = beyond_amount / n;
  return grid;
}

}  // namespace

bool can_owe(const scenario::ContractTerms& terms) {
  if (terms.sharing.enabled &&
      (terms.sharing.loss_rate > 0.0 || terms.sharing.loss_rate_from_sharing))
    return true;
  if (terms.corridor.empty()) return false;
  if (terms.base == scenario::BasePayment::Capitation) return true;
  return std::any_of(
      terms.corridor.begin(), terms.corridor.end(),
      [](const scenario::CorridorBand& b) { return b.lower < 0.0 && b.share > 0.0; });
}

double repayment_mechanism(ProviderYear record, double revenue_share,
                           const scenario::CashTiming& timing) {
  // 42 CFR 425.204(f)(4): the lesser of 1% of the assigned beneficiaries' Parts A and B
  // expenditure (on which the benchmark is set) and 2% of the ACO participants' Parts A and B
  // revenue.
  return std::min(timing.mechanism_expenditure_share * record[c::kBenchmark],
                  timing.mechanism_revenue_share * revenue_share * record[c::kActualCost]);
}

std::vector<AnalysisTable> repayment_mechanism_table(const RecordView& view,
                                                     const scenario::Contract& contract,
                                                     const std::vector<double>& revenue_shares) {
  if (std::none_of(contract.years.begin(), contract.years.end(), can_owe)) return {};
  std::vector<std::string> rows = view.provider_names();
  rows.push_back("portfolio");
  const std::vector<std::string> columns = year_columns(view.years(), "agreement");
  EstimateTable table = make_table(rows, columns, quantities_of<Repayment>(), view.batch_count());
  for (std::size_t row = 0; row < rows.size(); ++row)
    for (std::size_t column = 0; column < columns.size(); ++column) {
      const int year = column_year(column, view.years());
      const Selection selection =
          row < view.providers() ? Selection{{row}, year} : view.everyone(year);
      EstimateGrid<Repayment> grid = batch_means<Repayment>(view, 1, [&](ReplicationRange range) {
        return repayment_means(owed_in(view, contract, revenue_shares, selection, range));
      });
      std::vector<double> owed;
      for (const Owed& y :
           owed_in(view, contract, revenue_shares, selection, view.all_replications()))
        owed.push_back(y.owed);
      if (!owed.empty()) {
        stats::sort_for_quantiles(owed);
        grid(R::kOwedP95) = stats::value_at_risk_estimate_sorted(owed, 0.95);
        grid(R::kOwedP99) = stats::value_at_risk_estimate_sorted(owed, 0.99);
      }
      put_row(table, row, column, grid);
    }
  return {{"cash", "repayment_mechanism",
           "MSSP's repayment mechanism beside the amount owed per provider-year (two-sided years)",
           table}};
}

}  // namespace apmsim::analysis
