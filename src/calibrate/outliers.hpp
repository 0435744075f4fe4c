#pragma once
//! Outliers in a claims extract: single values that would move an estimate on their own, and gaps
//! in the years. One cost of 1e12 among thousands turns a 4% trend into -59% and stratum means six
//! times too high; a year typed 40 among 1..3 makes churn 0.33; years 0, 5, 10, 15 make churn 1.
//! None of that is a question of fit, so calibrate finds such values before fitting, robustly
//! (medians and median absolute deviations, which a few outliers cannot move):
//! - cost: a positive annual cost (cost x 12 / exposure) above kMaxAnnualCost (1e9 per
//!   member-year: the largest mean a scenario takes), or whose ln is more than kOutlierScales (8)
//!   robust scales above its stratum's median ln(annual cost). The robust scale is 1.4826 times
//!   the median absolute deviation of ln(annual cost), at least 1: the limit is at least
//!   e^8 ~ 3,000 times the stratum's median (a catastrophic claim is 10 to 300 times it).
//! - risk score: outside [kMinRiskScore, kMaxRiskScore] = [0.001, 1000], or ln(score) more than 8
//!   robust scales (at least 0.5: e^4 ~ 55 times) from its stratum's median ln(score).
//! - year: the years fall into runs of consecutive years; the rows of a run other than the one
//!   with the most rows are stray (a typo) when the run holds under 1% of the rows. A larger run
//!   beyond a gap is no outlier but a gap, refused whatever the option: churn would count every
//!   member absent in the missing years as leaving.
//! The robust rules need 20 positive costs (risk scores) in a stratum; below that only the hard
//! limits apply (a stratum that small is refused by calibrate_claims anyway).
//! --outliers cap sets an outlying cost (risk score) to the nearest value of its stratum that is
//! no outlier (winsorising: the limit itself, thousands of times the median, would still move a
//! small file's means); drop removes the member's every row (a missing year would read as churn).

#include <string>

#include "calibrate/claims.hpp"

namespace apmsim::calibrate {

constexpr double kMaxAnnualCost = 1e9;
constexpr double kMinRiskScore = 1e-3, kMaxRiskScore = 1e3;
constexpr double kOutlierScales = 8.0;

//! Where a column is in the file (1-based, 0: absent) and its name, for messages.
struct ColumnPlace {
  int number = 0;
  std::string name;
};

//! The columns whose values can be outliers.
struct OutlierColumns {
  ColumnPlace year, cost, risk_score;
};

//! Finds the outliers of `d` (sorted by member and year, as read_claims leaves it) and refuses
//! them (DataError at the first one's file, line and column, with the lines of the others), caps
//! them or drops them, as `policy` says, counting what it changed in `d`. Throws DataError for a
//! gap in the years whatever the policy.
void screen_outliers(ClaimsData& d, Outliers policy, const OutlierColumns& columns);

}  // namespace apmsim::calibrate
