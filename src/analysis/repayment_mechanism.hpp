#pragma once
//! The repayment mechanism a two-sided ACO must post (42 CFR 425.204(f)(4)), beside the
//! simulated distribution of what it owes in a year (docs/analyses.md, "Cash timing").

#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "scenario/contract.hpp"

namespace apmsim::analysis {

//! Whether performance year terms can leave the provider owing (a negative reconciliation):
//! shared losses, a corridor under capitation (the payer takes back savings outside the 100%
//! band) or a corridor band below zero savings.
bool can_owe(const scenario::ContractTerms& terms);

//! The mechanism of one provider-year: the lesser of mechanism_expenditure_share x the benchmark
//! (standing for the expenditure the benchmark is set on) and mechanism_revenue_share x the
//! provider's revenue, revenue_share x actual cost (the year's cost standing for the most recent
//! year's revenue).
double repayment_mechanism(ProviderYear record, double revenue_share,
                           const scenario::CashTiming& timing);

//! Rows = each participant and "portfolio" (their provider-years pooled), columns P1..Pn and
//! agreement (pooled), over provider-years in the program of years that can owe; owed =
//! max(-reconciliation, 0), M = repayment_mechanism: mechanism = E[M], owed_mean = E[owed],
//! owed_probability = P(owed > 0), owed_p95 and owed_p99 (lower empirical quantiles,
//! Hall-Sheather errors), beyond_probability = P(owed > M), beyond_mean = E[(owed - M)+];
//! means and probabilities with batch-means errors. None when no year can owe.
std::vector<AnalysisTable> repayment_mechanism_table(const RecordView& view,
                                                     const scenario::Contract& contract,
                                                     const std::vector<double>& revenue_shares);

}  // namespace apmsim::analysis
