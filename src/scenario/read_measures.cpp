//! `[[measure]]`: binary outcome measures, their eligible strata and data completeness.
#include <algorithm>

#include "scenario/limits.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"

namespace apmsim::scenario {

namespace {

//! Sorted indices of the eligible strata; every stratum when the key is absent.
std::vector<int> read_eligible(const TableReader& reader, const NameRegistry& strata) {
  const auto names = reader.texts("strata");
  std::vector<int> indices;
  if (!names) {
    for (std::size_t i = 0; i < strata.names().size(); ++i) indices.push_back(static_cast<int>(i));
    return indices;
  }
  if (names->empty()) {
    reader.fail("strata", "must name at least one stratum (leave the key out for every stratum)");
  }
  for (const auto& name : *names) {
    const int index = strata.index_of(reader, name.text, name.key, name.where);
    if (std::find(indices.begin(), indices.end(), index) != indices.end()) {
      reader.fail_at(name.where, name.key, "stratum '" + name.text + "' is listed twice");
    }
    indices.push_back(index);
  }
  std::sort(indices.begin(), indices.end());
  return indices;
}

Measure read_measure(const TableReader& reader, NameRegistry& names, const NameRegistry& strata) {
  Measure measure;
  measure.name = names.add(reader);
  measure.strata = read_eligible(reader, strata);
  measure.base_rate = reader.number("base_rate", measure.base_rate, open(0.0, 1.0));
  measure.frailty_coef = reader.number("frailty_coef", measure.frailty_coef, any_number());
  measure.adherence_coef = reader.number("adherence_coef", measure.adherence_coef, any_number());
  measure.improvement = reader.number("improvement", measure.improvement, any_number());
  measure.response_rate =
      reader.number("response_rate", measure.response_rate, left_open(0.0, 1.0));
  measure.nonresponse_frailty =
      reader.number("nonresponse_frailty", measure.nonresponse_frailty, any_number());
  return measure;
}

}  // namespace

std::vector<Measure> read_measures(const TableReader& top, const NameRegistry& strata) {
  std::vector<Measure> measures;
  NameRegistry names("measure");
  const auto tables = top.table_array("measure", 0, kMaxMeasures);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const TableReader reader = open_section(top, *tables[i], "measure", i);
    measures.push_back(read_measure(reader, names, strata));
  }
  return measures;
}

}  // namespace apmsim::scenario
