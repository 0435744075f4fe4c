#pragma once
//! One run from a validated scenario to Results: batches of replications simulated and folded
//! into a Run (run/run.hpp), with checkpoints, resume, shards and MPI ranks.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/results.hpp"
#include "run/settings.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::run {

//! The replications [first, end) of shard i of n of a run of `replications`.
std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t replications, int index,
                                                    int count);

//! Simulates every replication (of the shard) in batches of the resolved batch size, evaluates the
//! contract of every sweep variant on the tallies of its population, and summarises and analyses
//! them. Variants that differ only in contract terms share one simulation; the others are
//! simulated side by side, batch by batch, with the same seed (common random numbers). The
//! results are the same bits whatever the batch size, thread count, number of MPI ranks, or
//! number of interruptions and resumes.
analysis::Results simulate(const scenario::Scenario& scenario, const RunSettings& options);

}  // namespace apmsim::run
