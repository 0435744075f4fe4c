#include "run/price.hpp"

#include <toml++/toml.h>

#include "run/simulate.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::run {

namespace {

//! What a terms file may set: the rest of the scenario is the simulated world.
bool priceable(std::string_view key) {
  return key == "contract" || key == "analysis" || key == "sweep";
}

}  // namespace

scenario::Scenario priced_scenario(const analysis::Results& stored, const std::string& stored_path,
                                   const std::string& terms_text, const std::string& terms_path) {
  if (stored.info.shard_count != 0)
    throw InputError(stored_path + ": a shard (" + std::to_string(stored.info.shard_index) + "/" +
                     std::to_string(stored.info.shard_count) +
                     "): join the shards with apmsim merge first");
  if (!stored.has_tallies)
    throw InputError(stored_path + ": no stored tallies: run with --write-tallies to price "
                                   "other terms on it");
  if (!stored.tallies.has_draws)
    throw InputError(stored_path + ": its tallies lack the draws the contract reads (written "
                                   "before results format 2.2): run again with --write-tallies");
  const std::string label = stored_path + " (stored scenario " + stored.scenario_path + ")";
  toml::table root = scenario::parse_toml(stored.scenario_text, label);
  // A stored sweep of anything but contract and analysis values simulated several worlds, of
  // which only the first's tallies are stored.
  if (const toml::table* sweep = root["sweep"].as_table())
    for (const auto& [key, node] : *sweep) {
      const std::string path(key.str());
      if (path.rfind("contract.", 0) != 0 && path.rfind("analysis.", 0) != 0)
        throw InputError(stored_path + ": its run swept '" + path +
                         "', a value of the simulated world, so it simulated several worlds and "
                         "stored only the first's tallies; price terms on a run without that sweep");
    }
  root.erase("sweep");
  const toml::table terms = scenario::parse_toml(terms_text, terms_path);
  if (!terms.contains("contract"))
    throw scenario::ScenarioError(terms_path, 1, 1, "contract",
                                  "a terms file needs [contract]: the terms to price");
  for (const auto& [key, node] : terms) {
    if (!priceable(key.str()))
      throw scenario::ScenarioError(
          terms_path, static_cast<int>(key.source().begin.line),
          static_cast<int>(key.source().begin.column), std::string(key.str()),
          "'" + std::string(key.str()) + "' is part of the simulated world, which the stored run "
          "fixes; a terms file sets [contract], [analysis] and [sweep] only");
    root.insert_or_assign(key.str(), node);
  }
  // The scenario priced, as TOML: the stored world with these terms. A sweep's variants are
  // made from this text (scenario/sweep.hpp), as a run makes them from its file.
  const std::string text = "# apmsim price: the world of " + stored_path + " with the terms of " +
                           terms_path + "\n" + scenario::toml_document(root);
  scenario::Scenario s = scenario::parse_root(root, text, label);
  s.path = stored.scenario_path;  // its name: the stored run's scenario
  return s;
}

std::string own_terms(const std::string& scenario_text, const std::string& path) {
  const toml::table root = scenario::parse_toml(scenario_text, path);
  toml::table terms;
  for (const char* key : {"contract", "analysis", "sweep"})
    if (const toml::node* node = root.get(key)) terms.insert(key, *node);
  return scenario::toml_document(terms);
}

analysis::Results price(const analysis::Results& stored, const std::string& stored_path,
                        const scenario::Scenario& terms, RunSettings settings) {
  settings.replications = stored.info.replications;
  settings.seed = stored.info.seed;
  settings.batch_size = stored.info.batch_size;
  settings.stored = &stored.tallies;
  settings.stored_source = stored_path;
  settings.shard_count = 0;
  settings.backend = "stored";  // nothing simulated: the results say so
  return simulate(terms, settings);
}

}  // namespace apmsim::run
