#pragma once
//! Downside risk (DESIGN 6): the distribution of the provider's net result, the premiums of
//! specific and aggregate stop-loss layers, and the payer's cost of each corridor band.

#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "scenario/contract.hpp"

namespace apmsim::analysis {

//! Per replication of `range`, the loss (-net provider result) summed over `selection`.
std::vector<double> replication_losses(const RecordView& view, const Selection& selection,
                                       ReplicationRange range);

//! The risk tables:
//!   net_result, per provider and the portfolio, by performance year and over the agreement, of
//!     the replication totals L = -net result: mean (of the result), sd, loss_probability =
//!     P(L > 0), var_p = VaR_p(L) (stats::value_at_risk: the ceil(p n)-th smallest) and
//!     tvar_p (stats::tail_value_at_risk) at p = 90, 95, 99 and 99.5%, with order-statistic and
//!     delta-method errors on all replications; capital_p = VaR_p(L) - E[L] by batch means;
//!   specific_layers (with tally thresholds), per unit: the layer between consecutive thresholds
//!     A_i < A_{i+1} pays sum (cost - A_i)+ - (cost - A_{i+1})+ of a provider-year; pure_premium
//!     = sum payout / sum units, sd of the payout per unit over provider-years,
//!     attach_probability = P(payout > 0), loaded_premium = pure x (1 + loading) + sd_loading x sd;
//!   aggregate_layers (with `[analysis.risk] aggregate_layers`), per provider-year: a layer
//!     [attach, limit] on the loss ratio (accountable cost - benchmark) / benchmark pays
//!     clamp(ratio - attach, 0, limit - attach) x benchmark; the same four quantities;
//!   corridor_bands (with a corridor): each band's cost to the payer, contract::band_payer_cost,
//!     and that of the savings outside every band, per provider-year: expected cost, var_99 and
//!     tvar_99.
std::vector<AnalysisTable> risk_analysis(const RecordView& view, const scenario::Contract& contract,
                                         const scenario::AnalysisSettings& settings);

}  // namespace apmsim::analysis
