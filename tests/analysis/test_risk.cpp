// Downside risk: the net result's moments, VaR, TVaR and capital on a sample with known order
// statistics; specific stop-loss layer premiums against the Pareto and lognormal limited
// expected values; aggregate layers by hand; corridor band costs against
// contract::corridor_result.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <tuple>

#include "analysis/risk.hpp"
#include "contract/risk_sharing.hpp"
#include "hand_records.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;
using handmade::find_table;
using handmade::HandRecords;
using handmade::mean_of;
using handmade::se_of;

constexpr double kZ = 1.959963984540054;  // the order-statistic interval's 97.5% normal quantile

//! The delete-one jackknife se of the sample sd, by brute force: each sd without one value,
//! computed afresh.
double jackknife_sd_se(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  std::vector<double> without;
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> rest = x;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
    without.push_back(stats::standard_deviation(rest));
  }
  const double average = stats::mean(without);
  double spread = 0;
  for (double s : without) spread += (s - average) * (s - average);
  return std::sqrt((n - 1) / n * spread);
}

//! The losses -60..139 of NetResultWorld's portfolio over the agreement.
std::vector<double> world_losses() {
  std::vector<double> x;
  for (int k = -60; k <= 139; ++k) x.push_back(k);
  return x;
}

scenario::Contract no_corridor(int years) {
  scenario::Contract contract;
  contract.present = true;
  contract.years.resize(static_cast<std::size_t>(years));
  return contract;
}

// ---- net result --------------------------------------------------------------------------------

// 200 replications in 20 batches of 10. Provider 0 loses r - 50 in year 1 of replication r and
// nothing in year 2; provider 1 gains 10 in year 2. The portfolio's loss over the agreement is
// r - 60: the integers -60..139, so its k-th smallest is k - 61.
struct NetResultWorld {
  HandRecords hand{200, 2, 2};
  NetResultWorld() {
    for (std::uint64_t r = 0; r < 200; ++r) {
      hand.at(r, 0, 0, c::kNetProviderResult) = 50.0 - static_cast<double>(r);
      hand.at(r, 1, 1, c::kNetProviderResult) = 10.0;
    }
  }
  EstimateTable table() const {
    const auto tables = risk_analysis(hand.view(20), no_corridor(2), {});
    return *find_table(tables, "net_result");
  }
};

TEST(RiskNetResult, MomentsAndLossProbability) {
  const EstimateTable t = NetResultWorld().table();
  ASSERT_EQ(t.rows, (std::vector<std::string>{"p/0", "p/1", "portfolio"}));
  const std::size_t portfolio = 2, agreement = 2;
  EXPECT_NEAR(mean_of(t, "mean", portfolio, agreement), -39.5, 1e-12);
  EXPECT_NEAR(mean_of(t, "sd", portfolio, agreement), std::sqrt(200.0 * 201 / 12), 1e-10);
  EXPECT_NEAR(mean_of(t, "loss_probability", portfolio, agreement), 139.0 / 200, 1e-15);
  // Batch j holds losses 10 j - 60 .. 10 j - 51: batch means of the result -(10 j - 55.5),
  // sd 10 sd(0..19) = 10 sqrt(35) over sqrt(20) batches; each batch's sd is sd(0..9).
  EXPECT_NEAR(se_of(t, "mean", portfolio, agreement), 10 * std::sqrt(35.0) / std::sqrt(20.0),
              1e-10);
  // sd's se is the delete-one jackknife's over the replication totals.
  EXPECT_NEAR(se_of(t, "sd", portfolio, agreement), jackknife_sd_se(world_losses()), 1e-10);
  // Provider 1 gains 10 every replication; provider 0 has nothing at stake in year 2.
  EXPECT_NEAR(mean_of(t, "mean", 1, agreement), 10, 1e-15);
  EXPECT_NEAR(mean_of(t, "sd", 1, agreement), 0, 1e-15);
  EXPECT_EQ(mean_of(t, "loss_probability", 1, agreement), 0);
  EXPECT_EQ(mean_of(t, "var_99", 1, agreement), -10);
  EXPECT_EQ(mean_of(t, "mean", 0, 1), 0);
  // The year-1 column of the portfolio sees only provider 0's losses r - 50.
  EXPECT_NEAR(mean_of(t, "mean", portfolio, 0), -49.5, 1e-12);
}

