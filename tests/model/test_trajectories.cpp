// Patient dynamics through the model API: frailty is stationary N(0, tau^2) with lag-1
// correlation rho (times the survival probability 1 - churn), churn replaces patients at its rate,
// and stratum transitions move shares as the matrix says. Tolerances: 4 standard errors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../support/reference_scenario.hpp"
#include "engine/model.hpp"
#include "model/unit.hpp"

namespace apmsim::model {
namespace {

using S = ScalarLanes;

struct NullSink {
  void add(int, int, double) {}
  void count(int, int, bool) {}
  void patient(int, int, bool, bool) {}
};

// Follows `n` patient slots for the scenario's years, recording each year's state.
std::vector<std::vector<PatientState<S>>> follow(const scenario::Scenario& sc, int n) {
  const engine::Model m = engine::build_model(sc);
  const EntityShape& shape = m.entities[0].shape;
  std::vector<EntityYear> ey(m.years(), EntityYear{0.0f, 1.0f, 1.0f, 1.0f, {}, {}, 0xffffffffu});
  std::vector<std::vector<PatientState<S>>> states(m.years(), std::vector<PatientState<S>>(n));
  NullSink sink;
  for (int i = 0; i < n; ++i) {
    PatientState<S> st = initial_state<S>();
    for (int k = 0; k < m.years(); ++k) {
      unit_year<S>(m.params, m.layout, shape, ey[k], key_from_seed(7), 3, 0, k, std::uint32_t(i),
                   true, k == 0, st, sink);
      states[k][i] = st;
    }
  }
  return states;
}

TEST(Trajectories, FrailtyStationaryWithAutocorrelationRhoTimesSurvival) {
  scenario::Scenario sc = testing::single_stratum_scenario();
  sc.simulation.baseline_years = 3;
  sc.simulation.performance_years = 3;
  const double tau = sc.patients.frailty_sd, rho = sc.patients.frailty_rho,
               churn = sc.patients.churn;
  const int n = 200000;
  const auto states = follow(sc, n);
  for (std::size_t k = 0; k < states.size(); ++k) {
    double m2 = 0.0;
    for (const auto& st : states[k]) m2 += double(st.frailty) * st.frailty;
    // Var of the sample variance of a normal: 2 tau^4 / n.
    EXPECT_NEAR(m2 / n, tau * tau, 4.0 * std::sqrt(2.0 / n) * tau * tau) << "year " << k;
  }
  for (std::size_t k = 1; k < states.size(); ++k) {
    double c = 0.0;
    for (int i = 0; i < n; ++i) c += double(states[k - 1][i].frailty) * states[k][i].frailty;
    const double corr = c / n / (tau * tau);
    // Correlation estimate sd about (1 + r^2) / sqrt(n) at worst.
    EXPECT_NEAR(corr, rho * (1.0 - churn), 4.0 * 2.0 / std::sqrt(double(n))) << "year " << k;
  }
}

TEST(Trajectories, ChurnReplacesPatientsAtItsRate) {
  scenario::Scenario sc = testing::single_stratum_scenario();
  sc.patients.adherence_sd = 1.0;  // a new patient gets new adherence: that is how we see churn
  const int n = 100000;
  const auto states = follow(sc, n);
  for (std::size_t k = 1; k < states.size(); ++k) {
    int changed = 0;
    for (int i = 0; i < n; ++i)
      changed += states[k][i].adherence_dev != states[k - 1][i].adherence_dev;
    const double p = sc.patients.churn;
    EXPECT_NEAR(changed / double(n), p, 4.0 * std::sqrt(p * (1 - p) / n)) << "year " << k;
  }
}

TEST(Trajectories, TransitionsMoveStrataByTheMatrix) {
  scenario::Scenario sc = testing::single_stratum_scenario();
  sc.patients.churn = 0.0;
  scenario::Stratum second = sc.strata[0];
  second.name = "sicker";
  sc.strata[0].share = 0.8;
  second.share = 0.2;
  sc.strata[0].transition = {0.9, 0.1};
  second.transition = {0.05, 0.95};
  sc.strata.push_back(second);
  const int n = 200000;
  const auto states = follow(sc, n);
  double share = 0.2;
  for (std::size_t k = 0; k < states.size(); ++k) {
    if (k > 0) share = share * 0.95 + (1.0 - share) * 0.1;
    int sicker = 0;
    for (const auto& st : states[k]) sicker += st.stratum == 1;
    EXPECT_NEAR(sicker / double(n), share, 4.0 * std::sqrt(share * (1 - share) / n))
        << "year " << k;
  }
}

}  // namespace
}  // namespace apmsim::model
