#pragma once
//! Continuance tables, as actuaries exchange them (e.g. the CMS actuarial value calculator's):
//! bands of annual cost per member with the share of members in each and their average cost (or
//! the limited expected value at each band's top), turned into an empirical severity that
//! reproduces them.
//!
//! CSV columns: `upper` (the band's upper bound; empty or `inf` for an open last band), `share`
//! (members in the band: fractions summing to 1, or percentages summing to 100) and either
//! `average` (mean cost of the band's members) or `lev` (E[min(X, upper)] over all members). A
//! band with upper 0 holds the members without cost. Within a band (b0, b1] with average a the
//! quantile function has two linear pieces through (b0, m, b1) with m chosen so that the band's
//! mean is a exactly; an open last band gets a generalised Pareto tail whose mean excess is
//! a - b0 and whose shape follows the survival curve's slope over the two bands below it.

#include <string>
#include <vector>

#include "stats/severity.hpp"

namespace apmsim::calibrate {

struct ContinuanceBand {
  double lower = 0.0, upper = 0.0;  //!< (lower, upper]; upper = inf for an open last band
  double share = 0.0;               //!< of all members
  double average = 0.0;             //!< mean cost of the band's members
  std::uint64_t line = 0;
};

//! Reads and checks a continuance table; DataError (file, line, column) for bad data.
std::vector<ContinuanceBand> read_continuance(const std::string& path);

//! The severity of positive costs that reproduces the bands, P(cost > 0), and how closely the
//! table and the engine's normal-score grid reproduce each band (share and average).
struct ContinuanceFit {
  double p_any = 1.0;
  stats::QuantileTable table;
  double tail_shape_slope = 0.0;  //!< the open band's xi (from the survival curve)
  double max_share_error = 0.0, max_average_error = 0.0;  //!< the table's, relative
  double grid_max_average_error = 0.0;                    //!< the engine's grid's, relative
};

ContinuanceFit fit_continuance(const std::vector<ContinuanceBand>& bands, const std::string& path);

struct Calibration;
//! A one-stratum population whose body is the continuance table's severity (empirical form);
//! everything the table does not say (frailty, churn, trend, providers) at neutral values.
Calibration continuance_population(const ContinuanceFit& fit, const std::string& path);

}  // namespace apmsim::calibrate
