#pragma once
//! The results file (HDF5): writing, reading back, and the human summary.
//! The layout is specified in docs/output-format.md; readers refuse an unknown major version.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/results.hpp"
#include "scenario/sha256.hpp"

namespace apmsim::io {

inline constexpr const char* kFormatName = "apmsim-results";
inline constexpr int kFormatMajor = 2;
inline constexpr int kFormatMinor = 7;

//! First line of the 512-byte integrity header ahead of the HDF5 data (format 1.2): then
//! "sha256 <hex digest of every byte after the header>" and "bytes <their count>".
inline constexpr const char* kHeaderMagic = "apmsim-results\n";

//! Writes `results` to `path` via a temporary file in the same folder, renamed when complete.
//! Throws InputError if `path` exists and `force` is false, or its folder does not exist;
//! std::runtime_error on an HDF5 failure (the temporary file is removed).
void write_results(const analysis::Results& results, const std::string& path, bool force);

//! Reads a results file back. Throws InputError for a missing file, a truncated or damaged one
//! (the integrity header's size or SHA-256 does not match: checked before HDF5 reads a byte),
//! a file that is not an apmsim results file, or of an unknown major format version.
//! With `parts` kStoredRun, only what pricing reads (`apmsim price`, `solve`): the run
//! information, the scenario and the tallies; the tables, losses, records and state are left empty.
enum class ReadParts { kAll, kStoredRun };
analysis::Results read_results(const std::string& path, ReadParts parts = ReadParts::kAll);

//! Rewrites the integrity header of a results file after its HDF5 content was edited on purpose
//! (tests; a tool that knowingly changes a file). Throws std::runtime_error when it cannot.
void stamp_integrity_header(const std::string& path);
//! The same through the writer's open descriptor `fd` of the file `path` names (never reopened
//! by name, which another process could have pointed elsewhere meanwhile).
void stamp_integrity_header(int fd, const std::string& path);

//! Checks a file's integrity header (size and SHA-256 of what follows it); throws InputError
//! naming the file when it is missing, damaged, or does not match. read_results calls it first.
void check_integrity_header(const std::string& path);

//! The summary's default width: no line is wider unless a single column is.
inline constexpr std::size_t kSummaryWidth = 120;

//! The summary's sections, in the order printed: the four answers, the population and regions by
//! year, the contract's money flows, the four analyses' tables, cash timing, the variants side by side.
inline constexpr const char* kSummarySections[] = {"answers",   "population", "money",
                                                   "withhold",  "benchmark",  "threshold",
                                                   "risk",      "cash",      "variants"};

enum class SummaryFormat { kText, kMarkdown };

struct SummaryOptions {
  std::size_t width = kSummaryWidth;  //!< wider tables are cut into blocks of columns (text)
  std::string variant;                //!< only this variant ("": all, the answers side by side first)
  std::vector<std::string> sections;  //!< only these of kSummarySections (empty: all)
  SummaryFormat format = SummaryFormat::kText;  //!< aligned text, or Markdown (GitHub tables)

  //! Whether `section` is printed.
  bool shows(const std::string& section) const {
    return sections.empty() ||
           std::find(sections.begin(), sections.end(), section) != sections.end();
  }
};

//! The human summary of a run (what `apmsim run` and `apmsim summary` print): for each variant
//! the answers first (key figures, solved withhold rate, MSR by size, stop-loss quote), then the
//! population, the money flows and the analyses' tables; a table equal to the first variant's is
//! named, not printed again. `options` picks the variant, the sections, the width and the format
//! (Markdown: the same content, tables as GitHub tables, never cut into blocks).
std::string format_summary(const analysis::Results& results, const SummaryOptions& options = {});

using apmsim::sha256_hex;

}  // namespace apmsim::io
