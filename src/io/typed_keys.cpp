#include "io/typed_keys.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace apmsim::io {
namespace {

//! A TOML value as JSON; dates and times (no JSON type) as their TOML text.
nlohmann::json json_of(const toml::node& node) {
  if (const auto* v = node.as_integer()) return v->get();
  if (const auto* v = node.as_floating_point()) return v->get();
  if (const auto* v = node.as_boolean()) return v->get();
  if (const auto* v = node.as_string()) return v->get();
  if (const auto* a = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *a) out.push_back(json_of(e));
    return out;
  }
  if (const auto* t = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = json_of(v);
    return out;
  }
  std::ostringstream text;
  if (const auto* v = node.as_date()) text << v->get();
  if (const auto* v = node.as_time()) text << v->get();
  if (const auto* v = node.as_date_time()) text << v->get();
  return text.str();
}

//! A key is a name, [A-Za-z_][A-Za-z0-9_]*: in "P(forfeit>0.1)<=0.05" no key is written.
bool is_name(const std::string& key) {
  const auto letter = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
  };
  return !key.empty() && letter(key.front()) && std::all_of(key.begin(), key.end(), [&](char c) {
    return letter(c) || std::isdigit(static_cast<unsigned char>(c));
  });
}

}  // namespace

TypedValue typed_value(const std::string& text) {
  try {
    const toml::table document = toml::parse("v = " + text);
    if (const toml::node* v = document.get("v")) return {text, json_of(*v)};
  } catch (const toml::parse_error&) {
    // Not one TOML value: the text stays text (as python's _toml_value keeps it).
  }
  return {text, text};
}

Keys parameter_keys(const std::vector<std::string>& parameters) {
  Keys keys;
  for (const std::string& p : parameters) {
    const std::size_t eq = p.find('=');
    keys.emplace_back(p.substr(0, eq),
                      typed_value(eq == std::string::npos ? "" : p.substr(eq + 1)));
  }
  return keys;
}

RowKeys row_keys(const std::string& label) {
  RowKeys out;
  std::istringstream words(label);
  for (std::string word; words >> word;) {
    const std::size_t eq = word.find('=');
    if (eq == std::string::npos || !is_name(word.substr(0, eq))) {
      out.group += (out.group.empty() ? "" : " ") + word;
      continue;
    }
    const std::string key = word.substr(0, eq);
    TypedValue value = typed_value(word.substr(eq + 1));
    auto known = std::find_if(out.keys.begin(), out.keys.end(),
                              [&](const auto& k) { return k.first == key; });
    if (known != out.keys.end())
      known->second = std::move(value);
    else
      out.keys.emplace_back(key, std::move(value));
  }
  return out;
}

TypedColumns::TypedColumns(const std::vector<LabelledTable>& tables) {
  const auto has = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  // python/apmsim/results.py, TIDY_COLUMNS.
  std::vector<std::string> taken{"variant",  "table", "row",    "column",  "year", "quantity",
                                 "estimate", "se",    "ci_low", "ci_high", "unit"};
  for (const LabelledTable& t : tables) {
    table_parameters_.push_back(parameter_keys(*t.parameters));
    for (const auto& [path, value] : table_parameters_.back())
      if (!has(parameters_, path)) parameters_.push_back(path);
  }
  taken.insert(taken.end(), parameters_.begin(), parameters_.end());
  for (const LabelledTable& t : tables) {
    TableKeys keys;
    for (const std::string& label : *t.labels) {
      keys.rows.push_back(row_keys(label));
      for (const auto& [key, value] : keys.rows.back().keys)
        if (!has(keys.columns, key) && !has(taken, key)) keys.columns.push_back(key);
    }
    for (const std::string& key : keys.columns)
      if (!has(keys_, key)) keys_.push_back(key);
    tables_.push_back(std::move(keys));
  }
}

const TypedValue* TypedColumns::parameter(std::size_t table, const std::string& path) const {
  return find_key(table_parameters_[table], path);
}

const std::string* TypedColumns::group(std::size_t table, std::size_t row) const {
  const TableKeys& t = tables_[table];
  return t.columns.empty() ? nullptr : &t.rows[row].group;
}

const TypedValue* TypedColumns::key(std::size_t table, std::size_t row,
                                    const std::string& key) const {
  const TableKeys& t = tables_[table];
  if (std::find(t.columns.begin(), t.columns.end(), key) == t.columns.end()) return nullptr;
  return find_key(t.rows[row].keys, key);
}

const TypedValue* find_key(const Keys& keys, const std::string& key) {
  for (const auto& [k, value] : keys)
    if (k == key) return &value;
  return nullptr;
}

}  // namespace apmsim::io
