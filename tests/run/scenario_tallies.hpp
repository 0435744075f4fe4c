#pragma once
// Tallies written by hand for a parsed scenario's model (tests/run): one replication, every
// entity and year, set field by field, and the contract records the simulator's Evaluator makes
// of them.
#include <cstdint>
#include <string>

#include "contract/evaluate.hpp"
#include "engine/model.hpp"
#include "model/tally_layout.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::run {

//! A scenario of one region with a comparison population of 1,000 and one participant provider
//! of 100 patients, two baseline years and `performance_years`, one stratum; `rest` (measures,
//! the contract) is appended.
inline std::string one_provider_world(int performance_years, const std::string& rest) {
  return R"(
[simulation]
replications = 1
seed = 7
baseline_years = 2
performance_years = )" + std::to_string(performance_years) + R"(
[[region]]
name = "r"
comparison_size = 1000
[[stratum]]
name = "s"
share = 1.0
mean = 1000.0
cv = 1.0
[[provider_group]]
name = "p"
region = "r"
panel_size = 100
)" + rest;
}

// Tallies for one replication: provider 0 and the comparison population, every year.
struct HandTallies {
  engine::Model model;
  engine::BatchTallies b;
  explicit HandTallies(const scenario::Scenario& s) : model(engine::build_model(s)) {
    b.replications = 1;
    b.entities = model.entity_count();
    b.years = model.years();
    b.fields = model.layout.fields();
    b.values.assign(b.entities * b.years * b.fields, 0.0);
  }
  double* at(std::uint32_t e, int y) {
    return &b.values[(static_cast<std::size_t>(e) * b.years + y) * b.fields];
  }
  // n units costing `cost` in total (counterfactual `cf`), risk 1 each; measure achieved/measured.
  void set(std::uint32_t e, int y, double n, double cost, double cf, double achieved = 0,
           double measured = 0) {
    double* r = at(e, y);
    r[model::TallyLayout::kUnits] = n;
    r[model::TallyLayout::kCost] = cost;
    r[model::TallyLayout::kCostSquared] = cost * cost / n;
    r[model::TallyLayout::kCounterfactual] = cf;
    r[model::TallyLayout::kRiskScore] = n;
    const auto& L = model.layout;
    for (int t = 0; t < L.thresholds; ++t) r[L.capped_field(t)] = cost;  // nobody above
    if (L.measures == 0) return;
    r[L.measure_field(0, model::TallyLayout::kEligible)] = measured;
    r[L.measure_field(0, model::TallyLayout::kMeasured)] = measured;
    r[L.measure_field(0, model::TallyLayout::kAchieved)] = achieved;
    r[L.measure_field(0, model::TallyLayout::kAchievedTrue)] = achieved;
  }
};

inline contract::Records evaluate(const scenario::Scenario& s, const HandTallies& h) {
  const contract::Evaluator ev(h.model, s.contract, s.simulation.baseline_years, 0.02);
  contract::Records r = ev.make_records();
  ev.add(h.b, r);
  return r;
}

}  // namespace apmsim::run
