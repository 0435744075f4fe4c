// Eligibility, shared savings and corridors against hand-computed cases and the seed documents'
// own numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "contract/risk_sharing.hpp"

namespace apmsim::contract {
namespace {

scenario::SharingTerms sharing(bool first_dollar, double savings_rate, double loss_rate,
                               double savings_cap, double loss_cap) {
  scenario::SharingTerms t;
  t.enabled = true;
  t.first_dollar = first_dollar;
  t.savings_rate = savings_rate;
  t.loss_rate = loss_rate;
  t.savings_cap = savings_cap;
  t.loss_cap = loss_cap;
  return t;
}

// MSSP-like: 2% MSR, 50% first-dollar sharing, 10% cap; benchmark 10,000 per unit.
TEST(SharedSavings, FirstDollarAboveTheMinimumRate) {
  const scenario::SharingTerms t = sharing(true, 0.5, 0.3, 0.10, 0.05);
  const MinimumRates m{0.02, 0.02};
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 9700.0), 150.0);    // 3% saved: half of 300
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 9850.0), 0.0);      // 1.5% < MSR: nothing
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 7000.0), 1000.0);   // 30% saved: capped at 10%
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 10100.0), 0.0);     // 1% loss < MLR
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 10400.0), -120.0);  // 4% loss: 30% of 400
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 13000.0), -500.0);  // capped at 5%
}

TEST(SharedSavings, ExcessSharingAndQualityScaling) {
  const scenario::SharingTerms t = sharing(false, 0.5, 0.3, 0.10, 0.05);
  const MinimumRates m{0.02, 0.02};
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 9700.0), 50.0);       // half of (300 - 200)
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 9700.0, 0.8), 40.0);  // quality-scaled
  EXPECT_DOUBLE_EQ(shared_savings(t, m, 10000.0, 10400.0), -60.0);     // 30% of (400 - 200)
  const scenario::SharingTerms upside_only = sharing(true, 0.5, 0.0, 0.10, 0.0);
  EXPECT_DOUBLE_EQ(shared_savings(upside_only, {0.02, 0.0}, 10000.0, 12000.0), 0.0);  // glide path
}

TEST(MinimumRates, FixedSameAndSizeBased) {
  scenario::SharingTerms t = sharing(true, 0.5, 0.5, 1.0, 1.0);
  t.minimum_savings_rate = 0.02;
  t.minimum_loss_rate = 0.01;
  const BaselineYears none;
  EXPECT_DOUBLE_EQ(minimum_rates(t, 5000, none).savings, 0.02);
  EXPECT_DOUBLE_EQ(minimum_rates(t, 5000, none).loss, 0.01);
  t.loss_rate_same = true;
  EXPECT_DOUBLE_EQ(minimum_rates(t, 5000, none).loss, 0.02);
  t.msr_rule = scenario::MsrRule::Mssp;
  EXPECT_DOUBLE_EQ(minimum_rates(t, 8000, none).savings, 0.032);
  EXPECT_DOUBLE_EQ(minimum_rates(t, 8000, none).loss, 0.032);  // "same" follows the rule
  // Size-based: baseline cost per unit 1,000 with sd 500 (cv 0.5); 400 units now:
  // z(0.9) * 0.5 / sqrt(400).
  t.msr_rule = scenario::MsrRule::SizeBased;
  BaselineYears baseline;
  baseline.units = 100;
  baseline.cost = 100 * 1000.0;
  baseline.cost_squared = 100 * (500.0 * 500.0 + 1000.0 * 1000.0);
  EXPECT_NEAR(minimum_rates(t, 400, baseline).savings, 1.2815515655446004 * 0.5 / 20.0, 1e-12);
  EXPECT_DOUBLE_EQ(minimum_rates(t, 0, baseline).savings, 1.0);  // no units: nothing is paid
}

