// Parameter risk from calibrate to run (docs/calibration.md, "Parameter risk"): `apmsim
// calibrate` writes [parameter_risk] for the claims in scenarios/claims, and a run that draws
// from it spreads the portfolio cost over replications by the parameters' variance. The second
// method is a closed form: the expected portfolio cost given a draw's parameters, mu(theta) =
// sum_k N (1 + trend)^k sum_s pi_s(k) p_any_s m_s (every shock is mean-one; pi(0) the shares,
// pi(k + 1) = churn shares + (1 - churn) pi(k) T; m_s the empirical body's mean on the engine's
// score grid), at the same draws the run makes.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "engine/parameter_draws.hpp"
#include "io/results_file.hpp"
#include "model/params.hpp"
#include "model/tally_layout.hpp"
#include "run_cli.hpp"
#include "scenario/load.hpp"
#include "scenario/parameter_risk.hpp"
#include "stats/severity.hpp"

namespace apmsim::cli_test {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

//! The portfolio's expected cost over all years given the scenario's parameters (see above).
double expected_cost(const scenario::Scenario& s) {
  double units = 0.0;
  for (const scenario::ProviderGroup& g : s.provider_groups)
    units += double(g.count) * g.panel_size;
  const std::size_t S = s.strata.size();
  std::vector<double> level(S), pi(S), shares(S);
  for (std::size_t j = 0; j < S; ++j) {
    const scenario::Stratum& st = s.strata[j];
    const stats::QuantileTable table(st.probabilities, st.quantiles, st.tail_scale, st.tail_shape);
    level[j] = st.p_any * stats::ScoreGrid(table, model::kScoreCells, model::kScoreLimit).mean();
    pi[j] = shares[j] = st.share;
  }
  double total = 0.0;
  for (int k = 0; k < s.simulation.years(); ++k) {
    double per_unit = 0.0;
    for (std::size_t j = 0; j < S; ++j) per_unit += pi[j] * level[j];
    total += units * std::pow(1.0 + s.simulation.trend, k) * per_unit;
    std::vector<double> next(S);
    for (std::size_t i = 0; i < S; ++i)
      for (std::size_t j = 0; j < S; ++j) {
        const auto& row = s.strata[i].transition;
        const double t = row.empty() ? (i == j ? 1.0 : 0.0) : row[j];
        next[j] += (1.0 - s.patients.churn) * pi[i] * t;
      }
    for (std::size_t j = 0; j < S; ++j) pi[j] = next[j] + s.patients.churn * shares[j];
  }
  return total;
}

//! Per replication: the cost summed over every entity and year of the run's tallies.
std::vector<double> portfolio_costs(const std::string& results) {
  const analysis::Results r = io::read_results(results);
  const analysis::TallyDump& t = r.tallies;
  const std::size_t fields = t.fields.size(), per_rep = std::size_t(t.entities) * t.years;
  std::vector<double> cost(t.replications, 0.0);
  for (std::size_t rep = 0; rep < t.replications; ++rep)
    for (std::size_t i = 0; i < per_rep; ++i)
      cost[rep] += t.values[(rep * per_rep + i) * fields + model::TallyLayout::kCost];
  return cost;
}

double mean(const std::vector<double>& x) {
  double m = 0.0;
  for (double v : x) m += v;
  return m / double(x.size());
}

double variance(const std::vector<double>& x) {
  const double m = mean(x);
  double v = 0.0;
  for (double e : x) v += (e - m) * (e - m);
  return v / double(x.size() - 1);
}

double covariance(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = mean(x), my = mean(y);
  double c = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) c += (x[i] - mx) * (y[i] - my);
  return c / double(x.size() - 1);
}

TEST(CliParameterRisk, CalibratedDrawsSpreadTheCostByTheParametersVariance) {
  TempFolder dir;
  const CliResult cal =
      run_cli({"calibrate", std::string(APMSIM_SOURCE_DIR) + "/scenarios/claims/example_claims.csv",
               "--out", dir.file("pop.toml")});
  ASSERT_EQ(cal.exit_code, 0) << cal;
  std::string text = read_text(dir.file("pop.toml"));
  const std::string off = "parameter_risk = false";
  ASSERT_NE(text.find(off), std::string::npos);
  // A draw per replication: the closed form below sees every draw the run makes.
  text.replace(text.find(off), off.size(), "parameter_risk = true\nparameter_block = 1");
  std::ofstream(dir.file("on.toml")) << text;
  const std::uint64_t n = 400, seed = 5;
  for (const char* name : {"pop", "on"}) {
    const CliResult r =
        run_cli({"run", dir.file(std::string(name) + ".toml"), "--replications", std::to_string(n),
                 "--seed", std::to_string(seed), "--write-tallies", "--quiet", "--out",
                 dir.file(std::string(name) + ".h5")},
                "", 300.0);
    ASSERT_EQ(r.exit_code, 0) << r;
  }
  const std::vector<double> fixed = portfolio_costs(dir.file("pop.h5"));
  const std::vector<double> drawn = portfolio_costs(dir.file("on.h5"));
  ASSERT_EQ(drawn.size(), n);

  // The closed form at the central estimates and at each replication's draw.
  const scenario::Scenario s = scenario::parse_scenario(text, dir.file("on.toml"));
  const scenario::ParameterDraws draws(s);
  const double mu0 = expected_cost(s);
  std::vector<double> mu, residual;
  for (std::uint64_t r = 0; r < n; ++r) {
    mu.push_back(expected_cost(draws.at(engine::parameter_normals(seed, r, draws.groups()))));
    residual.push_back(drawn[r] - mu.back());
  }
  const double var_fixed = variance(fixed), var_drawn = variance(drawn), var_mu = variance(mu);
  const double var_residual = variance(residual);
  std::cout << "portfolio cost: sd " << std::sqrt(var_fixed) << " at the estimates, "
            << std::sqrt(var_drawn) << " with parameter risk; parameters' sd (closed form) "
            << std::sqrt(var_mu) << ", residual " << std::sqrt(var_residual) << ", 2 cov "
            << 2.0 * covariance(mu, residual) << "; mean " << mean(fixed) << " against " << mu0
            << ", residual mean " << mean(residual) << "\n";

  // The closed form is the simulation's mean, at the estimates and draw by draw: within 4
  // standard errors (sd / sqrt(n)).
  EXPECT_LT(std::fabs(mean(fixed) - mu0), 4.0 * std::sqrt(var_fixed / double(n)));
  EXPECT_LT(std::fabs(mean(residual)), 4.0 * std::sqrt(var_residual / double(n)));
  // The spread grows by the parameters' variance: Var(drawn) = Var(mu) + Var(residual) +
  // 2 Cov(mu, residual), where the covariance is 0 in expectation with a standard error of
  // about sd(mu) sd(residual) / sqrt(n); within 4 of them.
  const double cross = 2.0 * covariance(mu, residual);
  EXPECT_LT(std::fabs(cross), 4.0 * 2.0 * std::sqrt(var_mu * var_residual / double(n)));
  // The residual is the process noise the run at the estimates has (common random numbers:
  // the same units' draws), within 10%.
  EXPECT_NEAR(var_residual / var_fixed, 1.0, 0.1);
  // So Var(drawn) is Var(fixed) + Var(mu) within those terms, and well above Var(fixed).
  EXPECT_LT(std::fabs(var_drawn - var_fixed - var_mu),
            0.1 * var_fixed + 4.0 * 2.0 * std::sqrt(var_mu * var_residual / double(n)));
  EXPECT_GT(var_mu, var_fixed);
}

}  // namespace
}  // namespace apmsim::cli_test
