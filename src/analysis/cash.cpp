#include "analysis/cash.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <string>

#include "analysis/cash_flows.hpp"
#include "analysis/quantity_table.hpp"
#include "analysis/repayment_mechanism.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class Position { kMean, kP05, kP50, kP95 };
constexpr std::array kPositionQuantities{
    QuantityInfo<Position>{Position::kMean, "mean", "currency",
                           "mean cumulative cash position at the month's end"},
    QuantityInfo<Position>{Position::kP05, "p05", "currency", "its 5th percentile"},
    QuantityInfo<Position>{Position::kP50, "p50", "currency", "its median"},
    QuantityInfo<Position>{Position::kP95, "p95", "currency", "its 95th percentile"},
};
static_assert(listed_in_order(kPositionQuantities));
constexpr const auto& quantity_table(Position) { return kPositionQuantities; }

enum class Worst { kWorstMean, kWorstP05, kWorstMonthP50, kWorstMonthOfMean };
constexpr std::array kWorstQuantities{
    QuantityInfo<Worst>{Worst::kWorstMean, "worst_mean", "currency",
                        "mean of the lowest cumulative cash position over the months"},
    QuantityInfo<Worst>{Worst::kWorstP05, "worst_p05", "currency",
                        "5th percentile of the lowest cash position"},
    QuantityInfo<Worst>{Worst::kWorstMonthP50, "worst_month_p50", "month",
                        "median month of the lowest cash position (first when tied)"},
    QuantityInfo<Worst>{Worst::kWorstMonthOfMean, "worst_month_of_mean", "month",
                        "month where the mean cash position is lowest"},
};
static_assert(listed_in_order(kWorstQuantities));
constexpr const auto& quantity_table(Worst) { return kWorstQuantities; }

enum class Present { kPvNetResult, kNetResult };
constexpr std::array kPresentQuantities{
    QuantityInfo<Present>{Present::kPvNetResult, "pv_net_result", "currency",
                          "net result's flows discounted to the start of performance year 1"},
    QuantityInfo<Present>{Present::kNetResult, "net_result", "currency",
                          "the same flows undiscounted (= net_provider_result)"},
};
static_assert(listed_in_order(kPresentQuantities));
constexpr const auto& quantity_table(Present) { return kPresentQuantities; }

//! The 5%, 50% and 95% levels of the position's percentiles.
constexpr std::array<std::pair<double, Position>, 3> kPositionLevels{
    {{0.05, Position::kP05}, {0.50, Position::kP50}, {0.95, Position::kP95}}};

//! Per replication of `range`, value(rep); their mean.
template <typename Value>
double range_mean(ReplicationRange range, Value value) {
  double total = 0.0;
  for (std::uint64_t rep = range.first; rep < range.first + range.count; ++rep) total += value(rep);
  return range.count > 0 ? total / static_cast<double>(range.count) : kNaN;
}

//! Row `row` of the position table from `paths`.
void put_positions(const RecordView& view, const CashPaths& paths, std::size_t row,
                   EstimateTable& table) {
  const auto months = static_cast<std::size_t>(paths.months);
  const std::vector<stats::Estimate> means = batch_means(view, months, [&](ReplicationRange range) {
    std::vector<double> out(months);
    for (std::size_t m = 0; m < months; ++m)
      out[m] = range_mean(range, [&](std::uint64_t rep) {
        return paths.position_at(rep, static_cast<int>(m) + 1);
      });
    return out;
  });
  std::vector<double> sample(view.replications());
  for (std::size_t m = 0; m < months; ++m) {
    put(table, Position::kMean, row, m, means[m]);
    for (std::uint64_t rep = 0; rep < view.replications(); ++rep)
      sample[rep] = paths.position_at(rep, static_cast<int>(m) + 1);
    if (sample.empty()) continue;
    std::vector<double> sorted = sample;
    stats::sort_for_quantiles(sorted);
    for (const auto& [level, quantity] : kPositionLevels)
      put(table, quantity, row, m, stats::value_at_risk_estimate_sorted(sorted, level));
  }
}

