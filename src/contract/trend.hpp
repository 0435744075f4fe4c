#pragma once
//! Trend factors that carry a baseline year's cost per unit to a performance year
//! (docs/scenario-reference.md `[contract.benchmark]` trend keys):
//! - assumed: (1 + assumed_trend)^(t - b), the simple case;
//! - observed: growth of the cost per unit observed in the run, a blend of the national pool
//!   (the populations outside the contract: comparison populations and non-participant providers;
//!   every population when all participate) and the provider's region (its comparison population),
//!     g(a -> c) = w N_c / N_a + (1 - w) R_c / R_a,  w = trend_national_weight
//!   (MSSP 2019-23: w = the ACO's share of its region's assignable beneficiaries, 42 CFR
//!   425.601(a)(5)(iv) and (b)(4); before 2019: national, w = 1). A baseline year b is trended to
//!   the last baseline year L and then updated to the performance year t:
//!     factor(b) = g(b -> L) * U,  U = p (1 + prospective_trend)^(t - L) + (1 - p) g(L -> t),
//!   p = prospective_weight (MSSP agreements from 2024: p = 1/3 with the ACPT, 42 CFR 425.660;
//!   ACO REACH: p = 1, a prospective trend). With trend_corridor, U becomes g(L -> t) when
//!   |U / g(L -> t) - 1| exceeds it: REACH's retrospective trend adjustment.

#include <vector>

#include "scenario/contract.hpp"

namespace apmsim::contract {

//! Observed cost per unit by calendar year 0..t: the national pool and the provider's region.
struct CostPaths {
  std::vector<double> national;
  std::vector<double> regional;
};

//! The trend of one provider-year's benchmark: performance year `year` (calendar index), its
//! agreement's baseline years ending before calendar year `window_end` (the agreement's first
//! year: baseline_years in the first agreement); `observed` is read only with trend = "observed".
class Trend {
 public:
  Trend(const scenario::BenchmarkTerms& terms, const CostPaths& observed, int window_end,
        int year);
  //! The last baseline year L (calendar index).
  int last() const { return last_; }
  //! The factor carrying calendar year b's cost per unit to the performance year.
  double factor(int b) const;
  //! U: the update from the last baseline year to the performance year.
  double update() const { return update_; }
  //! g(a -> c) of the observed blend (or the assumed trend).
  double growth(int a, int c) const;

 private:
  const scenario::BenchmarkTerms& terms_;
  const CostPaths& observed_;
  int last_ = 0;  //!< the last baseline year L
  int year_ = 0;
  double update_ = 1.0;
};

}  // namespace apmsim::contract
