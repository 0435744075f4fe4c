#include "analysis/quantity_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace apmsim::analysis {

std::vector<stats::Estimate> batch_means(
    const RecordView& view, std::size_t size,
    const std::function<std::vector<double>(ReplicationRange)>& estimator) {
  std::vector<stats::Estimate> out(size);
  if (view.replications() == 0) return out;
  const std::vector<double> whole = estimator(view.all_replications());
  std::vector<std::vector<double>> batch_values(size);
  for (const ReplicationRange& batch : view.batch_ranges()) {
    const std::vector<double> values = estimator(batch);
    for (std::size_t i = 0; i < size; ++i)
      if (std::isfinite(values[i])) batch_values[i].push_back(values[i]);
  }
  for (std::size_t i = 0; i < size; ++i) {
    out[i].value = whole[i];
    if (std::isnan(whole[i]) || batch_values[i].size() < 2) continue;
    out[i].se = stats::standard_deviation(batch_values[i]) /
                std::sqrt(static_cast<double>(batch_values[i].size()));
  }
  return out;
}

EstimateTable make_table(std::vector<std::string> rows, std::vector<std::string> columns,
                         std::vector<Quantity> quantities, int batches) {
  EstimateTable table;
  table.rows = std::move(rows);
  table.columns = std::move(columns);
  table.years = static_cast<int>(table.columns.size());
  table.quantities = std::move(quantities);
  table.ci_multiplier =
      batches > 1 ? stats::student_t_quantile(0.975, batches - 1) : kNormal95;
  table.resize();
  return table;
}

void set_multiplier(EstimateTable& table, const std::string& name, double multiplier) {
  if (table.ci_multipliers.empty())
    table.ci_multipliers.assign(table.quantities.size(), table.ci_multiplier);
  table.ci_multipliers[table.quantity(name)] = multiplier;
}

void put(EstimateTable& table, const std::string& name, std::size_t row, std::size_t column,
         const stats::Estimate& estimate) {
  const std::size_t i = table.index(table.quantity(name), row, column);
  table.mean[i] = estimate.value;
  table.se[i] = estimate.se;
}

stats::Estimate read(const EstimateTable& table, const std::string& quantity,
                     const std::string& row, const std::string& column) {
  const auto last_row = std::find(table.rows.rbegin(), table.rows.rend(), row);
  const auto found_column = std::find(table.columns.begin(), table.columns.end(), column);
  if (last_row == table.rows.rend() || found_column == table.columns.end())
    throw std::out_of_range("no cell " + row + " / " + column);
  const std::size_t i = table.index(table.quantity(quantity),
                                    static_cast<std::size_t>(table.rows.rend() - last_row) - 1,
                                    static_cast<std::size_t>(found_column - table.columns.begin()));
  stats::Estimate estimate;
  estimate.value = table.mean[i];
  estimate.se = table.se[i];
  return estimate;
}

std::vector<std::string> year_columns(int years, const std::string& last) {
  std::vector<std::string> columns;
  for (int y = 0; y < years; ++y) columns.push_back("P" + std::to_string(y + 1));
  columns.push_back(last);
  return columns;
}

int performance_year_of(const std::string& label) {
  for (const std::string prefix : {"P", "performance_year_"}) {
    if (label.size() <= prefix.size() || label.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = label.substr(prefix.size());
    if (digits.size() > 6 || digits[0] == '0' ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    return std::stoi(digits);
  }
  return 0;
}

std::string year_label(const std::string& label) {
  const int k = performance_year_of(label);
  return k > 0 ? "P" + std::to_string(k) : label;
}

int column_year(std::size_t column, int years) {
  return column < static_cast<std::size_t>(years) ? static_cast<int>(column) : kAllYears;
}

std::string format_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}

}  // namespace apmsim::analysis
