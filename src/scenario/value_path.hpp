#pragma once
//! Values of a parsed scenario named by dotted paths, as `[sweep]` and `[parameter_risk]` name
//! them: "simulation.trend", "stratum.<name>.mean", "provider_group.<name>.efficiency_sd",
//! "stratum.<name>.transition.<to>"; an element of a `[[...]]` array is named by its `name` (or,
//! for `contract.year`, its `year`), one without either by its position from 0
//! ("contract.corridor.0.upper").

#include <toml++/toml.h>

#include <string>
#include <vector>

namespace apmsim::scenario {

//! The dot-separated parts of `path`.
std::vector<std::string> path_parts(const std::string& path);

//! The value at `path` in `root`, or nullptr with `problem` saying why.
toml::node* value_at(toml::table& root, const std::string& path, std::string& problem);

//! Sets `path` to the value written `text` in `root` (tables on the way are made when missing);
//! returns "" or what went wrong.
std::string set_path(toml::table& root, const std::string& path, const std::string& text);

}  // namespace apmsim::scenario
