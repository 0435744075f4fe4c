#pragma once
//! Base payment and the money of a provider-year (DESIGN 5.6, docs/scenario-reference.md
//! `[contract]`, "Payments per provider-year"): `ffs` pays claims and reconciles afterwards,
//! `capitation` pays the budget (the benchmark) up front, `fee` a participation fee per unit;
//! each less the withhold, plus what is earned back and the reconciliation.

#include "contract/stop_loss.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! The money of one provider-year; positive = the payer pays the provider.
struct Settlement {
  double base_payment = 0.0;   //!< claims (ffs), budget (capitation) or fees (fee)
  double withheld = 0.0;       //!< withhold rate times base payment
  double earned_back = 0.0;    //!< withheld times the earn share
  double payment = 0.0;        //!< what the payer pays the provider
  double provider_cost = 0.0;  //!< the provider's costs: claims, or delivery cost under `fee`
  double outlay = 0.0;         //!< what the payer spends: the payment, plus claims under `fee`

  //! Withheld - earned back.
  double forfeited() const { return withheld - earned_back; }
  //! Payment - the provider's costs.
  double net_provider_result() const { return payment - provider_cost; }
};

//! The base payment: claims (`ffs`), the budget = benchmark total (`capitation`) or
//! participation_fee * units (`fee`).
double base_payment(const scenario::ContractTerms& terms, double cost, double benchmark,
                    double units);

//! Settles a provider-year: base payment, withhold and earn-back, reconciliation; under
//! `capitation` the stop-loss recovery is cash to the provider and its premium is paid from the
//! budget (under `ffs` and `fee` they only change the accountable cost).
Settlement settle(const scenario::ContractTerms& terms, double units, double cost, double benchmark,
                  double earn_share, double reconciliation, const AccountableCost& accountable);

}  // namespace apmsim::contract
