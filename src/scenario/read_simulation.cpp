//! `[simulation]` and `[tallies]`: the run's size and calendar, and what the engine tallies.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "scenario/keywords.hpp"
#include "scenario/limits.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"

namespace apmsim::scenario {

namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kUint32Max = std::numeric_limits<std::uint32_t>::max();

//! `currency`: three capital letters (ISO 4217: "USD", "GBP", "EUR"); it only labels money.
std::string read_currency(const TableReader& reader) {
  if (!reader.has("currency")) return "";
  const std::string code = reader.required_text("currency");
  const bool iso = code.size() == 3 && std::all_of(code.begin(), code.end(),
                                                   [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!iso)
    reader.fail("currency", "must be an ISO 4217 code of three capital letters (e.g. \"USD\", "
                            "\"GBP\", \"EUR\"), got \"" + code + "\"");
  return code;
}

}  // namespace

Simulation read_simulation(const TableReader& top) {
  Simulation simulation;
  const std::optional<TableReader> section = open_section(top, "simulation");
  if (!section) return simulation;
  const TableReader& reader = *section;
  const auto defaults = simulation;
  simulation.replications = static_cast<std::uint64_t>(reader.integer(
      "replications", static_cast<std::int64_t>(defaults.replications), 1,
      static_cast<std::int64_t>(kMaxReplications)));
  // TOML integers are signed 64-bit, so a scenario can give seeds up to 2^63 - 1.
  simulation.seed = static_cast<std::uint64_t>(
      reader.integer("seed", static_cast<std::int64_t>(defaults.seed), 0, kInt64Max));
  simulation.baseline_years =
      static_cast<int>(reader.integer("baseline_years", defaults.baseline_years, 1, kMaxYears - 1));
  simulation.performance_years = static_cast<int>(
      reader.integer("performance_years", defaults.performance_years, 1, kMaxYears - 1));
  if (simulation.years() > kMaxYears) {
    reader.fail("performance_years",
                "baseline_years + performance_years must be <= " + std::to_string(kMaxYears) +
                    ", got " + std::to_string(simulation.years()));
  }
  simulation.batch_size =
      static_cast<std::uint32_t>(reader.integer("batch_size", defaults.batch_size, 1, kUint32Max));
  simulation.backend = static_cast<Backend>(
      reader.choice("backend", static_cast<std::size_t>(defaults.backend), backend_keywords()));
  simulation.trend = reader.number("trend", defaults.trend, open(-1.0, 1.0));
  simulation.currency = read_currency(reader);
  simulation.parameter_risk = reader.flag("parameter_risk", defaults.parameter_risk);
  simulation.parameter_block = static_cast<std::uint32_t>(
      reader.integer("parameter_block", defaults.parameter_block, 1, kUint32Max));
  return simulation;
}

static_assert(kMaxYears <= 32, "YearSet holds a bit per calendar year");

void Tallies::add(double a, YearSet in) {
  years.resize(thresholds.size(), kEveryYear);
  const auto at = std::lower_bound(thresholds.begin(), thresholds.end(), a);
  const std::size_t t = static_cast<std::size_t>(at - thresholds.begin());
  if (at != thresholds.end() && *at == a) {
    years[t] |= in;
    return;
  }
  thresholds.insert(at, a);
  years.insert(years.begin() + static_cast<std::ptrdiff_t>(t), in);
}

void Tallies::add(const Tallies& other) {
  for (std::size_t t = 0; t < other.thresholds.size(); ++t)
    add(other.thresholds[t], other.years_of(t));
}

Tallies read_tallies(const TableReader& top) {
  Tallies tallies;
  const std::optional<TableReader> section = open_section(top, "tallies");
  if (!section) return tallies;
  const TableReader& reader = *section;
  auto thresholds =
      reader.numbers("thresholds", left_open(0.0, kMaxTallyAmount)).value_or(std::vector<double>{});
  for (double& a : thresholds) a = tally_amount(a);  // as the engine keeps them
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  if (thresholds.size() > kMaxThresholds) {
    reader.fail("thresholds", "at most " + std::to_string(kMaxThresholds) +
                                  " distinct thresholds are supported, got " +
                                  std::to_string(thresholds.size()));
  }
  tallies.thresholds = thresholds;
  return tallies;
}

}  // namespace apmsim::scenario
