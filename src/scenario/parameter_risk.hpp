#pragma once
//! Parameter risk (docs/calibration.md, "Parameter risk"): the scenarios a run draws from the
//! `[[parameter_risk.parameter]]` deviations that `apmsim calibrate` writes. A draw moves every
//! listed value, on its scale, by sum_g z_g deviations_g with one z ~ N(0, I_G) shared by all
//! parameters, so the draws have the jackknife's covariance of all parameters jointly.

#include <memory>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace apmsim::scenario {

//! The scenarios of a population's parameter draws. The values are set by path in the resolved
//! scenario (the [sweep] machinery, scenario/value_path.hpp), so a draw centres on whatever the
//! scenario or a sweep variant gives, and each drawn scenario is validated like any other.
class ParameterDraws {
 public:
  //! From a validated scenario with at least one parameter. Throws ScenarioError at a
  //! parameter's key when its path names no number of the population ([simulation], [[region]],
  //! [[stratum]], [patients], [[provider_group]], [[measure]]) or its value is outside its scale
  //! (log: > 0; logit: in (0, 1)).
  explicit ParameterDraws(const Scenario& central);
  ~ParameterDraws();
  ParameterDraws(const ParameterDraws&) = delete;
  ParameterDraws& operator=(const ParameterDraws&) = delete;

  //! Jackknife groups: the normals a draw takes.
  int groups() const;
  //! The scenario at normals `z` (groups() of them). The contract, tallies (thresholds and the
  //! truncation pilot's amounts) and analysis settings stay the central scenario's. Throws
  //! ScenarioError at [parameter_risk] when the drawn values are not a valid scenario.
  Scenario at(const std::vector<double>& z) const;

 private:
  struct Centre;
  std::unique_ptr<const Centre> centre_;
};

//! `x` moved by `shift` on `scale`: x + shift, x e^shift, or the logit moved by shift. Exactly
//! `x` when shift is 0.
double moved(double x, double shift, RiskScale scale);

}  // namespace apmsim::scenario
