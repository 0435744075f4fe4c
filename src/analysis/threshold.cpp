#include "analysis/threshold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/quantity_table.hpp"
#include "contract/risk_sharing.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class ThresholdRate {
  kMeanUnits,
  kExcludedShare,
  kEligibleShare,
  kFalseReward,
  kFalsePenalty,
  kFalseNegative,
  kFalseRewardJoint,
  kFalsePenaltyJoint,
  kFalseNegativeJoint,
  kNoiseFalseReward,
  kNoiseFalsePenalty,
  kNoiseFalseNegative
};
using R = ThresholdRate;
constexpr std::array kThresholdRateQuantities{
    QuantityInfo<R>{R::kMeanUnits, "mean_units", "units", "mean units per provider-year"},
    QuantityInfo<R>{R::kExcludedShare, "excluded_share", "fraction",
                    "P(units < min_units): provider-years the test excludes"},
    QuantityInfo<R>{R::kEligibleShare, "eligible_share", "fraction", "P(units >= min_units)"},
    QuantityInfo<R>{R::kFalseReward, "false_reward", "fraction",
                    "P(savings paid | eligible, true effect 0), as designed"},
    QuantityInfo<R>{R::kFalsePenalty, "false_penalty", "fraction",
                    "P(losses charged | eligible, true effect 0), as designed"},
    QuantityInfo<R>{R::kFalseNegative, "false_negative", "fraction",
                    "P(no savings paid | eligible, true savings = target_effect), as designed"},
    QuantityInfo<R>{R::kFalseRewardJoint, "false_reward_joint", "fraction",
                    "P(eligible and savings paid | true effect 0), as designed"},
    QuantityInfo<R>{R::kFalsePenaltyJoint, "false_penalty_joint", "fraction",
                    "P(eligible and losses charged | true effect 0), as designed"},
    QuantityInfo<R>{R::kFalseNegativeJoint, "false_negative_joint", "fraction",
                    "P(eligible and no savings paid | true savings = target_effect), as designed"},
    QuantityInfo<R>{R::kNoiseFalseReward, "noise_false_reward", "fraction",
                    "P(savings paid | eligible, true effect 0), noise only"},
    QuantityInfo<R>{R::kNoiseFalsePenalty, "noise_false_penalty", "fraction",
                    "P(losses charged | eligible, true effect 0), noise only"},
    QuantityInfo<R>{R::kNoiseFalseNegative, "noise_false_negative", "fraction",
                    "P(no savings paid | eligible, true savings = target_effect), noise only"},
};
static_assert(listed_in_order(kThresholdRateQuantities));
constexpr const auto& quantity_table(ThresholdRate) { return kThresholdRateQuantities; }

enum class NullSavings {
  kMeanUnits,
  kNullSavingsRateMean,
  kNullSavingsRateSd,
  kMsrForAlpha,
  kMsrNormal,
  kNoiseSavingsRateSd,
  kNoiseMsrForAlpha,
  kNoiseMsrNormal
};
using N = NullSavings;
constexpr std::array kNullSavingsQuantities{
    QuantityInfo<N>{N::kMeanUnits, "mean_units", "units", "mean units per provider-year"},
    QuantityInfo<N>{N::kNullSavingsRateMean, "null_savings_rate_mean", "fraction",
                    "mean savings rate when the true effect is 0 (as designed)"},
    QuantityInfo<N>{N::kNullSavingsRateSd, "null_savings_rate_sd", "fraction",
                    "its standard deviation"},
    QuantityInfo<N>{
        N::kMsrForAlpha, "msr_for_alpha", "fraction",
        "empirical (1-alpha) quantile of the null savings rate; paid at it: "
        "false reward (floor(alpha n) + 1) / n"},
    QuantityInfo<N>{N::kMsrNormal, "msr_normal", "fraction",
                    "the same from the normal approximation: mean + z(1-alpha) sd"},
    QuantityInfo<N>{N::kNoiseSavingsRateSd, "noise_savings_rate_sd", "fraction",
                    "standard deviation of the noise-only savings rate (its mean is 0)"},
    QuantityInfo<N>{N::kNoiseMsrForAlpha, "noise_msr_for_alpha", "fraction",
                    "msr_for_alpha in the noise-only world"},
    QuantityInfo<N>{N::kNoiseMsrNormal, "noise_msr_normal", "fraction",
                    "z(1-alpha) x noise_savings_rate_sd"},
};
static_assert(listed_in_order(kNullSavingsQuantities));
constexpr const auto& quantity_table(NullSavings) { return kNullSavingsQuantities; }

