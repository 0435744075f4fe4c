#pragma once
//! Turns per-replication tallies into estimates with Monte Carlo standard errors: per provider,
//! per region's comparison population, and for the portfolio, by calendar year.

#include <vector>

#include "analysis/results.hpp"
#include "analysis/state_codec.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "scenario/scenario.hpp"
#include "stats/exact_sum.hpp"

namespace apmsim::analysis {

//! Accumulates replications and produces the VariantSummary of a run. Cells are exact moments,
//! so the estimates depend only on which replications were added, not on the order or grouping.
class TallySummary {
 public:
  TallySummary(const scenario::Scenario& scenario, const engine::Model& model);

  //! Adds every replication of a batch. Throws stats::OverflowError naming the quantity, row,
  //! year and replication when a value is infinite.
  void add(const engine::BatchTallies& batch);

  //! Forgets every replication.
  void clear();
  //! Appends the cells to a state.
  void save(ByteWriter& out) const;
  //! Adds the cells of a saved state (of a summary built from the same scenario).
  void add_saved(ByteReader& in);

  //! Estimates so far.
  VariantSummary summary(const std::string& variant_name) const;

  //! The quantities reported for each row and year, in table order.
  const std::vector<Quantity>& quantities() const { return quantities_; }

  //! Quantity values of one tally record (a provider-year, or a sum of them).
  void evaluate(const double* record, double* out) const;

 private:
  struct Table {
    std::vector<std::string> rows;
    std::vector<stats::ExactMoments> cells;  // [quantity][row][year]
  };
  void add_record(Table& table, std::size_t row, int year, const double* record);
  EstimateTable estimates(const Table& table) const;

  const engine::Model& model_;
  std::vector<Quantity> quantities_;
  std::vector<ProviderInfo> providers_;
  int years_;
  int fields_;
  Table provider_, portfolio_, region_;
  mutable std::vector<double> scratch_;
};

}  // namespace apmsim::analysis
