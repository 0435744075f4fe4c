//! `[sweep]`: reading the axes, and building each variant by setting its values in a copy of the
//! parsed file and validating it like any scenario.
#include "scenario/sweep.hpp"

#include <algorithm>

#include "scenario/load.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"
#include "scenario/toml_text.hpp"
#include "scenario/value_path.hpp"

namespace apmsim::scenario {

namespace {

//! Paths a sweep may not vary: they define the run, not a design.
const std::vector<std::string>& fixed_paths() {
  static const std::vector<std::string> paths{
      "simulation.seed",           "simulation.replications",   "simulation.batch_size",
      "simulation.backend",        "simulation.baseline_years", "simulation.performance_years",
      "simulation.parameter_risk", "simulation.parameter_block"};
  return paths;
}

std::string label(const std::string& path, const std::string& text) {
  const std::string prefix = "contract.";
  const std::string key = path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
  const bool quoted = text.size() >= 2 && text.front() == '"';
  return key + "=" + (quoted ? text.substr(1, text.size() - 2) : text);
}

}  // namespace

std::vector<SweepAxis> read_sweep(const TableReader& top) {
  std::vector<SweepAxis> axes;
  const std::optional<TableReader> found = open_section(top, "sweep");
  if (!found) return axes;
  std::size_t variants = 1;
  for (const auto& [key, node] : found->table()) {
    const std::string path(key.str());
    const Location where{static_cast<int>(key.source().begin.line),
                         static_cast<int>(key.source().begin.column)};
    const std::string key_path = "sweep." + toml_key(path);
    const auto& fixed = fixed_paths();
    if (std::find(fixed.begin(), fixed.end(), path) != fixed.end())
      found->fail_at(where, key_path, "'" + path + "' defines the run and cannot be swept");
    const auto parts = path_parts(path);
    if (parts.size() < 2 || parts[0] == "sweep" || parts[0] == "analysis" ||
        parts[0] == "parameter_risk" ||
        std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
      found->fail_at(where, key_path,
                     "expected a parameter path such as \"contract.withhold.rate\" or "
                     "\"provider_group.<name>.panel_size\"");
    const auto* values = node.as_array();
    if (!values || values->empty())
      found->fail_at(where, key_path, "expected a non-empty array of values");
    SweepAxis axis;
    axis.path = path;
    axis.contract_only = parts[0] == "contract";
    axis.line = where.line;
    axis.column = where.column;
    for (const auto& v : *values) axis.values.push_back(toml_value(v));
    variants *= axis.values.size();
    if (variants > kMaxVariants)
      found->fail_at(where, key_path,
                     "the sweep has more than " + std::to_string(kMaxVariants) + " variants");
    axes.push_back(std::move(axis));
  }
  return axes;
}

Scenario with_values(const Scenario& base,
                     const std::vector<std::pair<std::string, std::string>>& values,
                     const std::string& what) {
  toml::table root = parse_toml(base.text, base.path);
  root.erase("sweep");
  for (const auto& [path, text] : values) {
    const std::string problem = set_path(root, path, text);
    if (!problem.empty()) throw InputError(what + ": " + path + ": " + problem);
  }
  try {
    Scenario s = parse_root(root, base.text, base.path);
    s.sweep.clear();
    return s;
  } catch (const ScenarioError& e) {
    throw InputError(what + ": the scenario with these values is not valid: " + e.what());
  }
}

std::vector<Variant> expand_sweep(const Scenario& base) {
  if (base.sweep.empty()) return {Variant{"base", {}, base, 0}};
  toml::table root = parse_toml(base.text, base.path);
  root.erase("sweep");
  const auto& axes = base.sweep;
  std::vector<std::size_t> at(axes.size(), 0);
  std::vector<Variant> variants;
  std::vector<std::string> populations;  // the non-contract values of each population
  for (;;) {
    Variant v;
    toml::table copy = root;
    std::string population;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const std::string& text = axes[a].values[at[a]];
      v.parameters.emplace_back(axes[a].path, text);
      v.name += (v.name.empty() ? "" : ",") + label(axes[a].path, text);
      if (!axes[a].contract_only) population += axes[a].path + "=" + text + ";";
    }
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const SweepAxis& axis = axes[a];
      const std::string problem = set_path(copy, axis.path, axis.values[at[a]]);
      if (!problem.empty())
        throw ScenarioError(base.path, axis.line, axis.column, "sweep." + toml_key(axis.path),
                            problem);
    }
    try {
      v.scenario = parse_root(copy, base.text, base.path);
    } catch (const ScenarioError& e) {
      // The copy has no source positions: point at the sweep key and keep the inner message.
      std::string inner = e.what();
      const std::string prefix = (base.path.empty() ? "<scenario>" : base.path) + ": ";
      if (inner.rfind(prefix, 0) == 0) inner = inner.substr(prefix.size());
      const std::size_t a = [&] {
        for (std::size_t i = 0; i < axes.size(); ++i)
          if (e.key().rfind(path_parts(axes[i].path)[0], 0) == 0) return i;
        return std::size_t{0};
      }();
      throw ScenarioError(base.path, axes[a].line, axes[a].column,
                          "sweep." + toml_key(axes[a].path),
                          "variant " + v.name + " is not a valid scenario: " + inner);
    }
    v.scenario.sweep.clear();
    const auto known = std::find(populations.begin(), populations.end(), population);
    v.population = static_cast<std::size_t>(known - populations.begin());
    if (known == populations.end()) populations.push_back(population);
    variants.push_back(std::move(v));
    std::size_t a = axes.size();
    while (a > 0 && ++at[a - 1] == axes[a - 1].values.size()) at[--a] = 0;
    if (a == 0) break;
  }
  return variants;
}

}  // namespace apmsim::scenario
