#pragma once
//! From contract records (one per replication, participant provider and performance year) to what
//! a variant reports: the contract tables (DESIGN section 5, per provider and for the portfolio),
//! the four analyses (DESIGN section 6) with batch-means standard errors and 95% intervals, and a
//! few headline figures that `--target-se` can name.

#include <string>
#include <vector>

#include "analysis/results.hpp"
#include "contract/evaluate.hpp"
#include "engine/model.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::analysis {

//! Fills `out.contract_provider`, `contract_portfolio`, `headline` and `analyses`.
void analyse_contract(const scenario::Scenario& scenario, const engine::Model& model,
                      const contract::Records& records, VariantSummary& out);

//! The headline figures, in order: what `--target-se NAME=REL` accepts.
const std::vector<Quantity>& headline_quantities();

}  // namespace apmsim::analysis
