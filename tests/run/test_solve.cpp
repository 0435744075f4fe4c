// Solving for a term (run/solve.hpp) on common random numbers: the withhold rate for an expected
// forfeit on stored tallies (the forfeit is linear in the rate: the exact answer is known), and
// the stop-loss attachment for a loaded premium per member-month by simulation, whose answer
// holds on other seeds within the reported standard errors. A step that makes only its figure's
// table makes it bit for bit as a full run does. Unbracketed targets and unknown figures are
// refused with what exists.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

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
  const Evaluate on_stored = [&](const scenario::Scenario& s, const analysis::TablesNeeded& t) {
    RunSettings settings;
    settings.tables = t;
    return price(stored, "run.h5", s, settings);
  };
  const Solution sol = solve(base, spec, on_stored);
  const double rate = 0.1;
  const auto [at_rate, se_at_rate] = figure_value(
      on_stored(scenario::with_values(base, {{"contract.withhold.rate", "0.1"}}, "test"), {}),
      spec.figure);
  ASSERT_GT(at_rate, 0.0);
  EXPECT_NEAR(sol.x, spec.target / at_rate * rate, 1e-5 * sol.x);
  EXPECT_NEAR(sol.slope, at_rate / rate, 1e-6 * sol.slope);
  EXPECT_NEAR(sol.se, sol.estimate_se / sol.slope, 1e-9 * sol.se);
  EXPECT_NEAR(sol.se / sol.x, se_at_rate / at_rate, 1e-6);  // linear: the same relative error
}

//! The same doubles, NaN where NaN.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

// A solve step makes only its figure's table (RunSettings::tables): each table so made, and each
// headline figure alone, is the full run's bit for bit; and a solve whose steps make everything
// takes the same steps to the same answer.
TEST(Solve, AFigureAloneIsTheFullRunsBitForBit) {
  RunSettings o = seeded(5, 16);
  o.keep_tallies = true;
  const analysis::Results stored = simulate(monitor(), o);
  const scenario::Scenario base =
      priced_scenario(stored, "run.h5", own_terms(stored.scenario_text, "run.h5"), "terms.toml");
  const auto priced = [&](const scenario::Scenario& s, const analysis::TablesNeeded& t) {
    RunSettings settings;
    settings.tables = t;
    return price(stored, "run.h5", s, settings);
  };
  const analysis::VariantSummary full = priced(base, {}).variants.front();
  const auto check = [&](const analysis::TablesNeeded& needed, const analysis::EstimateTable& want,
                         const analysis::EstimateTable& (*in)(const analysis::VariantSummary&,
                                                              const std::string&)) {
    const analysis::VariantSummary alone = priced(base, needed).variants.front();
    const analysis::EstimateTable& got = in(alone, needed.table);
    EXPECT_TRUE(same_bits(got.mean, want.mean)) << needed.table << " " << needed.quantity;
    EXPECT_TRUE(same_bits(got.se, want.se)) << needed.table << " " << needed.quantity;
  };
  const auto named = [](const analysis::VariantSummary& v,
                        const std::string& name) -> const analysis::EstimateTable& {
    if (name == "contract_portfolio") return v.contract_portfolio;
    if (name == "contract_provider") return v.contract_provider;
    const auto slash = name.find('/');
    const analysis::AnalysisTable* t = v.analysis_table(name.substr(0, slash), name.substr(slash + 1));
    static const analysis::EstimateTable none;
    return t ? t->table : none;
  };
  check({"contract_portfolio", ""}, full.contract_portfolio, named);
  check({"contract_provider", ""}, full.contract_provider, named);
  ASSERT_FALSE(full.analyses.empty());
  for (const analysis::AnalysisTable& t : full.analyses)
    check({t.analysis + "/" + t.name, ""}, t.table, named);
  for (const analysis::Quantity& q : full.headline.quantities) {
    const analysis::VariantSummary alone = priced(base, {"headline", q.name}).variants.front();
    const std::size_t k = full.headline.quantity(q.name);
    const std::size_t i = full.headline.index(k, 0, 0);
    const std::vector<double> want{full.headline.mean[i], full.headline.se[i]};
    EXPECT_TRUE(same_bits({alone.headline.mean[i], alone.headline.se[i]}, want)) << q.name;
  }
  // The solve: the same steps whether they make one table or all.
  const SolveSpec spec = forfeit_spec(0.01, 0.4, 3.0e6);
  const Solution one = solve(base, spec, priced);
  const Solution every = solve(base, spec, [&](const scenario::Scenario& s,
                                               const analysis::TablesNeeded&) {
    return priced(s, {});
  });
  ASSERT_EQ(one.evaluations.size(), every.evaluations.size());
  for (std::size_t i = 0; i < one.evaluations.size(); ++i) {
    EXPECT_EQ(one.evaluations[i].x, every.evaluations[i].x);
    EXPECT_EQ(one.evaluations[i].estimate, every.evaluations[i].estimate);
    EXPECT_EQ(one.evaluations[i].se, every.evaluations[i].se);
  }
  EXPECT_EQ(one.x, every.x);
  EXPECT_EQ(one.se, every.se);
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
    return Evaluate([seed](const scenario::Scenario& s, const analysis::TablesNeeded& t) {
      RunSettings settings = seeded(seed, 24);
      settings.tables = t;
      return simulate(s, settings);
    });
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
  const Evaluate run = [](const scenario::Scenario& s, const analysis::TablesNeeded&) {
    return simulate(s, seeded(3, 4));
  };
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
