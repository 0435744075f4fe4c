#include "analysis/threshold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/quantity_table.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class ThresholdRate {
  kMeanUnits,
  kExcludedShare,
  kFalseReward,
  kFalsePenalty,
  kFalseNegative
};
constexpr std::array kThresholdRateQuantities{
    QuantityInfo<ThresholdRate>{ThresholdRate::kMeanUnits, "mean_units", "units",
                                "mean units per provider-year"},
    QuantityInfo<ThresholdRate>{ThresholdRate::kExcludedShare, "excluded_share", "fraction",
                                "share of provider-years below min_units"},
    QuantityInfo<ThresholdRate>{ThresholdRate::kFalseReward, "false_reward", "fraction",
                                "P(savings paid | true effect 0)"},
    QuantityInfo<ThresholdRate>{ThresholdRate::kFalsePenalty, "false_penalty", "fraction",
                                "P(losses charged | true effect 0)"},
    QuantityInfo<ThresholdRate>{ThresholdRate::kFalseNegative, "false_negative", "fraction",
                                "P(no savings paid | true effect = target_effect)"},
};
static_assert(listed_in_order(kThresholdRateQuantities));
constexpr const auto& quantity_table(ThresholdRate) { return kThresholdRateQuantities; }

enum class NullSavings {
  kMeanUnits,
  kNullSavingsRateMean,
  kNullSavingsRateSd,
  kMsrForAlpha,
  kMsrNormal
};
constexpr std::array kNullSavingsQuantities{
    QuantityInfo<NullSavings>{NullSavings::kMeanUnits, "mean_units", "units",
                              "mean units per provider-year"},
    QuantityInfo<NullSavings>{NullSavings::kNullSavingsRateMean, "null_savings_rate_mean",
                              "fraction", "mean savings rate when the true effect is 0"},
    QuantityInfo<NullSavings>{NullSavings::kNullSavingsRateSd, "null_savings_rate_sd", "fraction",
                              "its standard deviation"},
    QuantityInfo<NullSavings>{
        NullSavings::kMsrForAlpha, "msr_for_alpha", "fraction",
        "smallest MSR with P(savings rate >= MSR | effect 0) <= alpha (empirical quantile)"},
    QuantityInfo<NullSavings>{NullSavings::kMsrNormal, "msr_normal", "fraction",
                              "the same from the normal approximation: mean + z(1-alpha) sd"},
};
static_assert(listed_in_order(kNullSavingsQuantities));
constexpr const auto& quantity_table(NullSavings) { return kNullSavingsQuantities; }

//! count / provider-years, NaN without provider-years.
double share(double count, double provider_years) {
  return provider_years > 0 ? count / provider_years : kNaN;
}

//! The threshold rates of `selection` in `range` at each of `min_units` (grid rows).
QuantityGrid<ThresholdRate> threshold_rates(const RecordView& view, const Selection& selection,
                                            const std::vector<double>& min_units,
                                            ReplicationRange range) {
  struct Counts {
    double excluded = 0, false_reward = 0, false_penalty = 0, false_negative = 0;
  };
  std::vector<Counts> counts(min_units.size());
  double units = 0, provider_years = 0;
  view.for_each(selection, range, [&](ProviderYear record) {
    units += record[c::kUnits];
    ++provider_years;
    for (std::size_t k = 0; k < min_units.size(); ++k) {
      const bool eligible = record[c::kUnits] >= min_units[k];
      counts[k].excluded += eligible ? 0 : 1;
      counts[k].false_reward += eligible && record[c::kNullSharedResult] > 0 ? 1 : 0;
      counts[k].false_penalty += eligible && record[c::kNullSharedResult] < 0 ? 1 : 0;
      counts[k].false_negative += eligible && record[c::kTargetSharedResult] > 0 ? 0 : 1;
    }
  });
  QuantityGrid<ThresholdRate> rates(min_units.size());
  for (std::size_t k = 0; k < min_units.size(); ++k) {
    rates(ThresholdRate::kMeanUnits, k) = share(units, provider_years);
    rates(ThresholdRate::kExcludedShare, k) = share(counts[k].excluded, provider_years);
    rates(ThresholdRate::kFalseReward, k) = share(counts[k].false_reward, provider_years);
    rates(ThresholdRate::kFalsePenalty, k) = share(counts[k].false_penalty, provider_years);
    rates(ThresholdRate::kFalseNegative, k) = share(counts[k].false_negative, provider_years);
  }
  return rates;
}

EstimateGrid<ThresholdRate> threshold_rate_estimates(const RecordView& view,
                                                     const Selection& selection,
                                                     const std::vector<double>& min_units) {
  return batch_means<ThresholdRate>(view, min_units.size(), [&](ReplicationRange range) {
    return threshold_rates(view, selection, min_units, range);
  });
}

//! The null savings rate's moments and the MSRs that keep false reward at alpha.
QuantityGrid<NullSavings> null_savings(const RecordView& view, const Selection& selection,
                                       double alpha, ReplicationRange range) {
  std::vector<double> null_rates;
  double units = 0, provider_years = 0;
  view.for_each(selection, range, [&](ProviderYear record) {
    units += record[c::kUnits];
    ++provider_years;
    if (std::isfinite(record[c::kNullSavingsRate]))
      null_rates.push_back(record[c::kNullSavingsRate]);
  });
  const double mean = stats::mean(null_rates), sd = stats::standard_deviation(null_rates);
  QuantityGrid<NullSavings> values;
  values(NullSavings::kMeanUnits) = share(units, provider_years);
  values(NullSavings::kNullSavingsRateMean) = mean;
  values(NullSavings::kNullSavingsRateSd) = sd;
  values(NullSavings::kMsrForAlpha) =
      null_rates.empty() ? kNaN : stats::value_at_risk(null_rates, 1 - alpha);
  values(NullSavings::kMsrNormal) = mean + stats::normal_quantile(1 - alpha) * sd;
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
  return threshold_rate_estimates(
      view, view.everyone(), {settings.threshold_min_units.front()})(ThresholdRate::kFalseReward);
}

std::vector<AnalysisTable> threshold_analysis(const RecordView& view,
                                              const scenario::Contract& contract,
                                              const scenario::AnalysisSettings& settings) {
  if (!tests_thresholds(contract)) return {};
  const std::vector<double>& min_units = settings.threshold_min_units;
  const std::vector<ProviderGroup> groups = provider_groups(view);
  std::vector<std::string> rate_rows, group_names;
  for (const ProviderGroup& group : groups) {
    group_names.push_back(group.name);
    for (const double m : min_units)
      rate_rows.push_back(group.name + " min_units=" + format_number(m));
  }
  EstimateTable rates =
      make_table(rate_rows, {"all"}, quantities_of<ThresholdRate>(), view.batch_count());
  EstimateTable msr =
      make_table(group_names, {"all"}, quantities_of<NullSavings>(), view.batch_count());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const Selection& selection = groups[g].selection;
    const EstimateGrid<ThresholdRate> group_rates =
        threshold_rate_estimates(view, selection, min_units);
    for (std::size_t k = 0; k < min_units.size(); ++k)
      put_row(rates, g * min_units.size() + k, 0, group_rates, k);
    put_row(msr, g, 0, batch_means<NullSavings>(view, 1, [&](ReplicationRange range) {
              return null_savings(view, selection, settings.threshold_alpha, range);
            }));
  }
  return {{"threshold", "rates",
           "false reward, false penalty and false negative rates by provider group and min_units",
           rates},
          {"threshold", "msr", "the minimum savings rate that keeps false reward <= alpha", msr}};
}

}  // namespace apmsim::analysis
