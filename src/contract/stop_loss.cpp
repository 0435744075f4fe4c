#include "contract/stop_loss.hpp"

namespace apmsim::contract {

AccountableCost accountable_cost(const scenario::ContractTerms& terms, const ProviderYear& year) {
  AccountableCost out;
  out.truncated_excess = year.cost - year.truncated_cost;
  const scenario::StopLossTerms& stop_loss = terms.stop_loss;
  const double truncate_at = scenario::truncation_in(terms.benchmark, year.year);
  // Cover attached at or above truncate_at insures cost the contract never counts: no cover.
  const bool covers =
      stop_loss.enabled && !(truncate_at > 0.0 && stop_loss.attachment >= truncate_at);
  if (covers) {
    out.recovery = (1.0 - stop_loss.coinsurance) * (year.truncated_cost - year.cost_at_attachment);
    out.premium = stop_loss.premium * year.units;
  }
  const bool premium_from_budget = terms.base == scenario::BasePayment::Capitation;
  out.cost = year.truncated_cost - out.recovery + (premium_from_budget ? out.premium : 0.0);
  return out;
}

}  // namespace apmsim::contract
