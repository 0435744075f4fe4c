//! `[[region]]`, `[[stratum]]` and `[patients]`: who is simulated, where, and how costly they are.
#include <cmath>
#include <cstdint>
#include <limits>

#include "scenario/limits.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::scenario {

namespace {

Region read_region(const TableReader& reader, NameRegistry& names) {
  Region region;
  region.name = names.add(reader);
  region.shock_sd = reader.number("shock_sd", region.shock_sd, at_least(0.0));
  region.shock_rho = reader.number("shock_rho", region.shock_rho, closed(0.0, 1.0));
  // Without a given start, an AR(1) shock starts from its stationary law; a random walk from one
  // step.
  const double rho = region.shock_rho;
  const double initial_sd =
      rho < 1.0 ? region.shock_sd / std::sqrt(1.0 - rho * rho) : region.shock_sd;
  region.initial_sd = reader.number("initial_sd", initial_sd, at_least(0.0));
  region.comparison_size = static_cast<std::uint32_t>(
      reader.integer("comparison_size", 0, 0, std::numeric_limits<std::uint32_t>::max()));
  return region;
}

Stratum read_stratum(const TableReader& reader, NameRegistry& names) {
  Stratum stratum;
  stratum.name = names.add(reader);
  stratum.share = reader.required_number("share", left_open(0.0, 1.0));
  stratum.p_any = reader.number("p_any", stratum.p_any, closed(0.0, 1.0));
  // Bounded so that no cost, square or sum can overflow (a billion per unit-year is no patient).
  stratum.mean = reader.required_number("mean", left_open(0.0, 1e9));
  stratum.cv = reader.number("cv", stratum.cv, at_least(0.0));
  stratum.cat_prob = reader.number("cat_prob", stratum.cat_prob, right_open(0.0, 1.0));
  stratum.cat_scale = reader.number("cat_scale", stratum.cat_scale, closed(0.0, 1e9));
  if (stratum.cat_prob > 0.0) {
    reader.require("cat_scale", "when cat_prob > 0");
    if (stratum.cat_scale <= 0.0) reader.fail("cat_scale", "must be > 0 when cat_prob > 0, got 0");
  }
  stratum.cat_shape = reader.number("cat_shape", stratum.cat_shape, any_number());
  if (stratum.cat_shape <= 1.0) {
    reader.fail("cat_shape", "Pareto shape must be > 1 for a finite mean, got " +
                                 format_number(stratum.cat_shape));
  }
  stratum.risk_score = reader.number("risk_score", stratum.risk_score, above(0.0));
  return stratum;
}

//! The full transition row of stratum `from`: given probabilities to others, the rest on the
//! diagonal.
std::vector<double> read_transition(const TableReader& reader, std::size_t from,
                                    const NameRegistry& names) {
  const auto entries = reader.named_numbers("transition", closed(0.0, 1.0));
  if (!entries) return {};
  std::vector<double> row(names.names().size(), 0.0);
  for (const auto& entry : *entries) {
    const int to = names.index_of(reader, entry.name, entry.key, entry.where);
    if (static_cast<std::size_t>(to) == from) {
      reader.fail_at(entry.where, entry.key,
                     "the probability of staying is implied (one minus the others); leave it out");
    }
    row[static_cast<std::size_t>(to)] = entry.value;
  }
  double leaving = 0.0;  // summed in stratum order, so describe() reads back the same diagonal
  for (std::size_t to = 0; to < row.size(); ++to) {
    if (to != from) leaving += row[to];
  }
  if (leaving > 1.0 + 1e-12) {
    reader.fail("transition",
                "probabilities of leaving must sum to <= 1, got " + format_approx(leaving));
  }
  row[from] = std::max(0.0, 1.0 - leaving);
  return row;
}

}  // namespace

std::vector<Region> read_regions(const TableReader& top, NameRegistry& names) {
  std::vector<Region> regions;
  const auto tables = top.table_array("region", 1, std::numeric_limits<std::size_t>::max());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const TableReader reader = open_section(top, *tables[i], "region", i);
    regions.push_back(read_region(reader, names));
  }
  return regions;
}

std::vector<Stratum> read_strata(const TableReader& top, NameRegistry& names) {
  std::vector<Stratum> strata;
  std::vector<TableReader> readers;
  const auto tables = top.table_array("stratum", 1, kMaxStrata);
  double share_sum = 0.0;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    readers.push_back(open_section(top, *tables[i], "stratum", i));
    strata.push_back(read_stratum(readers.back(), names));
    share_sum += strata.back().share;
  }
  if (std::abs(share_sum - 1.0) > kShareTolerance) {
    readers.back().fail("share", "stratum shares must sum to 1, got " + format_approx(share_sum));
  }
  // Transitions name strata that may come later in the file: resolve them once all are known.
  for (std::size_t i = 0; i < strata.size(); ++i) {
    strata[i].transition = read_transition(readers[i], i, names);
  }
  return strata;
}

Patients read_patients(const TableReader& top) {
  Patients patients;
  const std::optional<TableReader> section = open_section(top, "patients");
  if (!section) return patients;
  const TableReader& reader = *section;
  patients.frailty_sd = reader.number("frailty_sd", patients.frailty_sd, at_least(0.0));
  patients.frailty_rho = reader.number("frailty_rho", patients.frailty_rho, closed(0.0, 1.0));
  patients.churn = reader.number("churn", patients.churn, closed(0.0, 1.0));
  patients.adherence_mean =
      reader.number("adherence_mean", patients.adherence_mean, open(0.0, 1.0));
  patients.adherence_sd = reader.number("adherence_sd", patients.adherence_sd, at_least(0.0));
  patients.adherence_cost = reader.number("adherence_cost", patients.adherence_cost, any_number());
  return patients;
}

}  // namespace apmsim::scenario
