#include "scenario/toml_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace apmsim::scenario {

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Money reads better as 100000 than 1e+05: plain digits unless the number is tiny or huge.
  const double magnitude = std::abs(value);
  const bool plain = magnitude == 0.0 || (magnitude >= 1e-5 && magnitude < 1e16);
  std::array<char, 64> buffer{};
  const auto result = plain ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                            std::chars_format::fixed)
                            : std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::string format_approx(double value) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.10g", value);
  return buffer.data();
}

std::string toml_float(double value) {
  std::string text = format_number(value);
  // TOML needs a fraction or an exponent to read a float; nan and inf are already floats.
  if (text.find_first_of(".einf") == std::string::npos) text += ".0";
  return text;
}

std::string toml_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      std::array<char, 8> escape{};
      std::snprintf(escape.data(), escape.size(), "\\u%04X", static_cast<unsigned>(byte));
      quoted += escape.data();
    } else {
      quoted += c;  // UTF-8 passes through unchanged
    }
  }
  return quoted + "\"";
}

std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && key.find_first_not_of(
                                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789_-") == std::string_view::npos;
  return bare ? std::string(key) : toml_string(key);
}

std::string toml_value(const toml::node& node) {
  if (const auto* v = node.as_integer()) return std::to_string(v->get());
  if (const auto* v = node.as_floating_point()) return toml_float(v->get());
  if (const auto* v = node.as_boolean()) return v->get() ? "true" : "false";
  if (const auto* v = node.as_string()) return toml_string(v->get());
  if (const auto* a = node.as_array()) {
    std::string out;
    for (const auto& e : *a) out += (out.empty() ? "" : ", ") + toml_value(e);
    return "[" + out + "]";
  }
  if (const auto* t = node.as_table()) {
    std::string out;
    for (const auto& [k, v] : *t)
      out += (out.empty() ? "" : ", ") + toml_key(k.str()) + " = " + toml_value(v);
    return "{ " + out + " }";
  }
  return "";
}

namespace {

//! The keys of `table` under `path`: plain values first, then each sub-table as [path.key] and
//! each array of tables as [[path.key]] entries (the order TOML needs).
void write_table(std::string& out, const toml::table& table, const std::string& path) {
  const auto is_table_list = [](const toml::node& v) {
    const auto* a = v.as_array();
    return a && !a->empty() && a->is_array_of_tables();
  };
  for (const auto& [k, v] : table)
    if (!v.is_table() && !is_table_list(v)) out += toml_key(k.str()) + " = " + toml_value(v) + "\n";
  for (const auto& [k, v] : table) {
    const std::string sub = path.empty() ? toml_key(k.str()) : path + "." + toml_key(k.str());
    if (const auto* t = v.as_table()) {
      out += "\n[" + sub + "]\n";
      write_table(out, *t, sub);
    } else if (is_table_list(v)) {
      for (const auto& e : *v.as_array()) {
        out += "\n[[" + sub + "]]\n";
        write_table(out, *e.as_table(), sub);
      }
    }
  }
}

}  // namespace

std::string toml_document(const toml::table& root) {
  std::string out;
  write_table(out, root, "");
  return out;
}

}  // namespace apmsim::scenario
