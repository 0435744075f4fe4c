// Solving for a term (run/solve.hpp) on common random numbers: the withhold rate for an expected
// forfeit on stored tallies (the forfeit is linear in the rate: the exact answer is known), and
// the stop-loss attachment for a loaded premium per member-month by simulation, whose answer
// holds on other seeds within the reported standard errors. Unbracketed targets and unknown
// figures are refused with what exists.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "run/price.hpp"
#include "run/simulate.hpp"
#include "run/solve.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"
#include "scenario/sweep.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::run {
namespace {

scenario::Scenario monitor() {
  return scenario::load_scenario(std::string(APMSIM_SOURCE_DIR) +
                                 "/scenarios/monitor_capitation.toml");
}

//! The withhold rate in [low, high] whose expected forfeit over the agreement is `target`.
SolveSpec forfeit_spec(double low, double high, double target) {
  SolveSpec spec;
  spec.vary = {{"contract.withhold.rate", 1.0}};
  spec.low = low;
  spec.high = high;
  spec.figure = parse_figure("contract_portfolio:participants:agreement:forfeited", "--target");
  spec.target = target;
  return spec;
}

RunSettings seeded(std::uint64_t seed, std::uint64_t replications) {
  RunSettings o;
  o.seed = seed;
  o.replications = replications;
  o.batch_size = 8;
  return o;
}

// The forfeit is the rate times the base payment times (1 - earn share), and neither depends on
// the rate: the solution is target / (forfeit per unit rate), on the stored replications.
TEST(Solve, WithholdRateForAnExpectedForfeitOnStoredTallies) {
  RunSettings o = seeded(11, 16);
  o.keep_tallies = true;
  const analysis::Results stored = simulate(monitor(), o);
  const scenario::Scenario base =
      priced_scenario(stored, "run.h5", own_terms(stored.scenario_text, "run.h5"), "terms.toml");
  const SolveSpec spec = forfeit_spec(0.01, 0.4, 3.0e6);
  const Evaluate on_stored = [&](const scenario::Scenario& s) { return price(stored, "run.h5", s, {}); };
  const Solution sol = solve(base, spec, on_stored);
  const double rate = 0.1;
  const auto [at_rate, se_at_rate] = figure_value(
      on_stored(scenario::with_values(base, {{"contract.withhold.rate", "0.1"}}, "test")), spec.figure);
  ASSERT_GT(at_rate, 0.0);
  EXPECT_NEAR(sol.x, spec.target / at_rate * rate, 1e-5 * sol.x);
  EXPECT_NEAR(sol.slope, at_rate / rate, 1e-6 * sol.slope);
  EXPECT_NEAR(sol.se, sol.estimate_se / sol.slope, 1e-9 * sol.se);
  EXPECT_NEAR(sol.se / sol.x, se_at_rate / at_rate, 1e-6);  // linear: the same relative error
}

// The attachment whose loaded premium is 40 per member-month, solved by simulation at one seed;
// at that attachment another seed's premium is the target within three combined standard errors,
// and solving at that seed lands within three combined errors of the first answer.
TEST(Solve, AttachmentForALoadedPremiumHoldsOnAnotherSeed) {
  const scenario::Scenario base = monitor();
  SolveSpec spec;
  spec.vary = {{"contract.stop_loss.attachment", 1.0}};
  spec.low = 10000;
  spec.high = 60000;
  spec.figure = parse_figure(
      "risk/stop_loss_exhibit:contract stop-loss:agreement:loaded_premium_pmpm", "--target");
  spec.target = 40;
  spec.tolerance = 1e-4;
  const auto on_seed = [](std::uint64_t seed) {
    return Evaluate([seed](const scenario::Scenario& s) { return simulate(s, seeded(seed, 24)); });
  };
  const Solution a = solve(base, spec, on_seed(1));
  EXPECT_NEAR(a.estimate, 40.0, 0.05 * a.estimate_se + 1e-3);  // converged on its own draws
  EXPECT_LT(a.slope, 0.0);                                     // higher attachment, less premium
  EXPECT_GT(a.se, 0.0);
  const std::string x = scenario::toml_float(a.x);
  const auto [other, other_se] = figure_value(
      simulate(scenario::with_values(base, {{"contract.stop_loss.attachment", x}}, "test"),
               seeded(2, 24)),
      spec.figure);
  EXPECT_LT(std::fabs(other - 40.0), 3 * std::hypot(a.estimate_se, other_se));
  const Solution b = solve(base, spec, on_seed(2));
  EXPECT_LT(std::fabs(b.x - a.x), 3 * std::hypot(a.se, b.se)) << a.x << " vs " << b.x;
  EXPECT_NE(a.x, b.x);  // different draws, different answers
}

TEST(Solve, RefusesAnUnbracketedTargetAndNamesWhatExists) {
  const scenario::Scenario base = monitor();
  SolveSpec spec = forfeit_spec(0.01, 0.02, 1e12);
  const Evaluate run = [](const scenario::Scenario& s) { return simulate(s, seeded(3, 4)); };
  try {
    solve(base, spec, run);
    ADD_FAILURE() << "an unbracketed target was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("widen --between"), std::string::npos) << e.what();
  }
  spec.target = 1e5;
  spec.figure = parse_figure("contract_portfolio:participants:agreement:forfited", "--target");
  try {
    solve(base, spec, run);
    ADD_FAILURE() << "an unknown quantity was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("forfeited"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_figure("headline:participants:agreement", "--target"), InputError);
}

}  // namespace
}  // namespace apmsim::run