// VaR_p = the ceil(p n)-th smallest loss; TVaR_p (Acerbi-Tasche) = the mean of the n (1 - p)
// largest here (n (1 - p) is a whole number). Their errors (docs/analyses.md, honest tails):
// VaR's sqrt(p (1 - p) / n) x the sparsity between the quantiles at p -/+ h (Hall-Sheather h),
// ranks ceil(n (p -/+ h)); TVaR's by the delta method,
// sqrt((Var(L | L >= VaR) + p (TVaR - VaR)^2) / (n (1 - p))).
TEST(RiskNetResult, ValueAtRiskAndTailValueAtRiskFromOrderStatistics) {
  const EstimateTable t = NetResultWorld().table();
  const std::size_t portfolio = 2, agreement = 2;
  const auto loss = [](double k) { return k - 61; };  // k-th smallest of -60..139
  struct Level {
    const char* name;
    double var_rank, tvar, low_rank, high_rank, tail_variance, tail_count;
  };
  // 0.90: rank 180; the 20 largest are 120..139; h = 0.0592: sparsity ranks 169, 192.
  // 0.95: rank 190; the 10 largest 130..139; h = 0.0363: ranks 183, 198.
  // 0.99: rank 198; 138 and 139; h = 0.0120: ranks 196, 200 (level + h clamped to 1).
  // 0.995: rank 199; 139 alone; h = 0.0075: ranks 198, 200 (clamped).
  // Tail variance: the losses >= VaR are m consecutive integers, variance m (m + 1) / 12.
  const Level levels[] = {{"90", 180, 129.5, 169, 192, 21.0 * 22 / 12, 20},
                          {"95", 190, 134.5, 183, 198, 11.0 * 12 / 12, 10},
                          {"99", 198, 138.5, 196, 200, 3.0 * 4 / 12, 2},
                          {"995", 199, 139, 198, 200, 2.0 * 3 / 12, 1}};
  for (const Level& level : levels) {
    SCOPED_TRACE(level.name);
    const std::string var = std::string("var_") + level.name;
    const std::string tvar = std::string("tvar_") + level.name;
    const double p = 1 - level.tail_count / 200;
    EXPECT_EQ(mean_of(t, var, portfolio, agreement), loss(level.var_rank));
    // Consecutive integers: the sparsity is n whichever the ranks (tests/stats checks them).
    EXPECT_NEAR(se_of(t, var, portfolio, agreement),
                (level.high_rank - level.low_rank) / ((level.high_rank - level.low_rank) / 200) *
                    std::sqrt(p * (1 - p) / 200),
                1e-12);
    EXPECT_NEAR(mean_of(t, tvar, portfolio, agreement), level.tvar, 1e-12);
    const double gap = level.tvar - loss(level.var_rank);
    EXPECT_NEAR(se_of(t, tvar, portfolio, agreement),
                std::sqrt((level.tail_variance + p * gap * gap) / level.tail_count), 1e-9);
  }
}

// The portfolio's losses -60..139: var_99 is the 198th smallest (137), var_995 the 199th (138),
// so 2 and 1 replications lie beyond them; with fewer than 10 beyond var_995 the flag is up.
TEST(RiskNetResult, TailCountsAndFlag) {
  const EstimateTable t = NetResultWorld().table();
  const std::size_t portfolio = 2, agreement = 2;
  EXPECT_EQ(mean_of(t, "tail_count_99", portfolio, agreement), 2);
  EXPECT_EQ(mean_of(t, "tail_count_995", portfolio, agreement), 1);
  EXPECT_TRUE(std::isnan(se_of(t, "tail_count_995", portfolio, agreement)));
  EXPECT_EQ(mean_of(t, "tail_flag", portfolio, agreement), 1);
}

