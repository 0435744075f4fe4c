#pragma once
//! Frailty from members' consecutive positive years. With r the normal score of a positive cost
//! within its stratum, scaled by the stratum's robust log-cost sd and centred within its
//! provider-year (so provider efficiency and regional shocks drop out), C1 = E[r_t r_t+1] =
//! rho tau^2 and C2 = E[r_t r_t+2] = rho^2 tau^2 over members' positive years, each pair counted
//! for how much frailty signal it carries under the fitted severity (add-on units none; the
//! body's scores a factor c_1 = E[W h(W)] of it): rho = C2 / C1, tau^2 = C1^2 / C2.

#include <cstdint>
#include <vector>

#include "calibrate/claims_rows.hpp"
#include "calibrate/group_sums.hpp"
#include "calibrate/parametric_severity.hpp"
#include "calibrate/positive_costs.hpp"

namespace apmsim::calibrate {

//! c_1 = E[W h(W)], h(w) = Phi^-1(F(e^(mu + S w))), W ~ N(0, 1): how much of a body unit's
//! normal score the fitted distribution F of positive costs (body and add-on) leaves linear in
//! the body's own score (1 without an add-on).
double score_signal(const ParametricSeverity& f);

//! Adds each group's lag-1 and lag-2 products of residuals and their signal weights (the pairs
//! of a member's rows fall in the row's group); `severity` is each stratum's fitted form.
void add_frailty_pairs(const ClaimsRows& rows, const PositiveCosts& costs,
                       const std::vector<ParametricSeverity>& severity,
                       const std::vector<std::uint8_t>& group, std::vector<GroupSums>& groups);

//! tau^2 and rho from the pairs in `g` (rho = 1 when there are no lag-2 pairs: not identified
//! with two years, a permanent frailty; both 0 without a positive lag-1 covariance).
void frailty_moments(const GroupSums& g, double& tau2, double& rho);

}  // namespace apmsim::calibrate
