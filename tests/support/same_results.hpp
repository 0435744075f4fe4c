#pragma once
// Two results alike bit for bit: every summary and analysis table's means and standard errors,
// and the unit count (runs in pieces, resumed, merged, or priced on stored tallies).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "analysis/results.hpp"

namespace apmsim::testing_support {

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

inline void expect_same_tables(const analysis::EstimateTable& a, const analysis::EstimateTable& b, const std::string& what) {
  EXPECT_TRUE(same_bits(a.mean, b.mean)) << what << " means differ";
  EXPECT_TRUE(same_bits(a.se, b.se)) << what << " standard errors differ";
}

inline void expect_same_results(const analysis::Results& a, const analysis::Results& b) {
  ASSERT_EQ(a.variants.size(), b.variants.size());
  EXPECT_EQ(a.info.unit_years, b.info.unit_years);
  for (std::size_t v = 0; v < a.variants.size(); ++v) {
    const analysis::VariantSummary &x = a.variants[v], &y = b.variants[v];
    expect_same_tables(x.provider, y.provider, "provider");
    expect_same_tables(x.portfolio, y.portfolio, "portfolio");
    expect_same_tables(x.region, y.region, "region");
    ASSERT_EQ(x.has_contract, y.has_contract);
    expect_same_tables(x.contract_provider, y.contract_provider, "contract provider");
    expect_same_tables(x.headline, y.headline, "headline");
    ASSERT_EQ(x.analyses.size(), y.analyses.size());
    for (std::size_t t = 0; t < x.analyses.size(); ++t)
      expect_same_tables(x.analyses[t].table, y.analyses[t].table, x.analyses[t].name);
  }
}

//! Whether two results are alike as expect_same_results checks them (for EXPECT_FALSE too).
inline bool same_results(const analysis::Results& a, const analysis::Results& b) {
  const auto same = [](const analysis::EstimateTable& x, const analysis::EstimateTable& y) {
    return same_bits(x.mean, y.mean) && same_bits(x.se, y.se);
  };
  if (a.variants.size() != b.variants.size() || a.info.unit_years != b.info.unit_years)
    return false;
  for (std::size_t v = 0; v < a.variants.size(); ++v) {
    const analysis::VariantSummary &x = a.variants[v], &y = b.variants[v];
    if (!same(x.provider, y.provider) || !same(x.portfolio, y.portfolio) ||
        !same(x.region, y.region) || !same(x.headline, y.headline) ||
        !same(x.contract_provider, y.contract_provider) || x.analyses.size() != y.analyses.size())
      return false;
    for (std::size_t t = 0; t < x.analyses.size(); ++t)
      if (!same(x.analyses[t].table, y.analyses[t].table)) return false;
  }
  return true;
}

}  // namespace apmsim::testing_support
