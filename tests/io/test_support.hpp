#pragma once
//! Shared pieces of the io tests: a hand-built Results, a field-by-field comparison and a
//! temporary folder that cleans up after itself.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "../support/temp_folder.hpp"
#include "analysis/results.hpp"
#include "io/results_file.hpp"

namespace apmsim::io::testing_support {

namespace fs = std::filesystem;
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

//! A fresh folder for the current test, removed afterwards.
class TempFolder : public apmsim::testing::TempFolder {
 public:
  TempFolder() : apmsim::testing::TempFolder("apmsim_io_") {}
};

//! A table whose estimates are base + 100*q + 10*r + y (se = estimate / 1000), with NaN in the
//! baseline years of quantities named *_rate.
inline analysis::EstimateTable make_table(std::vector<std::string> rows, int years,
                                          std::vector<analysis::Quantity> quantities, double base) {
  analysis::EstimateTable table;
  table.rows = std::move(rows);
  table.years = years;
  table.quantities = std::move(quantities);
  table.resize();
  for (std::size_t q = 0; q < table.quantities.size(); ++q)
    for (std::size_t r = 0; r < table.rows.size(); ++r)
      for (int y = 0; y < years; ++y) {
        const std::size_t i = table.index(q, r, static_cast<std::size_t>(y));
        const bool rate = table.quantities[q].name.find("rate") != std::string::npos;
        if (rate && y < 2) continue;  // undefined in baseline years: stays NaN
        table.mean[i] = base + 100.0 * q + 10.0 * r + y;
        table.se[i] = table.mean[i] / 1000.0;
      }
  return table;
}

//! Two variants ("base", then "alt": not in name order), NaNs, tallies, odd strings.
inline analysis::Results make_results() {
  analysis::Results results;
  results.info = {"0.1.0",
                  "abc123def456",
                  42,
                  2000,
                  250,
                  2,
                  2,
                  "cpu",
                  "cpu: 2 threads, avx2",
                  "apmsim run s.toml --seed 42",
                  12.5,
                  4.8e7,
                  "",
                  0.0};
  results.scenario_path = "scenarios/test.toml";
  results.scenario_text = "[simulation]\nreplications = 2000  # ünïcode ± ok\nseed = 42\n";
  results.scenario_sha256 = sha256_hex(results.scenario_text);
  const std::vector<analysis::Quantity> quantities = {
      {"units", "units", "units attributed"},
      {"cost_per_unit", "currency/unit", "mean cost per unit"},
      {"true_savings_rate", "fraction", "savings against the counterfactual"}};
  for (const char* name : {"base", "alt"}) {
    analysis::VariantSummary v;
    v.name = name;
    v.providers = {{"aco/0", "aco", "north", "patient_year", true},
                   {"aco/1", "aco", "north", "patient_year", true},
                   {"ref/0", "ref", "south", "episode", false}};
    v.provider = make_table({"aco/0", "aco/1", "ref/0"}, 4, quantities, 1000.0);
    v.portfolio = make_table({"participants", "all"}, 4, quantities, 10000.0);
    v.region = make_table({"north", "south"}, 4, quantities, 9000.0);
    results.variants.push_back(std::move(v));
  }
  results.variants[1].region = make_table({}, 4, {}, 0.0);  // an empty table survives too
  results.has_tallies = true;
  results.tallies.fields = {"n", "cost", "cost2"};
  results.tallies.replications = 5;
  results.tallies.entities = 5;
  results.tallies.years = 4;
  for (std::size_t i = 0; i < 5 * 5 * 4 * 3; ++i) results.tallies.values.push_back(0.5 * i);
  results.tallies.values[7] = kNaN;
  return results;
}

//! Equal, or both NaN.
inline bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

inline void expect_same(const std::vector<double>& a, const std::vector<double>& b,
                        const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(same(a[i], b[i])) << what << "[" << i << "]: " << a[i] << " vs " << b[i];
}

inline void expect_same(const analysis::EstimateTable& a, const analysis::EstimateTable& b,
                        const std::string& what) {
  EXPECT_EQ(a.rows, b.rows) << what;
  EXPECT_EQ(a.years, b.years) << what;
  ASSERT_EQ(a.quantities.size(), b.quantities.size()) << what;
  for (std::size_t q = 0; q < a.quantities.size(); ++q) {
    EXPECT_EQ(a.quantities[q].name, b.quantities[q].name) << what;
    EXPECT_EQ(a.quantities[q].unit, b.quantities[q].unit) << what;
    EXPECT_EQ(a.quantities[q].description, b.quantities[q].description) << what;
  }
  EXPECT_EQ(a.columns, b.columns) << what;
  for (std::size_t q = 0; q < a.quantities.size(); ++q)
    EXPECT_EQ(a.multiplier(q), b.multiplier(q)) << what << " " << a.quantities[q].name;
  expect_same(a.mean, b.mean, what + ".mean");
  expect_same(a.se, b.se, what + ".se");
}

//! Compares every field of two Results.
inline void expect_same(const analysis::Results& a, const analysis::Results& b) {
  EXPECT_EQ(a.info.apmsim_version, b.info.apmsim_version);
  EXPECT_EQ(a.info.git_commit, b.info.git_commit);
  EXPECT_EQ(a.info.seed, b.info.seed);
  EXPECT_EQ(a.info.replications, b.info.replications);
  EXPECT_EQ(a.info.batch_size, b.info.batch_size);
  EXPECT_EQ(a.info.baseline_years, b.info.baseline_years);
  EXPECT_EQ(a.info.performance_years, b.info.performance_years);
  EXPECT_EQ(a.info.backend, b.info.backend);
  EXPECT_EQ(a.info.device, b.info.device);
  EXPECT_EQ(a.info.command_line, b.info.command_line);
  EXPECT_EQ(a.info.elapsed_seconds, b.info.elapsed_seconds);
  EXPECT_EQ(a.info.unit_years, b.info.unit_years);
  EXPECT_EQ(a.scenario_path, b.scenario_path);
  EXPECT_EQ(a.scenario_text, b.scenario_text);
  EXPECT_EQ(a.scenario_sha256, b.scenario_sha256);
  ASSERT_EQ(a.variants.size(), b.variants.size());
  for (std::size_t v = 0; v < a.variants.size(); ++v) {
    const auto& x = a.variants[v];
    const auto& y = b.variants[v];
    EXPECT_EQ(x.name, y.name);
    ASSERT_EQ(x.providers.size(), y.providers.size());
    for (std::size_t p = 0; p < x.providers.size(); ++p) {
      EXPECT_EQ(x.providers[p].name, y.providers[p].name);
      EXPECT_EQ(x.providers[p].group, y.providers[p].group);
      EXPECT_EQ(x.providers[p].region, y.providers[p].region);
      EXPECT_EQ(x.providers[p].unit, y.providers[p].unit);
      EXPECT_EQ(x.providers[p].participant, y.providers[p].participant);
    }
    expect_same(x.provider, y.provider, x.name + ".provider");
    expect_same(x.portfolio, y.portfolio, x.name + ".portfolio");
    expect_same(x.region, y.region, x.name + ".region");
  }
  EXPECT_EQ(a.has_tallies, b.has_tallies);
  EXPECT_EQ(a.tallies.fields, b.tallies.fields);
  EXPECT_EQ(a.tallies.replications, b.tallies.replications);
  EXPECT_EQ(a.tallies.entities, b.tallies.entities);
  EXPECT_EQ(a.tallies.years, b.tallies.years);
  expect_same(a.tallies.values, b.tallies.values, "tallies.values");
}

}  // namespace apmsim::io::testing_support
