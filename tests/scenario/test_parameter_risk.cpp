// [parameter_risk] (docs/scenario-reference.md, docs/calibration.md): the section is read and
// described back unchanged; a draw at zero normals is the central scenario exactly; a draw moves
// each value on its scale by sum_g z_g deviation_g and nothing else; a sweep variant's draws
// centre on the variant's value; a draw outside the valid scenarios is a ScenarioError.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include "scenario/load.hpp"
#include "scenario/parameter_risk.hpp"
#include "scenario/sweep.hpp"

namespace apmsim::scenario {
namespace {

const std::string kPath = std::string(APMSIM_TEST_DATA) + "/good/parameter_risk.toml";

std::string file_text() {
  std::ifstream in(kPath);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double logit(double p) { return std::log(p / (1.0 - p)); }

//! sum_g z_g deviation_g of parameter `key`.
double shift(const Scenario& s, const std::string& key, const std::vector<double>& z) {
  for (const RiskParameter& p : s.parameter_risk.parameters)
    if (p.key == key) {
      double x = 0.0;
      for (std::size_t g = 0; g < z.size(); ++g) x += z[g] * p.deviations[g];
      return x;
    }
  ADD_FAILURE() << "no parameter " << key;
  return 0.0;
}

TEST(ParameterRisk, SectionIsReadAndDescribedBack) {
  const Scenario s = load_scenario(kPath);
  EXPECT_TRUE(s.simulation.parameter_risk);
  EXPECT_EQ(s.simulation.parameter_block, 3u);
  const ParameterRisk& r = s.parameter_risk;
  EXPECT_EQ(r.groups, 4);
  ASSERT_EQ(r.parameters.size(), 8u);
  EXPECT_EQ(r.parameters[0].key, "simulation.trend");
  EXPECT_EQ(r.parameters[0].scale, RiskScale::Linear);
  EXPECT_EQ(r.parameters[3].scale, RiskScale::Logit);
  EXPECT_EQ(r.parameters[4].scale, RiskScale::Log);
  EXPECT_EQ(r.parameters[4].deviations, (std::vector<double>{0.03, -0.06, 0.02, 0.01}));
  EXPECT_EQ(r.parameters[4].line, 94);

  const Scenario back = parse_scenario(describe(s), kPath);
  EXPECT_EQ(back.simulation.parameter_risk, true);
  EXPECT_EQ(back.simulation.parameter_block, 3u);
  ASSERT_EQ(back.parameter_risk.parameters.size(), r.parameters.size());
  for (std::size_t k = 0; k < r.parameters.size(); ++k) {
    EXPECT_EQ(back.parameter_risk.parameters[k].key, r.parameters[k].key);
    EXPECT_EQ(back.parameter_risk.parameters[k].scale, r.parameters[k].scale);
    EXPECT_EQ(back.parameter_risk.parameters[k].deviations, r.parameters[k].deviations);
  }
  EXPECT_EQ(describe(back), describe(s));
}

TEST(ParameterRisk, ScenariosWithoutTheSectionDescribeAsBefore) {
  const Scenario s = load_scenario(std::string(APMSIM_TEST_DATA) + "/good/minimal.toml");
  EXPECT_FALSE(s.simulation.parameter_risk);
  EXPECT_TRUE(s.parameter_risk.parameters.empty());
  EXPECT_EQ(describe(s).find("parameter_"), std::string::npos);
}

TEST(ParameterRisk, ZeroNormalsGiveTheCentralScenarioExactly) {
  const Scenario s = load_scenario(kPath);
  const ParameterDraws draws(s);
  EXPECT_EQ(draws.groups(), 4);
  const Scenario drawn = draws.at({0.0, 0.0, 0.0, 0.0});
  EXPECT_EQ(describe(drawn), describe(s));
  EXPECT_EQ(drawn.tallies.thresholds, s.tallies.thresholds);
}

TEST(ParameterRisk, ADrawMovesEachValueOnItsScale) {
  const Scenario s = load_scenario(kPath);
  const std::vector<double> z = {1.2, -0.7, 0.4, 2.0};
  const Scenario d = ParameterDraws(s).at(z);
  // Each on its scale, to a few ulps (the scale's function and its inverse round).
  EXPECT_NEAR(d.simulation.trend, 0.03 + shift(s, "simulation.trend", z), 1e-16);
  EXPECT_NEAR(d.strata[0].share, 0.7 + shift(s, "stratum.healthy.share", z), 1e-15);
  EXPECT_NEAR(d.strata[1].share, 0.3 + shift(s, "stratum.chronic.share", z), 1e-15);
  EXPECT_NEAR(d.strata[0].share + d.strata[1].share, 1.0, 1e-15);  // deviations sum to 0
  EXPECT_NEAR(logit(d.strata[0].p_any), logit(0.8) + shift(s, "stratum.healthy.p_any", z), 1e-13);
  EXPECT_NEAR(std::log(d.strata[1].mean / 12000.0), shift(s, "stratum.chronic.mean", z), 1e-15);
  EXPECT_NEAR(logit(d.strata[0].transition[1]),
              logit(0.05) + shift(s, "stratum.healthy.transition.chronic", z), 1e-13);
  EXPECT_DOUBLE_EQ(d.strata[0].transition[0], 1.0 - d.strata[0].transition[1]);
  EXPECT_NEAR(std::log(d.patients.frailty_sd / 0.5), shift(s, "patients.frailty_sd", z), 1e-15);
  EXPECT_NEAR(std::log(d.provider_groups[0].efficiency_sd / 0.05),
              shift(s, "provider_group.aco.efficiency_sd", z), 1e-15);
  // Everything else stays as it was, bit for bit.
  EXPECT_EQ(d.strata[1].p_any, s.strata[1].p_any);
  EXPECT_EQ(d.strata[0].mean, s.strata[0].mean);
  EXPECT_EQ(d.strata[1].cv, s.strata[1].cv);
  EXPECT_EQ(d.patients.frailty_rho, s.patients.frailty_rho);
  EXPECT_EQ(d.provider_groups[1].efficiency_sd, s.provider_groups[1].efficiency_sd);
  EXPECT_EQ(d.regions[1].shock_sd, s.regions[1].shock_sd);
  EXPECT_EQ(d.contract.years.size(), s.contract.years.size());
  EXPECT_EQ(d.contract.years[0].sharing.loss_rate, 0.3);
}

TEST(ParameterRisk, AnArrayMovesElementByElement) {
  // The empirical body's quantiles and tail scale move together (calibrate writes them so).
  std::string text = file_text();
  const std::string chronic =
      "name = \"chronic\"\nshare = 0.3\np_any = 0.95\nmean = 12000.0\ncv = 1.8\n";
  ASSERT_NE(text.find(chronic), std::string::npos);
  text.replace(text.find(chronic), chronic.size(),
               "name = \"chronic\"\nshare = 0.3\np_any = 0.95\nseverity = \"empirical\"\n"
               "probabilities = [0.0, 0.5, 0.9]\nquantiles = [0.0, 8000.0, 30000.0]\n"
               "tail_scale = 20000.0\ntail_shape = 0.2\n");
  const std::string mean = "key = \"stratum.chronic.mean\"";
  text.replace(text.find(mean), mean.size(), "key = \"stratum.chronic.quantiles\"");
  text +=
      "\n[[parameter_risk.parameter]]\nkey = \"stratum.chronic.tail_scale\"\nscale = \"log\"\n"
      "deviations = [0.03, -0.06, 0.02, 0.01]\n";
  const Scenario s = parse_scenario(text, "array.toml");
  const std::vector<double> z = {0.5, 1.0, -1.5, 0.25};
  const Scenario d = ParameterDraws(s).at(z);
  const double factor = std::exp(shift(s, "stratum.chronic.quantiles", z));
  const std::vector<double>& q = d.strata[1].quantiles;
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], 0.0);  // a zero stays zero
  EXPECT_DOUBLE_EQ(q[1], 8000.0 * factor);
  EXPECT_DOUBLE_EQ(q[2], 30000.0 * factor);
  EXPECT_DOUBLE_EQ(d.strata[1].tail_scale, 20000.0 * factor);
  EXPECT_EQ(d.strata[1].tail_shape, 0.2);
}

TEST(ParameterRisk, DrawsOfASweepVariantCentreOnItsValue) {
  const Scenario s = parse_scenario(
      file_text() + "\n[sweep]\n\"stratum.chronic.mean\" = [12000.0, 15000.0]\n", "sweep.toml");
  const std::vector<Variant> variants = expand_sweep(s);
  ASSERT_EQ(variants.size(), 2u);
  const std::vector<double> z = {1.0, 0.0, 0.0, 0.0};
  for (const auto& [v, mean] : {std::pair{0, 12000.0}, std::pair{1, 15000.0}}) {
    const Scenario d = ParameterDraws(variants[std::size_t(v)].scenario).at(z);
    EXPECT_DOUBLE_EQ(d.strata[1].mean, mean * std::exp(0.03)) << variants[std::size_t(v)].name;
  }
}

TEST(ParameterRisk, AnInvalidDrawNamesTheSectionAndTheValue) {
  // A linear share with deviations far beyond its range: the draw's share is negative.
  std::string text = file_text();
  const std::string healthy = "deviations = [0.01, -0.005, 0.0, -0.005]";
  const std::string chronic = "deviations = [-0.01, 0.005, 0.0, 0.005]";
  text.replace(text.find(healthy), healthy.size(), "deviations = [1.0, 0.0, 0.0, 0.0]");
  text.replace(text.find(chronic), chronic.size(), "deviations = [-1.0, 0.0, 0.0, 0.0]");
  const Scenario s = parse_scenario(text, "wide.toml");
  const ParameterDraws draws(s);
  try {
    draws.at({-1.0, 0.0, 0.0, 0.0});
    ADD_FAILURE() << "a negative share was drawn without error";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.key(), "parameter_risk") << what;
    EXPECT_EQ(e.line(), 70) << what;
    EXPECT_NE(what.find("a draw of the parameters is not a valid scenario"), std::string::npos)
        << what;
    EXPECT_NE(what.find("'stratum[0].share'"), std::string::npos) << what;
  }
}

TEST(ParameterRisk, RefusesRunDefiningAndRepeatedKeys) {
  for (const auto& [key, fragment] :
       {std::pair{"simulation.seed", "of [simulation] only trend can be drawn"},
        std::pair{"provider_group.aco.panel_size", "is not a float or an array of floats"},
        std::pair{"provider_group.aco.revenue_share", "is a contract term"},
        std::pair{"simulation.trend", "is listed twice"}}) {
    const std::string text = file_text() + "\n[[parameter_risk.parameter]]\nkey = \"" + key +
                             "\"\ndeviations = [0.0, 0.0, 0.0, 0.0]\n";
    try {
      parse_scenario(text, "extra.toml");
      ADD_FAILURE() << key << " was accepted";
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.key(), "parameter_risk.parameter[8].key") << e.what();
      EXPECT_EQ(e.line(), 114) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
}

TEST(ParameterRisk, ParameterRiskCannotBeSwept) {
  try {
    parse_scenario(file_text() + "\n[sweep]\n\"simulation.parameter_risk\" = [false, true]\n",
                   "sweep.toml");
    ADD_FAILURE() << "parameter_risk was swept";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("defines the run"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace apmsim::scenario
