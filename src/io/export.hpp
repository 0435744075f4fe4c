#pragma once
//! `apmsim export`: a results file's tables as CSV (for R and spreadsheets) or one JSON document.
//!
//! CSV (a folder): one file per table kind with every variant's rows, a column per quantity whose
//! name carries its unit (`payer_net_savings [USD]`, `..._se`, `..._ci_low`, `..._ci_high`);
//! `estimates.csv`, every table in one long tidy file; `providers.csv`, `parameters.csv`,
//! `info.csv`, `scenario.toml`, and `records.csv` / `tallies.csv` when the run stored them; a
//! README.txt saying which is which. Keys are typed columns, as in the Python package's frames
//! (io/typed_keys.hpp): a column per sweep parameter after `variant` (`contract.withhold.rate`),
//! and where row labels carry `key=value` words (`northeast_small min_units=5000`) a `group`
//! column and one per key (`min_units`) after `row`. JSON (a folder holding `results.json`,
//! format_version 2): the same tables, NaN as null, each variant's parameters as typed values and
//! a table's parsed row labels as `row_keys`. Numbers are written with 17 significant digits
//! (parameter and key values in the shortest form), so they read back exactly.
//! Text cells go through io::csv_text (csv_text.hpp): a name a spreadsheet would run as a formula
//! (`=`, `+`, `-`, `@`, tab, CR first) is written quoted with a leading `'`; numbers are not.
//! The folder is written beside its destination (io/temporary.hpp) and renamed into place when
//! complete, never over a folder that appeared meanwhile. Every export holds a marker file,
//! `.apmsim-export`; with --force only a folder with it (or an older export's README.txt or
//! results.json) and nothing but an export's files is replaced, swapped out whole.

#include <string>
#include <vector>

#include "analysis/results.hpp"

namespace apmsim::io {

enum class ExportFormat { kCsv, kJson };

//! Writes `results` into the folder `out` (refused when it exists, unless `force`); returns the
//! paths written, relative to `out`. Throws InputError for an unusable destination.
std::vector<std::string> export_results(const analysis::Results& results, const std::string& out,
                                        ExportFormat format, bool force);

}  // namespace apmsim::io
