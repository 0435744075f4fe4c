#pragma once
//! Benchmark calibration (DESIGN 6): how far each benchmark method lands from the counterfactual
//! cost, and the regional blend weight that minimises the error.

#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "scenario/contract.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

//! The benchmark errors e = (benchmark - counterfactual) / counterfactual per unit of the
//! provider-years with units, with what they are correlated against.
struct BenchmarkErrors {
  std::vector<double> historical;
  std::vector<double> regional;
  std::vector<double> efficiency;    //!< the provider's efficiency e(p)
  std::vector<double> region_shock;  //!< its region's shock v(r, k)
};

//! The errors of the provider-years of `selection` in `range` that have units.
BenchmarkErrors benchmark_errors(const RecordView& view, const Selection& selection,
                                 ReplicationRange range);

//! The RMSE-minimising regional weight of the provider-years of `selection`,
//! w* = sum h (h - g) / sum (h - g)^2 (stats::optimal_blend_weight), with its batch-means error.
stats::Estimate optimal_weight_estimate(const RecordView& view, const Selection& selection);

//! The benchmark tables, by performance year and over all years:
//!   methods: for historical, regional, the contract's blend (regional weight of the first
//!     performance year) and the optimal blend, the bias (mean error), sd, rmse and the
//!     correlations of the error with provider efficiency and regional shock;
//!   optimal_weight: w*.
std::vector<AnalysisTable> benchmark_analysis(const RecordView& view,
                                              const scenario::Contract& contract);

}  // namespace apmsim::analysis