//! count / total, NaN when total is 0.
double share(double count, double total) { return total > 0 ? count / total : kNaN; }

}  // namespace

NoiseOnlyWorld noise_only_world(const RecordView& view, const scenario::Contract& contract,
                                double target_effect) {
  const std::size_t cells = view.cells();
  std::vector<double> sum(cells, 0.0), count(cells, 0.0);
  const Selection everyone = view.everyone();
  view.for_each_cell(everyone, view.all_replications(),
                     [&](ProviderYear r, std::uint64_t, std::size_t cell) {
                       if (!std::isfinite(r[c::kNullSavingsRate])) return;
                       sum[cell] += r[c::kNullSavingsRate];
                       ++count[cell];
                     });
  const std::size_t records = cells * view.replications();
  // Without a benchmark the rule pays nothing, as contract::shared_savings.
  NoiseOnlyWorld world{std::vector<double>(records, kNaN), std::vector<double>(records, 0.0),
                       std::vector<double>(records, 0.0)};
  view.for_each_cell(
      everyone, view.all_replications(), [&](ProviderYear r, std::uint64_t rep, std::size_t cell) {
        const double benchmark = r[c::kBenchmark];
        if (!std::isfinite(r[c::kNullSavingsRate]) || !(benchmark > 0)) return;
        const scenario::ContractTerms& terms =
            contract.years[cell % static_cast<std::size_t>(view.years())];
        const double msr = std::isfinite(r[c::kMinimumSavingsRate]) ? r[c::kMinimumSavingsRate] : 0;
        const c::MinimumRates minimum{
            msr, terms.sharing.loss_rate_same ? msr : terms.sharing.minimum_loss_rate};
        const double rate = r[c::kNullSavingsRate] - sum[cell] / count[cell];
        const double null_cost = benchmark * (1 - rate);
        const double target_cost = null_cost - target_effect * r[c::kCounterfactualCost];
        // The records keep neither CJR's repayment target nor the provider's revenue: losses are
        // measured against the benchmark and limited on it alone here (docs/analyses.md).
        const c::SharingBasis basis{benchmark, benchmark, INFINITY};
        const std::size_t i = rep * cells + cell;
        world.savings_rate[i] = rate;
        world.null_shared[i] =
            c::sharing_result(terms, minimum, basis, null_cost, r[c::kQualityScore]);
        world.target_shared[i] =
            c::sharing_result(terms, minimum, basis, target_cost, r[c::kQualityScore]);
      });
  return world;
}

