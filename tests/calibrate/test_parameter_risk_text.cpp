// The calibrated scenario's [parameter_risk] (calibrate/parameter_risk_text.hpp) on the worked
// example's claims (scenarios/claims): both forms read back as valid scenarios whose deviations
// are the grouped jackknife's, so sqrt(sum of squares) is the written standard error (exactly on
// the linear scale, by the delta method within 5% on the log and logit scales); the shares'
// deviations sum to 0 over the strata in every group; the empirical body's quantiles and tail
// scale share theirs.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/population_text.hpp"
#include "scenario/load.hpp"

namespace apmsim {
namespace {

const calibrate::Calibration& example() {
  static const calibrate::Calibration c = calibrate::calibrate_claims(
      calibrate::read_claims(
          std::string(APMSIM_SOURCE_DIR) + "/scenarios/claims/example_claims.csv", {}),
      {});
  return c;
}

//! Each parameter's deviations by key.
std::map<std::string, std::vector<double>> deviations(const scenario::Scenario& s) {
  std::map<std::string, std::vector<double>> out;
  for (const scenario::RiskParameter& p : s.parameter_risk.parameters) out[p.key] = p.deviations;
  return out;
}

double root_sum_of_squares(const std::vector<double>& d) {
  double s = 0.0;
  for (double x : d) s += x * x;
  return std::sqrt(s);
}

TEST(ParameterRiskText, DeviationsAreTheJackknifes) {
  const calibrate::Calibration& c = example();
  ASSERT_EQ(c.jackknife_groups, 20);
  ASSERT_EQ(c.grouping, "providers");
  for (const auto form :
       {calibrate::SeverityForm::Parametric, calibrate::SeverityForm::Empirical}) {
    SCOPED_TRACE(calibrate::form_name(form));
    const scenario::Scenario s =
        scenario::parse_scenario(calibrate::population_text(c, form, ""), "pop.toml");
    EXPECT_FALSE(s.simulation.parameter_risk);  // written off: a run draws only when asked
    EXPECT_EQ(s.parameter_risk.groups, 20);
    auto d = deviations(s);
    // Linear: the written se to its two digits.
    EXPECT_NEAR(root_sum_of_squares(d.at("simulation.trend")), c.trend.se, 1e-6);
    for (std::size_t g = 0; g < 20; ++g) {
      double shares = 0.0;
      for (const calibrate::StratumFit& f : c.strata)
        shares += d.at("stratum." + f.name + ".share")[g];
      EXPECT_NEAR(shares, 0.0, 1e-8) << "group " << g;
    }
    // Log and logit: se / x and se / (p (1 - p)) by the delta method.
    EXPECT_NEAR(root_sum_of_squares(d.at("patients.frailty_sd")),
                c.frailty_sd.se / c.frailty_sd.value, 0.05 * c.frailty_sd.se / c.frailty_sd.value);
    const double churn = c.churn.value;
    EXPECT_NEAR(root_sum_of_squares(d.at("patients.churn")), c.churn.se / (churn * (1 - churn)),
                0.05 * c.churn.se / (churn * (1 - churn)));
    const calibrate::Estimate& e = form == calibrate::SeverityForm::Parametric
                                       ? c.efficiency_parametric
                                       : c.efficiency_empirical;
    EXPECT_NEAR(root_sum_of_squares(d.at("provider_group.aco.efficiency_sd")), e.se / e.value,
                0.05 * e.se / e.value);
    for (const calibrate::StratumFit& f : c.strata) {
      const std::string at = "stratum." + f.name + ".";
      if (form == calibrate::SeverityForm::Empirical) {
        EXPECT_EQ(d.at(at + "quantiles"), d.at(at + "tail_scale")) << f.name;
        EXPECT_NEAR(root_sum_of_squares(d.at(at + "quantiles")),
                    f.positive_mean.se / f.positive_mean.value,
                    0.05 * f.positive_mean.se / f.positive_mean.value)
            << f.name;
      } else {
        EXPECT_NEAR(root_sum_of_squares(d.at(at + "mean")), f.mean.se / f.mean.value,
                    0.05 * f.mean.se / f.mean.value)
            << f.name;
        EXPECT_GT(root_sum_of_squares(d.at(at + "cv")), 0.0) << f.name;
      }
    }
  }
}

}  // namespace
}  // namespace apmsim
