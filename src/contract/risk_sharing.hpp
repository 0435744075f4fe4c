#pragma once
//! Risk sharing on a provider's savings (DESIGN 5.4): minimum savings and loss rates, first-dollar
//! or excess sharing, sharing rates, caps; and general piecewise-linear corridors, of which an
//! aggregate stop-loss is one band. Pure functions of a benchmark and an accountable cost.
//! Sign convention everywhere: positive = the payer pays the provider, negative = the provider
//! owes.

#include <vector>

namespace apmsim::contract {

//! Shared-savings terms (HCP-LAN APM Framework; MSSP-style).
struct SharingTerms {
  double minimum_savings_rate = 0.0;  //!< savings below this share of the benchmark earn nothing
  double minimum_loss_rate = 0.0;     //!< losses below this share of the benchmark cost nothing
  bool first_dollar = true;           //!< share from the first dollar once past the minimum rate
  double savings_rate = 0.5;          //!< provider's share of savings
  double loss_rate = 0.0;             //!< provider's share of losses (0 = upside only)
  double savings_cap = 1.0;           //!< most the provider can earn, as a share of the benchmark
  double loss_cap = 1.0;              //!< most the provider can owe, as a share of the benchmark
};

//! The reconciliation of one provider-year. `quality_multiplier` in [0, 1] scales the savings
//! share (quality-scaled sharing); losses are not scaled.
//!   s = (benchmark - cost) / benchmark
//!   s >= MSR:  +savings_rate * q * (benchmark - cost - [excess ? MSR * benchmark : 0]), <=
//!   savings_cap * benchmark s <= -MLR: -loss_rate * (cost - benchmark - [excess ? MLR * benchmark
//!   : 0]), capped at loss_cap * benchmark otherwise: 0.
double shared_savings(const SharingTerms& terms, double benchmark, double cost,
                      double quality_multiplier = 1.0);

//! One band of a corridor: the provider keeps `provider_share` of the savings whose rate falls in
//! [lower, upper) (rates as shares of the benchmark; negative rates are losses).
struct CorridorBand {
  double lower;
  double upper;
  double provider_share;
};

//! Provider's result under a piecewise-linear corridor: the sum over bands of provider_share times
//! the part of the savings rate inside the band, times the benchmark. Bands may be asymmetric;
//! savings outside every band are not shared. An aggregate stop-loss at +/-L with the provider
//! bearing everything inside is one band {-L, +L, 1}.
double corridor_result(const std::vector<CorridorBand>& bands, double benchmark, double cost);

//! The MSSP one-sided model's minimum savings rate for `units` assigned beneficiaries
//! (42 CFR 425.604(b)): 3.9% at 5,000 falling to 2.0% at 60,000 and above, linear within each
//! band of the table. Below 5,000 the program sets the rate otherwise (up to 12.2%); that is not
//! modelled here, and this returns the 5,000 rate.
double mssp_minimum_savings_rate(double units);

}  // namespace apmsim::contract
