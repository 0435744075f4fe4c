#pragma once
//! One reader per scenario section; parse_scenario calls them in order, each on the top-level
//! table.

#include <vector>

#include "scenario/names.hpp"
#include "scenario/scenario.hpp"
#include "scenario/table_reader.hpp"

namespace apmsim::scenario {

//! `[simulation]` (optional; every key has a default).
Simulation read_simulation(const TableReader& top);

//! `[tallies]` (optional): thresholds sorted and deduplicated.
Tallies read_tallies(const TableReader& top);

//! `[[region]]` (at least one); adds their names to `names`.
std::vector<Region> read_regions(const TableReader& top, NameRegistry& names);

//! `[[stratum]]` (1 to 16): shares summing to 1, transitions resolved to full rows.
std::vector<Stratum> read_strata(const TableReader& top, NameRegistry& names);

//! A number key of a section beside the field it fills and the values it takes: a section's
//! table of such keys serves every place that walks the section by name.
template <class Section>
struct NumberKey {
  const char* key;
  double Section::*field;
  Range range;
};

//! `[patients]`'s keys, in file order (every one a number with a default).
const std::vector<NumberKey<Patients>>& patients_keys();

//! `[patients]` (optional; every key has a default).
Patients read_patients(const TableReader& top);

//! `[[provider_group]]` (at least one): region names resolved, unit-specific keys checked.
std::vector<ProviderGroup> read_provider_groups(const TableReader& top,
                                                const Simulation& simulation,
                                                const NameRegistry& regions,
                                                const NameRegistry& strata);

//! `[[measure]]` (0 to 16): eligible strata resolved to sorted indices (all when not given).
std::vector<Measure> read_measures(const TableReader& top, const NameRegistry& strata);

//! `[contract]` (optional): terms per performance year, `[[contract.year]]` applied over the base.
Contract read_contract(const TableReader& top, const Simulation& simulation,
                       const std::vector<Measure>& measures);

//! `[contract.run_out]` of the `[contract]` table (optional; disabled when absent).
RunOut read_run_out(const TableReader& contract);

//! `[contract.timing]` of the `[contract]` table (optional; every key has a default).
CashTiming read_timing(const TableReader& contract_table, const RunOut& run_out);

//! `[analysis]` (optional; every key has a default).
AnalysisSettings read_analysis(const TableReader& top, const Contract& contract);

//! `[sweep]` (optional): each key a parameter path, each value a non-empty array.
std::vector<SweepAxis> read_sweep(const TableReader& top);

//! `[parameter_risk]` (optional): the parameters' deviations, each list `groups` long;
//! `[simulation] parameter_risk = true` needs at least one parameter. Paths are checked by
//! ParameterDraws.
ParameterRisk read_parameter_risk(const TableReader& top, const Simulation& simulation);

}  // namespace apmsim::scenario
