#pragma once
//! One text cell of a CSV file, as every CSV apmsim writes takes it (`export`, `sample`): RFC 4180
//! quoting, and neutralised for spreadsheets. A cell that begins with `=`, `+`, `-`, `@`, a tab or
//! a carriage return is a formula to Excel, LibreOffice and Google Sheets (OWASP, "CSV
//! injection"), so a name chosen by whoever wrote the scenario could run one on the reader's
//! machine; such a cell is prefixed with a single quote `'` and quoted. Numbers are not text
//! cells: the number formatters' `-0.5` or `-1e-3` stay numbers, and text that is a plain
//! decimal number (`-3`, `+0.25`, `1e-3`) is left as it is, being no formula.

#include <string>

namespace apmsim::io {

//! `text` as one CSV cell: quoted where it holds a comma, a quote or a line break; `'`-prefixed
//! and quoted where a spreadsheet would take it for a formula.
std::string csv_text(const std::string& text);

}  // namespace apmsim::io
