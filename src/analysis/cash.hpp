#pragma once
//! Cash timing (docs/analyses.md, "Cash timing"): when the money of the contract moves, with
//! `[contract.timing]`. The provider-years' flows (cash_flows.hpp) summed by month give the
//! cash position; its worst point; the present value of the net result; and the repayment
//! mechanism a two-sided provider posts under MSSP's rule beside what it owes
//! (repayment_mechanism.hpp).

#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "scenario/contract.hpp"

namespace apmsim::analysis {

//! The cash tables (none without `[contract.timing]`), rows = each participant and "portfolio"
//! (the participants together):
//!   position, columns M1..Mn: the cumulative cash position C(m) at the end of month m (the sum
//!     of every flow dated 1..m, month 0's with month 1's): mean (batch means), p05, p50, p95
//!     (lower empirical quantiles, Hall-Sheather errors on all replications, as VaR);
//!   worst_point, one column "agreement": W = min over m of C(m) per replication: worst_mean
//!     (batch means), worst_p05 (its 5% quantile), worst_month_p50 (the median month of W,
//!     first month when tied), worst_month_of_mean (the month where the mean position is lowest);
//!   present_value, columns P1..Pn and agreement: pv_net_result = sum of the year's flows x
//!     (1 + r)^(-m / 12), net_result = their plain sum (= net_provider_result), both means with
//!     batch-means errors;
//! then repayment_mechanism (repayment_mechanism.hpp) where a year can owe.
//! `revenue_shares`: per participant, revenue / cost (engine::Entity::revenue_share).
std::vector<AnalysisTable> cash_analysis(const RecordView& view, const scenario::Contract& contract,
                                         const std::vector<double>& revenue_shares);

}  // namespace apmsim::analysis
