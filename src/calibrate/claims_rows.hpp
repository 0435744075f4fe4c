#pragma once
//! The per-row quantities of a claims extract that the estimators of calibrate_claims share:
//! each row's year index, exposure, annual cost and (stratum, year) cell.

#include <cstddef>

#include "calibrate/claims.hpp"

namespace apmsim::calibrate {

//! A claims extract with its calendar span (years from `first_year`).
struct ClaimsRows {
  const ClaimsData& data;
  int first_year = 0, years = 0;

  std::size_t size() const { return data.rows(); }
  int strata() const { return static_cast<int>(data.strata.size()); }
  //! The row's year, 0 = the first year of data.
  int year_index(std::size_t i) const { return data.year[i] - first_year; }
  //! Exposure in years: the weight of every exposure-weighted estimator.
  double exposure_years(std::size_t i) const { return double(data.exposure[i]) / 12.0; }
  //! The row's cost over a whole year of exposure.
  double annual_cost(std::size_t i) const { return data.cost[i] * 12.0 / double(data.exposure[i]); }
  //! The trend's and expected costs' exposure: exposure-years times the risk score when there
  //! are risk scores (cost per unit of risk within a stratum: a member riskier than the
  //! stratum's average is expected to cost more), else exposure-years.
  double risk_exposure(std::size_t i) const {
    return exposure_years(i) * (data.has_risk ? double(data.risk_score[i]) : 1.0);
  }
  //! The row's (stratum, year) cell, stratum-major.
  std::size_t cell(std::size_t i) const {
    return std::size_t(data.stratum[i]) * years + std::size_t(year_index(i));
  }
  //! The row is its member's first (the member's entry: the model's new patient).
  bool entry(std::size_t i) const { return i == 0 || data.member[i] != data.member[i - 1]; }
  //! The row is its member's last.
  bool last(std::size_t i) const { return i + 1 == size() || data.member[i + 1] != data.member[i]; }
  //! Row i + lag is the same member `lag` calendar years later.
  bool followed(std::size_t i, int lag) const {
    const std::size_t j = i + std::size_t(lag);
    return j < size() && data.member[j] == data.member[i] && data.year[j] == data.year[i] + lag;
  }
};

}  // namespace apmsim::calibrate
