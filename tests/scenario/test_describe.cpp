// describe(): the resolved scenario as TOML that reads back to the same Scenario, field by field.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "scenario/load.hpp"

namespace apmsim::scenario {
namespace {

// Field-by-field equality; doubles must match exactly (describe writes round-trip digits).
void expect_same(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.simulation.replications, b.simulation.replications);
  EXPECT_EQ(a.simulation.seed, b.simulation.seed);
  EXPECT_EQ(a.simulation.baseline_years, b.simulation.baseline_years);
  EXPECT_EQ(a.simulation.performance_years, b.simulation.performance_years);
  EXPECT_EQ(a.simulation.batch_size, b.simulation.batch_size);
  EXPECT_EQ(a.simulation.backend, b.simulation.backend);
  EXPECT_EQ(a.simulation.trend, b.simulation.trend);
  ASSERT_EQ(a.regions.size(), b.regions.size());
  for (std::size_t i = 0; i < a.regions.size(); ++i) {
    SCOPED_TRACE("region " + std::to_string(i));
    EXPECT_EQ(a.regions[i].name, b.regions[i].name);
    EXPECT_EQ(a.regions[i].shock_sd, b.regions[i].shock_sd);
    EXPECT_EQ(a.regions[i].shock_rho, b.regions[i].shock_rho);
    EXPECT_EQ(a.regions[i].initial_sd, b.regions[i].initial_sd);
    EXPECT_EQ(a.regions[i].comparison_size, b.regions[i].comparison_size);
  }
  ASSERT_EQ(a.strata.size(), b.strata.size());
  for (std::size_t i = 0; i < a.strata.size(); ++i) {
    SCOPED_TRACE("stratum " + std::to_string(i));
    const Stratum& x = a.strata[i];
    const Stratum& y = b.strata[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.share, y.share);
    EXPECT_EQ(x.p_any, y.p_any);
    EXPECT_EQ(x.mean, y.mean);
    EXPECT_EQ(x.cv, y.cv);
    EXPECT_EQ(x.cat_prob, y.cat_prob);
    EXPECT_EQ(x.cat_scale, y.cat_scale);
    EXPECT_EQ(x.cat_shape, y.cat_shape);
    EXPECT_EQ(x.risk_score, y.risk_score);
    EXPECT_EQ(x.transition, y.transition);
  }
  EXPECT_EQ(a.patients.frailty_sd, b.patients.frailty_sd);
  EXPECT_EQ(a.patients.frailty_rho, b.patients.frailty_rho);
  EXPECT_EQ(a.patients.churn, b.patients.churn);
  EXPECT_EQ(a.patients.adherence_mean, b.patients.adherence_mean);
  EXPECT_EQ(a.patients.adherence_sd, b.patients.adherence_sd);
  EXPECT_EQ(a.patients.adherence_cost, b.patients.adherence_cost);
  ASSERT_EQ(a.provider_groups.size(), b.provider_groups.size());
  for (std::size_t i = 0; i < a.provider_groups.size(); ++i) {
    SCOPED_TRACE("provider group " + std::to_string(i));
    const ProviderGroup& x = a.provider_groups[i];
    const ProviderGroup& y = b.provider_groups[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.count, y.count);
    EXPECT_EQ(x.region, y.region);
    EXPECT_EQ(x.unit, y.unit);
    EXPECT_EQ(x.panel_size, y.panel_size);
    EXPECT_EQ(x.volume, y.volume);
    EXPECT_EQ(x.volume_model, y.volume_model);
    EXPECT_EQ(x.volume_cv, y.volume_cv);
    EXPECT_EQ(x.participant, y.participant);
    EXPECT_EQ(x.efficiency_sd, y.efficiency_sd);
    EXPECT_EQ(x.effect_mean, y.effect_mean);
    EXPECT_EQ(x.effect_sd, y.effect_sd);
    EXPECT_EQ(x.effect_ramp, y.effect_ramp);
    EXPECT_EQ(x.quality_sd, y.quality_sd);
    EXPECT_EQ(x.coding_growth, y.coding_growth);
    EXPECT_EQ(x.case_mix, y.case_mix);
  }
  ASSERT_EQ(a.measures.size(), b.measures.size());
  for (std::size_t i = 0; i < a.measures.size(); ++i) {
    SCOPED_TRACE("measure " + std::to_string(i));
    const Measure& x = a.measures[i];
    const Measure& y = b.measures[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.strata, y.strata);
    EXPECT_EQ(x.base_rate, y.base_rate);
    EXPECT_EQ(x.frailty_coef, y.frailty_coef);
    EXPECT_EQ(x.adherence_coef, y.adherence_coef);
    EXPECT_EQ(x.improvement, y.improvement);
    EXPECT_EQ(x.response_rate, y.response_rate);
    EXPECT_EQ(x.nonresponse_frailty, y.nonresponse_frailty);
  }
  EXPECT_EQ(a.tallies.thresholds, b.tallies.thresholds);
}

void expect_round_trip(const Scenario& scenario) {
  const std::string text = describe(scenario);
  SCOPED_TRACE(text);
  const Scenario again = parse_scenario(text, scenario.path);
  expect_same(scenario, again);
  EXPECT_EQ(again.text, text);
  EXPECT_EQ(describe(again), text);  // describing is a fixed point
}

TEST(Describe, EveryGoodScenarioRoundTrips) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(APMSIM_TEST_DATA) + "/good")) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    expect_round_trip(load_scenario(entry.path().string()));
    ++files;
  }
  EXPECT_GE(files, 2);
}

TEST(Describe, RoundTripsAwkwardNamesAndNumbers) {
  const Scenario s = parse_scenario(
      "[simulation]\nseed = 9223372036854775807\ntrend = -0.999999999999\n"
      "[[region]]\nname = \"Z\\u00fcrich \\\"east\\\"\"\nshock_sd = 1e-300\nshock_rho = 0.3\n"
      "[[stratum]]\nname = \"very sick\"\nshare = 0.3\nmean = 999999999.99999988\n"
      "cv = 0.30000000000000004\ntransition = { \"not sick\" = 0.1 }\n"
      "[[stratum]]\nname = \"not sick\"\nshare = 0.7\nmean = 123456789.123\n"
      "[[provider_group]]\nname = 'back\\slash'\nregion = \"Z\\u00fcrich \\\"east\\\"\"\n"
      "unit = \"episode\"\nvolume = 0.001\ncase_mix = { \"very sick\" = 1 }\n"
      "[tallies]\nthresholds = [1e-9, 5e20]\n",
      "awkward.toml");
  expect_round_trip(s);
}

TEST(Describe, FillsEveryDefault) {
  const std::string text =
      describe(load_scenario(std::string(APMSIM_TEST_DATA) + "/good/minimal.toml"));
  for (const char* key : {"replications = 1000", "backend = \"auto\"", "initial_sd = 0.0",
                          "cat_shape = 2.0", "adherence_mean = 0.5", "unit = \"patient_year\"",
                          "effect_ramp = [1.0, 1.0, 1.0]", "thresholds = []"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key << " missing from\n" << text;
  }
}

}  // namespace
}  // namespace apmsim::scenario