//! Row `row` of the worst-point table from `paths`.
void put_worst(const RecordView& view, const CashPaths& paths, std::size_t row,
               EstimateTable& table) {
  const std::uint64_t reps = view.replications();
  std::vector<double> worst(reps), month(reps);
  for (std::uint64_t rep = 0; rep < reps; ++rep) {
    worst[rep] = paths.position_at(rep, 1);
    month[rep] = 1;
    for (int m = 2; m <= paths.months; ++m)
      if (paths.position_at(rep, m) < worst[rep]) {
        worst[rep] = paths.position_at(rep, m);
        month[rep] = m;
      }
  }
  const std::vector<stats::Estimate> mean = batch_means(view, 1, [&](ReplicationRange range) {
    return std::vector<double>{range_mean(range, [&](std::uint64_t rep) { return worst[rep]; })};
  });
  put(table, Worst::kWorstMean, row, 0, mean[0]);
  if (reps == 0) return;
  put(table, Worst::kWorstP05, row, 0, stats::value_at_risk_estimate(worst, 0.05));
  put(table, Worst::kWorstMonthP50, row, 0, {stats::value_at_risk(month, 0.5), kNaN});
  double lowest = 0.0;
  int at = 0;
  for (int m = 1; m <= paths.months; ++m) {
    const double value = range_mean(view.all_replications(),
                                    [&](std::uint64_t rep) { return paths.position_at(rep, m); });
    if (at == 0 || value < lowest) lowest = value, at = m;
  }
  put(table, Worst::kWorstMonthOfMean, row, 0, {static_cast<double>(at), kNaN});
}

//! Row `row` of the present-value table from `paths`: each year's column, then the agreement's.
void put_present(const RecordView& view, const CashPaths& paths, std::size_t row,
                 EstimateTable& table) {
  const auto years = static_cast<std::size_t>(paths.years);
  // The value of column c (a year, or all of them) in replication rep.
  const auto column_sum = [&](const std::vector<double>& values, std::uint64_t rep, std::size_t c) {
    if (c < years) return values[rep * years + c];
    double total = 0.0;
    for (std::size_t y = 0; y < years; ++y) total += values[rep * years + y];
    return total;
  };
  const std::vector<stats::Estimate> estimates =
      batch_means(view, 2 * (years + 1), [&](ReplicationRange range) {
        std::vector<double> out;
        for (std::size_t c = 0; c <= years; ++c) {
          out.push_back(range_mean(
              range, [&](std::uint64_t rep) { return column_sum(paths.present, rep, c); }));
          out.push_back(
              range_mean(range, [&](std::uint64_t rep) { return column_sum(paths.net, rep, c); }));
        }
        return out;
      });
  for (std::size_t c = 0; c <= years; ++c) {
    put(table, Present::kPvNetResult, row, c, estimates[2 * c]);
    put(table, Present::kNetResult, row, c, estimates[2 * c + 1]);
  }
}

//! Column labels M1..Mn of the position table.
std::vector<std::string> month_columns(int months) {
  std::vector<std::string> columns;
  for (int m = 1; m <= months; ++m) columns.push_back("M" + std::to_string(m));
  return columns;
}

}  // namespace

std::vector<AnalysisTable> cash_analysis(const RecordView& view, const scenario::Contract& contract,
                                         const std::vector<double>& revenue_shares) {
  if (!contract.timing.present) return {};
  std::vector<std::string> rows = view.provider_names();
  rows.push_back("portfolio");
  const int batches = view.batch_count();
  const int months = cash_months(view.years(), contract.timing);
  EstimateTable position =
      make_table(rows, month_columns(months), quantities_of<Position>(), batches);
  EstimateTable worst = make_table(rows, {"agreement"}, quantities_of<Worst>(), batches);
  EstimateTable present =
      make_table(rows, year_columns(view.years(), "agreement"), quantities_of<Present>(), batches);
  for (std::size_t row = 0; row < rows.size(); ++row) {
    std::vector<std::size_t> providers{row};
    if (row == view.providers()) {
      providers.resize(view.providers());
      std::iota(providers.begin(), providers.end(), std::size_t{0});
    }
    const CashPaths paths = cash_paths(view, contract, providers);
    put_positions(view, paths, row, position);
    put_worst(view, paths, row, worst);
    put_present(view, paths, row, present);
  }
  std::vector<AnalysisTable> tables{
      {"cash", "position", "cumulative cash position by month (month 1 = first month of P1)",
       position},
      {"cash", "worst_point", "the lowest cumulative cash position and its month", worst},
      {"cash", "present_value",
       "present value of the net result at [contract.timing] discount_rate", present}};
  for (AnalysisTable& t : repayment_mechanism_table(view, contract, revenue_shares))
    tables.push_back(std::move(t));
  return tables;
}

}  // namespace apmsim::analysis
