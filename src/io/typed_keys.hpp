#pragma once
//! Keys inside the results' strings as typed values, for `apmsim export`: a sweep variant's
//! parameters ("contract.withhold.rate=0.1") and the `key=value` words of a row label
//! ("northeast_small min_units=5000", "specific attachment=25000"). The rules are those of
//! python/apmsim/results.py (`_toml_value`, `_row_keys`, `Results._typed`), so an export has the
//! columns of the package's frames, named and typed alike.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace apmsim::io {

//! A value written as TOML text, and the value it reads as.
struct TypedValue {
  std::string text;      //!< as written: "0.1", "\"mssp\"", "5000", "[0.1, 0.3]"
  nlohmann::json value;  //!< as read: 0.1, "mssp", 5000, [0.1, 0.3]; the text when not one value
};

//! (key, value) pairs in the order written; a key appears once.
using Keys = std::vector<std::pair<std::string, TypedValue>>;

//! `text` as TOML reads it in `v = <text>`: a number, a string without its quotes, a boolean, an
//! array or a table; the text itself when TOML reads no value from it.
TypedValue typed_value(const std::string& text);

//! A sweep variant's parameters ("path=value" each, the value as the scenario writes it), typed.
Keys parameter_keys(const std::vector<std::string>& parameters);

//! A row label taken apart: its key=value words, where the key is a name ([A-Za-z_][A-Za-z0-9_]*),
//! and its other words (joined by one space).
struct RowKeys {
  std::string group;  //!< "northeast_small" from "northeast_small min_units=5000"
  Keys keys;          //!< {min_units: 5000}; a key written twice keeps its last value
};

RowKeys row_keys(const std::string& label);

//! One table as its typed columns see it.
struct LabelledTable {
  const std::vector<std::string>* parameters;  //!< its variant's sweep, "path=value" each
  const std::vector<std::string>* labels;      //!< its row labels
};

//! The typed columns of a set of tables, as the package's Results._typed adds them to each
//! table's frame and pandas joins the frames: one per sweep parameter, named by its path; where a
//! table's row labels carry keys, `group` and one per key (first seen first). A key named like a
//! column of the package's tidy frames (TIDY_COLUMNS) or like a parameter stays in its label.
class TypedColumns {
 public:
  explicit TypedColumns(const std::vector<LabelledTable>& tables);

  const std::vector<std::string>& parameters() const { return parameters_; }
  //! The key columns (after `group`); none when no label carries a key.
  const std::vector<std::string>& keys() const { return keys_; }
  //! Table `table`'s value of the parameter `path`, or nullptr.
  const TypedValue* parameter(std::size_t table, const std::string& path) const;
  //! The group of a row, or nullptr where its table's labels carry no key (no `group` there).
  const std::string* group(std::size_t table, std::size_t row) const;
  //! A row's value of `key`, or nullptr where the row (or its table) has no such key column.
  const TypedValue* key(std::size_t table, std::size_t row, const std::string& key) const;

 private:
  //! A table's row labels taken apart, and the key columns they give.
  struct TableKeys {
    std::vector<std::string> columns;
    std::vector<RowKeys> rows;
  };
  std::vector<std::string> parameters_, keys_;
  std::vector<Keys> table_parameters_;
  std::vector<TableKeys> tables_;
};

//! The value of `key` in `keys`, or nullptr.
const TypedValue* find_key(const Keys& keys, const std::string& key);

}  // namespace apmsim::io
