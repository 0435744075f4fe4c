#pragma once
//! Names of regions, strata, provider groups and measures: unique within their kind, and the way
//! other tables refer to them.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario/table_reader.hpp"

namespace apmsim::scenario {

//! Names become HDF5 group names and table columns: non-empty, no '/' and nothing unprintable.
bool legal_name(const std::string& name);

//! The names of one kind read so far, with where each was defined.
class NameRegistry {
 public:
  //! `kind` names the things in messages ("region", "stratum").
  explicit NameRegistry(std::string kind) : kind_(std::move(kind)) {}

  //! Reads the required `name` key of `table`; fails when it is empty, has control characters or
  //! '/', or repeats an earlier name.
  std::string add(const TableReader& table);

  //! Index of `name`, or a ScenarioError at `where` that names the nearest known name.
  int index_of(const TableReader& table, const std::string& name, const std::string& key_path,
               Location where) const;

  //! The names in definition order.
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::string kind_;
  std::vector<std::string> names_;
  std::vector<int> lines_;
};

}  // namespace apmsim::scenario
