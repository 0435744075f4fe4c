#include "run/stored_pilot.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "scenario/error.hpp"

namespace apmsim::run {

void store_pilot(const engine::TruncationPilot& pilot, analysis::TallyDump& tallies) {
  tallies.truncation_levels.clear();
  tallies.truncation_amounts.clear();
  tallies.truncation_type_amounts.clear();
  for (const engine::TruncationPilot::Amounts& a : pilot.amounts()) {
    tallies.truncation_levels.push_back(a.level);
    tallies.truncation_amounts.insert(tallies.truncation_amounts.end(), a.by_year.begin(),
                                      a.by_year.end());
    for (const std::vector<double>& year : a.by_type_year)
      tallies.truncation_type_amounts.insert(tallies.truncation_type_amounts.end(), year.begin(),
                                             year.end());
  }
}

std::unique_ptr<engine::TruncationPilot> stored_pilot(const analysis::TallyDump& tallies,
                                                      const scenario::Scenario& scenario,
                                                      std::uint64_t seed,
                                                      const std::string& source) {
  const std::size_t levels = tallies.truncation_levels.size();
  if (levels == 0) return nullptr;
  const std::size_t years = static_cast<std::size_t>(std::max(tallies.years, 0));
  const std::size_t per_level = tallies.truncation_type_amounts.size() / levels;
  const std::size_t types = years > 0 ? per_level / years : 0;
  if (tallies.truncation_amounts.size() != levels * years ||
      tallies.truncation_type_amounts.size() != levels * years * types)
    throw InputError(source + ": its truncation pilot's amounts do not match its " +
                     std::to_string(levels) + " levels and " + std::to_string(years) + " years");
  std::vector<engine::TruncationPilot::Amounts> known(levels);
  for (std::size_t l = 0; l < levels; ++l) {
    known[l].level = tallies.truncation_levels[l];
    const auto year = tallies.truncation_amounts.begin() + static_cast<std::ptrdiff_t>(l * years);
    known[l].by_year.assign(year, year + static_cast<std::ptrdiff_t>(years));
    for (std::size_t y = 0; y < years && types > 0; ++y) {
      const auto type = tallies.truncation_type_amounts.begin() +
                        static_cast<std::ptrdiff_t>((l * years + y) * types);
      known[l].by_type_year.emplace_back(type, type + static_cast<std::ptrdiff_t>(types));
    }
  }
  return std::make_unique<engine::TruncationPilot>(scenario, seed, std::move(known));
}

}  // namespace apmsim::run
