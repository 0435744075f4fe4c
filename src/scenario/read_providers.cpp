//! `[[provider_group]]`: providers, their units and volumes, and their random effects.
#include <cmath>
#include <cstdint>
#include <limits>

#include "scenario/keywords.hpp"
#include "scenario/limits.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::scenario {

namespace {

constexpr std::int64_t kUint32Max = std::numeric_limits<std::uint32_t>::max();

//! panel_size for patient-year units; volume, volume_model and volume_cv for episodes.
void read_size(const TableReader& reader, ProviderGroup& group) {
  if (group.unit == UnitKind::PatientYear) {
    const std::string why = "for unit = \"patient_year\" (only for episodes)";
    reader.forbid("volume", why);
    reader.forbid("volume_model", why);
    reader.forbid("volume_cv", why);
    reader.require("panel_size", "for unit = \"patient_year\"");
    group.panel_size =
        static_cast<std::uint32_t>(reader.required_integer("panel_size", 1, kUint32Max));
    return;
  }
  reader.forbid("panel_size", "for unit = \"episode\" (episodes use 'volume')");
  reader.require("volume", "for unit = \"episode\"");
  group.volume = reader.required_number("volume", above(0.0));
  group.volume_model = static_cast<VolumeModel>(reader.choice(
      "volume_model", static_cast<std::size_t>(group.volume_model), volume_model_keywords()));
  if (group.volume_model == VolumeModel::Poisson) {
    reader.forbid("volume_cv", "with volume_model = \"poisson\"");
    return;
  }
  reader.require("volume_cv", "for volume_model = \"negative_binomial\"");
  group.volume_cv = reader.required_number("volume_cv", above(0.0));
}

//! Full-length stratum shares from a case_mix table; strata it leaves out get 0.
std::vector<double> read_case_mix(const TableReader& reader, const NameRegistry& strata) {
  const auto entries = reader.named_numbers("case_mix", closed(0.0, 1.0));
  if (!entries) return {};
  std::vector<double> shares(strata.names().size(), 0.0);
  for (const auto& entry : *entries) {
    shares[static_cast<std::size_t>(strata.index_of(reader, entry.name, entry.key, entry.where))] =
        entry.value;
  }
  double sum = 0.0;
  for (const double share : shares) sum += share;
  if (std::abs(sum - 1.0) > kShareTolerance) {
    reader.fail("case_mix", "case-mix shares must sum to 1, got " + format_approx(sum));
  }
  return shares;
}

ProviderGroup read_group(const TableReader& reader, const Simulation& simulation,
                         NameRegistry& names, const NameRegistry& regions,
                         const NameRegistry& strata) {
  ProviderGroup group;
  group.name = names.add(reader);
  group.count = static_cast<std::uint32_t>(reader.integer("count", group.count, 1, kUint32Max));
  const std::string region = reader.required_text("region");
  group.region =
      regions.index_of(reader, region, reader.key_path("region"), reader.location("region"));
  group.unit = static_cast<UnitKind>(
      reader.choice("unit", static_cast<std::size_t>(group.unit), unit_keywords()));
  read_size(reader, group);
  group.participant = reader.flag("participant", group.participant);
  // Plausibility bounds (scenario/limits.hpp): far beyond them costs overflow or vanish.
  group.efficiency_sd = reader.number("efficiency_sd", group.efficiency_sd, closed(0.0, kMaxLogSd));
  group.effect_mean =
      reader.number("effect_mean", group.effect_mean, closed(-kMaxLogEffect, kMaxLogEffect));
  group.effect_sd = reader.number("effect_sd", group.effect_sd, closed(0.0, kMaxLogSd));
  const auto years = static_cast<std::size_t>(simulation.performance_years);
  group.effect_ramp =
      reader.numbers("effect_ramp", at_least(0.0)).value_or(std::vector<double>(years, 1.0));
  if (group.effect_ramp.size() != years) {
    reader.fail("effect_ramp", "needs one entry per performance year (" + std::to_string(years) +
                                   "), got " + std::to_string(group.effect_ramp.size()));
  }
  for (double ramp : group.effect_ramp)
    if (std::fabs(group.effect_mean) * ramp > kMaxLogEffect)
      reader.fail("effect_ramp",
                  "effect_mean x effect_ramp = " + format_approx(group.effect_mean * ramp) +
                      " on log cost is beyond +/-" + format_number(kMaxLogEffect));
  group.quality_sd = reader.number("quality_sd", group.quality_sd, at_least(0.0));
  group.coding_growth = reader.number("coding_growth", group.coding_growth, above(-1.0));
  group.revenue_share = reader.number("revenue_share", group.revenue_share, at_least(0.0));
  group.assignment_churn =
      reader.number("assignment_churn", group.assignment_churn, closed(0.0, 1.0));
  group.practice_sd = reader.number("practice_sd", group.practice_sd, closed(0.0, kMaxLogSd));
  group.practice_rho = reader.number("practice_rho", group.practice_rho, closed(0.0, 1.0));
  if (group.practice_sd > 0.0) {
    group.practice_size = reader.number("practice_size", group.practice_size, above(0.0));
    if (!(group.practice_size > 0.0))
      reader.fail("practice_size", "is required with practice_sd > 0 (assigned members per practice)");
    if (group.unit == UnitKind::Episode)
      reader.fail("practice_sd", "applies to patient panels (unit = \"patient_year\")");
  } else if (reader.has("practice_size") || reader.has("practice_rho")) {
    reader.fail(reader.has("practice_size") ? "practice_size" : "practice_rho",
                "has no effect without practice_sd > 0");
  }
  group.retrospective =
      reader.choice("assignment", group.retrospective ? 1 : 0, {"prospective", "retrospective"}) == 1;
  if (const auto shares = reader.numbers("assigned_share", left_open(0.0, 1.0))) {
    if (static_cast<int>(shares->size()) != simulation.years())
      reader.fail("assigned_share", "needs one share per calendar year (" +
                                        std::to_string(simulation.years()) + "), got " +
                                        std::to_string(shares->size()));
    group.assigned_share = *shares;
  }
  if (group.unit == UnitKind::Episode)
    for (const char* key : {"assignment", "assigned_share"})
      if (reader.has(key))
        reader.fail(key, "applies to patient panels (unit = \"patient_year\"); an episode is "
                         "counted when it happens");
  if (group.unit == UnitKind::Episode && group.assignment_churn > 0.0)
    reader.fail("assignment_churn", "applies to patient panels (unit = \"patient_year\"); "
                                    "every episode is a new patient already");
  group.case_mix = read_case_mix(reader, strata);
  return group;
}

}  // namespace

std::vector<ProviderGroup> read_provider_groups(const TableReader& top,
                                                const Simulation& simulation,
                                                const NameRegistry& regions,
                                                const NameRegistry& strata) {
  std::vector<ProviderGroup> groups;
  NameRegistry names("provider group");
  std::uint64_t providers = 0;
  const auto tables = top.table_array("provider_group", 1, std::numeric_limits<std::size_t>::max());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const TableReader reader = open_section(top, *tables[i], "provider_group", i);
    groups.push_back(read_group(reader, simulation, names, regions, strata));
    providers += groups.back().count;
    // Providers are numbered with 32-bit ids (Scenario::provider_count, random-number counters).
    if (providers > static_cast<std::uint64_t>(kUint32Max)) {
      reader.fail("count", "the total provider count over all groups must be <= " +
                               std::to_string(kUint32Max) + ", got " + std::to_string(providers));
    }
  }
  return groups;
}

}  // namespace apmsim::scenario
