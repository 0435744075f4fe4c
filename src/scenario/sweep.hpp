#pragma once
//! `[sweep]`: the cartesian product of parameter values, each a full scenario. Variants that differ
//! only in `contract.` parameters share one population (one simulation, the same tallies); the
//! others are re-simulated with the same seed, so all variants see common random numbers.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario.hpp"

namespace apmsim::scenario {

//! One variant of a run.
struct Variant {
  std::string name;  //!< "base" without a sweep, else "withhold.rate=0.02,trend=0.05"
  std::vector<std::pair<std::string, std::string>> parameters;  //!< (path, TOML value) pairs
  Scenario scenario;           //!< the scenario with the variant's values set, validated
  std::size_t population = 0;  //!< variants with the same population index share tallies
};

//! The variants of `base` in sweep order (first key varies slowest); just "base" without a sweep.
//! Throws ScenarioError at the sweep key when a value makes the scenario invalid.
std::vector<Variant> expand_sweep(const Scenario& base);

//! `base` (without its sweep) with each (path, TOML value text) set as a sweep sets it, validated
//! again; InputError starting with `what` when a path is not there or the scenario becomes
//! invalid. Paths are the sweep's (`contract.withhold.rate`, `contract.corridor.0.upper`).
Scenario with_values(const Scenario& base,
                     const std::vector<std::pair<std::string, std::string>>& values,
                     const std::string& what);

//! Most variants a sweep may have.
constexpr std::size_t kMaxVariants = 4096;

}  // namespace apmsim::scenario
