#pragma once
//! Accountable cost (DESIGN 5.2, docs/scenario-reference.md `[contract.stop_loss]`): the cost the
//! contract holds the provider to, after truncation and a specific (per-unit) stop-loss, plus
//! the stop-loss premium. An aggregate stop-loss is a corridor band (contract/risk_sharing.hpp).

#include "contract/provider_year.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! The accountable cost of one provider-year and the stop-loss money in it.
struct AccountableCost {
  double cost = 0.0;      //!< truncated cost - stop-loss recovery + premium
  double recovery = 0.0;  //!< what the specific stop-loss takes off the provider's cost
  double premium = 0.0;   //!< the stop-loss premium, per unit times units
};

//! Truncated cost, less (1 - coinsurance) times its part above the attachment (per unit; the
//! attachment is capped at truncate_at, above which nothing is counted), plus the premium.
AccountableCost accountable_cost(const scenario::StopLossTerms& terms, const ProviderYear& year);

}  // namespace apmsim::contract
