#pragma once
//! Sizes the engine is built for: fixed-size arrays on the device, bit masks of strata.

#include <cstddef>
#include <cstdint>

namespace apmsim::scenario {

//! Most calendar years (baseline + performance) in a run.
constexpr int kMaxYears = 32;
//! Most [[stratum]] tables.
constexpr std::size_t kMaxStrata = 16;
//! Most enrollment types ([[stratum]] enrollment): the cells benchmarks are computed in.
constexpr std::size_t kMaxEnrollmentTypes = 8;
//! Most [[measure]] tables.
constexpr std::size_t kMaxMeasures = 16;
//! Most distinct [tallies] thresholds.
constexpr std::size_t kMaxThresholds = 16;
//! Largest per-unit amount the engine tallies at (a threshold, truncation point, attachment or
//! limit): tallies keep thresholds in single precision.
constexpr double kMaxTallyAmount = 3.0e38;
//! A per-unit amount as the engine tallies it: the nearest single-precision number (7
//! significant digits; 24871.2158 becomes 24871.215). Every reader of such an amount rounds it,
//! so the contract reads exactly the tally the engine keeps (docs/scenario-reference.md).
inline double tally_amount(double a) {
  return a > 0.0 && a <= kMaxTallyAmount ? static_cast<double>(static_cast<float>(a)) : a;
}
//! Most replications in a run: the random streams number replications with 32 bits, so more
//! would repeat worlds instead of drawing new ones.
constexpr std::uint64_t kMaxReplications = std::uint64_t{1} << 32;
//! Largest sd of a normal effect on log cost (shock_sd, initial_sd, frailty_sd, efficiency_sd,
//! effect_sd): at 2 one sd already multiplies costs by 7.4 and the mean-one correction
//! exp(-sd^2 / 2) is 1/7.4; a random walk of such shocks over 32 years still stays inside single
//! precision, where the engine keeps its log shifts. Far beyond, costs overflow or become 0.
constexpr double kMaxLogSd = 2.0;
//! Largest |effect_mean| and effect_mean x effect_ramp on log cost: 1 is a 63% saving (or a 172%
//! rise), far past anything a contract is evaluated for.
constexpr double kMaxLogEffect = 1.0;
//! Most bytes of a scenario file (scenarios are hand-written or made by calibrate: kilobytes).
constexpr std::size_t kMaxScenarioBytes = std::size_t{16} << 20;
//! Tolerance on shares that must sum to 1.
constexpr double kShareTolerance = 1e-6;

}  // namespace apmsim::scenario
