#pragma once
//! The resolved scenario: what a TOML file says, validated, with every default filled in.
//! Field names equal scenario keys (docs/scenario-reference.md lists them all).

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/contract.hpp"
#include "scenario/error.hpp"

namespace apmsim::scenario {

//! Which engine runs the simulation; `auto` picks CUDA when a device exists.
enum class Backend { Auto, Cpu, Cuda };

//! What the contract counts: a patient-year in a panel, or an independent episode.
enum class UnitKind { PatientYear, Episode };

//! How many episodes a provider has in a year.
enum class VolumeModel { Poisson, NegativeBinomial };

//! `[simulation]`: size, seed and calendar of the run.
struct Simulation {
  std::uint64_t replications = 1000;  //!< independent worlds
  std::uint64_t seed = 1;             //!< Philox key (low and high 32-bit words)
  int baseline_years = 3;             //!< years before the contract pays
  int performance_years = 3;          //!< years the contract pays on
  std::uint32_t batch_size = 250;     //!< replications per batch
  Backend backend = Backend::Auto;    //!< auto | cpu | cuda
  double trend = 0.0;                 //!< true annual cost trend, (1+trend)^k
  std::string currency;               //!< ISO 4217 code money is printed in, e.g. "USD"; "" unnamed
  //! Draw [parameter_risk]'s parameters per block of replications (estimation uncertainty);
  //! false: every replication runs on the scenario's values.
  bool parameter_risk = false;
  //! Replications per parameter draw: 1 keeps replications independent (every standard error
  //! holds); larger blocks suit GPUs (a draw's replications run together).
  std::uint32_t parameter_block = 1;
  int years() const { return baseline_years + performance_years; }
};

//! `[[region]]`: a price/utilisation shock shared by its patients, and a comparison population.
struct Region {
  std::string name;
  double shock_sd = 0.0;    //!< sigma_v, sd of the yearly innovation on log cost
  double shock_rho = 1.0;   //!< AR(1) coefficient; 1 = random walk
  double initial_sd = 0.0;  //!< s0, sd of v(r,0); default: stationary sd if rho < 1, else shock_sd
  std::uint32_t comparison_size = 0;  //!< non-participating patients feeding the regional benchmark
  //! The comparison population counts only members who used care in the year (MSSP's
  //! assignable beneficiaries, 42 CFR 425.20), as a retrospectively assigned provider does.
  bool retrospective = false;
};

//! How a stratum's cost body is distributed.
enum class Severity { Lognormal, Empirical };

//! `[[stratum]]`: a case-mix cell with a zero-inflated body (lognormal, or an empirical quantile
//! table with a generalised Pareto tail) and a Pareto catastrophic add-on.
struct Stratum {
  std::string name;
  double share = 0.0;       //!< population share (all shares sum to 1)
  double p_any = 1.0;       //!< probability of any cost in a year
  Severity severity = Severity::Lognormal;
  double mean = 0.0;        //!< mean annual cost given any cost (lognormal body)
  double cv = 0.0;          //!< coefficient of variation of the body
  //! Empirical body: cost Q(p) at cumulative probabilities `probabilities` (0 first, increasing,
  //! the last <= 1), linear between; above the last knot a generalised Pareto tail.
  std::vector<double> probabilities, quantiles;
  double tail_scale = 0.0;  //!< generalised Pareto sigma above the last knot
  double tail_shape = 0.0;  //!< generalised Pareto xi, < 1
  double score_sd = 1.0;    //!< the body's normal-score spread beside frailty (empirical body)
  double cat_prob = 0.0;    //!< probability of a catastrophic add-on in a year
  double cat_scale = 0.0;   //!< Pareto type I scale (minimum size)
  double cat_shape = 2.0;   //!< Pareto shape, > 1
  double risk_score = 1.0;  //!< relative risk score of the stratum
  //! Enrollment type (MSSP: esrd, disabled, aged_dual, aged_non_dual; any named cells): the
  //! cell whose expenditure, risk, truncation and benchmark are computed apart (42 CFR
  //! 425.602(a)(2)); "" = none (then no stratum has one). `enrollment_type` indexes
  //! Scenario::enrollment_types, -1 without types.
  std::string enrollment;
  int enrollment_type = -1;
  //! Yearly transition probabilities to each stratum (index = stratum); empty = no transitions.
  //! The diagonal is implied: one minus the rest.
  std::vector<double> transition;
};

//! `[patients]`: persistent patient traits shared by every population.
struct Patients {
  double frailty_sd = 0.0;      //!< tau: sd of frailty on log cost
  double frailty_rho = 0.0;     //!< year-to-year correlation of frailty
  double churn = 0.0;           //!< yearly probability a patient is replaced
  double adherence_mean = 0.5;  //!< location of adherence (probability scale, logit-normal)
  double adherence_sd = 0.0;    //!< sd of adherence on the logit scale
  double adherence_cost = 0.0;  //!< beta_a: effect of (adherence - mean adherence) on log cost
};

//! `[[provider_group]]`: `count` providers with the same terms and random-effect distributions.
struct ProviderGroup {
  std::string name;
  std::uint32_t count = 1;
  int region = 0;  //!< index into Scenario::regions (the key is the region's name)
  UnitKind unit = UnitKind::PatientYear;
  std::uint32_t panel_size = 0;  //!< patients attributed (patient-year units)
  double volume = 0.0;           //!< mean episodes a year (episode units)
  VolumeModel volume_model = VolumeModel::Poisson;
  double volume_cv = 0.0;      //!< cv of the gamma mixing for negative-binomial volume
  bool participant = true;     //!< under the contract: effect, coding growth and improvement apply
  double efficiency_sd = 0.0;  //!< sd of e(p) on log cost, all years
  double effect_mean = 0.0;    //!< mean of d(p), the true effect on log cost in performance years
  double effect_sd = 0.0;      //!< sd of d(p)
  std::vector<double>
      effect_ramp;          //!< per performance year multiplier of d(p); size = performance_years
  double quality_sd = 0.0;  //!< sd of q(p,m) on the logit of each measure
  double coding_growth = 0.0;    //!< yearly growth of observed risk scores in performance years
  //! Yearly probability that a member who stays in the population leaves this provider's
  //! assignment (a joiner from the region takes the place); deaths and exits are `churn`.
  double assignment_churn = 0.0;
  //! Retrospective assignment: a member counts in a year only when it used care that year (any
  //! cost), as MSSP assigns retrospectively on the year's claims; prospective (false): every
  //! member of the year's list counts, users or not.
  bool retrospective = false;
  //! Per calendar year: the share of panel_size assigned that year (slots beyond it are not
  //! counted, their patients live on); empty = every slot every year.
  std::vector<double> assigned_share;
  //! Practices: the provider's assigned members are seen by practices of `practice_size`
  //! members, each with a stationary AR(1) log-cost level (sd `practice_sd`, year-to-year
  //! correlation `practice_rho`) that its patients share; 0 = none (docs/model.md).
  double practice_sd = 0.0;
  double practice_size = 0.0;
  double practice_rho = 0.0;
  double revenue_share =
      1.0;  //!< the providers' revenue over their patients' cost (MSSP loss limit)
  std::vector<double> case_mix;  //!< stratum shares for this group; empty = the strata's shares
};

//! `[[measure]]`: a binary outcome measure scored on eligible, responding patients.
struct Measure {
  std::string name;
  std::vector<int> strata;  //!< eligible stratum indices; empty = every stratum
  double base_rate =
      0.5;  //!< achievement probability at zero frailty, mean adherence, average provider
  double frailty_coef = 0.0;    //!< effect of frailty u on the logit
  double adherence_coef = 0.0;  //!< effect of (a - mean a) on the logit
  double improvement = 0.0;     //!< logit shift for participants in performance years
  double response_rate = 1.0;   //!< probability an eligible patient is measured (at zero frailty)
  double nonresponse_frailty = 0.0;  //!< logit decrease of response per unit of frailty
};

//! Calendar years as a set: bit c is year c (kMaxYears <= 32).
using YearSet = std::uint32_t;
constexpr YearSet kEveryYear = ~YearSet{0};
constexpr YearSet only_year(int c) { return YearSet{1} << c; }

//! `[tallies]`: thresholds A for which the engine sums min(cost, A), min(cost, A)^2 and the
//! units above A, and the calendar years in which it sums them. A [tallies] threshold, a
//! truncate_at and a stop-loss boundary are read in every year; a truncate_percentile's amount
//! of year c only in year c, so only year c sums it (the other years' fields are NaN).
struct Tallies {
  std::vector<double> thresholds;  //!< sorted, distinct
  //! Per threshold, the years that sum it; thresholds past its end are summed in every year.
  std::vector<YearSet> years;

