#include "run/stored_engine.hpp"

#include <algorithm>
#include <cmath>

#include "scenario/error.hpp"

namespace apmsim::run {

StoredEngine::StoredEngine(const analysis::TallyDump& stored, const engine::Model& model,
                           std::string source)
    : stored_(stored), source_(std::move(source)), fields_(model.layout.fields()) {
  const auto fail = [this](const std::string& why) {
    throw InputError(source_ + ": its stored tallies " + why);
  };
  if (!stored.has_draws)
    fail("lack the draws the contract reads (written before format 2.2): run again with "
         "--write-tallies");
  if (stored.entities != model.entity_count() || stored.years != model.years() ||
      stored.regions != model.regions.size())
    fail("are of another population (" + std::to_string(stored.entities) + " entities, " +
         std::to_string(stored.years) + " years, " + std::to_string(stored.regions) +
         " regions; the scenario has " + std::to_string(model.entity_count()) + ", " +
         std::to_string(model.years()) + " and " + std::to_string(model.regions.size()) + ")");
  // Enrollment types are truncated in the simulation itself: their amounts must be the run's.
  if (!std::equal(stored.type_truncation.begin(), stored.type_truncation.end(),
                  model.type_truncation.begin(), model.type_truncation.end(),
                  [](double a, float b) { return a == static_cast<double>(b); }))
    fail("truncate enrollment types at other amounts than these terms do (types are truncated in "
         "the simulation itself): vary truncate_at or truncate_percentile by running again");
  if (stored.fields.size() != static_cast<std::size_t>(fields_))
    fail("have " + std::to_string(stored.fields.size()) + " fields where the scenario's layout has " +
         std::to_string(fields_));
  summed_ = engine::summed_cells(model);
}

void StoredEngine::run_batch(std::uint64_t first, std::uint64_t count,
                             engine::BatchTallies& out) const {
  if (first + count > stored_.replications || first + count < first)
    throw InputError(source_ + ": replications [" + std::to_string(first) + ", " +
                     std::to_string(first + count) + ") asked of a run of " +
                     std::to_string(stored_.replications));
  const std::size_t record = static_cast<std::size_t>(stored_.years) * fields_;
  const std::size_t per_rep = stored_.entities * record;
  const std::size_t shocks = std::size_t{stored_.regions} * static_cast<std::size_t>(stored_.years);
  out.first_replication = first;
  out.replications = count;
  out.entities = stored_.entities;
  out.years = stored_.years;
  out.fields = fields_;
  const auto slice = [&](const std::vector<double>& from, std::size_t per, std::vector<double>& to) {
    to.assign(from.begin() + static_cast<std::ptrdiff_t>(first * per),
              from.begin() + static_cast<std::ptrdiff_t>((first + count) * per));
  };
  slice(stored_.values, per_rep, out.values);
  // Finite wherever the year sums the field (the rest is NaN, engine::mark_unsummed); an
  // entity's years x fields at a time.
  const auto fields = static_cast<std::size_t>(fields_);
  for (std::size_t at = 0; at < out.values.size(); at += record)
    for (std::size_t j = 0; j < record; ++j)
      if (summed_[j] && !std::isfinite(out.values[at + j]))
        throw InputError(source_ + ": its stored tally " + stored_.fields[j % fields] +
                         " of entity " + std::to_string(at % per_rep / record) +
                         " in calendar year " + std::to_string(j / fields + 1) +
                         " of replication " + std::to_string(first + at / per_rep) +
                         " is not finite");
  slice(stored_.efficiency, stored_.entities, out.efficiency);
  slice(stored_.region_shock, shocks, out.region_shock);
  out.effect.assign(count * stored_.entities, 0.0);  // not stored: no contract figure reads it
}

}  // namespace apmsim::run
