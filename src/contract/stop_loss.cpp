#include "contract/stop_loss.hpp"

namespace apmsim::contract {

AccountableCost accountable_cost(const scenario::StopLossTerms& terms, const ProviderYear& year) {
  AccountableCost out;
  if (terms.enabled) {
    out.recovery = (1.0 - terms.coinsurance) * (year.truncated_cost - year.cost_at_attachment);
    out.premium = terms.premium * year.units;
  }
  out.cost = year.truncated_cost - out.recovery + out.premium;
  return out;
}

}  // namespace apmsim::contract
