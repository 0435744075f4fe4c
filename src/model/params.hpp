#pragma once
//! Flat, device-copyable model parameters: what the per-unit code reads. Built on the host from
//! a Scenario by engine::build_model (engine/model.hpp), which also computes every mean-one
//! correction; engine::Model holds them beside what only the host needs (entities, regions).

#include <cstdint>

#include "scenario/limits.hpp"

namespace apmsim::model {

// The sizes of the fixed arrays below: the scenario's limits, defined once in scenario/limits.hpp
// (the reader refuses a scenario beyond them).
using scenario::kMaxEnrollmentTypes;
using scenario::kMaxMeasures;
using scenario::kMaxStrata;
using scenario::kMaxThresholds;
using scenario::kMaxYears;

//! An empirical severity is tabulated at normal scores w_j = -kScoreLimit + j 2 kScoreLimit /
//! kScoreCells, j = 0..kScoreCells (docs/model.md, "Empirical severity").
inline constexpr int kScoreCells = 2048;
inline constexpr float kScoreLimit = 6.0f;

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
  float enrollment[kMaxStrata];         //!< enrollment type index (as a float; 0 without types)
  //! transition_cum[j][s] = P(next stratum <= j | stratum s): each row's running sums.
  float transition_cum[kMaxStrata][kMaxStrata];
  // Empirical severity (severity = "empirical"): body = g(w) with g = Q o Phi tabulated in
  // ModelParams::severity, w = (score_sd Z + u) / sqrt(score_sd^2 + tau^2) a standard normal
  // score that carries the patient's frailty u.
  float empirical[kMaxStrata];         //!< 1: empirical body, 0: lognormal
  float score_sd[kMaxStrata];          //!< the body's normal-score spread beside frailty
  float inv_score_total[kMaxStrata];   //!< 1 / sqrt(score_sd^2 + tau^2)
  float grid_offset[kMaxStrata];       //!< first grid value in ModelParams::severity (exact < 2^24)
  float tail_start[kMaxStrata];        //!< Q at the last knot (where the tail begins)
  float tail_scale[kMaxStrata];        //!< generalised Pareto sigma above it
  float tail_shape[kMaxStrata];        //!< generalised Pareto xi (0: exponential)
  float tail_log_width[kMaxStrata];    //!< ln(1 - p_tail), p_tail the last knot's probability
  float tail_present[kMaxStrata];      //!< 1 when p_tail < 1
  float grid_top[kMaxStrata];          //!< g at the top of the grid (no tail: the largest cost)
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
  int types;  //!< enrollment types (0: none, no per-type tallies)
  bool has_transitions;
  StrataTable stratum;
  MeasureParams measure[kMaxMeasures];
  float threshold[kMaxThresholds];
  std::uint32_t threshold_years[kMaxThresholds];  //!< bit y: year y sums threshold t
  // Patients (DESIGN 3.5).
  float frailty_sd;             //!< tau
  float frailty_rho;            //!< AR(1) coefficient
  float frailty_innovation_sd;  //!< tau * sqrt(1 - rho^2): keeps u ~ N(0, tau^2) every year
  float frailty_correction;     //!< -tau^2 / 2, makes exp(u) mean-one
  float adherence_logit_mean;  //!< location of logit(a)
  float adherence_logit_sd;    //!< scale of logit(a)
  float adherence_mean;        //!< abar = E[a] (quadrature on the host)
  float adherence_cost;        //!< beta_a
  float adherence_correction;  //!< -ln E[exp(beta_a (a - abar))], makes the term mean-one
  // Empirical severities: every empirical stratum's kScoreCells + 1 grid values. On the host it
  // points into engine::Model's table; the CUDA engine passes its device copy instead.
  bool has_empirical;
  const float* severity;
};

//! What a unit needs to know about its entity (provider or comparison population) in one year
//! of one replication: the entity-level shocks and the contract status.
struct EntityYear {
  float log_shift;    //!< v(r,k) - Var v(r,k)/2 + e(p) - sigma_e^2/2: mean-one body shift
  float effect;       //!< exp(-d(p) ramp(k)) for participants in performance years, else 1
  float trend;        //!< (1 + trend)^k
  float risk_factor;  //!< (1 + coding_growth)^(years into the contract) for participants, else 1
  float quality[kMaxMeasures];  //!< logit shift: q(p,m) + improvement in performance years
  //! Per enrollment type: the year's truncation amount of the contract (a huge value: none).
  float type_truncation[kMaxEnrollmentTypes];
  //! Panel slots assigned this year: slots at or beyond it are not counted (no tallies).
  std::uint32_t assigned;
};

//! How an entity's units are laid out: a fixed panel of patient slots, or episodes per year.
struct EntityShape {
  bool episodes;                   //!< true: independent episodes; false: a patient panel
  std::uint32_t panel_size;        //!< patient slots (panels)
  //! P(a slot's patient is replaced in a year): death/exit (`churn`) or, for a provider, leaving
  //! its assignment while staying in the population (`assignment_churn`), the joiner coming from
  //! the region's population: 1 - (1 - churn) (1 - assignment_churn).
  float replacement;
  float case_mix_cum[kMaxStrata];  //!< cumulative stratum shares of new patients/episodes
  //! Retrospective assignment: a unit counts only in a year it has any cost.
  bool retrospective;
};

}  // namespace apmsim::model
