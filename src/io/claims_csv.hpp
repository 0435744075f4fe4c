#pragma once
//! `apmsim sample`: one replication's synthetic member-year records (engine/claims.hpp) as CSV,
//! streamed (memory does not grow with rows) and published atomically.
//!
//! Columns: member (unique per patient trajectory in the file: a churned slot's new patient gets
//! a new id; every episode is its own member), provider, provider_group, region, year (0 = the
//! first simulated year), stratum, risk_score (observed), cost, counterfactual_cost, then one
//! column per measure named after it: 1 achieved, 0 not achieved, empty when not measured (not
//! eligible, or no response). Costs are the engine's single-precision values written exactly
//! (a float's value has a short exact decimal form), so per (provider, year) a reader's sums in
//! double precision are the engine's tallies, to the order of summation.

#include <cstdint>
#include <string>

#include "engine/model.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::io {

//! What `apmsim sample` writes.
struct SampleOptions {
  std::uint64_t replication = 0;  //!< which replication of the scenario's seed
  bool comparisons = false;       //!< also the regions' comparison populations
  int threads = 0;                //!< 0: OpenMP's default
  bool force = false;             //!< overwrite an existing file
};

//! What was written.
struct SampleSummary {
  std::uint64_t rows = 0;
  std::uint64_t members = 0;
  std::uint64_t bytes = 0;
};

//! The header line of a claims file for `scenario`'s measures (with its newline).
std::string claims_header(const scenario::Scenario& scenario);

//! Writes replication `options.replication` of `scenario` (its model `model`) to `path`.
//! Throws InputError when `path` cannot be written (before simulating anything).
SampleSummary write_claims_csv(const scenario::Scenario& scenario, const engine::Model& model,
                               const std::string& path, const SampleOptions& options);

}  // namespace apmsim::io
