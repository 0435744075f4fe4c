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

//! Settles a provider-year: base payment, withhold and earn-back, reconciliation, and the
//! stop-loss premium, which the provider pays in cash under every base. Under `capitation` the
//! stop-loss recovery and the cost above truncate_at are cash to the provider too: the budget is
//! set on truncated cost, and the commissioner insures each unit's cost above the truncation
//! point (seed 003 sec. 7.3: "insuring providers against costs above a certain level, say
//! GBP 20,000 for each patient"), so that cost never falls on the provider. Under `ffs` and `fee`
//! the recovery and the truncation only lower the accountable cost (the payer pays the claims).
Settlement settle(const scenario::ContractTerms& terms, double units, double cost, double benchmark,
                  double earn_share, double reconciliation, const AccountableCost& accountable);

}  // namespace apmsim::contract
