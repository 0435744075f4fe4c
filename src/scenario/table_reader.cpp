#include "scenario/table_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "scenario/error.hpp"
#include "scenario/suggest.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::scenario {

namespace {

//! "a string", "an integer", ... as messages say what was found.
std::string type_name(const toml::node& node) {
  using Type = toml::node_type;
  static const std::pair<Type, const char*> kNames[] = {{Type::table, "a table"},
                                                        {Type::array, "an array"},
                                                        {Type::string, "a string"},
                                                        {Type::integer, "an integer"},
                                                        {Type::floating_point, "a float"},
                                                        {Type::boolean, "a boolean"},
                                                        {Type::date, "a date"},
                                                        {Type::time, "a time"},
                                                        {Type::date_time, "a date-time"}};
  for (const auto& [type, name] : kNames)
    if (node.type() == type) return name;
  return "nothing";
}

//! The file a node's source names ("" when none).
std::string file_of(const toml::source_region& source) {
  return source.path ? *source.path : std::string();
}

Location location_of_key(const toml::key& key) {
  return {static_cast<int>(key.source().begin.line), static_cast<int>(key.source().begin.column),
          file_of(key.source())};
}

std::string integer_range(std::int64_t low, std::int64_t high) {
  if (high == std::numeric_limits<std::int64_t>::max()) return ">= " + std::to_string(low);
  return "in [" + std::to_string(low) + ", " + std::to_string(high) + "]";
}

}  // namespace

Location location_of(const toml::node& node) {
  return {static_cast<int>(node.source().begin.line), static_cast<int>(node.source().begin.column),
          file_of(node.source())};
}

bool Range::contains(double value) const {
  const bool above_low = low_open ? value > low : value >= low;
  const bool below_high = high_open ? value < high : value <= high;
  return above_low && below_high;
}

std::string Range::describe() const {
  const bool bounded_low = std::isfinite(low);
  const bool bounded_high = std::isfinite(high);
  if (!bounded_low && !bounded_high) return "finite";
  if (!bounded_high) return (low_open ? "> " : ">= ") + format_number(low);
  if (!bounded_low) return (high_open ? "< " : "<= ") + format_number(high);
  return std::string("in ") + (low_open ? "(" : "[") + format_number(low) + ", " +
         format_number(high) + (high_open ? ")" : "]");
}

Range any_number() {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  return {-kInf, kInf, true, true};
}
Range at_least(double low) { return {low, std::numeric_limits<double>::infinity(), false, true}; }
Range above(double low) { return {low, std::numeric_limits<double>::infinity(), true, true}; }
Range closed(double low, double high) { return {low, high, false, false}; }
Range open(double low, double high) { return {low, high, true, true}; }
Range left_open(double low, double high) { return {low, high, true, false}; }
Range right_open(double low, double high) { return {low, high, false, true}; }

TableReader::TableReader(const toml::table& table, std::string file, std::string path,
                         std::string title, std::vector<std::string> keys)
    : table_(table),
      file_(std::move(file)),
      path_(std::move(path)),
      title_(std::move(title)),
      keys_(std::move(keys)) {
  check_keys();
}

TableReader TableReader::child(const toml::table& table, std::string path, std::string title,
                               std::vector<std::string> keys) const {
  return TableReader(table, file_, std::move(path), std::move(title), std::move(keys));
}

void TableReader::check_keys() const {
  if (keys_.empty()) return;  // a table of free keys, e.g. [sweep]
  for (const auto& [key, node] : table_) {
    if (std::find(keys_.begin(), keys_.end(), key.str()) != keys_.end()) continue;
    // At the top level the keys are section names: a table there is a misspelt section.
    const bool section = path_.empty() && (node.is_table() || node.is_array_of_tables());
    const std::string what = "unknown " + std::string(section ? "section" : "key") + " '" +
                             std::string(key.str()) + "' in " + title_;
    fail_at(location_of_key(key), key_path(key.str()), what + did_you_mean(key.str(), keys_));
  }
}

std::string TableReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string TableReader::element_path(std::string_view key, std::size_t index) const {
  return key_path(key) + "[" + std::to_string(index) + "]";
}

Location TableReader::location(std::string_view key) const {
  const toml::node* node = table_.get(key);
  return node ? location_of(*node) : where();
}

void TableReader::fail(std::string_view key, const std::string& message) const {
  fail_at(location(key), key_path(key), message);
}

void TableReader::fail_at(Location where, const std::string& key_path,
                          const std::string& message) const {
  throw ScenarioError(where.file.empty() ? file_ : where.file, where.line, where.column, key_path,
                      message);
}

void TableReader::forbid(std::string_view key, const std::string& why) const {
  if (has(key)) fail(key, "not allowed " + why);
}

void TableReader::require(std::string_view key, const std::string& why) const {
  if (has(key)) return;
  fail_at(where(), key_path(key),
          "missing required key '" + std::string(key) + "' in " + title_ +
              (why.empty() ? "" : " " + why));
}

const toml::node& TableReader::present(std::string_view key) const {
  require(key, "");
  return *table_.get(key);
}

double TableReader::checked_number(const toml::node& node, const std::string& key,
                                   const Range& range) const {
  double value = 0.0;
  if (const auto* real = node.as_floating_point()) {
    value = real->get();
  } else if (const auto* whole = node.as_integer()) {
    value = static_cast<double>(whole->get());
  } else {
    fail_at(location_of(node), key, "expected a float, got " + type_name(node));
  }
  if (!std::isfinite(value)) {
    fail_at(location_of(node), key, "expected a finite number, got " + format_number(value));
  }
  if (!range.contains(value)) {
    fail_at(location_of(node), key,
            "must be " + range.describe() + ", got " + format_number(value));
  }
  return value;
}

