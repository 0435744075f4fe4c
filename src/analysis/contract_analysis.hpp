#pragma once
//! From contract records (one per replication, participant provider and performance year) to what
//! a variant reports: the contract tables (DESIGN section 5, per provider and for the portfolio),
//! the four analyses (DESIGN section 6: withhold.hpp, benchmark.hpp, threshold.hpp, risk.hpp) with
//! batch-means standard errors and 95% intervals, and the headline figures (headline.hpp) that
//! `--target-se` can name.

#include <string>

#include "analysis/headline.hpp"
#include "analysis/results.hpp"
#include "analysis/tables_needed.hpp"
#include "contract/evaluate.hpp"
#include "engine/model.hpp"
#include "scenario/scenario.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

//! Fills `out.contract_provider`, `contract_portfolio`, `headline`, `analyses` and `losses`; with
//! `needed` one table (TablesNeeded), only what it reads: the rest is left empty.
void analyse_contract(const scenario::Scenario& scenario, const engine::Model& model,
                      const contract::Records& records, VariantSummary& out,
                      const TablesNeeded& needed = {});

//! Headline `name` (one of headline_quantities()) of the records with its standard error, alone:
//! what `--target-se` reads after each batch, equal bit for bit to `out.headline`'s entry.
stats::Estimate headline_of(const scenario::Scenario& scenario, const engine::Model& model,
                            const contract::Records& records, const std::string& name);

}  // namespace apmsim::analysis
