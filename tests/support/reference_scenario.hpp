#pragma once
// The benchmark's reference scenario, built in code (no parser): 3 baseline + 3 performance
// years, 100 providers x 2,000 patients, 3 measures, one region without a comparison population.
// benchmarks/peers/reference.toml is the same world as a file (test_peers_reference.cpp): change both.

#include <cmath>

#include "scenario/scenario.hpp"
#include "stats/statistics.hpp"

namespace apmsim::testing {

inline scenario::Scenario reference_scenario(std::uint64_t replications = 4) {
  scenario::Scenario s;
  s.name = "reference";
  s.simulation.replications = replications;
  s.simulation.seed = 20261122;
  s.simulation.baseline_years = 3;
  s.simulation.performance_years = 3;
  s.simulation.batch_size = 4;
  s.simulation.trend = 0.04;
  scenario::Region r;
  r.name = "north";
  r.shock_sd = 0.02;
  r.initial_sd = 0.02;
  s.regions.push_back(r);
  const double share[] = {0.55, 0.35, 0.10};
  const double p_any[] = {0.80, 0.95, 0.99};
  const double mean[] = {3000.0, 12000.0, 45000.0};
  const double cv[] = {1.6, 1.8, 1.5};
  const double cat_prob[] = {0.002, 0.01, 0.04};
  const double cat_scale[] = {60000.0, 80000.0, 100000.0};
  const double risk[] = {0.45, 1.2, 4.0};
  const char* names[] = {"healthy", "chronic", "complex"};
  for (int j = 0; j < 3; ++j) {
    scenario::Stratum st;
    st.name = names[j];
    st.share = share[j];
    st.p_any = p_any[j];
    st.mean = mean[j];
    st.cv = cv[j];
    st.cat_prob = cat_prob[j];
    st.cat_scale = cat_scale[j];
    st.cat_shape = 2.2;
    st.risk_score = risk[j];
    s.strata.push_back(st);
  }
  s.strata[0].transition = {0.95, 0.05, 0.0};
  s.patients = {0.6, 0.7, 0.08, 0.7, 0.8, -0.15};
  scenario::ProviderGroup g;
  g.name = "aco";
  g.count = 100;
  g.panel_size = 2000;
  g.efficiency_sd = 0.05;
  g.effect_mean = 0.03;
  g.effect_sd = 0.02;
  g.effect_ramp = {0.5, 1.0, 1.0};
  g.quality_sd = 0.2;
  g.coding_growth = 0.01;
  s.provider_groups.push_back(g);
  const char* measures[] = {"bp_control", "hba1c_control", "no_readmission"};
  for (int m = 0; m < 3; ++m) {
    scenario::Measure ms;
    ms.name = measures[m];
    ms.strata = m == 2 ? std::vector<int>{} : std::vector<int>{1, 2};
    ms.base_rate = 0.6 + 0.1 * m;
    ms.frailty_coef = -0.5;
    ms.adherence_coef = 0.8;
    ms.improvement = 0.2;
    ms.response_rate = 0.9;
    ms.nonresponse_frailty = 0.3;
    s.measures.push_back(ms);
  }
  return s;
}

}  // namespace apmsim::testing

namespace apmsim::testing {

// The reference scenario with every stratum's lognormal body replaced by an empirical table of
// 256 of its quantiles and a generalised Pareto tail above the 99th percentile (the same
// frailty, shocks and measures): what an empirical severity costs against the lognormal.
inline scenario::Scenario empirical_reference_scenario() {
  scenario::Scenario s = reference_scenario();
  for (auto& st : s.strata) {
    const double sigma = std::sqrt(std::log1p(st.cv * st.cv));
    const double mu = std::log(st.mean) - sigma * sigma / 2;
    st.severity = scenario::Severity::Empirical;
    st.probabilities.clear();
    st.quantiles.clear();
    for (int j = 0; j <= 256; ++j) {
      const double p = 0.99 * j / 256.0;
      st.probabilities.push_back(p);
      st.quantiles.push_back(j == 0 ? 0.0 : std::exp(mu + sigma * stats::normal_quantile(p)));
    }
    st.tail_scale = st.quantiles.back() * sigma / 2.33;
    st.tail_shape = 0.2;
    st.score_sd = sigma;
  }
  return s;
}

// One stratum, one provider group, one region: the smallest world whose per-unit cost has a
// closed form. Callers switch features on or off field by field.
inline scenario::Scenario single_stratum_scenario() {
  scenario::Scenario s;
  s.name = "single";
  s.simulation.replications = 200;
  s.simulation.seed = 42;
  s.simulation.baseline_years = 2;
  s.simulation.performance_years = 2;
  s.simulation.batch_size = 50;
  scenario::Region r;
  r.name = "r";
  s.regions.push_back(r);
  scenario::Stratum st;
  st.name = "only";
  st.share = 1.0;
  st.p_any = 0.85;
  st.mean = 5000.0;
  st.cv = 1.5;
  st.cat_prob = 0.02;
  st.cat_scale = 50000.0;
  st.cat_shape = 4.5;
  st.risk_score = 1.0;
  s.strata.push_back(st);
  s.patients.frailty_sd = 0.5;
  s.patients.frailty_rho = 0.7;
  s.patients.churn = 0.1;
  s.patients.adherence_mean = 0.7;
  s.patients.adherence_sd = 0.0;
  scenario::ProviderGroup g;
  g.name = "p";
  g.count = 1;
  g.panel_size = 5000;
  g.participant = false;
  g.effect_ramp = {1.0, 1.0};
  s.provider_groups.push_back(g);
  return s;
}

// One participant provider of single_stratum_scenario() under two contract years, each year's
// costs truncated at its national `percentile` and a stop-loss layer attaching at `attachment`
// (a tally threshold), beside the [tallies] threshold `tally`.
inline scenario::Scenario truncating_stop_loss_world(double percentile, double attachment,
                                                     double tally) {
  scenario::Scenario s = single_stratum_scenario();
  s.provider_groups[0].participant = true;
  s.tallies.thresholds = {tally};
  scenario::ContractTerms terms;
  terms.benchmark.baseline_weights = {0.5, 0.5};
  terms.benchmark.truncate_percentile = percentile;
  terms.stop_loss.enabled = true;
  terms.stop_loss.attachment = attachment;
  s.contract.present = true;
  s.contract.years.assign(2, terms);
  s.tallies.add(attachment);
  return s;
}

}  // namespace apmsim::testing

namespace apmsim::testing {

// Every kind of entity and draw: panels whose size is no multiple of any SIMD width or warp,
// negative-binomial episodes, a comparison population, two thresholds and four measures (the
// fourth takes its draws from Philox blocks beyond the first three).
inline scenario::Scenario mixed_world() {
  scenario::Scenario s = reference_scenario();
  s.provider_groups[0].count = 6;
  s.provider_groups[0].panel_size = 1003;
  scenario::ProviderGroup episodes = s.provider_groups[0];
  episodes.name = "bundle";
  episodes.count = 3;
  episodes.unit = scenario::UnitKind::Episode;
  episodes.panel_size = 0;
  episodes.volume = 77.0;
  episodes.volume_model = scenario::VolumeModel::NegativeBinomial;
  episodes.volume_cv = 0.4;
  s.provider_groups.push_back(episodes);
  s.regions[0].comparison_size = 2500;
  s.tallies.thresholds = {10000.0, 50000.0};
  scenario::Measure extra = s.measures[0];
  extra.name = "prom_improved";
  extra.base_rate = 0.4;
  s.measures.push_back(extra);
  return s;
}

}  // namespace apmsim::testing
