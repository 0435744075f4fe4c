// Calibration round trip: 1e6 member-years sampled (apmsim sample's writer) from a known
// population (tests/data/calibrate/truth.toml: 4 strata with Pareto add-ons, frailty, churn,
// transitions, trend, provider efficiency), calibrated back:
// - every parameter the fitted form shares with the truth (shares, P(any cost), transitions,
//   frailty sd and correlation, churn, trend, efficiency) within 3 of its reported standard
//   errors (checked over several seeds by scripts/calibration_seeds.sh, docs/calibration.md);
// - the cost distribution judged by simulation: the refitted scenario's mean cost per
//   member-year, provider-year cost sd and E[min(cost, A)] at five thresholds within 2% of the
//   original's, for both severity forms.
#include <gtest/gtest.h>

#include <cmath>

#include "../support/temp_folder.hpp"
#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/population_text.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "io/claims_csv.hpp"
#include "scenario/load.hpp"

namespace apmsim {
namespace {

using model::TallyLayout;

scenario::Scenario truth() {
  return scenario::load_scenario(std::string(APMSIM_TEST_DATA) + "/calibrate/truth.toml");
}

//! The truth calibrated back from one sampled replication (computed once for the suite).
const calibrate::Calibration& fitted() {
  static const calibrate::Calibration c = [] {
    testing::TempFolder dir("calibrate_");
    const scenario::Scenario s = truth();
    const engine::Model m = engine::build_model(s);
    io::SampleOptions options;
    options.force = true;
    io::write_claims_csv(s, m, dir.file("claims.csv"), options);
    return calibrate::calibrate_claims(calibrate::read_claims(dir.file("claims.csv"), {}), {});
  }();
  return c;
}

void expect_within_3_se(const calibrate::Estimate& e, double truth, const std::string& what) {
  if (e.se == 0.0) {  // e.g. a transition never seen: estimated exactly 0
    EXPECT_EQ(e.value, truth) << what;
    return;
  }
  ASSERT_GT(e.se, 0.0) << what;
  EXPECT_LE(std::fabs(e.value - truth), 3.0 * e.se)
      << what << ": estimate " << e.value << " +/- " << e.se << ", truth " << truth << " (z = "
      << (e.value - truth) / e.se << ")";
}

TEST(CalibrationRoundTrip, SharedParametersWithinThreeStandardErrors) {
  const scenario::Scenario s = truth();
  const calibrate::Calibration& c = fitted();
  ASSERT_EQ(c.rows, 1000000u);
  ASSERT_EQ(c.strata.size(), s.strata.size());
  for (std::size_t k = 0; k < s.strata.size(); ++k) {
    const scenario::Stratum& t = s.strata[k];
    const calibrate::StratumFit& f = c.strata[k];
    EXPECT_EQ(f.name, t.name);
    expect_within_3_se(f.share, t.share, t.name + " share");
    // P(any cost) of the data: 1 - (1 - p_any)(1 - cat_prob) in the model.
    expect_within_3_se(f.p_positive, 1.0 - (1.0 - t.p_any) * (1.0 - t.cat_prob),
                       t.name + " P(cost > 0)");
    for (std::size_t to = 0; to < s.strata.size(); ++to)
      if (to != k && !t.transition.empty())
        expect_within_3_se(c.transition[k][to], t.transition[to], t.name + " -> " + s.strata[to].name);
  }
  expect_within_3_se(c.frailty_sd, s.patients.frailty_sd, "frailty_sd");
  expect_within_3_se(c.frailty_rho, s.patients.frailty_rho, "frailty_rho");
  expect_within_3_se(c.churn, s.patients.churn, "churn");
  expect_within_3_se(c.trend, s.simulation.trend, "trend");
  // Efficiency scales the body, not the add-on: what the data identify is its sd on the
  // provider's total cost, the truth's efficiency_sd times the body's share of cost (the
  // empirical form's efficiency_sd; each form divides it by its own body share).
  double body = 0.0, all = 0.0;
  for (std::size_t k = 0; k < s.strata.size(); ++k) {
    const scenario::Stratum& t = s.strata[k];
    const double rows = double(c.strata[k].rows);
    body += rows * t.p_any * t.mean;
    all += rows * (t.p_any * t.mean + t.cat_prob * t.cat_scale * t.cat_shape / (t.cat_shape - 1.0));
  }
  expect_within_3_se(c.efficiency_empirical, s.provider_groups[0].efficiency_sd * body / all,
                     "efficiency_sd on total cost");
}

// The parametric form's own parameters where the add-on is clear in the data (the first two
// strata: rare, large add-ons on a small body).
TEST(CalibrationRoundTrip, ClearAddOnsAreRecovered) {
  const scenario::Scenario s = truth();
  const calibrate::Calibration& c = fitted();
  for (std::size_t k = 0; k < 2; ++k) {
    const scenario::Stratum& t = s.strata[k];
    const calibrate::StratumFit& f = c.strata[k];
    expect_within_3_se(f.p_any, t.p_any, t.name + " p_any");
    expect_within_3_se(f.cat_prob, t.cat_prob, t.name + " cat_prob");
    EXPECT_NEAR(f.cat_scale.value, t.cat_scale, 0.05 * t.cat_scale) << t.name;
    EXPECT_NEAR(f.cat_shape.value, t.cat_shape, 0.5) << t.name;
  }
}

//! Per replication: mean cost per member-year, provider-year cost sd (over providers and
//! years), E[min(cost, A)] per member-year at the thresholds.
struct Judged {
  double mean = 0.0, provider_sd = 0.0;
  std::vector<double> limited;
};

//! Over the first `years` simulated years (the refit simulates its data's years, then more).
Judged simulate(scenario::Scenario s, const std::vector<double>& thresholds, int years) {
  s.tallies.thresholds = thresholds;
  s.simulation.replications = 150;
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 0);
  engine::BatchTallies b;
  cpu.run_batch(0, s.simulation.replications, b);
  Judged j;
  j.limited.assign(thresholds.size(), 0.0);
  double units = 0.0, cost = 0.0, sum = 0.0, sum2 = 0.0, n = 0.0;
  for (std::uint64_t r = 0; r < b.replications; ++r)
    for (std::uint32_t e = 0; e < m.providers; ++e)
      for (int y = 0; y < years; ++y) {
        const double* t = b.record(r, e, y);
        units += t[TallyLayout::kUnits];
        cost += t[TallyLayout::kCost];
        for (std::size_t k = 0; k < thresholds.size(); ++k) j.limited[k] += t[m.layout.capped_field(int(k))];
        sum += t[TallyLayout::kCost];
        sum2 += t[TallyLayout::kCost] * t[TallyLayout::kCost];
        n += 1.0;
      }
  j.mean = cost / units;
  for (double& l : j.limited) l /= units;
  j.provider_sd = std::sqrt(sum2 / n - (sum / n) * (sum / n));
  return j;
}

void expect_distribution_within_2_percent(calibrate::SeverityForm form) {
  const scenario::Scenario original = truth();
  const scenario::Scenario refit = scenario::parse_scenario(
      calibrate::population_text(fitted(), form, ""), std::string("refit.") + calibrate::form_name(form) + ".toml");
  // Costs in the refit are in the data's first-year money, as in the original (year 0).
  const std::vector<double> thresholds = {2500.0, 10000.0, 50000.0, 100000.0, 250000.0};
  const int years = original.simulation.years();
  const Judged a = simulate(original, thresholds, years), b = simulate(refit, thresholds, years);
  const auto near = [&](double x, double y, const std::string& what) {
    ::testing::Test::RecordProperty(std::string(calibrate::form_name(form)) + " " + what,
                                    std::to_string(y / x - 1.0));
    EXPECT_NEAR(y / x, 1.0, 0.02) << calibrate::form_name(form) << " " << what << ": original " << x
                                  << ", refit " << y;
  };
  near(a.mean, b.mean, "mean cost per member-year");
  near(a.provider_sd, b.provider_sd, "provider-year cost sd");
  for (std::size_t k = 0; k < thresholds.size(); ++k)
    near(a.limited[k], b.limited[k], "E[min(cost, " + std::to_string(thresholds[k]) + ")]");
}

TEST(CalibrationRoundTrip, ParametricFormReproducesTheCostDistribution) {
  expect_distribution_within_2_percent(calibrate::SeverityForm::Parametric);
}

TEST(CalibrationRoundTrip, EmpiricalFormReproducesTheCostDistribution) {
  expect_distribution_within_2_percent(calibrate::SeverityForm::Empirical);
}

}  // namespace
}  // namespace apmsim