std::optional<double> TableReader::optional_number(std::string_view key, const Range& range) const {
  const toml::node* node = table_.get(key);
  if (!node) return std::nullopt;
  return checked_number(*node, key_path(key), range);
}

double TableReader::number(std::string_view key, double fallback, const Range& range) const {
  return optional_number(key, range).value_or(fallback);
}

double TableReader::required_number(std::string_view key, const Range& range) const {
  return checked_number(present(key), key_path(key), range);
}

std::int64_t TableReader::integer(std::string_view key, std::int64_t fallback, std::int64_t low,
                                  std::int64_t high) const {
  return has(key) ? required_integer(key, low, high) : fallback;
}

std::int64_t TableReader::required_integer(std::string_view key, std::int64_t low,
                                           std::int64_t high) const {
  const toml::node& node = present(key);
  const auto* whole = node.as_integer();
  if (!whole) {
    std::string hint;
    if (const auto* real = node.as_floating_point();
        real && std::trunc(real->get()) == real->get() && std::abs(real->get()) < 1e15) {
      hint = " (write " + std::to_string(static_cast<std::int64_t>(real->get())) + ")";
    }
    fail(key, "expected an integer, got " + type_name(node) + hint);
  }
  const std::int64_t value = whole->get();
  if (value < low || value > high) {
    fail(key, "must be " + integer_range(low, high) + ", got " + std::to_string(value));
  }
  return value;
}

bool TableReader::flag(std::string_view key, bool fallback) const {
  const toml::node* node = table_.get(key);
  if (!node) return fallback;
  if (const auto* boolean = node->as_boolean()) return boolean->get();
  fail(key, "expected a boolean (true or false), got " + type_name(*node));
}

std::string TableReader::required_text(std::string_view key) const {
  const toml::node& node = present(key);
  if (const auto* text = node.as_string()) return text->get();
  fail(key, "expected a string, got " + type_name(node));
}

std::size_t TableReader::choice(std::string_view key, std::size_t fallback,
                                const std::vector<std::string>& options) const {
  if (!has(key)) return fallback;
  const std::string value = required_text(key);
  const auto found = std::find(options.begin(), options.end(), value);
  if (found != options.end()) return static_cast<std::size_t>(found - options.begin());
  std::string list;
  for (const auto& option : options) list += (list.empty() ? "" : ", ") + toml_string(option);
  fail(key, "must be one of " + list + ", got " + toml_string(value));
}

const toml::array* TableReader::array(std::string_view key, const std::string& of) const {
  const toml::node* node = table_.get(key);
  if (!node) return nullptr;
  if (const auto* array = node->as_array()) return array;
  fail(key, "expected an array of " + of + ", got " + type_name(*node));
}

std::optional<std::vector<double>> TableReader::numbers(std::string_view key,
                                                        const Range& range) const {
  const toml::array* elements = array(key, "floats");
  if (!elements) return std::nullopt;
  std::vector<double> values;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    values.push_back(checked_number((*elements)[i], element_path(key, i), range));
  }
  return values;
}

std::optional<std::vector<LocatedText>> TableReader::texts(std::string_view key) const {
  const toml::array* elements = array(key, "strings");
  if (!elements) return std::nullopt;
  std::vector<LocatedText> values;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    const toml::node& element = (*elements)[i];
    const std::string element_key = element_path(key, i);
    const auto* text = element.as_string();
    if (!text)
      fail_at(location_of(element), element_key, "expected a string, got " + type_name(element));
    values.push_back({text->get(), element_key, location_of(element)});
  }
  return values;
}

std::optional<std::vector<NamedNumber>> TableReader::named_numbers(std::string_view key,
                                                                   const Range& range) const {
  const toml::node* node = table_.get(key);
  if (!node) return std::nullopt;
  const auto* table = node->as_table();
  if (!table) fail(key, "expected a table of name = number, got " + type_name(*node));
  std::vector<NamedNumber> entries;
  for (const auto& [name, value] : *table) {
    const std::string entry_key = key_path(key) + "." + std::string(name.str());
    entries.push_back({std::string(name.str()), checked_number(value, entry_key, range), entry_key,
                       location_of_key(name)});
  }
  return entries;
}

const toml::table* TableReader::section(std::string_view key) const {
  const toml::node* node = table_.get(key);
  if (!node) return nullptr;
  if (const auto* table = node->as_table()) return table;
  fail(key, "expected a table ([" + std::string(key) + "]), got " + type_name(*node));
}

std::vector<const toml::table*> TableReader::table_array(std::string_view key, std::size_t min,
                                                         std::size_t max) const {
  const std::string header = "[[" + std::string(key) + "]]";
  const toml::node* node = table_.get(key);
  if (!node) {
    if (min == 0) return {};
    fail_at(Location{}, key_path(key), "at least one " + header + " is required");
  }
  const auto* array = node->as_array();
  if (!array) fail(key, "expected an array of tables (" + header + "), got " + type_name(*node));
  std::vector<const toml::table*> tables;
  for (const auto& element : *array) {
    const auto* table = element.as_table();
    if (!table) {
      fail_at(location_of(element), element_path(key, tables.size()),
              "expected a table (" + header + "), got " + type_name(element));
    }
    if (tables.size() == max) {
      fail_at(location_of(element), element_path(key, max),
              "at most " + std::to_string(max) + " " + header + " are supported");
    }
    tables.push_back(table);
  }
  if (tables.size() < min) fail(key, "at least one " + header + " is required");
  return tables;
}

}  // namespace apmsim::scenario
