#include "contract/benchmark.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace apmsim::contract {

double historical_benchmark(const std::vector<double>& cost, const std::vector<double>& weights,
                            double assumed_trend, int year) {
  scenario::BenchmarkTerms terms;
  terms.assumed_trend = assumed_trend;
  const CostPaths none;
  return historical_benchmark(cost, weights,
                              Trend(terms, none, static_cast<int>(cost.size()), year));
}

double historical_benchmark(const std::vector<double>& cost, const std::vector<double>& weights,
                            const Trend& trend) {
  if (cost.empty() || cost.size() != weights.size())
    throw std::invalid_argument("historical_benchmark: one weight per baseline year");
  // The baseline years are the calendar years up to the trend's last baseline year.
  const int first = trend.last() + 1 - static_cast<int>(cost.size());
  double total_weight = 0.0, sum = 0.0;
  for (std::size_t b = 0; b < cost.size(); ++b) {
    total_weight += weights[b];
    sum += weights[b] * cost[b] * trend.factor(first + static_cast<int>(b));
  }
  if (!(total_weight > 0.0)) throw std::invalid_argument("historical_benchmark: weights sum to 0");
  return sum / total_weight;
}

double risk_adjustment(double risk, double baseline_risk, double growth_cap) {
  if (!(baseline_risk > 0.0)) return 1.0;
  return std::min(risk / baseline_risk, 1.0 + growth_cap);
}

double blended_benchmark(double historical, double regional, double w) {
  return (1.0 - w) * historical + w * regional;
}

RiskAdjustment adjust_for_risk(const scenario::BenchmarkTerms& terms, const ProviderYear& year) {
  if (!terms.risk_adjust) return {};
  RiskAdjustment risk;
  const double baseline = year.baseline.risk_per_unit;
  const double last = year.baseline.last_risk_per_unit;
  risk.factor =
      terms.risk_growth_from_last_year && last > 0.0 && baseline > 0.0
          ? last / baseline * risk_adjustment(year.risk_per_unit, last, terms.risk_growth_cap)
          : risk_adjustment(year.risk_per_unit, baseline, terms.risk_growth_cap);
  // Regional cost per unit of risk, times the provider's (capped) risk score.
  if (year.regional_risk_per_unit > 0.0)
    risk.case_mix = baseline * risk.factor / year.regional_risk_per_unit;
  return risk;
}

MethodBenchmarks method_benchmarks(const scenario::BenchmarkTerms& terms,
                                   const std::vector<double>& baseline_cost_per_unit,
                                   double regional_cost_per_unit, const RiskAdjustment& risk,
                                   const Trend& trend) {
  return {historical_benchmark(baseline_cost_per_unit, terms.baseline_weights, trend) * risk.factor,
          regional_cost_per_unit * risk.case_mix};
}

double method_benchmark(const scenario::BenchmarkTerms& terms, const MethodBenchmarks& methods) {
  switch (terms.method) {
    case scenario::BenchmarkMethod::Historical:
      return methods.historical;
    case scenario::BenchmarkMethod::Regional:
      return methods.regional;
    case scenario::BenchmarkMethod::Blend:
      return blended_benchmark(methods.historical, methods.regional, terms.regional_weight);
    case scenario::BenchmarkMethod::RegionalAdjustment:
      return methods.historical + methods.adjustment;
  }
  return 0.0;
}

double regional_adjustment(const scenario::BenchmarkTerms& terms, double historical,
                           const BaselineYears& baseline, const RiskAdjustment& risk,
                           const Trend& trend) {
  double regional =
      historical_benchmark(baseline.regional_cost_per_unit, terms.baseline_weights, trend);
  // The region's cost per unit of risk at the provider's (capped) risk score.
  if (terms.risk_adjust && baseline.regional_risk_per_unit > 0.0)
    regional *= baseline.risk_per_unit * risk.factor / baseline.regional_risk_per_unit;
  const double gap = regional - historical;
  const double weight = gap > 0.0 ? terms.regional_weight_below : terms.regional_weight_above;
  const double adjustment = weight * gap;
  if (!(terms.regional_adjustment_cap < scenario::kNoLimit)) return adjustment;
  const double cap =
      terms.regional_adjustment_cap * terms.national_cost_per_unit * trend.update();
  return std::clamp(adjustment, -cap, cap);
}

double prior_savings_adjustment(const scenario::BenchmarkTerms& terms,
                                const BaselineYears& baseline, const Trend& trend) {
  if (!(terms.prior_savings_share > 0.0)) return 0.0;
  double sum = 0.0;
  int years = 0;
  for (std::size_t b = 0; b < baseline.savings_per_unit.size(); ++b) {
    const double savings = baseline.savings_per_unit[b];
    if (std::isnan(savings)) continue;  // not in the program that year
    sum += savings * trend.factor(baseline.first + static_cast<int>(b));
    ++years;
  }
  if (years == 0 || !(sum > 0.0)) return 0.0;
  const double adjustment = terms.prior_savings_share * sum / years;
  if (!(terms.prior_savings_cap < scenario::kNoLimit)) return adjustment;
  return std::min(adjustment,
                  terms.prior_savings_cap * terms.national_cost_per_unit * trend.update());
}

double with_prior_savings(double regional, double prior) {
  if (!(prior > 0.0)) return regional;
  return regional > 0.0 ? std::max(regional, prior) : prior;
}

double efficiency_adjusted(const scenario::BenchmarkTerms& terms, double benchmark_per_unit,
                           const BaselineYears& baseline) {
  if (!(terms.efficiency_adjustment > 0.0)) return benchmark_per_unit;
  const std::vector<double>& w = terms.baseline_weights;
  double own = 0.0, region = 0.0;
  for (std::size_t b = 0; b < baseline.cost_per_unit.size(); ++b) {
    own += w[b] * baseline.cost_per_unit[b];
    region += w[b] * baseline.regional_cost_per_unit[b];
  }
  // Levels per unit of risk, so a sicker panel is not mistaken for an inefficient one.
  const double own_level = baseline.risk_per_unit > 0.0 ? own / baseline.risk_per_unit : own;
  const double region_level =
      baseline.regional_risk_per_unit > 0.0 ? region / baseline.regional_risk_per_unit : region;
  if (!(own_level > 0.0 && region_level > own_level)) return benchmark_per_unit;
  return benchmark_per_unit *
         (1.0 + terms.efficiency_adjustment * (region_level - own_level) / own_level);
}

double discount_in_force(const scenario::BenchmarkTerms& terms, double quality_score) {
  double discount = terms.discount, reached_at = -1.0;
  for (const scenario::DiscountTier& tier : terms.quality_discount)
    if (quality_score >= tier.at && tier.at > reached_at) {
      discount = tier.discount;
      reached_at = tier.at;
    }
  return discount;
}

double repayment_discount_in_force(const scenario::BenchmarkTerms& terms,
                                   double discount_in_force) {
  if (terms.repayment_same) return discount_in_force;
  return std::max(0.0, terms.repayment_discount - (terms.discount - discount_in_force));
}

}  // namespace apmsim::contract
