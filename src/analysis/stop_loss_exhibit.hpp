#pragma once
//! The stop-loss exhibit (docs/analyses.md): what a stop-loss actuary quotes for each specific
//! attachment and each aggregate attachment (Milliman 2012, statistical modeling of stop-loss
//! insurance for the NAIC model act): expected recoveries and retained claims, the probability of
//! attaching with the number of provider-years behind it (and the 3/N bound when none attach),
//! retained-claims percentiles as a share of expected retained claims, the expected policyholder
//! deficit, and the break-even aggregate attachment.

#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "scenario/contract.hpp"

namespace apmsim::analysis {

//! One provider-year of a stop-loss arrangement: the claims it covers, what the cover pays, and
//! the expectations (over replications, for the same provider and year) they are quoted against.
struct StopLossYear {
  double claims = 0;             //!< claims the arrangement covers
  double recovery = 0;           //!< what the cover pays, (claims - attachment)+
  double attachment = 0;         //!< the attachment point (currency)
  double expected_claims = 0;    //!< E[claims] of this provider and year
  double expected_retained = 0;  //!< E[claims - recovery] of this provider and year
  double other_recovery = 0;     //!< the specific stop-loss recovery (aggregate net of specific)
  double premium = 0;            //!< the contract's premium for the cover (contract rows)
  double units = 0;              //!< the provider-year's units
};

//! The stop-loss exhibit, rows = arrangements, columns = performance years and the agreement,
//! pooled over provider-years. First the covers the contract buys (`[contract.stop_loss]`), each
//! with premium = its premium per provider-year and loss_ratio = expected recoveries / premium:
//!   contract stop-loss: every cover together, recovery = stop_loss_recovery, premium =
//!     stop_loss_premium (so its expected recoveries are the records' mean recovery);
//!   contract layer <a>-<l> x<share>: each specific layer and band, share x (cost between a and
//!     l, none above the truncation point), from the records' excess fields; in the years whose
//!     terms have it (0 in the others, and those years' columns show 0);
//!   contract aggregate: claims = cost net of truncation and the specific layers, attachment as
//!     the terms set it, recovery = aggregate_recovery;
//! then what a quote would compare them with:
//!   specific attachment=<A> (each tally threshold A): claims = actual cost, recovery = sum (cost - A)+;
//!   aggregate factor=<f> (each aggregate_attachment_factors f): claims = actual cost - the
//!     contract's specific recovery (net of specific), attachment = f x E[claims];
//!   aggregate monthly=<m> minimum=<x> (aggregate_monthly_factor > 0): attachment =
//!     max(m x 12 x units, x);
//!   aggregate break-even: the factor at which the retained and the insurers' expected claims
//!     are equal, E[retained] = E[specific recovery] + E[aggregate recovery].
//! Quantities: attachment_factor = sum attachment / sum E[claims], expected_claims,
//! expected_recoveries, expected_retained (per provider-year), attach_probability =
//! P(recovery > 0), attach_count (provider-years attaching, all replications),
//! attach_probability_upper = 3 / provider-years when none attach (95%, rule of three),
//! retained_p50 .. retained_p99 = percentiles of retained / E[retained], epd = E[(retained -
//! E[retained])+] / E[retained], each provider-year against its own expectations.
std::vector<AnalysisTable> stop_loss_exhibit(const RecordView& view,
                                             const scenario::Contract& contract,
                                             const scenario::AnalysisSettings& settings);

//! The break-even aggregate attachment factor of some provider-years (attachment f x
//! expected_claims, claims net of other_recovery): f with sum min(claims, f E) = sum
//! other_recovery + sum (claims - f E)+, by bisection; NaN when none exists.
double break_even_factor(const std::vector<StopLossYear>& years);

}  // namespace apmsim::analysis
