#pragma once
//! Provider efficiency: the random-effects variance of ln(observed / expected cost) over
//! providers by unweighted moments, net of each provider's sampling variance (the spread of its
//! members' cost totals over the expected cost squared), divided by the body's share of cost
//! squared under the parametric form (efficiency scales the body only; the empirical form's body
//! is all of the cost). Standard errors: a jackknife over groups of providers (over single
//! providers when there are fewer than two per group).

#include "calibrate/calibration.hpp"
#include "calibrate/claims_rows.hpp"
#include "calibrate/group_sums.hpp"

namespace apmsim::calibrate {

//! The sd of e(p) for each severity form.
struct EfficiencyFit {
  Estimate parametric, empirical;
};

//! The random-effects variance of (l_p, v_p) over the providers `use` keeps, by unweighted
//! moments: Var(l) less the mean sampling variance. (Inverse-variance weights, as in
//! DerSimonian-Laird, correlate with l_p when costs are heavy-tailed: a provider with a large
//! claim has both a high l_p and a high v_p, so weighting biases the variance down.)
double random_effects_variance(const std::vector<double>& l, const std::vector<double>& v,
                               const std::vector<bool>& use);

//! Efficiency from the rows, each expected to cost its cell's mean (`cell_mean`, per unit of
//! risk exposure) and the full-sample estimates `sums`, with `groups` jackknife groups.
EfficiencyFit provider_efficiency(const ClaimsRows& rows, const std::vector<double>& cell_mean,
                                  const SumsEstimates& sums, int groups);

}  // namespace apmsim::calibrate
