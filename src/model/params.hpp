#pragma once
//! Flat, device-copyable model parameters: what the per-unit code reads. Built on the host from
//! a Scenario by engine/model_params.hpp, which also computes every mean-one correction.

#include <cstdint>

namespace apmsim::model {

inline constexpr int kMaxStrata = 16;
inline constexpr int kMaxMeasures = 16;
inline constexpr int kMaxYears = 32;
inline constexpr int kMaxThresholds = 16;

//! The strata's parameters as tables indexed by stratum (structure of arrays, padded to
//! kMaxStrata): a SIMD lane finds its stratum's value with one permute per parameter.
struct StrataTable {
  float p_any[kMaxStrata];              //!< P(any cost)
  float mu[kMaxStrata];                 //!< lognormal body: mu = ln(mean) - sigma^2/2
  float sigma[kMaxStrata];              //!< sigma^2 = ln(1 + cv^2)
  float cat_prob[kMaxStrata];           //!< P(catastrophic add-on)
  float cat_scale[kMaxStrata];          //!< Pareto scale
  float neg_inv_cat_shape[kMaxStrata];  //!< -1 / Pareto shape: size = scale * U^(-1/shape)
  float risk_score[kMaxStrata];         //!< true relative risk score
  //! transition_cum[j][s] = P(next stratum <= j | stratum s): each row's running sums.
  float transition_cum[kMaxStrata][kMaxStrata];
};

//! One outcome measure on the logit scale.
struct MeasureParams {
  std::uint32_t eligible_strata;  //!< bit s set: stratum s is eligible
  float logit_base;               //!< logit(base_rate)
  float frailty_coef;
  float adherence_coef;
  float logit_response;  //!< logit(response_rate); +inf-like (30) when always measured
  float nonresponse_frailty;
  float response_probability;  //!< logistic(logit_response), used when nonresponse_frailty = 0
};

//! Everything the unit code needs that does not change with replication or entity.
struct ModelParams {
  std::uint64_t seed;
  int years;
  int baseline_years;
  int strata;
  int measures;
  int thresholds;
  bool has_transitions;
  StrataTable stratum;
  MeasureParams measure[kMaxMeasures];
  float threshold[kMaxThresholds];
  // Patients (DESIGN 3.5).
  float frailty_sd;             //!< tau
  float frailty_rho;            //!< AR(1) coefficient
  float frailty_innovation_sd;  //!< tau * sqrt(1 - rho^2): keeps u ~ N(0, tau^2) every year
  float frailty_correction;     //!< -tau^2 / 2, makes exp(u) mean-one
  float churn;
  float adherence_logit_mean;  //!< location of logit(a)
  float adherence_logit_sd;    //!< scale of logit(a)
  float adherence_mean;        //!< abar = E[a] (quadrature on the host)
  float adherence_cost;        //!< beta_a
  float adherence_correction;  //!< -ln E[exp(beta_a (a - abar))], makes the term mean-one
};

//! What a unit needs to know about its entity (provider or comparison population) in one year
//! of one replication: the entity-level shocks and the contract status.
struct EntityYear {
  float log_shift;    //!< v(r,k) - Var v(r,k)/2 + e(p) - sigma_e^2/2: mean-one body shift
  float effect;       //!< exp(-d(p) ramp(k)) for participants in performance years, else 1
  float trend;        //!< (1 + trend)^k
  float risk_factor;  //!< (1 + coding_growth)^(years into the contract) for participants, else 1
  float quality[kMaxMeasures];  //!< logit shift: q(p,m) + improvement in performance years
};

//! How an entity's units are laid out: a fixed panel of patient slots, or episodes per year.
struct EntityShape {
  bool episodes;                   //!< true: independent episodes; false: a patient panel
  std::uint32_t panel_size;        //!< patient slots (panels)
  float case_mix_cum[kMaxStrata];  //!< cumulative stratum shares of new patients/episodes
};

}  // namespace apmsim::model
