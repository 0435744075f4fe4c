#pragma once
//! Sizes the engine is built for: fixed-size arrays on the device, bit masks of strata.

#include <cstddef>

namespace apmsim::scenario {

//! Most calendar years (baseline + performance) in a run.
constexpr int kMaxYears = 32;
//! Most [[stratum]] tables.
constexpr std::size_t kMaxStrata = 16;
//! Most [[measure]] tables.
constexpr std::size_t kMaxMeasures = 16;
//! Most distinct [tallies] thresholds.
constexpr std::size_t kMaxThresholds = 16;
//! Tolerance on shares that must sum to 1.
constexpr double kShareTolerance = 1e-6;

}  // namespace apmsim::scenario
