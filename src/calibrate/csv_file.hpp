#pragma once
//! A CSV file as calibrate meets it, before a parser sees it, and input text as messages show it.
//! Users send what their tools save: Excel's "CSV UTF-8" (a byte-order mark), "Unicode text"
//! (UTF-16), semicolons where the decimal mark is a comma, gzip extracts, old Mac line ends, and
//! now and then a FIFO. Each is named with its fix instead of surfacing as a missing column.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace apmsim::calibrate {

//! `text` as a message may quote it: control characters (ESC, C1 included) and DEL escaped (\t,
//! \r, \n by name, others \xNN), bytes that are not UTF-8 as \xNN; past `limit` bytes clipped,
//! ending "... (N bytes)". Terminal escape codes in a cell never reach the terminal.
std::string shown(std::string_view text, std::size_t limit = 80);

//! True for well-formed UTF-8 (no overlong forms, no surrogates).
bool valid_utf8(std::string_view text);

//! Checks that `path` is a regular file of comma-separated UTF-8 text with LF or CRLF line ends
//! and returns its first line (a UTF-8 byte-order mark and the line end removed). Throws
//! DataError naming what the file is instead (not a regular file, empty, gzip, bzip2, xz, zstd,
//! ZIP or Excel workbook, UTF-16 or NUL bytes, not UTF-8, CR-only line ends, a header over
//! 64 KiB, semicolon- or tab-delimited) and the fix.
std::string check_csv_file(const std::string& path);

//! The header's column names (RFC 4180 quoting, spaces and tabs trimmed), once check_csv_file
//! has seen that the file is comma-separated UTF-8 text; DataError for an unclosed quote.
std::vector<std::string> csv_header(const std::string& path);

}  // namespace apmsim::calibrate
