// The engine's per-unit cost against closed forms (DESIGN 3.6): mean, second moment, P(any
// cost), catastrophic rate and share, E[min(cost, A)]. Each replication gives one independent
// estimate (averaged over its units and years); tolerances are 4 standard errors of the mean
// over replications, so a correct engine fails a given check with probability about 6e-5.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "../support/reference_scenario.hpp"
#include "analysis/moments.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "model/tally_layout.hpp"

namespace apmsim {
namespace {

using model::TallyLayout;

// Pareto draws use U on the grid (k + 1/2) 2^-23, its smallest point refined twice (unit.hpp,
// refined_small_uniform): k >= 1 at (k + 1/2) 2^-23, else (k + 1/2) 2^-46 for k >= 1, else
// (k + 1/2) 2^-69. The exact moments are averages over that grid.
double pareto_moment(double scale, double shape, const std::function<double(double)>& f) {
  const int n = 1 << 23;
  const auto level = [&](double width, int from) {
    double sum = 0.0;
    for (int k = from; k < n; ++k) sum += f(scale * std::pow((k + 0.5) / n * width, -1.0 / shape));
    return sum / n;
  };
  const double w1 = 1.0 / n, w2 = w1 / n;
  return level(1.0, 1) + (level(w1, 1) + level(w2, 0) / n) / n;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Per replication: sum over years and providers of a ratio of two tally fields.
struct Estimates {
  std::function<double(const double*)> numerator, denominator;
  analysis::RunningMoments moments;
};

void run_and_estimate(const scenario::Scenario& s, std::vector<Estimates*> estimates) {
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 2);
  engine::BatchTallies b;
  cpu.run_batch(0, s.simulation.replications, b);
  for (std::uint64_t r = 0; r < b.replications; ++r) {
    for (Estimates* e : estimates) {
      double num = 0.0, den = 0.0;
      for (int y = 0; y < b.years; ++y) {
        num += e->numerator(b.record(r, 0, y));
        den += e->denominator(b.record(r, 0, y));
      }
      e->moments.add(num / den);
    }
  }
}

Estimates per_unit(int field) {
  return Estimates{[field](const double* t) { return t[field]; },
                   [](const double* t) { return t[TallyLayout::kUnits]; },
                   {}};
}

void expect_within(const analysis::RunningMoments& m, double exact, const char* what) {
  EXPECT_NEAR(m.mean(), exact, 4.0 * m.standard_error())
      << what << ": estimate " << m.mean() << " +/- " << m.standard_error() << ", exact " << exact;
  EXPECT_GT(m.standard_error(), 0.0) << what;
}

TEST(CostMoments, MeanSecondMomentAnyCostAndCatastrophicMatchClosedForms) {
  scenario::Scenario s = testing::single_stratum_scenario();
  // Mean-one shocks switched on: they must not move the mean.
  s.regions[0].shock_sd = 0.05;
  s.regions[0].initial_sd = 0.05;
  s.provider_groups[0].efficiency_sd = 0.1;
  const scenario::Stratum& st = s.strata[0];
  const double tau = s.patients.frailty_sd;
  const double body_mean = st.p_any * st.mean;
  const double cat_mean =
      st.cat_prob * pareto_moment(st.cat_scale, st.cat_shape, [](double x) { return x; });
  // E[body^2 | any] = mean^2 (1 + cv^2) e^{tau^2} e^{Var v} e^{sd_e^2}: each mean-one lognormal
  // factor exp(X - s^2/2) has second moment e^{s^2}. Regional variance is averaged over years.
  const engine::Model m = engine::build_model(s);
  double var_v = 0.0;
  for (double v : m.regions[0].variance) var_v += std::exp(v);
  var_v /= m.regions[0].variance.size();
  const double body2 = st.p_any * st.mean * st.mean * (1.0 + st.cv * st.cv) * std::exp(tau * tau) *
                       var_v * std::exp(0.1 * 0.1);
  const double cat2 =
      st.cat_prob * pareto_moment(st.cat_scale, st.cat_shape, [](double x) { return x * x; });
  const double second = body2 + 2.0 * body_mean * cat_mean + cat2;

  Estimates mean = per_unit(TallyLayout::kCost), sq = per_unit(TallyLayout::kCostSquared),
            any = per_unit(TallyLayout::kAnyCost), cat = per_unit(TallyLayout::kCatastrophic),
            cat_cost = per_unit(TallyLayout::kCatastrophicCost),
            cf = per_unit(TallyLayout::kCounterfactual);
  run_and_estimate(s, {&mean, &sq, &any, &cat, &cat_cost, &cf});
  expect_within(mean.moments, body_mean + cat_mean, "mean cost");
  expect_within(cf.moments, body_mean + cat_mean, "counterfactual (non-participant: equals cost)");
  expect_within(sq.moments, second, "second moment");
  expect_within(any.moments, 1.0 - (1.0 - st.p_any) * (1.0 - st.cat_prob), "P(any cost)");
  expect_within(cat.moments, st.cat_prob, "catastrophic rate");
  expect_within(cat_cost.moments, cat_mean, "catastrophic cost per unit");
}

// Runs the scenario once and checks E[min(cost, A)] per unit for every threshold A.
void expect_capped_costs(const scenario::Scenario& s, const std::function<double(double)>& exact,
                         const char* what) {
  const engine::Model m = engine::build_model(s);
  std::vector<Estimates> capped;
  for (int t = 0; t < m.layout.thresholds; ++t)
    capped.push_back(per_unit(m.layout.capped_field(t)));
  std::vector<Estimates*> all;
  for (auto& c : capped) all.push_back(&c);
  run_and_estimate(s, all);
  for (int t = 0; t < m.layout.thresholds; ++t)
    expect_within(capped[t].moments, exact(s.tallies.thresholds[t]), what);
}

TEST(CostMoments, CappedCostOfLognormalBody) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.strata[0].cat_prob = 0.0;
  s.tallies.thresholds = {2000.0, 20000.0, 100000.0};
  const scenario::Stratum& st = s.strata[0];
  // Body: lognormal with log-sd sqrt(sigma^2 + tau^2) and the stratum's mean.
  const double s2 = std::log1p(st.cv * st.cv) + s.patients.frailty_sd * s.patients.frailty_sd;
  const double sd = std::sqrt(s2), mu = std::log(st.mean) - s2 / 2.0;
  expect_capped_costs(
      s,
      [&](double a) {
        return st.p_any * (st.mean * normal_cdf((std::log(a) - mu - s2) / sd) +
                           a * (1.0 - normal_cdf((std::log(a) - mu) / sd)));
      },
      "E[min(lognormal cost, A)]");
}

// The truncated second moment, sum min(cost, A)^2 (the size-based minimum rate's cv on truncated
// cost): E[X^2; X < A] + A^2 P(X >= A) for the lognormal body,
// exp(2 mu + 2 s^2) Phi((ln A - mu - 2 s^2) / s) + A^2 (1 - Phi((ln A - mu) / s)), times p_any.
TEST(CostMoments, CappedSecondMomentOfLognormalBody) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.strata[0].cat_prob = 0.0;
  s.tallies.thresholds = {2000.0, 20000.0};
  const scenario::Stratum& st = s.strata[0];
  const double s2 = std::log1p(st.cv * st.cv) + s.patients.frailty_sd * s.patients.frailty_sd;
  const double sd = std::sqrt(s2), mu = std::log(st.mean) - s2 / 2.0;
  const engine::Model m = engine::build_model(s);
  std::vector<Estimates> squared;
  for (int t = 0; t < m.layout.thresholds; ++t)
    squared.push_back(per_unit(m.layout.capped_squared_field(t)));
  std::vector<Estimates*> all;
  for (auto& e : squared) all.push_back(&e);
  run_and_estimate(s, all);
  for (int t = 0; t < m.layout.thresholds; ++t) {
    const double a = s.tallies.thresholds[static_cast<std::size_t>(t)];
    const double exact =
        st.p_any * (std::exp(2.0 * mu + 2.0 * s2) * normal_cdf((std::log(a) - mu - 2.0 * s2) / sd) +
                    a * a * (1.0 - normal_cdf((std::log(a) - mu) / sd)));
    expect_within(squared[static_cast<std::size_t>(t)].moments, exact, "E[min(lognormal, A)^2]");
  }
}