// Monitor 2016 sec. 7.3: gains and losses shared up to +/-10% of the budget, beyond which the
// commissioner carries them: a corridor where the provider bears everything within +/-10%.
TEST(Corridor, MonitorTenPercentGainLossShare) {
  const std::vector<scenario::CorridorBand> monitor{{-0.10, 0.10, 1.0}};
  const double budget = 1000000.0;
  EXPECT_DOUBLE_EQ(corridor_result(monitor, budget, 950000.0), 50000.0);     // 5% under budget
  EXPECT_DOUBLE_EQ(corridor_result(monitor, budget, 700000.0), 100000.0);    // gain capped at 10%
  EXPECT_DOUBLE_EQ(corridor_result(monitor, budget, 1080000.0), -80000.0);   // 8% over budget
  EXPECT_DOUBLE_EQ(corridor_result(monitor, budget, 1250000.0), -100000.0);  // loss floor at 10%
}

TEST(Corridor, AsymmetricBandsAddUp) {
  // Provider keeps 50% of savings 0-5%, 25% of 5-15%; bears 80% of losses 0-10%, nothing beyond.
  const std::vector<scenario::CorridorBand> bands{
      {0.0, 0.05, 0.5}, {0.05, 0.15, 0.25}, {-0.10, 0.0, 0.8}};
  EXPECT_NEAR(corridor_result(bands, 100.0, 90.0), 100.0 * (0.05 * 0.5 + 0.05 * 0.25), 1e-12);
  EXPECT_NEAR(corridor_result(bands, 100.0, 80.0), 100.0 * (0.05 * 0.5 + 0.10 * 0.25), 1e-12);
  EXPECT_NEAR(corridor_result(bands, 100.0, 104.0), -100.0 * 0.04 * 0.8, 1e-12);
  EXPECT_NEAR(corridor_result(bands, 100.0, 130.0), -100.0 * 0.10 * 0.8, 1e-12);
}

// The savings (benchmark - cost) split between the provider (corridor_result) and the payer (the
// negated payer costs of every band and of what falls outside them), whatever the rate.
TEST(Corridor, ProviderAndPayerShareTheWholeSavings) {
  const std::vector<scenario::CorridorBand> bands{
      {0.0, 0.05, 0.5}, {0.05, 0.15, 0.25}, {-0.10, 0.0, 0.8}};
  const double benchmark = 1000.0;
  for (double cost = 700.0; cost <= 1300.0; cost += 12.5) {
    const double rate = savings_rate(benchmark, cost);
    double payer = -outside_bands_payer_cost(bands, benchmark, rate);
    for (const auto& band : bands) payer -= band_payer_cost(band, benchmark, rate);
    EXPECT_NEAR(corridor_result(bands, benchmark, cost) + payer, benchmark - cost, 1e-9) << cost;
  }
  EXPECT_DOUBLE_EQ(band_savings_rate(bands[1], 0.08), 0.03);
  EXPECT_DOUBLE_EQ(band_savings_rate(bands[1], 0.02), 0.0);
  EXPECT_DOUBLE_EQ(band_savings_rate(bands[2], -0.25), -0.10);
  EXPECT_EQ(band_payer_cost(bands[0], 0.0, 0.03), 0.0);  // no benchmark: nothing to share
}

TEST(SharingResult, QualityGateHoldsBackSavingsNotLosses) {
  scenario::ContractTerms terms;
  terms.sharing = sharing(true, 0.5, 0.5, 1.0, 1.0);
  terms.quality_gate = 0.6;
  const MinimumRates m{0.0, 0.0};
  EXPECT_DOUBLE_EQ(sharing_result(terms, m, {1000.0, 1000.0, 0.0}, 900.0, 0.7), 50.0);
  EXPECT_DOUBLE_EQ(sharing_result(terms, m, {1000.0, 1000.0, 0.0}, 900.0, 0.5),
                   0.0);  // below the gate
  EXPECT_DOUBLE_EQ(sharing_result(terms, m, {1000.0, 1000.0, 0.0}, 1100.0, 0.5),
                   -50.0);  // losses still owed
  terms.sharing.quality_scaled = true;
  EXPECT_DOUBLE_EQ(sharing_result(terms, m, {1000.0, 1000.0, 0.0}, 900.0, 0.8), 40.0);
  terms.sharing.enabled = false;  // neither sharing nor a corridor
  EXPECT_DOUBLE_EQ(sharing_result(terms, m, {1000.0, 1000.0, 0.0}, 900.0, 0.8), 0.0);
}

