// Entity-level draws: regional shock variance follows the AR(1) recursion, episode counts are
// Poisson or negative binomial with the stated mean and variance, and outcome measures hit their
// closed-form rates. Tolerances: 4 standard errors (variance estimates: sd of a sample variance
// of a normal is var * sqrt(2/n)).
#include <gtest/gtest.h>

#include <cmath>

#include "../support/reference_scenario.hpp"
#include "analysis/moments.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/replication.hpp"
#include "model/entity.hpp"
#include "model/tally_layout.hpp"

namespace apmsim {
namespace {

TEST(World, RegionalShockVarianceFollowsRecursion) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.simulation.baseline_years = 3;
  s.simulation.performance_years = 3;
  s.regions[0].shock_sd = 0.03;
  s.regions[0].shock_rho = 0.8;
  s.regions[0].initial_sd = 0.05;
  const engine::Model m = engine::build_model(s);
  const int reps = 40000, years = m.years();
  std::vector<double> m2(years, 0.0);
  double lag = 0.0;
  engine::ReplicationWorld w;
  for (int r = 0; r < reps; ++r) {
    draw_world(m, r, w);
    for (int k = 0; k < years; ++k) m2[k] += w.region_shock[k] * w.region_shock[k];
    lag += w.region_shock[0] * w.region_shock[1];
  }
  double var = 0.05 * 0.05;
  for (int k = 0; k < years; ++k) {
    if (k > 0) var = 0.64 * var + 0.03 * 0.03;
    EXPECT_NEAR(m2[k] / reps, var, 4.0 * var * std::sqrt(2.0 / reps)) << "year " << k;
    EXPECT_DOUBLE_EQ(m.regions[0].variance[k], var);
  }
  EXPECT_NEAR(lag / reps, 0.8 * 0.05 * 0.05, 4.0 * 0.05 * 0.05 * 1.3 / std::sqrt(double(reps)));
}

void expect_count_moments(double volume, double cv) {
  const model::Key key = model::key_from_seed(99);
  const int n = 200000;
  double s1 = 0.0, s2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double c = model::episode_count(key, std::uint32_t(i), 5, 2, volume, cv);
    s1 += c;
    s2 += c * c;
  }
  const double mean = s1 / n, var = s2 / n - mean * mean;
  const double want_var = volume + volume * volume * cv * cv;
  EXPECT_NEAR(mean, volume, 4.0 * std::sqrt(want_var / n)) << volume << " " << cv;
  // Poisson/NB sample variance sd is roughly var * sqrt(2/n) (plus a kurtosis term, small here).
  EXPECT_NEAR(var, want_var, 4.0 * want_var * std::sqrt(3.0 / n)) << volume << " " << cv;
}

// Practices: a panel of 8,000 with practices of 500 members (n = 16) of sd 0.2 and correlation
// 0.6 gives the provider a stationary AR(1) drift of variance 0.04 / 16 = 0.0025 in every year,
// lag-one covariance 0.6 x 0.0025, mean-one exp(drift - var/2); no other draw moves (the
// comparison population's shifts are those of the world without practices, bit for bit).
TEST(World, PracticeDriftIsTheMeanOfThePractices) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.simulation.baseline_years = 2;
  s.simulation.performance_years = 2;
  for (auto& r : s.regions) r.initial_sd = r.shock_sd = 0.0;
  for (auto& g : s.provider_groups) g.efficiency_sd = 0.0;
  s.provider_groups[0].panel_size = 8000;
  const engine::Model plain = engine::build_model(s);
  s.provider_groups[0].practice_sd = 0.2;
  s.provider_groups[0].practice_size = 500;
  s.provider_groups[0].practice_rho = 0.6;
  const engine::Model m = engine::build_model(s);
  ASSERT_NEAR(m.entities[0].practice_drift_sd, 0.05, 1e-15);
  const int reps = 20000, years = m.years();
  const double var = 0.0025;
  std::vector<double> m2(years, 0.0), level(years, 0.0);
  double lag = 0.0;
  engine::ReplicationWorld w, w0;
  for (int r = 0; r < reps; ++r) {
    draw_world(m, r, w);
    draw_world(plain, r, w0);
    for (int k = 0; k < years; ++k) {
      const double x = double(w.entity_years[k].log_shift) + var / 2.0;
      m2[k] += x * x;
      level[k] += std::exp(double(w.entity_years[k].log_shift));
      const std::size_t comparison = std::size_t(m.providers) * years + k;
      ASSERT_EQ(w.entity_years[comparison].log_shift, w0.entity_years[comparison].log_shift);
    }
    lag += (double(w.entity_years[0].log_shift) + var / 2.0) *
           (double(w.entity_years[1].log_shift) + var / 2.0);
  }
  for (int k = 0; k < years; ++k) {
    EXPECT_NEAR(m2[k] / reps, var, 4.0 * var * std::sqrt(2.0 / reps)) << "year " << k;
    EXPECT_NEAR(level[k] / reps, 1.0, 4.0 * std::sqrt(std::exp(var) - 1.0) / std::sqrt(reps));
  }
  // sd of a product of two unit-correlated normals' sample mean: var sqrt((1 + rho^2) / n).
  EXPECT_NEAR(lag / reps, 0.6 * var, 4.0 * var * std::sqrt(1.36 / reps));
}

