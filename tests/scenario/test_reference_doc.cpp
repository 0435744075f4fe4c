// docs/scenario-reference.md documents every section and key the loader accepts.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "scenario/load.hpp"
#include "scenario/schema.hpp"

namespace apmsim::scenario {
namespace {

std::string reference_doc() {
  std::ifstream file(std::string(APMSIM_SOURCE_DIR) + "/docs/scenario-reference.md");
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Whether a "## " heading line contains `text`.
bool has_heading_with(const std::string& doc, const std::string& text) {
  std::istringstream lines(doc);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("## ", 0) == 0 && line.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(ReferenceDoc, NamesEverySectionAndKey) {
  const std::string doc = reference_doc();
  ASSERT_FALSE(doc.empty()) << "docs/scenario-reference.md is missing";
  for (const auto& section : sections()) {
    EXPECT_TRUE(has_heading_with(doc, "`" + section.header() + "`")) << section.header();
    for (const auto& key : section.keys) {
      EXPECT_NE(doc.find("| `" + key + "` |"), std::string::npos) << section.header() << " " << key;
    }
  }
}

TEST(ReferenceDoc, ExampleIsAValidScenario) {
  const std::string doc = reference_doc();
  const std::string open = "```toml\n";
  const auto begin = doc.find(open);
  ASSERT_NE(begin, std::string::npos);
  const auto end = doc.find("```", begin + open.size());
  ASSERT_NE(end, std::string::npos);
  const Scenario s = parse_scenario(doc.substr(begin + open.size(), end - begin - open.size()),
                                    "scenario-reference.md");
  EXPECT_EQ(s.provider_count(), 32u);
}

}  // namespace
}  // namespace apmsim::scenario
