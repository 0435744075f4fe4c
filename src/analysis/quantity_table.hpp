#pragma once
//! How the analyses fill their estimate tables by name. Each table has a small quantity table:
//! an enum (one enumerator per quantity) and a `std::array<QuantityInfo<Q>, N>` listing every
//! enumerator in order with its name, unit and description, returned by a `quantity_table(Q)`
//! beside the enum (found by argument-dependent lookup). An estimator computes a QuantityGrid
//! (rows x quantities, set by enumerator); put_row copies a grid row into an EstimateTable by
//! quantity name. Batch means turn an estimator over replication ranges into estimates.

#include <array>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

//! One quantity of an analysis table: its enumerator and what the results file says of it.
template <typename Q>
struct QuantityInfo {
  Q quantity;
  const char* name;         //!< HDF5 dataset name
  const char* unit;         //!< e.g. "currency", "fraction"
  const char* description;  //!< one line for humans
};

//! Whether every row of a quantity table sits at its own enumerator's index.
template <typename Q, std::size_t N>
constexpr bool listed_in_order(const std::array<QuantityInfo<Q>, N>& table) {
  for (std::size_t i = 0; i < N; ++i)
    if (static_cast<std::size_t>(table[i].quantity) != i) return false;
  return true;
}

//! How many quantities Q has.
template <typename Q>
constexpr std::size_t quantity_count() {
  return quantity_table(Q{}).size();
}

//! The name, unit and description of `quantity`.
template <typename Q>
Quantity describe(Q quantity) {
  const QuantityInfo<Q>& info = quantity_table(Q{})[static_cast<std::size_t>(quantity)];
  return {info.name, info.unit, info.description};
}

//! The quantities of a table: all of Q, in order.
template <typename Q>
std::vector<Quantity> quantities_of() {
  std::vector<Quantity> out;
  for (const QuantityInfo<Q>& info : quantity_table(Q{})) out.push_back(describe(info.quantity));
  return out;
}

//! The quantities of a table: those named, in the order given.
template <typename Q>
std::vector<Quantity> quantities_of(std::initializer_list<Q> chosen) {
  std::vector<Quantity> out;
  for (const Q quantity : chosen) out.push_back(describe(quantity));
  return out;
}

//! The value of "not computed": NaN for numbers, the default for estimates (NaN too).
template <typename T>
T unset() {
  if constexpr (std::is_same_v<T, double>) return std::numeric_limits<double>::quiet_NaN();
  return T{};
}

//! Values of the quantities Q for `rows` rows (layers, bins, min_units, ...), set by enumerator.
template <typename Q, typename T = double>
class QuantityGrid {
 public:
  explicit QuantityGrid(std::size_t rows = 1)
      : rows_(rows), cells_(rows * quantity_count<Q>(), unset<T>()) {}
  T& operator()(Q quantity, std::size_t row = 0) { return cells_[offset(quantity, row)]; }
  const T& operator()(Q quantity, std::size_t row = 0) const {
    return cells_[offset(quantity, row)];
  }
  std::size_t rows() const { return rows_; }
  //! Every cell, row by row: what batch means works on.
  std::vector<T>& cells() { return cells_; }
  const std::vector<T>& cells() const { return cells_; }

 private:
  std::size_t offset(Q quantity, std::size_t row) const {
    return row * quantity_count<Q>() + static_cast<std::size_t>(quantity);
  }
  std::size_t rows_;
  std::vector<T> cells_;
};

//! Estimates of the quantities Q, with their standard errors.
template <typename Q>
using EstimateGrid = QuantityGrid<Q, stats::Estimate>;

//! Batch means of an estimator of `size` values over replication ranges (DESIGN 6): each value
//! on all replications, se = sd of its finite batch values / sqrt(their number), NaN with fewer
//! than two or when the whole-sample value is NaN; everything NaN without replications.
std::vector<stats::Estimate> batch_means(
    const RecordView& view, std::size_t size,
    const std::function<std::vector<double>(ReplicationRange)>& estimator);

//! Batch means of a grid of `rows` rows of the quantities Q.
template <typename Q>
EstimateGrid<Q> batch_means(const RecordView& view, std::size_t rows,
                            const std::function<QuantityGrid<Q>(ReplicationRange)>& estimator) {
  EstimateGrid<Q> out(rows);
  out.cells() = batch_means(view, out.cells().size(),
                            [&](ReplicationRange range) { return estimator(range).cells(); });
  return out;
}

//! The normal 97.5% quantile: the interval multiplier of means over replications.
inline constexpr double kNormal95 = 1.959963984540054;

//! An empty (NaN) table of `rows` x `columns` for `quantities`; intervals from Student t with
//! batches - 1 degrees of freedom (batches = 0: the normal 1.96, for per-replication moments).
EstimateTable make_table(std::vector<std::string> rows, std::vector<std::string> columns,
                         std::vector<Quantity> quantities, int batches);

//! Gives quantity `name` of `table` its own interval multiplier (the rest keep the table's).
void set_multiplier(EstimateTable& table, const std::string& name, double multiplier);

//! Sets quantity `name` of one cell of `table`; throws std::out_of_range for an unknown name.
void put(EstimateTable& table, const std::string& name, std::size_t row, std::size_t column,
         const stats::Estimate& estimate);

//! Sets `quantity` of one cell of `table`, by its name.
template <typename Q, typename = std::enable_if_t<std::is_enum_v<Q>>>
void put(EstimateTable& table, Q quantity, std::size_t row, std::size_t column,
         const stats::Estimate& estimate) {
  put(table, describe(quantity).name, row, column, estimate);
}

//! The enumerator of Q named `name`; throws std::out_of_range when Q has none.
template <typename Q>
Q quantity_named(const std::string& name) {
  for (const QuantityInfo<Q>& info : quantity_table(Q{}))
    if (name == info.name) return info.quantity;
  throw std::out_of_range("no quantity named " + name);
}

//! Copies row `grid_row` of `grid` into (`row`, `column`) of `table`: each of the table's
//! quantities from the grid's quantity of that name.
template <typename Q>
void put_row(EstimateTable& table, std::size_t row, std::size_t column, const EstimateGrid<Q>& grid,
             std::size_t grid_row = 0) {
  for (const Quantity& quantity : table.quantities)
    put(table, quantity.name, row, column, grid(quantity_named<Q>(quantity.name), grid_row));
}

//! The estimate of quantity `quantity` in row `row` (the last row of that name) and column
//! `column` of `table`; throws std::out_of_range when the table has no such cell.
stats::Estimate read(const EstimateTable& table, const std::string& quantity,
                     const std::string& row, const std::string& column);

//! Column names: one per performance year (P1, P2, ...), then `last` ("agreement" or "all").
std::vector<std::string> year_columns(int years, const std::string& last);

//! k for the column label of performance year k (`Pk`, or `performance_year_k` as files before
//! format 2.5 spell it); 0 for any other label.
int performance_year_of(const std::string& label);

//! A column label as this version spells it: `Pk` for performance year k, others unchanged.
std::string year_label(const std::string& label);

//! The Selection's year of column `column` of year_columns(years, ...): the year, or kAllYears
//! for the last column.
int column_year(std::size_t column, int years);

//! A number as a row label writes it ("%g").
std::string format_number(double x);

}  // namespace apmsim::analysis
