#pragma once
//! The contract tables (DESIGN 5: each provider-year's results, portfolio totals): every
//! record field summed over the provider-years of a row and column, per replication, then the
//! mean and standard error over replications.

#include <array>
#include <functional>
#include <vector>

#include "analysis/moments.hpp"
#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

//! Sums of every fixed field over some provider-years of one replication, and their number.
struct FieldSums {
  std::array<double, contract::kFixedFields> sum{};
  double provider_years = 0.0;

  double operator[](contract::Field field) const { return sum[field]; }
};

//! One quantity of the contract tables, computed from the field sums of a cell.
struct ContractQuantity {
  Quantity quantity;
  std::function<double(const FieldSums&)> value;
};

//! The contract tables' quantities, in table order: field totals (names, units and descriptions
//! from contract::kFields), the savings rates of the totals, mean quality, eligible share.
const std::vector<ContractQuantity>& contract_quantities();
//! Those and the view's extra fields' totals (RecordView::extra_fields), with the count of
//! provider-years in the program when the contract has several agreements.
std::vector<ContractQuantity> contract_quantities(const RecordView& view);

//! Mean and standard error over replications of every contract quantity (in
//! contract_quantities() order) for the provider-years of each of `cells`.
std::vector<std::vector<RunningMoments>> contract_cells(const RecordView& view,
                                                        const std::vector<Selection>& cells);

//! The mean of per-replication values with its standard error (se NaN below two replications).
stats::Estimate moments_estimate(const RunningMoments& moments);

//! Fills `out.contract_provider` (rows = participants) and `out.contract_portfolio` (one row,
//! "participants"); columns = performance years, then "agreement".
void contract_tables(const RecordView& view, VariantSummary& out);

}  // namespace apmsim::analysis
