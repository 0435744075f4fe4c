#pragma once
// Tallies written by hand for the contract tests: one participant provider (entity 0) and its
// region's comparison population (entity 1), `measures` measures, one replication. The tests set
// each year's sums field by field and run the Evaluator the simulator runs on them.

#include <vector>

#include "contract/evaluate.hpp"
#include "engine/model.hpp"
#include "engine/tallies.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract::handmade {

//! A world of one provider and one comparison population over `baseline + performance` years.
struct HandTallies {
  engine::Model model;
  engine::BatchTallies tallies;
  int baseline_years;

  //! `thresholds`: the tally thresholds (truncate_at and attachments must be among them).
  HandTallies(int baseline, int performance, std::vector<double> thresholds = {}, int measures = 0,
              int types = 0)
      : baseline_years(baseline) {
    model.params.measures = measures;
    model.layout.measures = measures;
    model.params.types = types;
    model.layout.types = types;
    model.params.years = baseline + performance;
    model.params.baseline_years = baseline;
    model.params.thresholds = static_cast<int>(thresholds.size());
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
      model.params.threshold[t] = static_cast<float>(thresholds[t]);
      model.params.threshold_years[t] = scenario::kEveryYear;
    }
    model.layout.thresholds = model.params.thresholds;
    engine::Entity provider;
    provider.name = "p/0";
    provider.group = 0;
    provider.participant = true;
    provider.effect_ramp.assign(static_cast<std::size_t>(performance), 1.0);
    engine::Entity comparison;
    comparison.name = "comparison/r";
    model.entities = {provider, comparison};
    model.regions.resize(1);
    model.providers = 1;
    tallies.replications = 1;
    tallies.entities = 2;
    tallies.years = model.params.years;
    tallies.fields = model.layout.fields();
    tallies.values.assign(2 * static_cast<std::size_t>(tallies.years * tallies.fields), 0.0);
  }

  //! The tally record of `entity` (0 provider, 1 comparison) in calendar year `year`.
  double* record(int entity, int year) {
    return &tallies
                .values[(static_cast<std::size_t>(entity) * tallies.years + year) * tallies.fields];
  }

  //! Sets measure m's counts in a year: `measured` patients measured (all eligible), `rate` of
  //! them achieving it.
  void set_measure(int entity, int year, int m, double measured, double rate) {
    double* r = record(entity, year);
    r[model.layout.measure_field(m, model::TallyLayout::kEligible)] = measured;
    r[model.layout.measure_field(m, model::TallyLayout::kMeasured)] = measured;
    r[model.layout.measure_field(m, model::TallyLayout::kAchieved)] = rate * measured;
    r[model.layout.measure_field(m, model::TallyLayout::kAchievedTrue)] = rate * measured;
  }

  //! Sets a year's units, cost and risk scores (risk per unit `risk`), with cost per unit below
  //! every threshold unless `capped` gives sum min(cost, A_t) per threshold.
  void set_year(int entity, int year, double units, double cost, double risk = 1.0,
                std::vector<double> capped = {}) {
    double* r = record(entity, year);
    r[model::TallyLayout::kUnits] = units;
    r[model::TallyLayout::kCost] = cost;
    r[model::TallyLayout::kCounterfactual] = cost;
    r[model::TallyLayout::kRiskScore] = risk * units;
    for (int t = 0; t < model.layout.thresholds; ++t)
      r[model.layout.capped_field(t)] =
          static_cast<std::size_t>(t) < capped.size() ? capped[static_cast<std::size_t>(t)] : cost;
  }

  //! Sets enrollment type t's figures in a year and adds them to the whole population's.
  void add_type_year(int entity, int year, int t, double units, double cost, double truncated,
                     double risk_per_unit = 1.0) {
    double* r = record(entity, year);
    r[model.layout.type_field(t, model::TallyLayout::kTypeUnits)] = units;
    r[model.layout.type_field(t, model::TallyLayout::kTypeCost)] = cost;
    r[model.layout.type_field(t, model::TallyLayout::kTypeTruncated)] = truncated;
    r[model.layout.type_field(t, model::TallyLayout::kTypeRisk)] = risk_per_unit * units;
    r[model::TallyLayout::kUnits] += units;
    r[model::TallyLayout::kCost] += cost;
    r[model::TallyLayout::kCounterfactual] += cost;
    r[model::TallyLayout::kRiskScore] += risk_per_unit * units;
  }

  //! The records of `contract` evaluated on these tallies.
  Records evaluate(const scenario::Contract& contract) const {
    const Evaluator evaluator(model, contract, baseline_years, 0.0);
    Records records = evaluator.make_records();
    evaluator.add(tallies, records);
    return records;
  }
};

//! A contract with the same `terms` in each of `years` performance years, equal baseline weights.
inline scenario::Contract contract_of(scenario::ContractTerms terms, int baseline_years,
                                      int years) {
  terms.benchmark.baseline_weights.assign(static_cast<std::size_t>(baseline_years),
                                          1.0 / baseline_years);
  scenario::Contract contract;
  contract.present = true;
  contract.years.assign(static_cast<std::size_t>(years), terms);
  return contract;
}

}  // namespace apmsim::contract::handmade