  YearSet years_of(std::size_t t) const { return t < years.size() ? years[t] : kEveryYear; }
  //! Adds amount `a` in `in`: a new threshold in sorted place, or `in` joins an equal one's years.
  void add(double a, YearSet in = kEveryYear);
  //! Adds every threshold of `other` with its years.
  void add(const Tallies& other);
};

//! The scale a parameter's draws move it on: its own (linear), ln x (x > 0) or ln(x / (1 - x))
//! (0 < x < 1), so draws on the log and logit scales stay in range.
enum class RiskScale { Linear, Log, Logit };

//! `[[parameter_risk.parameter]]`: a scenario value and its jackknife replicate deviations.
struct RiskParameter {
  std::string key;  //!< dotted path as [sweep] names it: "stratum.healthy.p_any"
  RiskScale scale = RiskScale::Linear;
  //! One per jackknife group, on `scale`: sqrt((G - 1) / G) (theta_(g) - mean of theta_(.)).
  std::vector<double> deviations;
  int line = 0;  //!< where `key` is written, for messages
  int column = 0;
};

//! `[parameter_risk]`: the estimation uncertainty of the population's parameters, as `apmsim
//! calibrate` writes it. A draw is theta = theta_hat + sum_g z_g deviations_g (on each scale)
//! with one z ~ N(0, I_groups) for every parameter: the jackknife covariance, correlations kept.
struct ParameterRisk {
  int groups = 0;  //!< jackknife groups: every parameter has this many deviations
  std::vector<RiskParameter> parameters;
  int line = 0;  //!< the section's header, for messages
  int column = 0;
};

//! A validated scenario with defaults resolved.
struct Scenario {
  std::string path;  //!< file it came from ("" when built in code)
  std::string name;  //!< file stem, names the results file
  std::string text;  //!< the file's full text, stored in the results
  Simulation simulation;
  std::vector<Region> regions;
  std::vector<Stratum> strata;
  //! The strata's enrollment types in order of first appearance; empty without types.
  std::vector<std::string> enrollment_types;
  Patients patients;
  std::vector<ProviderGroup> provider_groups;
  std::vector<Measure> measures;
  Tallies tallies;  //!< with the contract's truncation and attachment points added
  Contract contract;
  AnalysisSettings analysis;
  std::vector<SweepAxis> sweep;
  ParameterRisk parameter_risk;

  //! Number of providers over all groups.
  std::uint32_t provider_count() const {
    std::uint32_t n = 0;
    for (const auto& g : provider_groups) n += g.count;
    return n;
  }
};

}  // namespace apmsim::scenario
