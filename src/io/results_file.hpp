#pragma once
//! The results file (HDF5): writing, reading back, and the human summary.
//! The layout is specified in docs/output-format.md; readers refuse an unknown major version.

#include <string>
#include <string_view>

#include "analysis/results.hpp"

namespace apmsim::io {

inline constexpr const char* kFormatName = "apmsim-results";
inline constexpr int kFormatMajor = 1;
inline constexpr int kFormatMinor = 1;

//! Writes `results` to `path` via a temporary file in the same folder, renamed when complete.
//! Throws InputError if `path` exists and `force` is false, or its folder does not exist;
//! std::runtime_error on an HDF5 failure (the temporary file is removed).
void write_results(const analysis::Results& results, const std::string& path, bool force);

//! Reads a results file back. Throws InputError for a missing file, a file that is not HDF5,
//! not an apmsim results file, or of an unknown major format version.
analysis::Results read_results(const std::string& path);

//! A short human summary of a run (what `apmsim run` and `apmsim summary` print).
std::string format_summary(const analysis::Results& results);

//! SHA-256 of `data` as 64 lowercase hex digits (FIPS 180-4).
std::string sha256_hex(std::string_view data);

}  // namespace apmsim::io
