// Good scenarios: values as written, defaults as documented in docs/scenario-reference.md.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include "scenario/load.hpp"

namespace apmsim::scenario {
namespace {

std::string good_file(const std::string& name) {
  return std::string(APMSIM_TEST_DATA) + "/good/" + name + ".toml";
}

TEST(LoadScenario, FullScenarioKeepsWhatItSays) {
  const Scenario s = load_scenario(good_file("full"));
  EXPECT_EQ(s.simulation.replications, 2000u);
  EXPECT_EQ(s.simulation.seed, 20261122u);
  EXPECT_EQ(s.simulation.baseline_years, 3);
  EXPECT_EQ(s.simulation.performance_years, 3);
  EXPECT_EQ(s.simulation.years(), 6);
  EXPECT_EQ(s.simulation.batch_size, 250u);
  EXPECT_EQ(s.simulation.backend, Backend::Cpu);
  EXPECT_EQ(s.simulation.trend, 0.045);

  ASSERT_EQ(s.regions.size(), 2u);
  EXPECT_EQ(s.regions[0].name, "north");
  EXPECT_EQ(s.regions[0].comparison_size, 100000u);
  ASSERT_EQ(s.strata.size(), 3u);
  EXPECT_EQ(s.strata[2].name, "complex");
  EXPECT_EQ(s.strata[2].cat_scale, 100000.0);
  EXPECT_EQ(s.strata[0].mean, 3000.0);  // written as the integer 3000
  EXPECT_EQ(s.patients.churn, 0.08);
  EXPECT_EQ(s.patients.adherence_cost, -0.15);

  ASSERT_EQ(s.provider_groups.size(), 3u);
  const ProviderGroup& aco = s.provider_groups[0];
  EXPECT_EQ(aco.count, 20u);
  EXPECT_EQ(aco.region, 0);
  EXPECT_EQ(aco.unit, UnitKind::PatientYear);
  EXPECT_EQ(aco.panel_size, 8000u);
  EXPECT_EQ(aco.effect_ramp, (std::vector<double>{0.5, 1.0, 1.0}));
  EXPECT_EQ(aco.coding_growth, 0.01);
  const ProviderGroup& hip = s.provider_groups[1];
  EXPECT_EQ(hip.name, "hip bundle");
  EXPECT_EQ(hip.region, 1);
  EXPECT_EQ(hip.unit, UnitKind::Episode);
  EXPECT_EQ(hip.volume, 150.0);
  EXPECT_EQ(hip.volume_model, VolumeModel::NegativeBinomial);
  EXPECT_EQ(hip.volume_cv, 0.3);
  EXPECT_FALSE(hip.participant);
  EXPECT_EQ(s.provider_count(), 33u);

  ASSERT_EQ(s.measures.size(), 2u);
  EXPECT_EQ(s.measures[0].base_rate, 0.62);
  EXPECT_EQ(s.measures[0].nonresponse_frailty, 0.3);
}

TEST(LoadScenario, SetsPathNameAndText) {
  const std::string path = good_file("full");
  const Scenario s = load_scenario(path);
  std::ifstream file(path, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  EXPECT_EQ(s.path, path);
  EXPECT_EQ(s.name, "full");
  EXPECT_EQ(s.text, text);
}

TEST(LoadScenario, ResolvesNamesToIndices) {
  const Scenario s = load_scenario(good_file("full"));
  // transition rows: full length, the diagonal one minus the rest; none given = empty.
  EXPECT_EQ(s.strata[0].transition, (std::vector<double>{0.95, 0.05, 0.0}));
  ASSERT_EQ(s.strata[1].transition.size(), 3u);
  EXPECT_EQ(s.strata[1].transition[0], 0.02);
  EXPECT_DOUBLE_EQ(s.strata[1].transition[1], 0.9);
  EXPECT_EQ(s.strata[1].transition[2], 0.08);
  EXPECT_TRUE(s.strata[2].transition.empty());
  // case_mix: strata it leaves out get 0.
  EXPECT_EQ(s.provider_groups[0].case_mix, (std::vector<double>{0.5, 0.0, 0.5}));
  EXPECT_TRUE(s.provider_groups[1].case_mix.empty());
  // measure strata: sorted indices; every stratum when not given.
  EXPECT_EQ(s.measures[0].strata, (std::vector<int>{1, 2}));
  EXPECT_EQ(s.measures[1].strata, (std::vector<int>{0, 1, 2}));
}

TEST(LoadScenario, FillsDerivedDefaults) {
  const Scenario s = load_scenario(good_file("full"));
  EXPECT_EQ(s.regions[0].initial_sd, 0.02);  // random walk: one step
  EXPECT_DOUBLE_EQ(s.regions[1].initial_sd, 0.03 / std::sqrt(1.0 - 0.6 * 0.6));  // stationary
  EXPECT_EQ(s.provider_groups[1].effect_ramp, (std::vector<double>(3, 1.0)));
  EXPECT_EQ(s.provider_groups[2].count, 1u);
  EXPECT_EQ(s.provider_groups[2].volume_model, VolumeModel::Poisson);
  EXPECT_TRUE(s.provider_groups[2].participant);
  EXPECT_EQ(s.measures[1].response_rate, 1.0);
}

TEST(LoadScenario, SortsAndDeduplicatesThresholds) {
  const Scenario s = load_scenario(good_file("full"));
  EXPECT_EQ(s.tallies.thresholds, (std::vector<double>{20000.0, 50000.0, 100000.0}));
}

TEST(LoadScenario, MinimalScenarioTakesEveryDefault) {
  const Scenario s = load_scenario(good_file("minimal"));
  const Simulation simulation;
  EXPECT_EQ(s.simulation.replications, simulation.replications);
  EXPECT_EQ(s.simulation.seed, simulation.seed);
  EXPECT_EQ(s.simulation.years(), simulation.years());
  EXPECT_EQ(s.simulation.batch_size, simulation.batch_size);
  EXPECT_EQ(s.simulation.backend, Backend::Auto);
  EXPECT_EQ(s.simulation.trend, 0.0);
  EXPECT_EQ(s.regions[0].shock_sd, 0.0);
  EXPECT_EQ(s.regions[0].shock_rho, 1.0);
  EXPECT_EQ(s.regions[0].initial_sd, 0.0);
  const Stratum& stratum = s.strata[0];
  EXPECT_EQ(stratum.share, 1.0);
  EXPECT_EQ(stratum.p_any, 1.0);
  EXPECT_EQ(stratum.cat_prob, 0.0);
  EXPECT_EQ(stratum.cat_shape, 2.0);
  EXPECT_EQ(stratum.risk_score, 1.0);
  EXPECT_EQ(s.patients.adherence_mean, 0.5);
  EXPECT_EQ(s.patients.frailty_sd, 0.0);
  const ProviderGroup& group = s.provider_groups[0];
  EXPECT_EQ(group.unit, UnitKind::PatientYear);
  EXPECT_EQ(group.panel_size, 1000u);
  EXPECT_TRUE(group.participant);
  EXPECT_EQ(group.effect_ramp, (std::vector<double>(3, 1.0)));
  EXPECT_TRUE(s.measures.empty());
  EXPECT_TRUE(s.tallies.thresholds.empty());
}

TEST(ParseScenario, ReadsTextWithoutAFile) {
  const Scenario s = parse_scenario(
      "[simulation]\nperformance_years = 2\n"
      "[[region]]\nname = \"r\"\n"
      "[[stratum]]\nname = \"s\"\nshare = 1.0\nmean = 1.0\n"
      "[[provider_group]]\nname = \"g\"\nregion = \"r\"\npanel_size = 1\n",
      "scenarios/inline.toml");
  EXPECT_EQ(s.name, "inline");
  EXPECT_EQ(s.path, "scenarios/inline.toml");
  EXPECT_EQ(s.provider_groups[0].effect_ramp, (std::vector<double>{1.0, 1.0}));
}

}  // namespace
}  // namespace apmsim::scenario
