#pragma once
//! The truncation pilot's amounts kept with stored tallies (results format 2.6): a run with
//! `--write-tallies` stores what its pilot gave, and `price` and `solve` answer the same levels
//! from them instead of simulating the pilot again (older files: the pilot is simulated).

#include <cstdint>
#include <memory>

#include "analysis/results.hpp"
#include "engine/truncation.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::run {

//! Writes every level `pilot` answered, with its amounts, into `tallies`.
void store_pilot(const engine::TruncationPilot& pilot, analysis::TallyDump& tallies);

//! The pilot of `scenario`'s world and `seed` that answers the levels `tallies` stored (and
//! simulates on any other level); nullptr when they stored none. Throws InputError naming
//! `source` when their shapes do not agree.
std::unique_ptr<engine::TruncationPilot> stored_pilot(const analysis::TallyDump& tallies,
                                                      const scenario::Scenario& scenario,
                                                      std::uint64_t seed,
                                                      const std::string& source);

}  // namespace apmsim::run
