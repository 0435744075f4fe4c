#pragma once
//! Benchmarks per unit (DESIGN 5.1, docs/scenario-reference.md `[contract.benchmark]`):
//! historical (weighted baseline years trended by the contract's trend, contract/trend.hpp), regional (the
//! comparison population's cost in the same year), blends, risk adjustment with a cap on
//! risk-score growth, the efficiency adjustment and discounts. The waterfall runs them in that
//! order; truncation is already in the per-unit costs (contract/provider_year.hpp).

#include <vector>

#include "contract/provider_year.hpp"
#include "contract/trend.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! Historical benchmark for performance year `year` (calendar index, after the baseline):
//!   sum_b weight_b * cost_b * (1 + assumed_trend)^(year - b),  b = 0..B-1,
//! so each baseline year is trended forward to the performance year (MSSP: weights 10/30/60,
//! Milliman 2019). Weights are normalised to sum to one.
double historical_benchmark(const std::vector<double>& baseline_cost_per_unit,
                            const std::vector<double>& weights, double assumed_trend, int year);
//! The same with any trend: sum_b weight_b * cost_b * trend.factor(b).
double historical_benchmark(const std::vector<double>& baseline_cost_per_unit,
                            const std::vector<double>& weights, const Trend& trend);

//! Risk adjustment factor: the observed risk score's ratio to the baseline's, its growth capped
//! at `growth_cap` (e.g. 0.03: at most +3% over the agreement period). Falls are not capped.
double risk_adjustment(double risk_per_unit, double baseline_risk_per_unit, double growth_cap);

//! (1 - w) * historical + w * regional: the blend of DESIGN 5.1 (w = 0: historical, 1: regional).
double blended_benchmark(double historical, double regional, double regional_weight);

//! The risk side of a provider-year's benchmark.
struct RiskAdjustment {
  double factor = 1.0;    //!< risk_adjustment() of the provider, 1 without risk_adjust
  double case_mix = 1.0;  //!< the provider's capped risk over the region's: scales regional cost
};

//! Risk adjustment of one provider-year: the factor on the historical benchmark, and the case
//! mix that carries the region's cost per unit to the provider's (capped) risk score. With
//! `risk_growth_reference = "last_baseline_year"` the cap applies to growth over the last
//! baseline year (42 CFR 425.605(a)(1), 425.610(a)(2): growth from benchmark year 3 capped at 3%):
//!   factor = (risk_last / risk_baseline) * min(risk / risk_last, 1 + cap),
//! which without a cap is risk / risk_baseline as with the weighted-baseline reference.
RiskAdjustment adjust_for_risk(const scenario::BenchmarkTerms& terms, const ProviderYear& year);

//! Both methods' benchmarks per unit, risk-adjusted.
struct MethodBenchmarks {
  double historical = 0.0;  //!< historical_benchmark() times the risk factor
  double regional = 0.0;    //!< the region's cost per unit times the case mix
  double adjustment = 0.0;  //!< method regional_adjustment: regional_adjustment()
};

//! The historical and regional benchmarks of the trend's performance year on the given
//! per-unit costs (the waterfall passes truncated costs; the benchmark analysis untruncated ones).
MethodBenchmarks method_benchmarks(const scenario::BenchmarkTerms& terms,
                                   const std::vector<double>& baseline_cost_per_unit,
                                   double regional_cost_per_unit, const RiskAdjustment& risk,
                                   const Trend& trend);

//! MSSP's regional adjustment per unit (42 CFR 425.601(f)): the weight of the regional gap,
//! `regional_weight_below` when the provider's historical benchmark is below its region's,
//! `regional_weight_above` otherwise, times (regional - historical), where regional is the
//! region's baseline cost per unit weighted and trended like the historical benchmark and carried
//! to the provider's (capped) risk score; at most `regional_adjustment_cap` times the national cost
//! per unit (425.601(a)(8)(ii)(C): 5% of national per capita expenditure in BY3), carried by the
//! trend's update from the last baseline year to the performance year.
double regional_adjustment(const scenario::BenchmarkTerms& terms, double historical,
                           const BaselineYears& baseline, const RiskAdjustment& risk,
                           const Trend& trend);

//! MSSP's prior savings adjustment per unit (42 CFR 425.658) for a provider renewing into a new
//! agreement: prior_savings_share times the mean, over the baseline years it was in the program,
//! of its savings per unit carried to the performance year by the trend, when that mean is
//! positive (0 otherwise, and in a first agreement); at most prior_savings_cap times the national
//! cost per unit, carried by the trend's update like the regional adjustment's cap.
double prior_savings_adjustment(const scenario::BenchmarkTerms& terms,
                                const BaselineYears& baseline, const Trend& trend);

//! The adjustment in force with the prior savings adjustment `prior` (> 0): the higher of a
//! positive regional adjustment and `prior`; `prior` in place of a negative one (CY2023 PFS
//! final rule, 87 FR 69777). `regional` alone when `prior` is 0.
double with_prior_savings(double regional, double prior);

//! The benchmark of the contract's method: historical, regional, their blend, or historical
//! plus the regional adjustment.
double method_benchmark(const scenario::BenchmarkTerms& terms, const MethodBenchmarks& methods);

//! The efficiency adjustment: a provider whose risk-adjusted baseline cost per unit is below its
//! region's gets `efficiency_adjustment` of the gap added, as a share of its own level.
double efficiency_adjusted(const scenario::BenchmarkTerms& terms, double benchmark_per_unit,
                           const BaselineYears& baseline);

//! The discount in force: that of the highest quality_discount tier the score reaches, else
//! `discount` (CJR: quality-tiered discounts).
double discount_in_force(const scenario::BenchmarkTerms& terms, double quality_score);

//! The discount of the target repayments are measured against: the discount in force, or with
//! `repayment_discount` that discount less the points quality took off the gain discount, at
//! least 0 (CJR, 42 CFR 510.305 and 510.315: repayments discounted 2% in PY2-3 and 3% in PY4-5,
//! "good" and "excellent" quality lowering both discounts by 1 and 1.5 points).
double repayment_discount_in_force(const scenario::BenchmarkTerms& terms, double discount_in_force);

}  // namespace apmsim::contract
