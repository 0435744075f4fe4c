#pragma once
//! The host-side model: flat device-copyable parameters plus the entity table (providers, then
//! one comparison population per region), built from a validated Scenario.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/tallies.hpp"
#include "model/params.hpp"
#include "model/tally_layout.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::engine {

//! A provider or a region's comparison population: whatever draws its units' shared shocks.
struct Entity {
  std::string name;  //!< "<group>/<k>" or "comparison/<region>"
  int group = -1;    //!< provider group index; -1 for a comparison population
  int region = 0;
  bool participant = false;  //!< under the contract (effect, coding growth, improvement)
  model::EntityShape shape{};
  double volume = 0.0;     //!< mean episodes a year (episode units)
  double volume_cv = 0.0;  //!< gamma mixing cv; 0 = Poisson
  double efficiency_sd = 0.0, effect_mean = 0.0, effect_sd = 0.0, quality_sd = 0.0;
  double coding_growth = 0.0;
  double revenue_share = 1.0;  //!< revenue over the patients' cost, for revenue-based loss limits
  //! sd of the practice drift x(p, k): practice_sd / sqrt(panel_size / practice_size); 0 = none.
  double practice_drift_sd = 0.0;
  double practice_rho = 0.0;
  std::vector<double> effect_ramp;  //!< per performance year
  std::vector<double> assigned_share;  //!< per calendar year; empty = every slot
};

//! A region's shock process with its yearly variance (for the mean-one correction).
struct RegionProcess {
  std::string name;
  double initial_sd = 0.0, shock_sd = 0.0, rho = 1.0;
  std::vector<double> variance;  //!< Var v(r,k), k = 0..years-1
};

//! Everything the engines need, derived once per run.
struct Model {
  model::ModelParams params{};
  model::TallyLayout layout{};
  std::vector<Entity> entities;
  std::vector<RegionProcess> regions;
  std::vector<double> measure_improvement;  //!< logit shift for participants in performance years
  double trend = 0.0;
  //! [calendar year][enrollment type]: the contract's truncation amount of the type and year
  //! (FLT_MAX: none), copied into each EntityYear.
  std::vector<float> type_truncation;
  std::uint32_t providers = 0;  //!< entities [0, providers) are providers; the rest comparisons
  //! Empirical severities' normal-score grids (kScoreCells + 1 floats per empirical stratum);
  //! params.severity points into it. Shared, so a copied Model's params stay valid.
  std::shared_ptr<const std::vector<float>> severity_table;

  std::uint32_t entity_count() const { return static_cast<std::uint32_t>(entities.size()); }
  int years() const { return params.years; }
  //! Units simulated per replication (episodes at their mean), for throughput figures.
  double expected_unit_years() const;
};

//! Builds the model; computes abar, the adherence correction and regional variances.
Model build_model(const scenario::Scenario& scenario);
//! The same with another seed than the scenario's (a run's resolved settings, run/settings.hpp).
Model build_model(const scenario::Scenario& scenario, std::uint64_t seed);

//! The contract's truncation amount per (calendar year, enrollment type), FLT_MAX where it does
//! not truncate: truncate_at, or the resolved truncate_percentile amounts of the type.
std::vector<float> type_truncation(const scenario::Scenario& scenario);

//! E[a] and -ln E[exp(beta (a - E[a]))] for a = logistic(loc + sd Z), Z ~ N(0,1) (quadrature).
void adherence_moments(double loc, double sd, double beta, double& mean, double& correction);

//! Writes NaN into every tally field of a threshold in the years that do not sum it
//! (ModelParams::threshold_years; scenario::Tallies::years): the backends leave them 0, and a
//! reader of a year's amount in another year must not see a plausible number.
void mark_unsummed(const Model& model, BatchTallies& tallies);
//! Per (calendar year, tally field), year-major like a record's years: whether the year sums
//! the field (false only for a threshold's fields in a year outside its
//! ModelParams::threshold_years). What mark_unsummed writes NaN into, and what a reader of
//! stored tallies may find NaN.
std::vector<bool> summed_cells(const Model& model);

//! A threshold as it appears in names ("25000", "1.5e+06"): printf's %g.
std::string threshold_label(double threshold);

//! Names of the tally fields in layout order ("units", "cost", ..., "bp_control.eligible", ...,
//! "enrollment.esrd.units", ...).
std::vector<std::string> tally_field_names(const model::TallyLayout& layout,
                                           const std::vector<std::string>& measure_names,
                                           const std::vector<double>& thresholds,
                                           const std::vector<std::string>& types = {});

}  // namespace apmsim::engine