// sd's batch-means SE from K / 2 batches over that from K, by hand: losses 0, 2, 0, 2, 0, 2, 0,
// 10. Four batches of two: sds sqrt 2, sqrt 2, sqrt 2, sqrt 50, whose sd is sqrt 8: se sqrt 8 / 2.
// Two batches of four: sds sqrt(4/3) and sqrt(68/3): se = their difference / 2.
TEST(RiskNetResult, SdSeRatioFromHalfTheBatches) {
  HandRecords hand(8, 1, 1);
  const double loss[8] = {0, 2, 0, 2, 0, 2, 0, 10};
  for (std::uint64_t r = 0; r < 8; ++r) hand.at(r, 0, 0, c::kNetProviderResult) = -loss[r];
  const auto tables = risk_analysis(hand.view(4), no_corridor(1), {});
  const EstimateTable& t = *find_table(tables, "net_result");
  const double se4 = std::sqrt(8.0) / 2, se2 = (std::sqrt(68.0 / 3) - std::sqrt(4.0 / 3)) / 2;
  EXPECT_NEAR(mean_of(t, "sd_se_ratio", 0, 0), se2 / se4, 1e-12);
  // The table's se of sd is the jackknife's, not either batch count's.
  EXPECT_NEAR(se_of(t, "sd", 0, 0), jackknife_sd_se({0, 2, 0, 2, 0, 2, 0, 10}), 1e-12);
  EXPECT_EQ(mean_of(t, "tail_flag", 0, 0), 1);  // 8 replications: none beyond var_995
}

// Capital's se by the delta method: se_VaR^2 + s^2 / n - 2 cov(VaR, mean), with
// cov = se_VaR (TVaR - mean) sqrt((1 - p) / (n p)) (the Bahadur representation of the VaR).
TEST(RiskNetResult, CapitalIsValueAtRiskLessTheExpectedLoss) {
  const EstimateTable t = NetResultWorld().table();
  const std::size_t portfolio = 2, agreement = 2;
  // Whole sample: VaR_99 = 137, VaR_99.5 = 138, expected loss 39.5; TVaR 138.5 and 139.
  EXPECT_NEAR(mean_of(t, "capital_99", portfolio, agreement), 137 - 39.5, 1e-12);
  EXPECT_NEAR(mean_of(t, "capital_995", portfolio, agreement), 138 - 39.5, 1e-12);
  const double n = 200, variance = 200.0 * 201 / 12;
  for (const auto& [name, p, tvar] : {std::tuple{"99", 0.99, 138.5}, {"995", 0.995, 139.0}}) {
    const double var_se = se_of(t, std::string("var_") + name, portfolio, agreement);
    const double covariance = var_se * (tvar - 39.5) * std::sqrt((1 - p) / (n * p));
    EXPECT_NEAR(se_of(t, std::string("capital_") + name, portfolio, agreement),
                std::sqrt(var_se * var_se + variance / n - 2 * covariance), 1e-12)
        << name;
  }
}

TEST(RiskNetResult, PortfolioLossesAreTheReplicationTotals) {
  const NetResultWorld world;
  const RecordView view = world.hand.view(20);
  const std::vector<double> losses =
      replication_losses(view, view.everyone(), view.all_replications());
  ASSERT_EQ(losses.size(), 200u);
  EXPECT_EQ(losses.front(), -60);
  EXPECT_EQ(losses.back(), 139);
}

// ---- specific stop-loss layers -----------------------------------------------------------------

//! A severity by its survival function and partial moments E[X^k; X < c], from which the limited
//! expected values follow: E[min(X, c)] = E[X; X < c] + c S(c).
struct Severity {
  std::function<double(double)> survival;
  std::function<double(int, double)> partial_moment;
  std::function<double(double)> quantile;

  //! E[L] and E[L^2] of the layer L = min(X, b) - min(X, a), a < b <= inf.
  std::pair<double, double> layer_moments(double a, double b) const {
    const auto limited = [&](double x) {  // E[min(X, x)]
      return std::isinf(x) ? partial_moment(1, x) : partial_moment(1, x) + x * survival(x);
    };
    const auto limited_square = [&](double x) {  // E[min(X, x)^2]
      return std::isinf(x) ? partial_moment(2, x) : partial_moment(2, x) + x * x * survival(x);
    };
    // E[min(X, a) min(X, b)] = E[X^2; X < a] + a E[X; a <= X < b] + a b S(b).
    const double cross = partial_moment(2, a) + a * (partial_moment(1, b) - partial_moment(1, a)) +
                         (std::isinf(b) ? 0.0 : a * b * survival(b));
    return {limited(b) - limited(a), limited_square(b) - 2 * cross + limited_square(a)};
  }
};

