#pragma once
//! Reading a scenario: TOML text -> validated Scenario, and back to text for `apmsim validate`.

#include <string>
#include <string_view>

#include "scenario/scenario.hpp"

namespace apmsim::scenario {

//! Reads and validates a scenario file. Throws ScenarioError (file:line:column, key, nearest valid
//! key).
Scenario load_scenario(const std::string& path);

//! Parses and validates scenario text; `path` is only used in messages and for Scenario::name.
Scenario parse_scenario(std::string_view text, const std::string& path);

//! The resolved scenario (every default filled in) as TOML that parse_scenario accepts again.
std::string describe(const Scenario& scenario);

}  // namespace apmsim::scenario