namespace {

//! The threshold rates of `selection` in `range` at each of `min_units` (grid rows); the
//! noise-only rates NaN without `noise`.
QuantityGrid<ThresholdRate> threshold_rates(const RecordView& view, const Selection& selection,
                                            const std::vector<double>& min_units,
                                            const NoiseOnlyWorld* noise, ReplicationRange range) {
  struct Counts {
    double eligible = 0, reward = 0, penalty = 0, negative = 0;
    double noise_reward = 0, noise_penalty = 0, noise_negative = 0;
  };
  std::vector<Counts> counts(min_units.size());
  double units = 0, provider_years = 0;
  view.for_each_cell(selection, range,
                     [&](ProviderYear record, std::uint64_t rep, std::size_t cell) {
                       const std::size_t i = rep * view.cells() + cell;
                       units += record[c::kUnits];
                       ++provider_years;
                       for (std::size_t k = 0; k < min_units.size(); ++k) {
                         if (!(record[c::kUnits] >= min_units[k])) continue;
                         Counts& n = counts[k];
                         ++n.eligible;
                         n.reward += record[c::kNullSharedResult] > 0 ? 1 : 0;
                         n.penalty += record[c::kNullSharedResult] < 0 ? 1 : 0;
                         n.negative += record[c::kTargetSharedResult] > 0 ? 0 : 1;
                         if (!noise) continue;
                         n.noise_reward += noise->null_shared[i] > 0 ? 1 : 0;
                         n.noise_penalty += noise->null_shared[i] < 0 ? 1 : 0;
                         n.noise_negative += noise->target_shared[i] > 0 ? 0 : 1;
                       }
                     });
  QuantityGrid<ThresholdRate> rates(min_units.size());
  for (std::size_t k = 0; k < min_units.size(); ++k) {
    const Counts& n = counts[k];
    rates(R::kMeanUnits, k) = share(units, provider_years);
    rates(R::kExcludedShare, k) = share(provider_years - n.eligible, provider_years);
    rates(R::kEligibleShare, k) = share(n.eligible, provider_years);
    rates(R::kFalseReward, k) = share(n.reward, n.eligible);
    rates(R::kFalsePenalty, k) = share(n.penalty, n.eligible);
    rates(R::kFalseNegative, k) = share(n.negative, n.eligible);
    rates(R::kFalseRewardJoint, k) = share(n.reward, provider_years);
    rates(R::kFalsePenaltyJoint, k) = share(n.penalty, provider_years);
    rates(R::kFalseNegativeJoint, k) = share(n.negative, provider_years);
    if (!noise) continue;
    rates(R::kNoiseFalseReward, k) = share(n.noise_reward, n.eligible);
    rates(R::kNoiseFalsePenalty, k) = share(n.noise_penalty, n.eligible);
    rates(R::kNoiseFalseNegative, k) = share(n.noise_negative, n.eligible);
  }
  return rates;
}

EstimateGrid<ThresholdRate> threshold_rate_estimates(const RecordView& view,
                                                     const Selection& selection,
                                                     const std::vector<double>& min_units,
                                                     const NoiseOnlyWorld* noise) {
  return batch_means<ThresholdRate>(view, min_units.size(), [&](ReplicationRange range) {
    return threshold_rates(view, selection, min_units, noise, range);
  });
}

//! The null savings rates' moments and the MSRs that keep false reward at alpha, as designed
//! and noise only.
QuantityGrid<NullSavings> null_savings(const RecordView& view, const Selection& selection,
                                       const NoiseOnlyWorld& noise, double alpha,
                                       ReplicationRange range) {
  std::vector<double> null_rates, noise_rates;
  double units = 0, provider_years = 0;
  view.for_each_cell(selection, range,
                     [&](ProviderYear record, std::uint64_t rep, std::size_t cell) {
                       const std::size_t i = rep * view.cells() + cell;
                       units += record[c::kUnits];
                       ++provider_years;
                       if (std::isfinite(record[c::kNullSavingsRate]))
                         null_rates.push_back(record[c::kNullSavingsRate]);
                       if (std::isfinite(noise.savings_rate[i]))
                         noise_rates.push_back(noise.savings_rate[i]);
                     });
  const double z = stats::normal_quantile(1 - alpha);
  const double mean = stats::mean(null_rates), sd = stats::standard_deviation(null_rates);
  const double noise_sd = stats::standard_deviation(noise_rates);
  QuantityGrid<NullSavings> values;
  values(N::kMeanUnits) = share(units, provider_years);
  values(N::kNullSavingsRateMean) = mean;
  values(N::kNullSavingsRateSd) = sd;
  values(N::kMsrForAlpha) = null_rates.empty() ? kNaN : stats::value_at_risk(null_rates, 1 - alpha);
  values(N::kMsrNormal) = mean + z * sd;
  values(N::kNoiseSavingsRateSd) = noise_rates.empty() ? kNaN : noise_sd;
  values(N::kNoiseMsrForAlpha) =
      noise_rates.empty() ? kNaN : stats::value_at_risk(noise_rates, 1 - alpha);
  values(N::kNoiseMsrNormal) = noise_rates.empty() ? kNaN : z * noise_sd;
  return values;
}

//! A provider group's name and its participants.
struct ProviderGroup {
  std::string name;
  Selection selection;
};

//! The provider groups in order of first appearance, then "all".
std::vector<ProviderGroup> provider_groups(const RecordView& view) {
  std::vector<ProviderGroup> groups;
  for (std::size_t provider = 0; provider < view.providers(); ++provider) {
    const std::string& name = view.provider_groups()[provider];
    const auto it = std::find_if(groups.begin(), groups.end(),
                                 [&name](const ProviderGroup& g) { return g.name == name; });
    if (it == groups.end())
      groups.push_back({name, {{provider}, kAllYears}});
    else
      it->selection.providers.push_back(provider);
  }
  groups.push_back({"all", view.everyone()});
  return groups;
}

}  // namespace

