#include "run/merge.hpp"

#include <functional>

#include "run/run.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"

namespace apmsim::run {

using analysis::Results;

namespace {

//! What two shards of one run share, each with how a clash reads ("seeds 1 and 2": `what`, then
//! each shard's value).
struct SharedFact {
  const char* what;
  std::function<std::string(const Results&)> value;
};

const std::vector<SharedFact>& shared_facts() {
  static const std::vector<SharedFact> facts = {
      {"made by",
       [](const Results& r) {
         return "apmsim " + r.info.apmsim_version + " (commit " + r.info.git_commit + ")";
       }},
      {"different scenarios,",
       [](const Results& r) { return "sha256 " + r.scenario_sha256.substr(0, 12); }},
      {"seeds", [](const Results& r) { return std::to_string(r.info.seed); }},
      {"replications", [](const Results& r) { return std::to_string(r.info.total_replications); }},
      {"shard counts", [](const Results& r) { return std::to_string(r.info.shard_count); }},
      {"--write-tallies", [](const Results& r) { return r.has_tallies ? "with" : "without"; }},
      {"--write-records", [](const Results& r) { return r.has_records ? "with" : "without"; }},
  };
  return facts;
}

//! Checks every file is a shard of the first one's run; returns the shards' order by index.
std::vector<std::size_t> shard_order(const std::vector<Results>& shards,
                                     const std::vector<std::string>& paths) {
  for (std::size_t i = 0; i < shards.size(); ++i)
    if (shards[i].info.shard_count == 0 || shards[i].state.empty())
      throw InputError(paths[i] + ": not a shard (made without --shard, or without its run state)");
  for (std::size_t i = 1; i < shards.size(); ++i)
    for (const SharedFact& fact : shared_facts()) {
      const std::string mine = fact.value(shards[i]), first = fact.value(shards[0]);
      if (mine != first)
        throw InputError(paths[i] + " and " + paths[0] +
                         " are not shards of one run: " + fact.what + " " + mine + " and " + first);
    }
  const int count = shards.front().info.shard_count;
  std::vector<long> at(static_cast<std::size_t>(count), -1);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const int k = shards[i].info.shard_index;
    if (k < 0 || k >= count) throw InputError(paths[i] + ": shard index out of range");
    if (at[k] >= 0)
      throw InputError(paths[i] + " and " + paths[at[k]] + " are both shard " + std::to_string(k) +
                       "/" + std::to_string(count));
    at[k] = static_cast<long>(i);
  }
  std::string missing;
  for (int k = 0; k < count; ++k)
    if (at[k] < 0) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (!missing.empty())
    throw InputError("merge: shard" +
                     std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing +
                     " of " + std::to_string(count) + " missing");
  return std::vector<std::size_t>(at.begin(), at.end());
}

}  // namespace

Results merge_shards(std::vector<Results> shards, const std::vector<std::string>& paths,
                     const std::string& command_line) {
  if (shards.empty()) throw InputError("merge: no shard files given");
  const std::vector<std::size_t> order = shard_order(shards, paths);
  const Results& a = shards.front();
  // The run as the shards made it: their scenario and settings (the states check them again).
  const scenario::Scenario s = scenario::parse_scenario(a.scenario_text, a.scenario_path);
  RunSettings settings;
  settings.seed = a.info.seed;
  settings.replications = a.info.total_replications;
  settings.batch_size = a.info.batch_size;
  settings.keep_tallies = a.has_tallies;
  settings.keep_records = a.has_records;
  settings.backend = a.info.backend;
  settings.command_line = command_line;
  Run run(s, settings, false);
  run.reset(0);
  double elapsed = 0.0;
  std::string backend = a.info.backend, device = a.info.device;
  for (std::size_t i : order) {
    run.absorb(shards[i].state, paths[i]);
    elapsed += shards[i].info.elapsed_seconds;
    if (shards[i].info.backend != backend) backend = "mixed";
    if (shards[i].info.device != device) device = "mixed (see the shards)";
  }
  if (run.end() != *settings.replications)
    throw InputError(paths[order.back()] + ": the shards end at replication " +
                     std::to_string(run.end()) + " of " + std::to_string(*settings.replications));
  Results results = run.results(elapsed, device);
  results.info.total_replications = *settings.replications;
  results.info.backend = backend;
  return results;
}

}  // namespace apmsim::run
