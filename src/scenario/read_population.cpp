//! `[[region]]`, `[[stratum]]` and `[patients]`: who is simulated, where, and how costly they are.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "scenario/keywords.hpp"
#include "scenario/limits.hpp"
#include "scenario/names.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::scenario {

namespace {

Region read_region(const TableReader& reader, NameRegistry& names) {
  Region region;
  region.name = names.add(reader);
  region.shock_sd = reader.number("shock_sd", region.shock_sd, closed(0.0, kMaxLogSd));
  region.shock_rho = reader.number("shock_rho", region.shock_rho, closed(0.0, 1.0));
  // Without a given start, an AR(1) shock starts from its stationary law; a random walk from one
  // step.
  const double rho = region.shock_rho;
  const double initial_sd =
      rho < 1.0 ? region.shock_sd / std::sqrt(1.0 - rho * rho) : region.shock_sd;
  if (!reader.has("initial_sd") && initial_sd > kMaxLogSd)
    reader.fail("shock_rho", "the stationary sd shock_sd / sqrt(1 - shock_rho^2) = " +
                                 format_approx(initial_sd) + " is above " +
                                 format_number(kMaxLogSd) +
                                 " on log cost; give initial_sd, or a smaller shock_rho");
  region.initial_sd = reader.number("initial_sd", initial_sd, closed(0.0, kMaxLogSd));
  region.comparison_size = static_cast<std::uint32_t>(
      reader.integer("comparison_size", 0, 0, std::numeric_limits<std::uint32_t>::max()));
  region.retrospective =
      reader.choice("assignment", 0, {"prospective", "retrospective"}) == 1;
  return region;
}

//! The largest knot count of an empirical body (calibrate writes up to 1024).
constexpr std::size_t kMaxKnots = 4096;

//! severity = "empirical": the quantile table and its tail (docs/scenario-reference.md).
void read_empirical_body(const TableReader& reader, Stratum& stratum) {
  for (const char* key : {"mean", "cv"})
    reader.forbid(key, "with severity = \"empirical\" (the quantile table gives the body)");
  reader.require("probabilities", "with severity = \"empirical\"");
  reader.require("quantiles", "with severity = \"empirical\"");
  stratum.probabilities = *reader.numbers("probabilities", closed(0.0, 1.0));
  stratum.quantiles = *reader.numbers("quantiles", closed(0.0, 1e9));
  const auto& p = stratum.probabilities;
  const auto& q = stratum.quantiles;
  if (p.size() < 2 || p.size() > kMaxKnots)
    reader.fail("probabilities", "needs 2 to " + std::to_string(kMaxKnots) + " knots, got " +
                                     std::to_string(p.size()));
  if (q.size() != p.size())
    reader.fail("quantiles", "needs one cost per probability: " + std::to_string(p.size()) +
                                 " probabilities, " + std::to_string(q.size()) + " quantiles");
  if (p.front() != 0.0)
    reader.fail("probabilities", "must start at 0, got " + format_number(p.front()));
  for (std::size_t j = 1; j < p.size(); ++j) {
    if (!(p[j] > p[j - 1]))
      reader.fail("probabilities", "must increase: element " + std::to_string(j) + " (" +
                                       format_number(p[j]) + ") follows " +
                                       format_number(p[j - 1]));
    if (!(q[j] >= q[j - 1]))
      reader.fail("quantiles", "must not decrease: element " + std::to_string(j) + " (" +
                                   format_number(q[j]) + ") follows " + format_number(q[j - 1]));
  }
  // A tail starts at the last knot unless that knot is 1; it must leave room for the grid's
  // series beyond a normal score of 6 (probability 1e-9).
  const bool tail = p.back() < 1.0;
  if (tail && p.back() > 1.0 - 1e-6)
    reader.fail("probabilities", "the last probability must be 1 (no tail) or <= 0.999999, got " +
                                     format_number(p.back()));
  if (tail) {
    reader.require("tail_scale", "when the last probability is < 1 (a tail above it)");
    stratum.tail_scale = reader.required_number("tail_scale", left_open(0.0, 1e9));
    stratum.tail_shape = reader.number("tail_shape", 0.0, closed(-1.0, 0.95));
  } else {
    reader.forbid("tail_scale", "when the last probability is 1 (no tail)");
    reader.forbid("tail_shape", "when the last probability is 1 (no tail)");
  }
  stratum.score_sd = reader.number("score_sd", stratum.score_sd, closed(0.0, 100.0));
}

Stratum read_stratum(const TableReader& reader, NameRegistry& names) {
  Stratum stratum;
  stratum.name = names.add(reader);
  stratum.share = reader.required_number("share", left_open(0.0, 1.0));
  stratum.p_any = reader.number("p_any", stratum.p_any, closed(0.0, 1.0));
  if (reader.has("enrollment")) {
    stratum.enrollment = reader.required_text("enrollment");
    if (!legal_name(stratum.enrollment))
      reader.fail("enrollment", "an enrollment type's name must be non-empty, without '/' or "
                                "control characters");
  }
  stratum.severity =
      static_cast<Severity>(reader.choice("severity", 0, severity_keywords()));
  if (stratum.severity == Severity::Lognormal) {
    for (const char* key : {"probabilities", "quantiles", "tail_scale", "tail_shape", "score_sd"})
      reader.forbid(key, "with a lognormal body (it belongs to severity = \"empirical\")");
    // Bounded so that no cost, square or sum can overflow (a billion per unit-year is no
    // patient).
    stratum.mean = reader.required_number("mean", left_open(0.0, 1e9));
    stratum.cv = reader.number("cv", stratum.cv, at_least(0.0));
  } else {
    read_empirical_body(reader, stratum);
  }
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
  // Enrollment types: every stratum names one, or none does.
  std::vector<std::string> types;
  for (std::size_t i = 0; i < strata.size(); ++i) {
    Stratum& st = strata[i];
    if (st.enrollment.empty() != strata.front().enrollment.empty())
      readers[i].fail("enrollment", "give every stratum an enrollment type, or none (stratum '" +
                                        strata.front().name + "' " +
                                        (strata.front().enrollment.empty() ? "has none" : "has one") +
                                        ")");
    if (st.enrollment.empty()) continue;
    const auto found = std::find(types.begin(), types.end(), st.enrollment);
    st.enrollment_type = static_cast<int>(found - types.begin());
    if (found == types.end()) types.push_back(st.enrollment);
    if (types.size() > kMaxEnrollmentTypes)
      readers[i].fail("enrollment", "at most " + std::to_string(kMaxEnrollmentTypes) +
                                        " enrollment types are supported");
  }
  return strata;
}

const std::vector<NumberKey<Patients>>& patients_keys() {
  static const std::vector<NumberKey<Patients>> keys{
      {"frailty_sd", &Patients::frailty_sd, closed(0.0, kMaxLogSd)},
      {"frailty_rho", &Patients::frailty_rho, closed(0.0, 1.0)},
      {"churn", &Patients::churn, closed(0.0, 1.0)},
      {"adherence_mean", &Patients::adherence_mean, open(0.0, 1.0)},
      {"adherence_sd", &Patients::adherence_sd, at_least(0.0)},
      {"adherence_cost", &Patients::adherence_cost, any_number()}};
  return keys;
}

Patients read_patients(const TableReader& top) {
  Patients patients;
  if (const std::optional<TableReader> section = open_section(top, "patients"))
    for (const NumberKey<Patients>& k : patients_keys())
      patients.*k.field = section->number(k.key, patients.*k.field, k.range);
  return patients;
}

}  // namespace apmsim::scenario