bool tests_thresholds(const scenario::Contract& contract) {
  return std::any_of(contract.years.begin(), contract.years.end(),
                     [](const scenario::ContractTerms& terms) { return terms.reconciles(); });
}

stats::Estimate false_reward_estimate(const RecordView& view, const scenario::Contract& contract,
                                      const scenario::AnalysisSettings& settings) {
  if (!tests_thresholds(contract) || settings.threshold_min_units.empty()) return {};
  return threshold_rate_estimates(view, view.everyone(), {settings.threshold_min_units.front()},
                                  nullptr)(ThresholdRate::kFalseReward);
}

std::vector<AnalysisTable> threshold_analysis(const RecordView& view,
                                              const scenario::Contract& contract,
                                              const scenario::AnalysisSettings& settings) {
  if (!tests_thresholds(contract)) return {};
  const std::vector<double>& min_units = settings.threshold_min_units;
  const std::vector<ProviderGroup> groups = provider_groups(view);
  const NoiseOnlyWorld noise = noise_only_world(view, contract, settings.threshold_target_effect);
  std::vector<std::string> rate_rows, group_names;
  for (const ProviderGroup& group : groups) {
    group_names.push_back(group.name);
    for (const double m : min_units)
      rate_rows.push_back(group.name + " min_units=" + format_number(m));
  }
  const std::vector<std::string> columns = year_columns(view.years(), "agreement");
  EstimateTable rates =
      make_table(rate_rows, columns, quantities_of<ThresholdRate>(), view.batch_count());
  EstimateTable msr =
      make_table(group_names, columns, quantities_of<NullSavings>(), view.batch_count());
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (std::size_t column = 0; column < columns.size(); ++column) {
      const Selection selection{groups[g].selection.providers, column_year(column, view.years())};
      const EstimateGrid<ThresholdRate> group_rates =
          threshold_rate_estimates(view, selection, min_units, &noise);
      for (std::size_t k = 0; k < min_units.size(); ++k)
        put_row(rates, g * min_units.size() + k, column, group_rates, k);
      put_row(msr, g, column, batch_means<NullSavings>(view, 1, [&](ReplicationRange range) {
                return null_savings(view, selection, noise, settings.threshold_alpha, range);
              }));
    }
  return {{"threshold", "rates",
           "false reward, false penalty and false negative rates given eligibility, as designed "
           "and noise only, by provider group, min_units and performance year",
           rates},
          {"threshold", "msr", "the minimum savings rate that keeps false reward <= alpha", msr}};
}

}  // namespace apmsim::analysis