//! Pareto I: S(x) = (m / x)^alpha for x >= m.
Severity pareto(double m, double alpha) {
  return {[=](double x) { return x < m ? 1.0 : std::pow(m / x, alpha); },
          [=](int k, double x) {  // alpha m^alpha (x^(k - alpha) - m^(k - alpha)) / (k - alpha)
            if (x <= m) return 0.0;
            return alpha * std::pow(m, alpha) * (std::pow(x, k - alpha) - std::pow(m, k - alpha)) /
                   (k - alpha);
          },
          [=](double u) { return m / std::pow(1 - u, 1 / alpha); }};
}

//! Lognormal: ln X ~ N(mu, sigma^2); E[X^k; X < x] = exp(k mu + k^2 sigma^2 / 2)
//! Phi((ln x - mu - k sigma^2) / sigma).
Severity lognormal(double mu, double sigma) {
  return {[=](double x) { return stats::normal_cdf((mu - std::log(x)) / sigma); },
          [=](int k, double x) {
            return std::exp(k * mu + k * k * sigma * sigma / 2) *
                   stats::normal_cdf((std::log(x) - mu - k * sigma * sigma) / sigma);
          },
          [=](double u) { return std::exp(mu + sigma * stats::normal_quantile(u)); }};
}

// 1000 replications x 40 provider-years x 4 units drawn from `severity` (a fixed seed), each
// provider-year's excess over every threshold recorded as the evaluator records it,
// sum (x - A)+. Each layer's pure premium per unit is E[L] (its limited expected values), its
// attach probability 1 - (1 - S(a))^4 (any of 4 units above a), and the sd of a provider-year's
// payout per unit sqrt(Var(L) / 4). Every estimate lies within 4 of its batch-means standard
// errors: 20 batches estimate the SE to about 16%, and a t(19) beyond 4 has probability below
// 1e-3 per comparison; the seed is fixed, so the test is deterministic.
void expect_layer_premiums(const Severity& severity, const std::vector<double>& thresholds,
                           std::uint64_t seed) {
  constexpr std::uint64_t kReplications = 1000;
  constexpr std::size_t kProviders = 40;
  constexpr int kUnits = 4;
  HandRecords hand(kReplications, kProviders, 1, thresholds);
  std::mt19937_64 engine(seed);
  for (std::uint64_t r = 0; r < kReplications; ++r)
    for (std::size_t p = 0; p < kProviders; ++p) {
      hand.at(r, p, 0, c::kUnits) = kUnits;
      for (int unit = 0; unit < kUnits; ++unit) {
        const double x = severity.quantile((static_cast<double>(engine() >> 11) + 0.5) * 0x1p-53);
        for (std::size_t t = 0; t < thresholds.size(); ++t) {
          hand.excess(r, p, 0, t) += std::max(0.0, x - thresholds[t]);
          hand.claimants(r, p, 0, t) += x > thresholds[t] ? 1.0 : 0.0;
        }
      }
    }
  scenario::AnalysisSettings settings;
  settings.risk_loading = 0.1;
  settings.risk_sd_loading = 0.25;
  const auto tables = risk_analysis(hand.view(20), no_corridor(1), settings);
  const EstimateTable* t = find_table(tables, "specific_layers");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), thresholds.size());
  EXPECT_EQ(t->quantities[t->quantity("pure_premium")].unit, "currency/unit");
  for (std::size_t layer = 0; layer < thresholds.size(); ++layer) {
    SCOPED_TRACE(t->rows[layer]);
    const double a = thresholds[layer];
    const double b = layer + 1 < thresholds.size() ? thresholds[layer + 1]
                                                   : std::numeric_limits<double>::infinity();
    const auto [mean, square] = severity.layer_moments(a, b);
    const double attach = 1 - std::pow(1 - severity.survival(a), kUnits);
    const double sd = std::sqrt((square - mean * mean) / kUnits);
    const double pure = mean_of(*t, "pure_premium", layer);
    EXPECT_NEAR(pure, mean, 4 * se_of(*t, "pure_premium", layer));
    EXPECT_NEAR(mean_of(*t, "attach_probability", layer), attach,
                4 * se_of(*t, "attach_probability", layer));
    EXPECT_NEAR(mean_of(*t, "sd", layer), sd, 4 * se_of(*t, "sd", layer));
    EXPECT_GT(se_of(*t, "pure_premium", layer), 0);
    EXPECT_LT(se_of(*t, "pure_premium", layer), 0.2 * mean) << "too noisy to prove anything";
    EXPECT_NEAR(mean_of(*t, "loaded_premium", layer), pure * 1.1 + 0.25 * mean_of(*t, "sd", layer),
                1e-9 * pure);
    // Per member: claimants per 1,000 = 1,000 S(a) and the payout per claimant E[L] / S(a),
    // exactly; PMPM = per unit / 12.
    EXPECT_NEAR(mean_of(*t, "claimants_per_1000", layer), 1000 * severity.survival(a),
                3 * se_of(*t, "claimants_per_1000", layer));
    EXPECT_NEAR(mean_of(*t, "excess_per_claimant", layer), mean / severity.survival(a),
                3 * se_of(*t, "excess_per_claimant", layer));
    EXPECT_NEAR(mean_of(*t, "pure_premium_pmpm", layer), pure / 12, 1e-9 * pure);
  }
}

