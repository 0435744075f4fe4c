#pragma once
//! Reading a scenario: TOML text -> validated Scenario, and back to text for `apmsim validate`.

#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "scenario/scenario.hpp"

namespace apmsim::scenario {

//! Reads and validates a scenario file. Throws ScenarioError (file:line:column, key, nearest valid
//! key).
Scenario load_scenario(const std::string& path);

//! The text of a scenario (or terms) file: a regular file of at most kMaxScenarioBytes; a
//! ScenarioError naming the file (as `what`, e.g. "scenario file") otherwise.
std::string read_scenario_text(const std::string& path, const std::string& what);

//! Parses and validates scenario text; `path` is only used in messages and for Scenario::name.
Scenario parse_scenario(std::string_view text, const std::string& path);

//! TOML syntax only: a ScenarioError with the line and column of a syntax error.
toml::table parse_toml(std::string_view text, const std::string& path);

//! Validates a parsed scenario; `text` is stored as the scenario's text.
Scenario parse_root(const toml::table& root, std::string_view text, const std::string& path);

//! The resolved scenario (every default filled in) as TOML that parse_scenario accepts again.
std::string describe(const Scenario& scenario);

}  // namespace apmsim::scenario