TEST(World, EpisodeCountsPoisson) {
  expect_count_moments(3.5, 0.0);
  expect_count_moments(180.0, 0.0);
  expect_count_moments(1234.5, 0.0);  // three inversion pieces
}

TEST(World, EpisodeCountsNegativeBinomial) {
  expect_count_moments(40.0, 0.3);
  expect_count_moments(300.0, 1.5);  // gamma shape < 1
}

TEST(World, EpisodeUnitsAreTalliedPerYear) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.provider_groups[0].unit = scenario::UnitKind::Episode;
  s.provider_groups[0].panel_size = 0;
  s.provider_groups[0].volume = 250.0;
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 1);
  engine::BatchTallies b;
  cpu.run_batch(0, 50, b);
  engine::ReplicationWorld w;
  for (std::uint64_t r = 0; r < 50; ++r) {
    draw_world(m, r, w);
    for (int y = 0; y < b.years; ++y)
      EXPECT_EQ(b.record(r, 0, y)[model::TallyLayout::kUnits], double(w.episodes[y]));
  }
}

TEST(World, MeasureRatesMatchClosedForm) {
  scenario::Scenario s = testing::single_stratum_scenario();
  scenario::Measure ms;
  ms.name = "m";
  ms.base_rate = 0.62;
  ms.response_rate = 0.8;
  ms.improvement = 0.4;
  s.measures.push_back(ms);
  s.provider_groups[0].participant = true;
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 2);
  engine::BatchTallies b;
  cpu.run_batch(0, 200, b);
  const auto& L = m.layout;
  const double improved = 1.0 / (1.0 + std::exp(-(std::log(0.62 / 0.38) + 0.4)));
  for (int y = 0; y < b.years; ++y) {
    analysis::RunningMoments rate, response;
    for (std::uint64_t r = 0; r < b.replications; ++r) {
      const double* t = b.record(r, 0, y);
      rate.add(t[L.measure_field(0, model::TallyLayout::kAchieved)] /
               t[L.measure_field(0, model::TallyLayout::kMeasured)]);
      response.add(t[L.measure_field(0, model::TallyLayout::kMeasured)] /
                   t[L.measure_field(0, model::TallyLayout::kEligible)]);
      EXPECT_EQ(t[L.measure_field(0, model::TallyLayout::kEligible)],
                t[model::TallyLayout::kUnits]);
    }
    const double want = y < s.simulation.baseline_years ? 0.62 : improved;
    EXPECT_NEAR(rate.mean(), want, 4.0 * rate.standard_error()) << "year " << y;
    EXPECT_NEAR(response.mean(), 0.8, 4.0 * response.standard_error()) << "year " << y;
  }
}

}  // namespace
}  // namespace apmsim
