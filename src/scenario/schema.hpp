#pragma once
//! The shape of a scenario file: its sections and the keys each may hold. Readers, the
//! misplaced-key check and the reference-doc test all take the key lists from here.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/table_reader.hpp"

namespace apmsim::scenario {

//! One section of the scenario file and the keys it may hold.
struct Section {
  std::string name;               //!< TOML key, e.g. "provider_group"
  bool array;                     //!< [[name]] (array of tables) rather than [name]
  std::vector<std::string> keys;  //!< keys allowed inside (empty: any key, as in [sweep])
  //! "[[provider_group]]" or "[simulation]".
  std::string header() const { return array ? "[[" + name + "]]" : "[" + name + "]"; }
};

//! Every section, in the order docs/scenario-reference.md describes them. Sub-tables such as
//! `contract.benchmark` are sections too; only names without a dot are top-level keys.
const std::vector<Section>& sections();

//! The section called `name`; throws std::out_of_range for a name that is not one.
const Section& section(std::string_view name);

//! A reader for `table`, an instance of section `name`; `index` numbers [[name]] entries.
TableReader open_section(const TableReader& top, const toml::table& table, std::string_view name,
                         std::size_t index = 0);

//! A reader for the optional `[name]` section, or nothing when the file has none.
std::optional<TableReader> open_section(const TableReader& top, std::string_view name);

//! A reader for sub-table `key` of `parent` (schema section `schema`, e.g. "contract.run_out"),
//! or nothing when absent.
std::optional<TableReader> sub_table(const TableReader& parent, std::string_view key,
                                     std::string_view schema);

}  // namespace apmsim::scenario
