//! Dotted paths into a parsed scenario: one resolver for `[sweep]` and `[parameter_risk]`.
#include "scenario/value_path.hpp"

#include <algorithm>

namespace apmsim::scenario {

namespace {

//! The element of an array of tables whose `name` (or `year`) is `token`, or nullptr.
toml::table* element(toml::array& array, const std::string& token) {
  for (auto& e : array) {
    auto* t = e.as_table();
    if (!t) continue;
    if (const auto* name = t->get_as<std::string>("name"); name && name->get() == token) return t;
    if (const auto* year = t->get_as<std::int64_t>("year");
        year && std::to_string(year->get()) == token)
      return t;
  }
  // Entries without names (corridor bands, stop-loss layers): by position, from 0.
  const bool digits = !token.empty() && token.size() < 6 &&
                      std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool unnamed = std::none_of(array.begin(), array.end(), [](const toml::node& e) {
    const auto* t = e.as_table();
    return t && (t->contains("name") || t->contains("year"));
  });
  if (digits && unnamed && std::stoul(token) < array.size())
    return array[std::stoul(token)].as_table();
  return nullptr;
}

//! The table holding the last part of `parts`, or nullptr with `problem` set. `create`: tables
//! missing on the way are made.
toml::table* parent_of(toml::table& root, const std::vector<std::string>& parts, bool create,
                       std::string& problem) {
  toml::table* table = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* next = table->get(parts[i]);
    if (!next && !create) {
      problem = "no '" + parts[i] + "' in the scenario";
      return nullptr;
    }
    if (!next) {
      table->insert(parts[i], toml::table{});
      next = table->get(parts[i]);
    }
    if (auto* t = next->as_table()) {
      table = t;
    } else if (auto* a = next->as_array(); a && (a->empty() || a->is_array_of_tables())) {
      if (i + 2 >= parts.size()) {
        problem = "'" + parts[i] + "' is a list: name one of its entries";
        return nullptr;
      }
      table = element(*a, parts[i + 1]);
      if (!table) {
        problem = "no '" + parts[i] + "' entry named '" + parts[i + 1] +
                  "' (entries are named by their name or year; unnamed ones by position from 0)";
        return nullptr;
      }
      ++i;
    } else {
      problem = "'" + parts[i] + "' is not a table";
      return nullptr;
    }
  }
  return table;
}

}  // namespace

std::vector<std::string> path_parts(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t dot; (dot = path.find('.', begin)) != std::string::npos; begin = dot + 1)
    parts.push_back(path.substr(begin, dot - begin));
  parts.push_back(path.substr(begin));
  return parts;
}

toml::node* value_at(toml::table& root, const std::string& path, std::string& problem) {
  const std::vector<std::string> parts = path_parts(path);
  toml::table* table = parent_of(root, parts, false, problem);
  if (!table) return nullptr;
  toml::node* node = table->get(parts.back());
  if (!node) problem = "no '" + parts.back() + "' in the scenario";
  return node;
}

std::string set_path(toml::table& root, const std::string& path, const std::string& text) {
  const std::vector<std::string> parts = path_parts(path);
  std::string problem;
  toml::table* table = parent_of(root, parts, true, problem);
  if (!table) return problem;
  toml::table parsed = toml::parse("v = " + text);
  table->insert_or_assign(parts.back(), std::move(*parsed.get("v")));
  return "";
}

}  // namespace apmsim::scenario
