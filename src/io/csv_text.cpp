// CSV text cells (see csv_text.hpp).

#include "io/csv_text.hpp"

#include <regex>

namespace apmsim::io {
namespace {

//! Whether a spreadsheet would read `text` as a formula (or its start as a control character).
bool formula_like(const std::string& text) {
  if (text.empty() || std::string("=+-@\t\r").find(text.front()) == std::string::npos) return false;
  // A plain decimal number is a value to a spreadsheet, not a formula.
  static const std::regex number(R"([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)");
  return !std::regex_match(text, number);
}

}  // namespace

std::string csv_text(const std::string& text) {
  const bool formula = formula_like(text);
  if (!formula && text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = formula ? "\"'" : "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace apmsim::io
