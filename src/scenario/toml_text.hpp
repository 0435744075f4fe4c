#pragma once
//! Writing values as TOML text: numbers that read back bit for bit, quoted strings and keys.

#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace apmsim::scenario {

//! Shortest decimal that reads back as the same double ("0.1", "3", "100000", "1e+20").
std::string format_number(double value);

//! A computed value for messages, to 10 significant digits (a sum of 0.7 and 0.6 reads 1.3).
std::string format_approx(double value);

//! A TOML float literal that reads back as the same double ("3.0", "0.045", "1e+20").
std::string toml_float(double value);

//! A TOML basic string with quotes and escapes.
std::string toml_string(std::string_view text);

//! A TOML key: bare when it can be, quoted otherwise.
std::string toml_key(std::string_view key);

//! A TOML value as text that parses back to the same value (numbers bit for bit).
std::string toml_value(const toml::node& node);

//! A parsed document as TOML text that parses back to the same tables and values. toml++'s own
//! printer is not used: its line-width estimate casts log10 of small floats to size_t (undefined
//! behaviour, caught by UBSan).
std::string toml_document(const toml::table& root);

}  // namespace apmsim::scenario