TEST(RiskSpecificLayers, ParetoLimitedExpectedValues) {
  // alpha 4.5 keeps the fourth moment finite, so the sd's standard error exists.
  expect_layer_premiums(pareto(1000, 4.5), {1500, 2500, 3500}, 424242);
}

TEST(RiskSpecificLayers, LognormalLimitedExpectedValues) {
  expect_layer_premiums(lognormal(7.0, 1.0), {1500, 4000, 10000}, 171717);
}

// Specific layers by performance year: costs trend, so each year's premium is its own (monitor's
// pooled figure hid 606 / 642 / 695 by year). Two providers, two years, layers 1,000-5,000 and
// 5,000+: each column's pure premium is that year's payouts over that year's units, and the
// agreement column pools both years, to 1e-12.
TEST(RiskSpecificLayers, PremiumsByPerformanceYearAndOverTheAgreement) {
  HandRecords hand(4, 2, 2, {1000, 5000});
  double paid[2][2] = {}, units[2] = {};
  for (std::uint64_t r = 0; r < 4; ++r)
    for (std::size_t p = 0; p < 2; ++p)
      for (int y = 0; y < 2; ++y) {
        const double n = 100 + 10 * static_cast<double>(p), lower = 300 + 100 * y + 10 * r + p;
        const double upper = 50 + 40 * y + 5 * r;
        hand.at(r, p, y, c::kUnits) = n;
        hand.excess(r, p, y, 0) = lower + upper;  // sum (cost - 1000)+
        hand.excess(r, p, y, 1) = upper;          // sum (cost - 5000)+
        paid[y][0] += lower;
        paid[y][1] += upper;
        units[y] += n;
      }
  const auto tables = risk_analysis(hand.view(2), no_corridor(2), {});
  const EstimateTable* t = find_table(tables, "specific_layers");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->columns, (std::vector<std::string>{"P1", "P2",
                                                  "agreement"}));
  for (std::size_t layer = 0; layer < 2; ++layer) {
    for (int y = 0; y < 2; ++y)
      EXPECT_NEAR(mean_of(*t, "pure_premium", layer, static_cast<std::size_t>(y)),
                  paid[y][layer] / units[y], 1e-12);
    EXPECT_NEAR(mean_of(*t, "pure_premium", layer, 2),
                (paid[0][layer] + paid[1][layer]) / (units[0] + units[1]), 1e-12);
    EXPECT_GT(mean_of(*t, "pure_premium", layer, 1), mean_of(*t, "pure_premium", layer, 0));
  }
}

// ---- aggregate layers --------------------------------------------------------------------------

