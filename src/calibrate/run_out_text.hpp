#pragma once
//! The estimated completion pattern as the scenario's `[contract.run_out]` table: `lag = [...]`
//! with each share's standard error and the completion factors it implies as comments
//! (docs/calibration.md, "Completion pattern from paid dates").

#include <string>

#include "calibrate/completion_pattern.hpp"

namespace apmsim::calibrate {

//! The `[contract.run_out]` table of `p`. `commented`: every line a comment, to paste into a
//! scenario's [contract] (a population file has none, and a table alone would need one).
std::string run_out_text(const CompletionPattern& p, bool commented);

}  // namespace apmsim::calibrate
