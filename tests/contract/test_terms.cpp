// Contract terms against hand-computed cases and the seed documents' own numbers.
#include <gtest/gtest.h>

#include "contract/outcome_pot.hpp"
#include "contract/risk_sharing.hpp"

namespace apmsim::contract {
namespace {

// MSSP-like: 2% MSR, 50% first-dollar sharing, 10% cap; benchmark 10,000 per unit.
TEST(SharedSavings, FirstDollarAboveTheMinimumRate) {
  const SharingTerms t{0.02, 0.02, true, 0.5, 0.3, 0.10, 0.05};
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 9700.0), 150.0);    // 3% saved: half of 300
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 9850.0), 0.0);      // 1.5% < MSR: nothing
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 7000.0), 1000.0);   // 30% saved: capped at 10%
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 10100.0), 0.0);     // 1% loss < MLR
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 10400.0), -120.0);  // 4% loss: 30% of 400
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 13000.0), -500.0);  // capped at 5%
}

TEST(SharedSavings, ExcessSharingAndQualityScaling) {
  const SharingTerms t{0.02, 0.02, false, 0.5, 0.3, 0.10, 0.05};
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 9700.0), 50.0);       // half of (300 - 200)
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 9700.0, 0.8), 40.0);  // quality-scaled
  EXPECT_DOUBLE_EQ(shared_savings(t, 10000.0, 10400.0), -60.0);     // 30% of (400 - 200)
  const SharingTerms upside_only{0.02, 0.0, true, 0.5, 0.0, 0.10, 0.0};
  EXPECT_DOUBLE_EQ(shared_savings(upside_only, 10000.0, 12000.0), 0.0);  // glide path year 1
}

// Monitor 2016 sec. 7.3: gains and losses shared up to +/-10% of the budget, beyond which the
// commissioner carries them: a corridor where the provider bears everything within +/-10%.
TEST(Corridor, MonitorTenPercentGainLossShare) {
  const std::vector<CorridorBand> monitor{{-0.10, 0.10, 1.0}};
  const double budget = 1000000.0;
  EXPECT_DOUBLE_EQ(corridor_result(monitor, budget, 950000.0), 50000.0);     // 5% under budget
  EXPECT_DOUBLE_EQ(corridor_result(monitor, budget, 700000.0), 100000.0);    // gain capped at 10%
  EXPECT_DOUBLE_EQ(corridor_result(monitor, budget, 1080000.0), -80000.0);   // 8% over budget
  EXPECT_DOUBLE_EQ(corridor_result(monitor, budget, 1250000.0), -100000.0);  // loss floor at 10%
}

TEST(Corridor, AsymmetricBandsAddUp) {
  // Provider keeps 50% of savings 0-5%, 25% of 5-15%; bears 80% of losses 0-10%, nothing beyond.
  const std::vector<CorridorBand> bands{{0.0, 0.05, 0.5}, {0.05, 0.15, 0.25}, {-0.10, 0.0, 0.8}};
  EXPECT_NEAR(corridor_result(bands, 100.0, 90.0), 100.0 * (0.05 * 0.5 + 0.05 * 0.25), 1e-12);
  EXPECT_NEAR(corridor_result(bands, 100.0, 80.0), 100.0 * (0.05 * 0.5 + 0.10 * 0.25), 1e-12);
  EXPECT_NEAR(corridor_result(bands, 100.0, 104.0), -100.0 * 0.04 * 0.8, 1e-12);
  EXPECT_NEAR(corridor_result(bands, 100.0, 130.0), -100.0 * 0.10 * 0.8, 1e-12);
}

TEST(MinimumSavingsRate, MsspSizeBasedTable) {
  EXPECT_DOUBLE_EQ(mssp_minimum_savings_rate(5000), 0.039);  // band ends
  EXPECT_DOUBLE_EQ(mssp_minimum_savings_rate(5999), 0.036);
  EXPECT_DOUBLE_EQ(mssp_minimum_savings_rate(8000), 0.032);
  EXPECT_DOUBLE_EQ(mssp_minimum_savings_rate(20000), 0.025);
  EXPECT_NEAR(mssp_minimum_savings_rate(12499.5), 0.0285, 1e-12);  // mid-band: linear
  EXPECT_DOUBLE_EQ(mssp_minimum_savings_rate(60000), 0.020);
  EXPECT_DOUBLE_EQ(mssp_minimum_savings_rate(75000), 0.020);
  for (double n = 5000; n < 70000; n += 37)  // never rises with size
    EXPECT_LE(mssp_minimum_savings_rate(n + 37), mssp_minimum_savings_rate(n) + 1e-15) << n;
}

// Monitor 2016, Table 2 ("Example for linking payment to outcome in stages"): year 1 pot GBP 1m,
// outcome 1 pays 9% / 18% / 40% of the pot at Good / Improved / Excellent, outcome 2 is not yet
// linked; year 2 pot GBP 3m, outcome 1 18% / 25% / 50%, outcome 2 10% / 25% / 50%.
TEST(OutcomePot, MonitorTableTwoPhasedTiers) {
  const double good = 1.0, improved = 2.0, excellent = 3.0;  // threshold scores
  const PotMeasure year1_outcome1{{{good, 0.09}, {improved, 0.18}, {excellent, 0.40}}};
  const PotMeasure year1_outcome2{{}};
  const PotMeasure year2_outcome1{{{good, 0.18}, {improved, 0.25}, {excellent, 0.50}}};
  const PotMeasure year2_outcome2{{{good, 0.10}, {improved, 0.25}, {excellent, 0.50}}};
  const std::vector<PotMeasure> year1{year1_outcome1, year1_outcome2},
      year2{year2_outcome1, year2_outcome2};
  // The table's "Total" row: both outcomes at the same threshold.
  EXPECT_DOUBLE_EQ(pot_earned(1e6, year1, {good, good}), 90000.0);
  EXPECT_DOUBLE_EQ(pot_earned(1e6, year1, {improved, improved}), 180000.0);
  EXPECT_DOUBLE_EQ(pot_earned(1e6, year1, {excellent, excellent}), 400000.0);
  EXPECT_DOUBLE_EQ(pot_earned(3e6, year2, {good, good}), 840000.0);             // 28%
  EXPECT_DOUBLE_EQ(pot_earned(3e6, year2, {improved, improved}), 1500000.0);    // 50%
  EXPECT_DOUBLE_EQ(pot_earned(3e6, year2, {excellent, excellent}), 3000000.0);  // 100%
  // Mixed attainment and a score below Good.
  EXPECT_DOUBLE_EQ(pot_earned(3e6, year2, {excellent, 0.5}), 1500000.0);
  EXPECT_DOUBLE_EQ(pot_earned(3e6, year2, {improved, good}), 3e6 * 0.35);
}

TEST(OutcomePot, GateAndLinearScale) {
  const std::vector<PotMeasure> one{{{{0.6, 0.5}, {0.7, 1.0}}}};
  EXPECT_DOUBLE_EQ(pot_earned(100.0, one, {0.65}), 50.0);
  EXPECT_DOUBLE_EQ(pot_earned(100.0, one, {0.75}, 0.2, 0.3), 0.0);  // gate not passed
  EXPECT_DOUBLE_EQ(linear_earn(0.5, 0.4, 0.8), 0.25);
  EXPECT_DOUBLE_EQ(linear_earn(0.3, 0.4, 0.8), 0.0);
  EXPECT_DOUBLE_EQ(linear_earn(0.9, 0.4, 0.8), 1.0);
  EXPECT_THROW(pot_earned(1.0, one, {}), std::invalid_argument);
}

}  // namespace
}  // namespace apmsim::contract
