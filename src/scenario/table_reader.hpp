#pragma once
//! Reading one TOML table strictly: only known keys, values of the right type and range, and every
//! error located (file:line:column) and named by its dotted key path, e.g.
//! provider_group[2].panel_size.

#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apmsim::scenario {

//! Where something is written in the scenario file (1-based; line 0 = no particular place).
struct Location {
  int line = 0;
  int column = 0;
  //! The file the node was read from, when it differs from the reader's (`apmsim price` puts a
  //! terms file's [contract] into a stored scenario); "" = the reader's file.
  std::string file{};
};

//! Where a TOML node begins.
Location location_of(const toml::node& node);

//! An interval a number must lie in; an open end excludes its bound.
struct Range {
  double low;
  double high;
  bool low_open;
  bool high_open;
  //! Whether `value` lies in the interval.
  bool contains(double value) const;
  //! How messages say it: "in [0, 1)", "> 0", ">= 0", "finite".
  std::string describe() const;
};

//! Any finite number.
Range any_number();
//! [low, inf).
Range at_least(double low);
//! (low, inf).
Range above(double low);
//! [low, high].
Range closed(double low, double high);
//! (low, high).
Range open(double low, double high);
//! (low, high].
Range left_open(double low, double high);
//! [low, high).
Range right_open(double low, double high);

//! A string value and where it was written (an array element).
struct LocatedText {
  std::string text;
  std::string key;  //!< dotted key path, e.g. measure[0].strata[1]
  Location where;
};

//! One `name = number` entry of a table such as case_mix = { chronic = 0.4 }.
struct NamedNumber {
  std::string name;
  double value;
  std::string key;  //!< dotted key path, e.g. provider_group[0].case_mix.chronic
  Location where;
};

//! One table of the scenario, read strictly. Every accessor throws ScenarioError on bad input.
class TableReader {
 public:
  //! Checks that `table` holds only `keys`; `path` prefixes key paths ("" at the top level) and
  //! `title` names the table in messages ("[[provider_group]]").
  TableReader(const toml::table& table, std::string file, std::string path, std::string title,
              std::vector<std::string> keys);

  //! A reader for a table inside this one, in the same file.
  TableReader child(const toml::table& table, std::string path, std::string title,
                    std::vector<std::string> keys) const;

  //! The scenario file, for messages.
  const std::string& file() const { return file_; }
  //! The table header's location.
  Location where() const { return location_of(table_); }
  //! Dotted key path of `key` in this table.
  std::string key_path(std::string_view key) const;
  //! Key path of element `index` of array `key`: "measure[0].strata[1]".
  std::string element_path(std::string_view key, std::size_t index) const;
  //! Whether `key` is present.
  bool has(std::string_view key) const { return table_.get(key) != nullptr; }
  //! Whether `key` is present and a string.
  bool is_text(std::string_view key) const {
    const toml::node* node = table_.get(key);
    return node && node->is_string();
  }
  //! The table read.
  const toml::table& table() const { return table_; }
  //! Dotted path of this table, e.g. "contract.year[1]".
  const std::string& path() const { return path_; }
  //! Where `key`'s value is written, or the table header when it is absent.
  Location location(std::string_view key) const;

  //! A float (an integer is accepted) in `range`, or nothing when absent.
  std::optional<double> optional_number(std::string_view key, const Range& range) const;
  //! A float in `range`, or `fallback` when absent.
  double number(std::string_view key, double fallback, const Range& range) const;
  //! A float in `range` that must be present.
  double required_number(std::string_view key, const Range& range) const;

  //! An integer in [low, high], or `fallback` when absent.
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t low,
                       std::int64_t high) const;
  //! An integer in [low, high] that must be present.
  std::int64_t required_integer(std::string_view key, std::int64_t low, std::int64_t high) const;

  //! A boolean, or `fallback` when absent.
  bool flag(std::string_view key, bool fallback) const;
  //! A string that must be present.
  std::string required_text(std::string_view key) const;
  //! The index in `options` of a string key's value, or `fallback` when absent.
  std::size_t choice(std::string_view key, std::size_t fallback,
                     const std::vector<std::string>& options) const;

  //! An array of floats, each in `range`, or nothing when absent.
  std::optional<std::vector<double>> numbers(std::string_view key, const Range& range) const;
  //! An array of strings with their locations, or nothing when absent.
  std::optional<std::vector<LocatedText>> texts(std::string_view key) const;
  //! A table of `name = number` entries, each in `range`, in file order, or nothing when absent.
  std::optional<std::vector<NamedNumber>> named_numbers(std::string_view key,
                                                        const Range& range) const;

  //! A `[key]` table, or nullptr when absent.
  const toml::table* section(std::string_view key) const;
  //! The tables of a `[[key]]` array; fails unless there are `min` to `max` of them.
  std::vector<const toml::table*> table_array(std::string_view key, std::size_t min,
                                              std::size_t max) const;

  //! Fails at `key`'s value when present, else at the table header.
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  //! Fails at `where`, naming `key_path`.
  [[noreturn]] void fail_at(Location where, const std::string& key_path,
                            const std::string& message) const;
  //! Fails when `key` is present; `why` completes "not allowed ...".
  void forbid(std::string_view key, const std::string& why) const;
  //! Fails at the table header when `key` is absent; `why` (may be "") explains when it is needed.
  void require(std::string_view key, const std::string& why) const;

 private:
  const toml::node& present(std::string_view key) const;
  const toml::array* array(std::string_view key, const std::string& of) const;
  double checked_number(const toml::node& node, const std::string& key, const Range& range) const;
  void check_keys() const;

  const toml::table& table_;
  std::string file_;
  std::string path_;
  std::string title_;
  std::vector<std::string> keys_;
};

}  // namespace apmsim::scenario
