#pragma once
//! Accountable cost (DESIGN 5.2, docs/scenario-reference.md `[contract.stop_loss]`): the cost the
//! contract holds the provider to, after truncation and a specific (per-unit) stop-loss, and the
//! stop-loss money in it. An aggregate stop-loss is a corridor band (contract/risk_sharing.hpp).

#include "contract/provider_year.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! The accountable cost of one provider-year and the stop-loss money in it.
struct AccountableCost {
  double cost = 0.0;      //!< truncated cost - stop-loss recovery (+ premium under capitation)
  double recovery = 0.0;  //!< what the specific stop-loss takes off the provider's cost
  double premium = 0.0;   //!< the stop-loss premium, per unit times units
  double truncated_excess = 0.0;  //!< cost above truncate_at, sum (cost - truncate_at)+
};

//! Truncated cost, less (1 - coinsurance) times its part above the attachment (per unit; the
//! attachment is capped at truncate_at, above which nothing is counted). The premium is cash the
//! provider pays (contract/payment.hpp); under `capitation` it is paid from the budget, so it is
//! also part of the budget's gain or loss (the accountable cost). With the attachment at or above
//! truncate_at the cover recovers nothing, and no premium is charged for it.
AccountableCost accountable_cost(const scenario::ContractTerms& terms, const ProviderYear& year);

}  // namespace apmsim::contract
