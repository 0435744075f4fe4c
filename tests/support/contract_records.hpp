#pragma once
// The contract records of a scenario's contract on the CPU engine: `replications` replications of
// `model` in batches of `batch`, evaluated as a run evaluates them.
#include <cstdint>

#include "contract/evaluate.hpp"
#include "engine/cpu_engine.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::testing_support {

inline contract::Records contract_records(const scenario::Scenario& s, const engine::Model& model,
                                          std::uint64_t replications, std::uint64_t batch) {
  const engine::CpuEngine engine(model, 2);
  const contract::Evaluator evaluator(model, s.contract, s.simulation.baseline_years,
                                      s.analysis.threshold_target_effect);
  contract::Records records = evaluator.make_records();
  engine::BatchTallies tallies;
  for (std::uint64_t first = 0; first < replications; first += batch) {
    engine.run_batch(first, batch, tallies);
    evaluator.add(tallies, records);
  }
  return records;
}

}  // namespace apmsim::testing_support
