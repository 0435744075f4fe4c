// Truncation amounts from the seeded pilot (engine/truncation.hpp) against the closed form of a
// world whose unit cost is known exactly: one stratum without frailty, shocks or catastrophic
// add-ons, so a unit's cost is 0 with probability 1 - p_any, else lognormal with the stratum's
// mean and cv, times (1 + trend)^k. Tolerance: 4 standard errors of the sample quantile.
#include <gtest/gtest.h>

#include <cmath>

#include "../support/reference_scenario.hpp"
#include "engine/model.hpp"
#include "engine/truncation.hpp"
#include "stats/statistics.hpp"

namespace apmsim {
namespace {

scenario::Scenario lognormal_world() {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.simulation.trend = 0.05;
  s.strata[0].cat_prob = 0.0;
  s.patients.frailty_sd = 0.0;
  s.regions[0].comparison_size = 3000;  // the national pool: providers and comparisons
  scenario::ContractTerms terms;
  terms.benchmark.baseline_weights = {0.5, 0.5};
  terms.benchmark.truncate_percentile = 0.95;
  s.contract.present = true;
  s.contract.years.assign(2, terms);
  return s;
}

TEST(Truncation, PilotPercentileMatchesTheClosedForm) {
  const scenario::Scenario s = lognormal_world();
  const engine::TruncationPilot pilot(s, 42);
  const std::vector<double> q = pilot.percentile(0.95);
  const scenario::Stratum& st = s.strata[0];
  const double sigma = std::sqrt(std::log(1.0 + st.cv * st.cv));
  const double mu = std::log(st.mean) - 0.5 * sigma * sigma;
  const double level = (0.95 - (1.0 - st.p_any)) / st.p_any;  // within units with any cost
  const double z = stats::normal_quantile(level);
  const double n = static_cast<double>(pilot.units(0));
  EXPECT_EQ(n, 8.0 * 8000.0);  // a small world: every unit of 8 replications
  // SE of ln(quantile): sqrt(p (1 - p) / n) / (p_any phi(z) / sigma).
  const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
  const double se = std::sqrt(0.95 * 0.05 / n) * sigma / (st.p_any * phi);
  for (int k = 0; k < s.simulation.years(); ++k) {
    const double expected = std::exp(mu + sigma * z) * std::pow(1.05, k);
    EXPECT_NEAR(std::log(q[static_cast<std::size_t>(k)] / expected), 0.0, 4.0 * se) << "year " << k;
  }
}

// Two enrollment types, one stratum each (no transitions, p_any 1): each type's amount is the
// quantile of its own lognormal (MSSP truncates each type at its own national percentile).
TEST(Truncation, EachEnrollmentTypeAtItsOwnPercentile) {
  scenario::Scenario s = lognormal_world();
  scenario::Stratum& a = s.strata[0];
  a.p_any = 1.0;
  a.share = 0.8;
  a.cv = 1.0;
  a.enrollment = "aged";
  a.enrollment_type = 0;
  scenario::Stratum b = a;
  b.name = "esrd";
  b.share = 0.2;
  b.mean = 60000.0;
  b.enrollment = "esrd";
  b.enrollment_type = 1;
  s.strata.push_back(b);
  s.enrollment_types = {"aged", "esrd"};
  engine::resolve_truncation(s, 42);
  const scenario::BenchmarkTerms& terms = s.contract.years[0].benchmark;
  ASSERT_EQ(terms.truncate_by_type_year.size(), 4u);
  const double sigma = std::sqrt(std::log(2.0)), z = stats::normal_quantile(0.95);
  const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI);
  for (int k = 0; k < 4; ++k)
    for (int t = 0; t < 2; ++t) {
      const double mean = t == 0 ? 5000.0 : 60000.0, share = t == 0 ? 0.8 : 0.2;
      const double expected = std::exp(std::log(mean) - 0.5 * sigma * sigma + sigma * z) *
                              std::pow(1.05, k);
      const double n = share * 8.0 * 8000.0;
      const double se = std::sqrt(0.95 * 0.05 / n) * sigma / phi;
      EXPECT_NEAR(std::log(terms.truncate_by_type_year[k][t] / expected), 0.0, 4.5 * se)
          << "year " << k << " type " << t;
    }
  // The engine truncates each unit at its type's amount of the year.
  const engine::Model m = engine::build_model(s);
  EXPECT_EQ(m.type_truncation[3 * 2 + 1], static_cast<float>(terms.truncate_by_type_year[3][1]));
}

TEST(Truncation, ResolvingAddsOneThresholdPerYearAndIsReproducible) {
  scenario::Scenario a = lognormal_world(), b = lognormal_world();
  a.tallies.thresholds = {1.0e6};
  engine::resolve_truncation(a, 42);
  engine::resolve_truncation(b, 42);
  const std::vector<double>& amounts = a.contract.years[0].benchmark.truncate_by_year;
  ASSERT_EQ(amounts.size(), 4u);
  EXPECT_EQ(amounts, b.contract.years[1].benchmark.truncate_by_year);  // same seed, same bits
  EXPECT_EQ(a.tallies.thresholds.size(), 5u);
  for (double x : amounts) {
    EXPECT_EQ(x, static_cast<double>(static_cast<float>(x)));  // as the engine compares
    EXPECT_NE(std::find(a.tallies.thresholds.begin(), a.tallies.thresholds.end(), x),
              a.tallies.thresholds.end());
  }
  // Another seed draws another pilot.
  scenario::Scenario c = lognormal_world();
  engine::resolve_truncation(c, 43);
  EXPECT_NE(c.contract.years[0].benchmark.truncate_by_year, amounts);
  // Too many years for the tally thresholds: a clear error.
  scenario::Scenario d = lognormal_world();
  for (int t = 0; t < 13; ++t) d.tallies.thresholds.push_back(1.0e6 + t);
  EXPECT_THROW(engine::resolve_truncation(d, 42), InputError);
}

// A pilot given the amounts it gave before (a results file's, run/stored_pilot.hpp) answers those
// levels from them, whatever they are, without simulating; another level is simulated and equals
// a fresh pilot's; amounts() lists the known levels, then the new, in order.
TEST(Truncation, KnownAmountsAnswerTheirLevelsAndOthersAreSimulated) {
  const scenario::Scenario s = lognormal_world();
  engine::TruncationPilot::Amounts known;
  known.level = 0.95;
  known.by_year = {123.0, 456.0, 789.0, 1011.0};  // not the pilot's: proof they are not remade
  const engine::TruncationPilot remembered(s, 42, {known});
  EXPECT_EQ(remembered.percentile(0.95), known.by_year);
  EXPECT_TRUE(remembered.percentile_by_type(0.95).empty());
  const engine::TruncationPilot fresh(s, 42);
  EXPECT_EQ(remembered.percentile(0.9), fresh.percentile(0.9));
  EXPECT_EQ(remembered.units(0), fresh.units(0));
  const std::vector<engine::TruncationPilot::Amounts> asked = remembered.amounts();
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0].level, 0.95);
  EXPECT_EQ(asked[0].by_year, known.by_year);
  EXPECT_EQ(asked[1].level, 0.9);
  EXPECT_EQ(asked[1].by_year, fresh.percentile(0.9));
}

}  // namespace
}  // namespace apmsim
