#pragma once
//! Simulate once, price many (docs/analyses.md): new contract terms evaluated on the tallies a run
//! stored with `--write-tallies`, with no simulation, into the same results a run of those terms
//! with the same seed would write, bit for bit.

#include <string>

#include "analysis/results.hpp"
#include "run/settings.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::run {

//! The stored run's scenario with the terms file's `[contract]` (and its `[analysis]` and
//! `[sweep]`, when it gives them) in place of its own. The terms file may hold nothing else (the
//! simulated world is the stored run's). Errors name the file and line they come from: the terms
//! file's for its tables. Throws InputError when the stored run is not one population a terms
//! file can be priced on (a shard, no tallies, a sweep of anything but contract terms).
scenario::Scenario priced_scenario(const analysis::Results& stored, const std::string& stored_path,
                                   const std::string& terms_text, const std::string& terms_path);

//! A scenario text's `[contract]`, `[analysis]` and `[sweep]` as a terms file (to price a stored
//! run's own terms, or start from them).
std::string own_terms(const std::string& scenario_text, const std::string& path);

//! Evaluates `terms` (priced_scenario's) on the stored tallies: the stored run's seed,
//! replications and batch size; `settings` give the rest (threads, records, tallies kept).
//! Throws InputError naming a tally threshold the terms need and the run did not keep.
analysis::Results price(const analysis::Results& stored, const std::string& stored_path,
                        const scenario::Scenario& terms, RunSettings settings);

}  // namespace apmsim::run
