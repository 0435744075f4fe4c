#include "scenario/names.hpp"

#include <algorithm>

#include "scenario/suggest.hpp"

namespace apmsim::scenario {

bool legal_name(const std::string& name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return c == '/' || byte < 0x20 || byte == 0x7f;
  });
}

std::string NameRegistry::add(const TableReader& table) {
  std::string name = table.required_text("name");
  if (!legal_name(name)) {
    table.fail("name", "a " + kind_ + " name must be non-empty, without '/' or control characters");
  }
  const auto found = std::find(names_.begin(), names_.end(), name);
  if (found != names_.end()) {
    const int first_line = lines_[static_cast<std::size_t>(found - names_.begin())];
    table.fail("name", "duplicate " + kind_ + " name '" + name + "' (first defined on line " +
                           std::to_string(first_line) + ")");
  }
  names_.push_back(name);
  lines_.push_back(table.where().line);
  return name;
}

int NameRegistry::index_of(const TableReader& table, const std::string& name,
                           const std::string& key_path, Location where) const {
  const auto found = std::find(names_.begin(), names_.end(), name);
  if (found != names_.end()) return static_cast<int>(found - names_.begin());
  table.fail_at(where, key_path,
                "unknown " + kind_ + " '" + name + "'" + did_you_mean(name, names_));
}

}  // namespace apmsim::scenario
