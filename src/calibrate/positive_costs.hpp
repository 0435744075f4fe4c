#pragma once
//! The first stage of calibrate_claims, on the full sample: the trend that puts costs in
//! first-year money, each stratum's positive costs in that money (sorted once), their tail
//! thresholds, histogram ranges and normal scores. Jackknife replicates hold these at their
//! full-sample values.

#include <cstdint>
#include <utility>
#include <vector>

#include "calibrate/claims_rows.hpp"
#include "calibrate/weighted_sample.hpp"

namespace apmsim::calibrate {

//! A row of a stratum's positive costs: the cost in first-year money and the row.
using CostRow = std::pair<double, std::uint32_t>;

//! The first stage (see the file comment).
struct PositiveCosts {
  double trend = 0.0;             //!< the full-sample trend that deflates costs
  std::vector<double> cell_mean;  //!< mean cost per unit of risk exposure, per (stratum, year)
  std::vector<double> cost;       //!< per row: the positive annual cost in first-year money, or 0
  std::vector<double> score;      //!< per row: a positive cost's normal score within its stratum
  //! Per stratum: the positive costs in cost order (contiguous pairs of cost and row): its
  //! weighted sample, its normal scores, and the two halves' samples all come from this order.
  std::vector<std::vector<CostRow>> sorted;
  std::vector<WeightedSample> samples;             //!< per stratum, weighted by exposure-years
  std::vector<double> thresholds, log_thresholds;  //!< per stratum: the top tail_fraction's start
  std::vector<std::pair<double, double>> ranges;   //!< per stratum: the ln(cost) range
};

//! The first stage for tail thresholds at the top `tail_fraction` of each stratum's costs.
PositiveCosts positive_costs(const ClaimsRows& rows, double tail_fraction);

}  // namespace apmsim::calibrate