TEST(CostMoments, CappedCostOfParetoAddOn) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.strata[0].p_any = 0.0;
  s.strata[0].cat_prob = 0.3;
  s.strata[0].cat_shape = 2.2;  // heavy tail: capped moments stay finite and testable
  s.tallies.thresholds = {80000.0, 400000.0};
  const scenario::Stratum& st = s.strata[0];
  expect_capped_costs(
      s,
      [&](double a) {
        return st.cat_prob *
               pareto_moment(st.cat_scale, st.cat_shape, [a](double x) { return std::min(x, a); });
      },
      "E[min(Pareto, A)]");
}

TEST(CostMoments, InterventionEffectAndTrend) {
  scenario::Scenario s = testing::single_stratum_scenario();
  s.strata[0].cat_prob = 0.0;
  s.simulation.trend = 0.05;
  s.provider_groups[0].participant = true;
  s.provider_groups[0].effect_mean = 0.1;
  s.provider_groups[0].effect_sd = 0.0;
  s.provider_groups[0].effect_ramp = {0.5, 1.0};
  const double base = s.strata[0].p_any * s.strata[0].mean;
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 2);
  engine::BatchTallies b;
  cpu.run_batch(0, s.simulation.replications, b);
  const double ramp[] = {0.0, 0.0, 0.5, 1.0};
  for (int y = 0; y < 4; ++y) {
    analysis::RunningMoments cost, cf;
    for (std::uint64_t r = 0; r < b.replications; ++r) {
      const double* t = b.record(r, 0, y);
      cost.add(t[TallyLayout::kCost] / t[TallyLayout::kUnits]);
      cf.add(t[TallyLayout::kCounterfactual] / t[TallyLayout::kUnits]);
    }
    const double trend = std::pow(1.05, y);
    expect_within(cf, base * trend, "counterfactual with trend");
    expect_within(cost, base * trend * std::exp(-0.1 * ramp[y]), "cost with effect");
  }
}

}  // namespace
}  // namespace apmsim