TEST(RiskAggregateLayers, PayoutsOnTheLossRatioByHand) {
  // Benchmark 1000; accountable costs 1000, 1050, 1100, 1300: loss ratios 0, 5%, 10%, 30%.
  HandRecords hand(4, 1, 1);
  const double cost[4] = {1000, 1050, 1100, 1300};
  for (std::uint64_t r = 0; r < 4; ++r) {
    hand.at(r, 0, 0, c::kBenchmark) = 1000;
    hand.at(r, 0, 0, c::kAccountableCost) = cost[r];
  }
  scenario::AnalysisSettings settings;
  settings.aggregate_layers = {{0.02, 0.10}, {0.10, 0.50}};
  settings.risk_loading = 0.1;
  settings.risk_sd_loading = 0.5;
  const auto tables = risk_analysis(hand.view(2), no_corridor(1), settings);
  const EstimateTable* t = find_table(tables, "aggregate_layers");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows, (std::vector<std::string>{"0.02-0.1", "0.1-0.5"}));
  EXPECT_EQ(t->quantities[t->quantity("pure_premium")].unit, "currency/provider-year");
  // Layer 2%-10% pays 0, 30, 80, 80 (x 1000 of the ratio above 2%, at most 8%): mean 47.5,
  // squared deviations 4675 over 3. Layer 10%-50% pays 0, 0, 0, 200: mean 50, sd 100.
  const double sd1 = std::sqrt(4675.0 / 3);
  EXPECT_NEAR(mean_of(*t, "pure_premium", 0), 47.5, 1e-12);
  EXPECT_NEAR(mean_of(*t, "sd", 0), sd1, 1e-12);
  EXPECT_EQ(mean_of(*t, "attach_probability", 0), 0.75);
  EXPECT_NEAR(mean_of(*t, "loaded_premium", 0), 47.5 * 1.1 + 0.5 * sd1, 1e-12);
  EXPECT_NEAR(mean_of(*t, "pure_premium", 1), 50, 1e-12);
  EXPECT_NEAR(mean_of(*t, "sd", 1), 100, 1e-12);
  EXPECT_EQ(mean_of(*t, "attach_probability", 1), 0.25);
  EXPECT_NEAR(mean_of(*t, "loaded_premium", 1), 55 + 50, 1e-12);
  // Batches: payouts (0, 30) then (80, 80); means 15 and 80.
  EXPECT_NEAR(se_of(*t, "pure_premium", 0), (80 - 15) / 2.0, 1e-12);
}

TEST(RiskAggregateLayers, AttachCountAndTheRuleOfThreeWhenNothingAttaches) {
  // Loss ratios 0, 5%, 10%, 30%: the 2%-10% layer pays in 3 years of 4; a layer from 50% in
  // none, so its attach probability 0 comes with the 95% bound 3 / 4 instead of 0 +/- 0.
  HandRecords hand(4, 1, 1);
  const double cost[4] = {1000, 1050, 1100, 1300};
  for (std::uint64_t r = 0; r < 4; ++r) {
    hand.at(r, 0, 0, c::kBenchmark) = 1000;
    hand.at(r, 0, 0, c::kAccountableCost) = cost[r];
  }
  scenario::AnalysisSettings settings;
  settings.aggregate_layers = {{0.02, 0.10}, {0.50, 1.0}};
  const auto tables = risk_analysis(hand.view(2), no_corridor(1), settings);
  const EstimateTable& t = *find_table(tables, "aggregate_layers");
  EXPECT_EQ(mean_of(t, "attach_count", 0), 3);
  EXPECT_TRUE(std::isnan(mean_of(t, "attach_probability_upper", 0)));
  EXPECT_EQ(mean_of(t, "attach_count", 1), 0);
  EXPECT_EQ(mean_of(t, "attach_probability", 1), 0);
  EXPECT_NEAR(mean_of(t, "attach_probability_upper", 1), 0.75, 1e-15);
}

// ---- corridor bands ----------------------------------------------------------------------------

