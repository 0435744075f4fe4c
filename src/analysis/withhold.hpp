#pragma once
//! Withhold pricing (DESIGN 6): what the withhold costs the providers (forfeit, earned back), how
//! its earn-back share is distributed, the withhold rate that meets a target, and how much of the
//! forfeit is measurement noise rather than a real quality shortfall.

#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "scenario/contract.hpp"

namespace apmsim::analysis {

//! Whether any performance year withholds part of the payment (else there is nothing to price).
bool has_withhold(const scenario::Contract& contract);

//! The withhold tables, none without a withhold:
//!   forfeit: portfolio totals a replication by performance year and over the agreement;
//!     shortfall_forfeit = sum withheld x (1 - complete-data earn share), noise_forfeit =
//!     forfeited - shortfall_forfeit, noise_forfeit_probability = P(forfeit > 0 | the complete-
//!     data score earns the whole withhold);
//!   earn_share_distribution: share of provider-years per tenth of the earn share;
//!   solved_rate (with a target in `settings`): the forfeit is linear in the rate, so
//!     rate = target x sum base / sum base (1 - earn share) for an expected forfeit, and
//!     rate = limit / VaR_{1-probability}(1 - earn share) for P(forfeit > limit x base) <=
//!     probability, each at most 1;
//!   provider: forfeited, forfeit_share and forfeit_probability per provider.
std::vector<AnalysisTable> withhold_analysis(const RecordView& view,
                                             const scenario::Contract& contract,
                                             const scenario::AnalysisSettings& settings);

}  // namespace apmsim::analysis
