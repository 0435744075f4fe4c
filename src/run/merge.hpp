#pragma once
//! `apmsim merge`: the shards of one run (`run --shard I/N`), checked to be the pieces of one run
//! and joined, exactly, into the complete run's results.

#include <string>
#include <vector>

#include "analysis/results.hpp"

namespace apmsim::run {

//! Joins `shards` (read from `paths`, in any order) into the complete run's results. Throws
//! InputError naming the files when one is not a shard, two are not shards of one run (build,
//! scenario, seed, replications, shard count, stored tallies or records differ), a shard is
//! there twice or missing, or a state is damaged.
analysis::Results merge_shards(std::vector<analysis::Results> shards,
                               const std::vector<std::string>& paths,
                               const std::string& command_line);

}  // namespace apmsim::run
