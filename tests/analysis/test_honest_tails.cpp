// Honest standard errors of the net result's dispersion and tail figures (docs/analyses.md, honest
// tails), checked over seeds through risk_analysis itself: in a world whose truth is known, each
// seed's z = (estimate - truth) / se, and over 50 seeds mean z^2 lies in its 99.9% band. A correct
// se makes z roughly standard normal, so 50 independent z^2 sum to chi2 with 50 degrees of
// freedom: mean z^2 in [chi2_50(0.0005), chi2_50(0.9995)] / 50 = [0.4692, 1.7912]
// (scipy.stats.chi2.ppf).
//
// The worlds: one provider of 50 members, each with a claim with probability q and a lognormal
// claim of mean 1; the provider is paid the expected cost, so its loss is S - 50 q. Light: q = 0.5,
// claim cv 0.5 (member cv 1.22); heavy: q = 0.2, claim cv 1 (member cv 3). sd is exact,
// sqrt(50 Var(member)); the VaRs and TVaRs come from 2 x 10^7 replications of the same worlds
// (scripts/honest_tails.py truth), whose own error is under 3% of the se at 8,000 replications.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "analysis/risk.hpp"
#include "hand_records.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::find_table;
using handmade::HandRecords;
using handmade::mean_of;
using handmade::se_of;

constexpr double kBandLow = 0.4692, kBandHigh = 1.7912;  // chi2_50 at 0.0005, 0.9995, over 50
constexpr int kSeeds = 50;
constexpr int kMembers = 50;

//! A world of claims and its true figures (truth: quantity name -> value).
struct World {
  double claim_probability;
  double claim_cv;
  std::vector<std::pair<std::string, double>> truth;
};

const World kLight{0.5,
                   0.5,
                   {{"sd", 4.330127018922194},
                    {"var_90", 5.62947377393595},
                    {"var_95", 7.33570788237121},
                    {"var_99", 10.62702149791007},
                    {"var_995", 11.86376269388494},
                    {"tvar_90", 7.88099219356808},
                    {"tvar_95", 9.35757207025996},
                    {"tvar_99", 12.32510682515255},
                    {"tvar_995", 13.46743855429746},
                    {"capital_99", 10.62702149791007},  // VaR - E[L], E[L] = 0
                    {"capital_995", 11.86376269388494}}};
const World kHeavy{0.2,
                   1.0,
                   {{"sd", 4.242640687119285},
                    {"var_90", 5.56305547602376},
                    {"var_95", 7.72097779037381},
                    {"var_99", 12.47484090952951},
                    {"var_995", 14.50979488415792},
                    {"tvar_90", 8.61725561627161},
                    {"tvar_95", 10.70602329237559},
                    {"tvar_99", 15.52955741233919},
                    {"tvar_995", 17.68164681543569},
                    {"capital_99", 12.47484090952951},
                    {"capital_995", 14.50979488415792}}};

//! The provider's loss in each of `replications` replications of `world`: the sum over the
//! members of their claims less its mean, 50 q. Uniforms from the 53 high bits of mt19937_64 and
//! normals by inversion, so every standard library draws the same numbers.
std::vector<double> losses(const World& world, std::uint64_t replications, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  const auto uniform = [&] { return (static_cast<double>(engine() >> 11) + 0.5) * 0x1p-53; };
  const double sigma2 = std::log1p(world.claim_cv * world.claim_cv);
  const double mu = -sigma2 / 2, sigma = std::sqrt(sigma2);
  std::vector<double> out(replications);
  for (double& loss : out) {
    double total = 0;
    for (int m = 0; m < kMembers; ++m)
      if (uniform() < world.claim_probability)
        total += std::exp(mu + sigma * stats::normal_quantile(uniform()));
    loss = total - kMembers * world.claim_probability;
  }
  return out;
}

//! The portfolio's net_result table over the agreement of one seed: one provider, one year.
struct SeedTable {
  EstimateTable table;
  SeedTable(const World& world, std::uint64_t replications, std::uint64_t seed) {
    HandRecords hand(replications, 1, 1);
    const std::vector<double> loss = losses(world, replications, seed);
    for (std::uint64_t r = 0; r < replications; ++r)
      hand.at(r, 0, 0, c::kNetProviderResult) = -loss[r];
    scenario::Contract contract;
    contract.present = true;
    contract.years.resize(1);
    table = *find_table(risk_analysis(hand.view(20), contract, {}), "net_result");
  }
  static constexpr std::size_t kPortfolio = 1, kAgreement = 1;
  double value(const std::string& q) const { return mean_of(table, q, kPortfolio, kAgreement); }
  double se(const std::string& q) const { return se_of(table, q, kPortfolio, kAgreement); }
};

