#pragma once
//! A claims completion pattern estimated from paid dates: the chain ladder on the monthly
//! development triangle (calibrate/paid_claims.hpp), with Mack's (1993) standard errors
//! (docs/calibration.md, "Completion pattern from paid dates").
//!
//! With D_i(k) the amount paid for month of service i up to lag k, and I_k the months of service
//! seen at lag k + 1 (as_of - i >= k + 1):
//! - development factors f_k = sum_{I_k} D_i(k + 1) / sum_{I_k} D_i(k), k = 0..L-1;
//! - the cumulative pattern F_L = 1, F_k = F_{k+1} / f_k (the share paid by lag k), and the lag
//!   shares p_0 = F_0, p_k = F_k - F_{k-1}: the `lag` of `[contract.run_out]`. No tail factor:
//!   lag L holds what is paid L or more months after (as far as the data see);
//! - Mack's variance of f_k: sigma_k^2 / sum_{I_k} D_i(k), sigma_k^2 = sum_{I_k} D_i(k)
//!   (D_i(k + 1) / D_i(k) - f_k)^2 / (n_k - 1) over the n_k months with D_i(k) > 0 (with one
//!   month, Mack's extrapolation min(sigma_{k-1}^4 / sigma_{k-2}^2, sigma_{k-2}^2,
//!   sigma_{k-1}^2)); the f_k are uncorrelated in Mack's model, so any sum Q = sum_k w_k F_k has
//!   by the delta method Var Q = sum_j Var(f_j) / f_j^2 (sum_{k <= j} w_k F_k)^2;
//! - the completion factor after R months of run-out, for a year of service incurred evenly
//!   over its 12 months: CF(R) = (1/12) sum_{m=0}^{11} F_{min(L, 11 + R - m)}, the share of the
//!   year's cost paid R months after its end.
//! L is `max_lag`, less where the data are short: at most (months of service up to as_of) - 2,
//! so that every factor rests on at least two months of service.

#include <cstdint>
#include <string>
#include <vector>

#include "calibrate/calibration.hpp"
#include "calibrate/paid_claims.hpp"

namespace apmsim::calibrate {

//! Run-out months (after the end of the year of service) the completion factors are given at.
inline const std::vector<int> kRunOutMonths = {1, 2, 3, 6};

struct CompletionPattern {
  std::string source;
  int first_month = 0, as_of = 0;  //!< months of service from first_month; the extract date
  int lags = 0;                    //!< L: shares at lags 0..L
  std::uint64_t rows = 0, beyond_last_lag = 0;  //!< payments; those later than L months
  double total = 0.0;
  std::vector<Estimate> factor;      //!< f_k, k = 0..L-1
  std::vector<int> factor_months;    //!< n_k: months of service each factor rests on
  std::vector<Estimate> cumulative;  //!< F_k, k = 0..L
  std::vector<Estimate> share;       //!< p_k, k = 0..L: the run-out `lag`
  std::vector<int> run_out = kRunOutMonths;
  std::vector<Estimate> completion;  //!< CF(R) at each of `run_out`
  std::vector<std::string> notes;
};

//! The chain ladder and Mack's standard errors on a triangle. Throws DataError when the data
//! span fewer than 3 months of service or a factor has nothing paid before its lag.
CompletionPattern estimate_completion(const PaidTriangle& triangle);

//! CF(R) weights: w[k] = the share of a year's evenly incurred cost that is R months past its
//! year-end at lag min(lags, k) (sum_k w[k] F_k = CF(R)).
std::vector<double> completion_weights(int lags, int run_out);

}  // namespace apmsim::calibrate
