#pragma once
//! Eligibility and risk sharing on a provider's savings (DESIGN 5.3-5.4,
//! docs/scenario-reference.md `[contract.sharing]`, `[[contract.corridor]]`): min_units and the
//! quality gate; minimum savings and loss rates, first-dollar or excess sharing, sharing rates,
//! caps; and general piecewise-linear corridors, of which an aggregate stop-loss is one band.
//! Sign convention everywhere: positive = the payer pays the provider, negative = the provider
//! owes.

#include <vector>

#include "contract/provider_year.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! The savings rate s = (benchmark - accountable cost) / benchmark; NaN without a benchmark.
double savings_rate(double benchmark, double accountable_cost);

//! Whether a provider-year is large enough for any reconciliation: units >= min_units.
bool eligible(const scenario::ContractTerms& terms, double units);

//! The minimum savings and loss rates in force for one provider-year.
struct MinimumRates {
  double savings = 0.0;  //!< savings below this share of the benchmark earn nothing
  double loss = 0.0;     //!< losses below this share of the benchmark cost nothing
};

//! The minimum rates of `terms` for a provider-year of `units`: fixed, the MSSP table, or
//! size-based, max(size_based_floor, z(confidence) * cv / sqrt(units)) with cv from the
//! provider's baseline costs and the confidence fixed or (`confidence = "by_size"`)
//! size_based_confidence(units); the minimum loss rate is its own or (`"same"`) the minimum
//! savings rate.
MinimumRates minimum_rates(const scenario::SharingTerms& terms, double units,
                           const BaselineYears& baseline);

//! What one provider-year's sharing rule is measured against.
struct SharingBasis {
  double benchmark = 0.0;       //!< savings are measured against it (the benchmark record)
  double loss_benchmark = 0.0;  //!< losses against it: the benchmark, or with CJR's repayment
                                //!< discount (42 CFR 510.305) its own discounted target
  double revenue = 0.0;         //!< the provider's revenue, for a loss limit on revenue (MSSP)
};

//! The loss sharing rate in force: `loss_rate`, or (`loss_rate = "from_sharing"`, 42 CFR
//! 425.610(f)) 1 - the final sharing rate (savings_rate times the quality multiplier), clamped to
//! [loss_rate_min, loss_rate_max].
double loss_sharing_rate(const scenario::SharingTerms& terms, double quality_multiplier);

//! The most the provider owes: loss_cap * benchmark, and at most loss_cap_revenue * revenue
//! (42 CFR 425.605(d)(1)(iii)-(v): a share of ACO participants' revenue, capped at a share of the
//! benchmark).
double loss_limit(const scenario::SharingTerms& terms, double benchmark, double revenue);

//! Shared savings or losses of one provider-year. `quality_multiplier` in [0, 1] scales the
//! savings share (quality-scaled sharing); losses are not scaled.
//!   s = (benchmark - cost) / benchmark
//!   s >= MSR:  +savings_rate * q * (benchmark - cost - [excess ? MSR * benchmark : 0]),
//!              at most savings_cap * benchmark
//!   s <= -MLR: -loss_sharing_rate * (cost - benchmark - [excess ? MLR * benchmark : 0]),
//!              at most loss_limit()
//!   otherwise: 0.
double shared_savings(const scenario::SharingTerms& terms, const MinimumRates& minimum,
                      double benchmark, double cost, double quality_multiplier = 1.0,
                      double revenue = 0.0);

//! The part of a savings rate inside a corridor band: the overlap of [0, rate] (or [rate, 0] for
//! a loss) with [lower, upper), signed like the rate; 0 outside the band.
double band_savings_rate(const scenario::CorridorBand& band, double rate);

//! Provider's result under a piecewise-linear corridor: the sum over bands of `share` times
//! the part of the savings rate inside the band, times the benchmark. Bands may be asymmetric;
//! savings outside every band are not shared. An aggregate stop-loss at +/-L with the provider
//! bearing everything inside is one band {-L, +L, 1}.
double corridor_result(const std::vector<scenario::CorridorBand>& bands, double benchmark,
                       double cost);

//! The payer's cost of one corridor band at a savings rate: -(1 - share) times the band's part
//! of the savings (negative: the payer keeps that much of the savings); 0 without a benchmark.
double band_payer_cost(const scenario::CorridorBand& band, double benchmark, double rate);

//! The payer's cost of the savings outside every band (the payer keeps all of them).
double outside_bands_payer_cost(const std::vector<scenario::CorridorBand>& bands, double benchmark,
                                double rate);

//! The sharing rule in force (shared savings or a corridor) on one accountable cost, before
//! eligibility, with the quality gate: no savings are paid below `quality_gate` (losses still
//! are). Savings are measured against `basis.benchmark`; when that shows none, losses against
//! `basis.loss_benchmark`. 0 when the contract reconciles nothing.
double sharing_result(const scenario::ContractTerms& terms, const MinimumRates& minimum,
                      const SharingBasis& basis, double accountable_cost, double quality_score);

//! The reconciliation paid (+) or owed (-): the sharing result when eligible; under capitation
//! the payer tops up losses / takes back gains outside the provider's share, so it is the shared
//! result minus the budget's own gain (benchmark - accountable cost), and an ineligible provider
//! (units < min_units) shares nothing: the payer takes back all of the budget's gain or tops up
//! all of its loss. A positive shared result is paid less `sharing.sequestration`; losses are
//! owed in full. 0 when the contract reconciles nothing.
double reconciliation(const scenario::ContractTerms& terms, bool eligible, double shared,
                      double benchmark, double accountable_cost);

//! The one-sided confidence CMS's MSR table implies for `units` beneficiaries (CMS-1345-P
//! pp. 265-268): 90% at 5,000 or fewer, linear to 95% at 20,000, linear to 99% at 50,000 and
//! above. With cv 2.15 and a 2% floor, z(confidence) * cv / sqrt(units) gives 42 CFR 425.604(b)'s
//! table within 0.06 percentage points.
double size_based_confidence(double units);

//! The MSSP one-sided model's minimum savings rate for `units` assigned beneficiaries
//! (42 CFR 425.604(b)): 3.9% at 5,000 falling to 2.0% at 60,000 and above, linear within each
//! band of the table. Below 5,000 (an ACO whose assigned population fell below the minimum): the
//! 90% one-sided confidence rate z(0.90) 2.1519 / sqrt(units) that meets the table at 5,000.
double mssp_minimum_savings_rate(double units);

}  // namespace apmsim::contract
