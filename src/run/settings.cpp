#include "run/settings.hpp"

#include <algorithm>

namespace apmsim::run {

RunSettings resolved(const scenario::Scenario& scenario, RunSettings settings) {
  const scenario::Simulation& sim = scenario.simulation;
  if (!settings.replications) settings.replications = sim.replications;
  if (!settings.seed) settings.seed = sim.seed;
  if (!settings.batch_size) settings.batch_size = sim.batch_size;
  settings.batch_size = std::max<std::uint32_t>(1, *settings.batch_size);
  return settings;
}

}  // namespace apmsim::run
