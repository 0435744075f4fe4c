#pragma once
//! Accountable cost (DESIGN 5.2, docs/scenario-reference.md `[contract.stop_loss]`): the cost the
//! contract holds the provider to, after truncation, the specific stop-loss layers and bands, and
//! an aggregate stop-loss, and the stop-loss money in it.

#include <cstddef>
#include <vector>

#include "contract/provider_year.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! The accountable cost of one provider-year and the stop-loss money in it.
struct AccountableCost {
  double cost = 0.0;      //!< truncated cost - stop-loss recovery (+ premium under capitation)
  double recovery = 0.0;  //!< what the stop-loss takes off the provider's cost: specific + aggregate
  double aggregate_recovery = 0.0;  //!< the aggregate cover's part of `recovery`
  double premium = 0.0;   //!< every stop-loss premium: per unit times units
  double truncated_excess = 0.0;  //!< cost above truncate_at, sum (cost - truncate_at)+
};

//! A layer as the contract reads it in one year with truncation amount T (cost above T is never
//! counted): its attachment, its limit, the share it pays and its premium per unit.
struct LayerInForce {
  double attachment = 0.0;  //!< min(attachment, T)
  double limit = 0.0;       //!< its limit; infinite when none or at or above T (the truncated cost)
  double share = 0.0;       //!< 1 - coinsurance
  double premium = 0.0;     //!< per unit
  std::size_t source = 0;   //!< its index in StopLossTerms::specific_layers()
};

//! The specific cover in force in one year: the layers (the table's own, `layer`s, then `band`s)
//! attached below the truncation amount, in specific_layers() order (a layer attached at or
//! above it insures nothing and charges nothing), and the bands' premium per unit, charged while
//! any band is in force.
struct StopLossPlan {
  std::vector<LayerInForce> layers;
  double band_premium = 0.0;
};

//! The plan of `terms` with truncation amount `truncate_at` (0: none).
StopLossPlan stop_loss_plan(const scenario::StopLossTerms& terms, double truncate_at);

//! The boundaries whose sum min(cost, b) a year's layers read (attachments and limits below
//! truncation, above 0), sorted and distinct.
std::vector<double> capped_boundaries(const std::vector<LayerInForce>& layers);

//! What each layer pays on a provider-year: share x (sum min(cost, limit) - sum min(cost, attachment))
//! over its units, from ProviderYear::capped (the truncated cost at an infinite limit).
double layer_recovery(const LayerInForce& layer, const ProviderYear& year);

//! The aggregate cover's attachment on a provider-year: factor x benchmark (the priced expected
//! claims), a stated amount, or max(monthly x 12 x units, minimum).
double aggregate_attachment(const scenario::AggregateStopLoss& a, double units, double benchmark);

//! Truncated cost, less each specific layer's recovery, less the aggregate cover's (1 -
//! coinsurance) x (net cost - attachment)+ up to its limit. The premiums are cash the provider
//! pays (contract/payment.hpp); under `capitation` they are paid from the budget, so they are
//! also part of the budget's gain or loss (the accountable cost). `plan`: stop_loss_plan of the
//! terms in the year's truncation; `benchmark`: the year's benchmark expenditure (benchmark per
//! unit x units), the priced expected claims.
AccountableCost accountable_cost(const scenario::ContractTerms& terms, const StopLossPlan& plan,
                                 const ProviderYear& year, double benchmark);

//! The same, planning the year's cover first (the Evaluator plans each year once).
AccountableCost accountable_cost(const scenario::ContractTerms& terms, const ProviderYear& year,
                                 double benchmark);

}  // namespace apmsim::contract
