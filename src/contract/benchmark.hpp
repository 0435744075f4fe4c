#pragma once
//! Benchmarks per unit (DESIGN 5.1): historical (weighted baseline years trended by the contract's
//! assumed trend), regional (the comparison population's cost in the same year), blends, risk
//! adjustment with a cap on risk-score growth, and a discount. Pure functions of per-unit costs.

#include <vector>

namespace apmsim::contract {

//! Historical benchmark for performance year `year` (calendar index, after the baseline):
//!   sum_b weight_b * cost_b * (1 + assumed_trend)^(year - b),  b = 0..B-1,
//! so each baseline year is trended forward to the performance year (MSSP: weights 10/30/60,
//! Milliman 2019). Weights are normalised to sum to one.
double historical_benchmark(const std::vector<double>& baseline_cost_per_unit,
                            const std::vector<double>& weights, double assumed_trend, int year);

//! Risk adjustment factor: the observed risk score's ratio to the baseline's, its growth capped
//! at `growth_cap` (e.g. 0.03: at most +3% over the agreement period). Falls are not capped.
double risk_adjustment(double risk_per_unit, double baseline_risk_per_unit, double growth_cap);

//! (1 - w) * historical + w * regional: the blend of DESIGN 5.1 (w = 0: historical, 1: regional).
double blended_benchmark(double historical, double regional, double regional_weight);

//! The benchmark a contract pays on: blend * risk adjustment * (1 - discount).
double contract_benchmark(double historical, double regional, double regional_weight,
                          double risk_factor, double discount);

}  // namespace apmsim::contract