//! Over 50 seeds of `world` at `replications`: each figure's mean z^2, and in how many seeds the
//! tail flag was up.
struct SeedCheck {
  std::vector<double> mean_z2;  //!< by world.truth's order
  int flagged = 0;
  SeedCheck(const World& world, std::uint64_t replications, std::uint64_t first_seed) {
    mean_z2.assign(world.truth.size(), 0.0);
    for (int s = 0; s < kSeeds; ++s) {
      const SeedTable t(world, replications, first_seed + static_cast<std::uint64_t>(s));
      for (std::size_t i = 0; i < world.truth.size(); ++i) {
        const auto& [name, truth] = world.truth[i];
        const double z = (t.value(name) - truth) / t.se(name);
        mean_z2[i] += z * z / kSeeds;
      }
      flagged += t.value("tail_flag") == 1 ? 1 : 0;
    }
  }
  //! Expects every figure but `untrusted` within the band.
  void expect_honest(const World& world, const std::vector<std::string>& untrusted = {}) const {
    for (std::size_t i = 0; i < world.truth.size(); ++i) {
      const std::string& name = world.truth[i].first;
      if (std::find(untrusted.begin(), untrusted.end(), name) != untrusted.end()) continue;
      EXPECT_GE(mean_z2[i], kBandLow) << name;
      EXPECT_LE(mean_z2[i], kBandHigh) << name;
    }
  }
};

// 4,000 replications: 40 beyond var_99, 20 beyond var_995. Every figure is honest but tvar_995,
// which rests on 20 replications (mean z^2 1.1 light, 1.5 heavy over 1,000 seeds; at the default
// 1,000 replications, 5: 2.4 and 3.0): the tail flag says so in every seed (fewer than 40
// beyond var_995). With the old se, capital_995 (batch means) fails here: mean z^2 1.7 and 1.8.
TEST(RiskHonestTails, LightTailWithTwentyBeyondTheVar995) {
  const SeedCheck check(kLight, 4000, 1000);
  check.expect_honest(kLight, {"tvar_995"});
  EXPECT_EQ(check.flagged, kSeeds);
}

TEST(RiskHonestTails, HeavyTailWithTwentyBeyondTheVar995) {
  const SeedCheck check(kHeavy, 4000, 2000);
  check.expect_honest(kHeavy, {"tvar_995"});
  EXPECT_EQ(check.flagged, kSeeds);
}

// 8,000 replications: 40 beyond var_995, every figure honest, the light tail's flag down.
TEST(RiskHonestTails, LightTailWithFortyBeyondTheVar995) {
  const SeedCheck check(kLight, 8000, 3000);
  check.expect_honest(kLight);
  EXPECT_EQ(check.flagged, 0);
}

TEST(RiskHonestTails, HeavyTailWithFortyBeyondTheVar995) {
  const SeedCheck check(kHeavy, 8000, 4000);
  check.expect_honest(kHeavy);
}

// A heavier tail with the same member cv 3 (claim probability 0.5, claim cv 2): the jackknife se
// of sd is right on average but low exactly when a sample missed the largest losses (mean z^2
// 1.6 at 1,000 replications, 1.4 at 4,000, 1.3 at 10,000, over 1,000 seeds). No se over the
// replication totals repairs that; the replications' kurtosis above 6 raises the flag in most seeds
// (all of 600 at 4,000 replications; 6% for the heavy world above, never for the light one).
TEST(RiskHonestTails, AHeavierTailIsFlaggedByItsKurtosis) {
  const World heavier{0.5, 2.0, {}};
  int flagged_by_kurtosis = 0;
  for (int s = 0; s < kSeeds; ++s) {
    const SeedTable t(heavier, 4000, 5000 + static_cast<std::uint64_t>(s));
    if (t.value("kurtosis") > 6) {
      ++flagged_by_kurtosis;
      EXPECT_EQ(t.value("tail_flag"), 1);
    }
  }
  EXPECT_GE(flagged_by_kurtosis, 40);
}

}  // namespace
}  // namespace apmsim::analysis
