// Parameter draws in the engine (engine/parameter_draws.hpp): the normals of a draw depend only
// on (seed, draw) and are independent standard normals; the drawn parameters have the
// covariance the jackknife deviations imply, jointly (docs/calibration.md, "Parameter risk").
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/parameter_draws.hpp"
#include "scenario/load.hpp"
#include "scenario/parameter_risk.hpp"

namespace apmsim::engine {
namespace {

scenario::Scenario risk_scenario() {
  return scenario::load_scenario(std::string(APMSIM_TEST_DATA) + "/good/parameter_risk.toml");
}

TEST(ParameterDraws, NormalsDependOnlyOnSeedAndDraw) {
  EXPECT_EQ(parameter_normals(7, 3, 5), parameter_normals(7, 3, 5));
  EXPECT_NE(parameter_normals(7, 3, 5), parameter_normals(7, 4, 5));
  EXPECT_NE(parameter_normals(7, 3, 5), parameter_normals(8, 3, 5));
  EXPECT_NE(parameter_normals(7, 0, 5), parameter_normals(7, std::uint64_t{1} << 32, 5));
  // A longer list begins with the shorter one: the groups' normals do not depend on G.
  const std::vector<double> five = parameter_normals(7, 3, 5), twenty = parameter_normals(7, 3, 20);
  EXPECT_TRUE(std::equal(five.begin(), five.end(), twenty.begin()));
}

// 20,000 draws of 6 normals: each mean within 4 standard errors (sqrt(1/n)) of 0, each
// variance within 4 (sqrt(2/n)) of 1, each correlation within 4 (sqrt(1/n)) of 0.
TEST(ParameterDraws, NormalsAreIndependentStandardNormals) {
  const int n = 20000, groups = 6;
  std::vector<double> sum(groups, 0.0), cross(groups * groups, 0.0);
  for (int d = 0; d < n; ++d) {
    const std::vector<double> z = parameter_normals(20240607, std::uint64_t(d), groups);
    for (int i = 0; i < groups; ++i) {
      sum[i] += z[i];
      for (int j = 0; j < groups; ++j) cross[i * groups + j] += z[i] * z[j];
    }
  }
  for (int i = 0; i < groups; ++i) {
    EXPECT_LT(std::fabs(sum[i] / n), 4.0 / std::sqrt(n)) << i;
    for (int j = 0; j < groups; ++j) {
      const double c = cross[i * groups + j] / n - (sum[i] / n) * (sum[j] / n);
      const double se = i == j ? std::sqrt(2.0 / n) : std::sqrt(1.0 / n);
      EXPECT_LT(std::fabs(c - (i == j ? 1.0 : 0.0)), 4.0 * se) << i << "," << j;
    }
  }
}

// The drawn parameters (as the run draws them: ParameterDraws at parameter_normals), on their
// scales, over 4,000 draws: each element of their sample covariance within 4 standard errors
// of D D^T, D the deviations (rows: parameters). For normal x_i, x_j with covariance S the
// estimate's variance is (S_ii S_jj + S_ij^2) / n.
TEST(ParameterDraws, DrawnParametersHaveTheJackknifeCovariance) {
  const scenario::Scenario s = risk_scenario();
  const scenario::ParameterDraws draws(s);
  // trend (linear), healthy p_any (logit), chronic mean (log), aco efficiency (log).
  const auto on_scale = [&](const scenario::Scenario& d) {
    const double p = d.strata[0].p_any, p0 = s.strata[0].p_any;
    return std::vector<double>{
        d.simulation.trend - s.simulation.trend,
        std::log(p / (1.0 - p)) - std::log(p0 / (1.0 - p0)),
        std::log(d.strata[1].mean / s.strata[1].mean),
        std::log(d.provider_groups[0].efficiency_sd / s.provider_groups[0].efficiency_sd)};
  };
  const char* keys[] = {"simulation.trend", "stratum.healthy.p_any", "stratum.chronic.mean",
                        "provider_group.aco.efficiency_sd"};
  std::vector<std::vector<double>> dev;
  for (const char* key : keys)
    for (const scenario::RiskParameter& p : s.parameter_risk.parameters)
      if (p.key == key) dev.push_back(p.deviations);
  ASSERT_EQ(dev.size(), 4u);
  const int n = 4000, k = 4;
  std::vector<double> cross(k * k, 0.0);
  for (int d = 0; d < n; ++d) {
    const std::vector<double> x =
        on_scale(draws.at(parameter_normals(s.simulation.seed, std::uint64_t(d), draws.groups())));
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) cross[i * k + j] += x[i] * x[j];  // the mean is known: 0
  }
  const auto jackknife = [&](int i, int j) {
    double c = 0.0;
    for (int g = 0; g < draws.groups(); ++g) c += dev[i][g] * dev[j][g];
    return c;
  };
  for (int i = 0; i < k; ++i)
    for (int j = 0; j <= i; ++j) {
      const double expected = jackknife(i, j);
      const double se = std::sqrt((jackknife(i, i) * jackknife(j, j) + expected * expected) / n);
      EXPECT_LT(std::fabs(cross[i * k + j] / n - expected), 4.0 * se)
          << keys[i] << " x " << keys[j] << ": " << cross[i * k + j] / n << " against " << expected;
    }
}

TEST(ParameterDraws, ADrawServesItsBlockOfReplications) {
  const scenario::Scenario s = risk_scenario();
  DrawnModels models(s, 11);
  EXPECT_EQ(models.block(), 3u);
  EXPECT_EQ(models.draw_of(0), 0u);
  EXPECT_EQ(models.draw_of(2), 0u);
  EXPECT_EQ(models.draw_of(3), 1u);
  // Draw 5's model is built from draw 5's scenario with the run's seed.
  const scenario::ParameterDraws draws(s);
  const Model expected = build_model(draws.at(parameter_normals(11, 5, 4)), 11);
  const Model& m = models.model(5);
  EXPECT_EQ(m.params.seed, 11u);
  EXPECT_EQ(m.trend, expected.trend);
  EXPECT_EQ(m.entities[0].efficiency_sd, expected.entities[0].efficiency_sd);
  EXPECT_NE(m.trend, build_model(s, 11).trend);
}

}  // namespace
}  // namespace apmsim::engine
