// Edit-distance suggestions and the TOML text helpers describe() relies on.
#include <gtest/gtest.h>

#include <cstdlib>

#include "scenario/suggest.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::scenario {
namespace {

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("panelsize", "panel_size"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("Seed", "seed"), 0u);  // case is a typo too
}

TEST(Suggest, NearestOnlyWhenPlausible) {
  const std::vector<std::string> keys{"panel_size", "volume", "volume_cv"};
  EXPECT_EQ(nearest("panelsize", keys), "panel_size");
  EXPECT_EQ(nearest("volume_c", keys), "volume_cv");
  EXPECT_EQ(nearest("xyzzy", keys), "");
}

TEST(Suggest, DidYouMeanListsOptionsWhenNothingIsClose) {
  EXPECT_EQ(did_you_mean("regions", {"region", "stratum"}), "; did you mean 'region'?");
  EXPECT_EQ(did_you_mean("zzzzzzzz", {"a", "b"}), "; expected one of 'a', 'b'");
  EXPECT_EQ(did_you_mean("x", {}), "");
}

TEST(TomlText, FloatsReadBackExactly) {
  EXPECT_EQ(toml_float(3.0), "3.0");
  EXPECT_EQ(toml_float(100000.0), "100000.0");
  EXPECT_EQ(toml_float(0.045), "0.045");
  EXPECT_EQ(toml_float(-0.15), "-0.15");
  EXPECT_EQ(toml_float(1e20), "1e+20");
  EXPECT_EQ(toml_float(0.1 + 0.2), "0.30000000000000004");
  for (const double x : {1e-300, 5e-324, 1.7976931348623157e308, 1.0 / 3.0, 2e-5, 9.99e15}) {
    EXPECT_EQ(std::strtod(toml_float(x).c_str(), nullptr), x) << toml_float(x);
  }
}

TEST(TomlText, FormatApproxRoundsComputedValues) {
  EXPECT_EQ(format_approx(0.7 + 0.6), "1.3");
  EXPECT_EQ(format_number(0.7 + 0.6), "1.2999999999999998");
}

TEST(TomlText, StringsAndKeysAreQuotedWhenNeeded) {
  EXPECT_EQ(toml_string("plain"), "\"plain\"");
  EXPECT_EQ(toml_string("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
  EXPECT_EQ(toml_string("tab\there"), "\"tab\\u0009here\"");
  EXPECT_EQ(toml_key("bare_key-1"), "bare_key-1");
  EXPECT_EQ(toml_key("very sick"), "\"very sick\"");
  EXPECT_EQ(toml_key(""), "\"\"");
}

}  // namespace
}  // namespace apmsim::scenario