TEST(RiskCorridorBands, BandCostsAgreeWithCorridorResult) {
  // Year 2 only has a corridor: the provider keeps half of savings between 2% and 10%, all of
  // them within +/-2%, half of losses between 2% and 10%. Savings rates from -20% to +20%.
  const std::vector<scenario::CorridorBand> bands{
      {-0.10, -0.02, 0.5}, {-0.02, 0.02, 1.0}, {0.02, 0.10, 0.5}};
  scenario::Contract contract = no_corridor(2);
  contract.years[1].corridor = bands;
  constexpr std::uint64_t kReplications = 200;
  HandRecords hand(kReplications, 1, 2);
  std::vector<double> benchmark, cost;
  for (std::uint64_t r = 0; r < kReplications; ++r) {
    const double b = 1000 + static_cast<double>(r);
    const double s = -0.2 + 0.4 * static_cast<double>(r) / (kReplications - 1);
    for (int y = 0; y < 2; ++y) {
      hand.at(r, 0, y, c::kBenchmark) = b;
      hand.at(r, 0, y, c::kSavingsRate) = s;
    }
    benchmark.push_back(b);
    cost.push_back(b * (1 - s));
  }
  const auto tables = risk_analysis(hand.view(20), contract, {});
  const EstimateTable* t = find_table(tables, "corridor_bands");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows, (std::vector<std::string>{"[-0.1,-0.02) share=0.5", "[-0.02,0.02) share=1",
                                               "[0.02,0.1) share=0.5", "outside the bands"}));
  // By performance year: year 1 has no corridor (NaN); the agreement column is year 2's.
  ASSERT_EQ(t->columns, (std::vector<std::string>{"P1", "P2",
                                                  "agreement"}));
  for (std::size_t row = 0; row < t->rows.size(); ++row) {
    EXPECT_TRUE(std::isnan(mean_of(*t, "expected_payer_cost", row, 0)));
    EXPECT_EQ(mean_of(*t, "expected_payer_cost", row, 2), mean_of(*t, "expected_payer_cost", row, 1));
    EXPECT_EQ(mean_of(*t, "var_99", row, 2), mean_of(*t, "var_99", row, 1));
  }
  // A band's cost to the payer is what the provider is paid under it, corridor_result({band}),
  // less what it would be paid keeping the whole band (share 1): -(1 - share) x its savings.
  // Outside the bands the payer keeps everything: the payer's whole cost, corridor_result(all
  // bands) - (benchmark - cost), less the bands' costs.
  std::vector<std::vector<double>> row_costs(bands.size() + 1);
  for (std::size_t i = 0; i < benchmark.size(); ++i) {
    double inside = 0;
    for (std::size_t k = 0; k < bands.size(); ++k) {
      scenario::CorridorBand whole = bands[k];
      whole.share = 1.0;
      const double band_cost = c::corridor_result({bands[k]}, benchmark[i], cost[i]) -
                               c::corridor_result({whole}, benchmark[i], cost[i]);
      row_costs[k].push_back(band_cost);
      inside += band_cost;
    }
    row_costs.back().push_back(c::corridor_result(bands, benchmark[i], cost[i]) -
                               (benchmark[i] - cost[i]) - inside);
  }
  for (std::size_t row = 0; row < row_costs.size(); ++row) {
    SCOPED_TRACE(t->rows[row]);
    const std::vector<double>& x = row_costs[row];
    EXPECT_NEAR(mean_of(*t, "expected_payer_cost", row, 1), stats::mean(x), 1e-9);
    EXPECT_NEAR(mean_of(*t, "var_99", row, 1), stats::value_at_risk(x, 0.99), 1e-9);
    EXPECT_NEAR(mean_of(*t, "tvar_99", row, 1), stats::tail_value_at_risk(x, 0.99), 1e-9);
  }
  // The loss band costs the payer half of 8% of the benchmark once the loss passes 10%
  // (replications 0..49, benchmarks 1000..1049); its 99% VaR, the 198th of 200 costs, is the
  // third largest: 4% of 1047.
  EXPECT_NEAR(mean_of(*t, "var_99", 0, 1), 0.04 * 1047, 1e-9);
}

TEST(RiskCorridorBands, NoTableWithoutACorridor) {
  HandRecords hand(4, 1, 1);
  const auto tables = risk_analysis(hand.view(2), no_corridor(1), {});
  EXPECT_EQ(find_table(tables, "corridor_bands"), nullptr);
  EXPECT_EQ(find_table(tables, "specific_layers"), nullptr);
  EXPECT_EQ(find_table(tables, "aggregate_layers"), nullptr);
  EXPECT_NE(find_table(tables, "net_result"), nullptr);
}

}  // namespace
}  // namespace apmsim::analysis
