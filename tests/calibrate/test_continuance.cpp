// Continuance tables: the empirical severity built from a table reproduces every band's share of
// members and average cost (exactly, as a table; within 1e-3 as the engine's normal-score grid
// samples it), whether the table gives averages or limited expected values; the engine's
// simulated limited means at the band bounds match the table's within 3 standard errors; bad
// tables are refused with their place.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "../support/reference_scenario.hpp"
#include "../support/temp_folder.hpp"
#include "analysis/moments.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/continuance.hpp"
#include "engine/cpu_engine.hpp"

namespace apmsim {
namespace {

// A commercial-plan-like table (shares of members, average annual cost per band), in the shape
// of the CMS actuarial value calculator's continuance tables.
const char* kTable =
    "upper,share,average\n"
    "0,0.16,0\n"
    "500,0.22,210\n"
    "1000,0.12,730\n"
    "2500,0.16,1620\n"
    "5000,0.12,3550\n"
    "10000,0.09,7050\n"
    "25000,0.07,15200\n"
    "50000,0.035,34500\n"
    "100000,0.015,68000\n"
    ",0.01,190000\n";

class Continuance : public ::testing::Test {
 protected:
  testing::TempFolder dir{"continuance_"};
  std::string write(const std::string& text) {
    const std::string path = dir.file("table.csv");
    std::ofstream(path) << text;
    return path;
  }
};

void expect_reproduces(const calibrate::ContinuanceFit& fit) {
  EXPECT_NEAR(fit.p_any, 0.84, 1e-12);
  EXPECT_LT(fit.max_share_error, 1e-9);
  EXPECT_LT(fit.max_average_error, 1e-9);
  EXPECT_LT(fit.grid_max_average_error, 1e-3);
  // The open band: a generalised Pareto tail above 100,000 with mean excess 90,000.
  EXPECT_TRUE(fit.table.has_tail());
  EXPECT_NEAR(fit.table.tail_probability() * 0.84, 0.01, 1e-12);
  EXPECT_NEAR(fit.table.tail_scale() / (1.0 - fit.table.tail_shape()), 90000.0, 1e-6);
}

TEST_F(Continuance, ReproducesSharesAndAverages) {
  const std::string path = write(kTable);
  expect_reproduces(calibrate::fit_continuance(calibrate::read_continuance(path), path));
}

TEST_F(Continuance, ReadsLimitedExpectedValuesAndPercentages) {
  // The same table as percentages with LEV(upper) = E[min(X, upper)] over all members.
  const auto bands = calibrate::read_continuance(write(kTable));
  std::string text = "upper,share,lev\n";
  double below = 0.0, partial = 0.0;
  for (const auto& b : bands) {
    below += b.share;
    partial += b.share * b.average;
    const double lev = std::isinf(b.upper) ? partial : partial + b.upper * (1.0 - below);
    char line[128];
    std::snprintf(line, sizeof line, "%s,%.10g,%.12g\n", std::isinf(b.upper) ? "inf" : std::to_string(b.upper).c_str(),
                  100.0 * b.share, lev);
    text += line;
  }
  const std::string path = write(text);
  expect_reproduces(calibrate::fit_continuance(calibrate::read_continuance(path), path));
}

TEST_F(Continuance, SimulatedLimitedMeansMatchTheTable) {
  const std::string path = write(kTable);
  const calibrate::ContinuanceFit fit = calibrate::fit_continuance(calibrate::read_continuance(path), path);
  scenario::Scenario s = testing::single_stratum_scenario();
  scenario::Stratum& st = s.strata[0];
  st.severity = scenario::Severity::Empirical;
  st.p_any = fit.p_any;
  st.cat_prob = 0.0;
  st.probabilities = fit.table.probabilities();
  st.quantiles = fit.table.quantiles();
  st.tail_scale = fit.table.tail_scale();
  st.tail_shape = fit.table.tail_shape();
  s.simulation.replications = 200;
  s.tallies.thresholds = {500.0, 2500.0, 10000.0, 50000.0, 100000.0};
  const engine::Model m = engine::build_model(s);
  const engine::CpuEngine cpu(m, 2);
  engine::BatchTallies b;
  cpu.run_batch(0, s.simulation.replications, b);
  for (std::size_t k = 0; k < s.tallies.thresholds.size(); ++k) {
    analysis::RunningMoments lev;
    for (std::uint64_t r = 0; r < b.replications; ++r) {
      double units = 0.0, capped = 0.0;
      for (int y = 0; y < b.years; ++y) {
        units += b.record(r, 0, y)[model::TallyLayout::kUnits];
        capped += b.record(r, 0, y)[m.layout.capped_field(int(k))];
      }
      lev.add(capped / units);
    }
    const double exact = fit.p_any * fit.table.limited_mean(s.tallies.thresholds[k]);
    EXPECT_NEAR(lev.mean(), exact, 3.0 * lev.standard_error()) << s.tallies.thresholds[k];
  }
}

TEST_F(Continuance, RefusesBadTables) {
  const auto refusal = [&](const std::string& text) {
    try {
      calibrate::read_continuance(write(text));
    } catch (const calibrate::DataError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(refusal("upper,share\n100,1\n").find("one of 'average' or 'lev'"), std::string::npos);
  EXPECT_NE(refusal("upper,share,average\n100,0.5,50\n200,0.4,150\n").find("sum to"), std::string::npos);
  EXPECT_NE(refusal("upper,share,average\n100,0.5,50\n50,0.5,70\n").find("table.csv:3:1"), std::string::npos);
  EXPECT_NE(refusal("upper,share,average\n100,0.5,150\n200,0.5,150\n").find("must lie inside the band"),
            std::string::npos);
  EXPECT_NE(refusal("upper,share,average\n100,abc,50\n").find("table.csv:2:2"), std::string::npos);
}

}  // namespace
}  // namespace apmsim