TEST(Reconciliation, EligibilityAndCapitation) {
  scenario::ContractTerms terms;
  terms.sharing = sharing(true, 0.5, 0.5, 1.0, 1.0);
  terms.min_units = 100;
  EXPECT_FALSE(eligible(terms, 99));
  EXPECT_TRUE(eligible(terms, 100));
  EXPECT_DOUBLE_EQ(reconciliation(terms, true, 50.0, 1000.0, 900.0), 50.0);
  EXPECT_DOUBLE_EQ(reconciliation(terms, false, 50.0, 1000.0, 900.0), 0.0);
  // Capitation: the budget already pays the provider its 100 of savings; the payer takes back
  // the half that is not the provider's share.
  terms.base = scenario::BasePayment::Capitation;
  EXPECT_DOUBLE_EQ(reconciliation(terms, true, 50.0, 1000.0, 900.0), -50.0);
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

// Below 5,000 assigned: the 90% one-sided rate z(0.90) cv / sqrt(n) with the cv (2.15186) that
// meets the table's 3.9% at 5,000. Hand values: 1.281552 x 2.151858 / sqrt(1,000) = 8.720%;
// at 2,500, 3.9% x sqrt(2) = 5.515%; the PUF's largest rate, 11.5%, at about 570 assigned.
TEST(MinimumSavingsRate, MsspBelowFiveThousand) {
  EXPECT_NEAR(mssp_minimum_savings_rate(4999.999), 0.039, 1e-8);  // meets the table
  EXPECT_NEAR(mssp_minimum_savings_rate(2500), 0.039 * std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(mssp_minimum_savings_rate(1000), 0.039 * std::sqrt(5.0), 1e-12);
  EXPECT_NEAR(mssp_minimum_savings_rate(1000), 0.08720, 1e-5);
  EXPECT_NEAR(mssp_minimum_savings_rate(575), 0.115, 0.0005);
  EXPECT_DOUBLE_EQ(mssp_minimum_savings_rate(0), 1.0);
  for (double n = 100; n < 5000; n += 37)  // falls with size into the table
    EXPECT_GT(mssp_minimum_savings_rate(n), mssp_minimum_savings_rate(n + 37)) << n;
}

// Sequestration (2% in PY2018): positive shared savings are paid at 98%, shared losses owed in
// full; under capitation the gain share is sequestered, the budget's own gain is not.
TEST(Reconciliation, SequestrationOnSavingsNotLosses) {
  scenario::ContractTerms terms;
  terms.sharing = sharing(true, 0.5, 0.5, 1.0, 1.0);
  terms.sharing.sequestration = 0.02;
  EXPECT_DOUBLE_EQ(reconciliation(terms, true, 50.0, 1000.0, 900.0), 49.0);
  EXPECT_DOUBLE_EQ(reconciliation(terms, true, -50.0, 1000.0, 1100.0), -50.0);
  EXPECT_DOUBLE_EQ(reconciliation(terms, false, 50.0, 1000.0, 900.0), 0.0);
  terms.base = scenario::BasePayment::Capitation;
  EXPECT_DOUBLE_EQ(reconciliation(terms, true, 50.0, 1000.0, 900.0), 49.0 - 100.0);
}

TEST(SavingsRate, NaNWithoutABenchmark) {
  EXPECT_DOUBLE_EQ(savings_rate(1000.0, 970.0), 0.03);
  EXPECT_TRUE(std::isnan(savings_rate(0.0, 970.0)));
}

}  // namespace
}  // namespace apmsim::contract
