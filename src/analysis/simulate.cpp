#include "analysis/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "analysis/contract_analysis.hpp"
#include "analysis/tally_summary.hpp"
#include "contract/evaluate.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "scenario/error.hpp"
#include "scenario/sweep.hpp"
#include "version.hpp"

#if defined(APMSIM_HAVE_CUDA)
#include "cuda/cuda_engine.cuh"
#endif

namespace apmsim::analysis {

namespace {

//! The engine for a resolved backend name ("cpu" or "cuda").
std::unique_ptr<engine::Engine> make_engine(const std::string& backend, const engine::Model& model,
                                            int threads) {
#if defined(APMSIM_HAVE_CUDA)
  if (backend == "cuda") return std::make_unique<cuda::CudaEngine>(model);
#endif
  (void)backend;
  return std::make_unique<engine::CpuEngine>(model, threads);
}

//! One simulated world and the contract variants evaluated on it.
struct Population {
  scenario::Scenario scenario;  //!< with the thresholds of all its variants
  std::unique_ptr<engine::Model> model;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<TallySummary> summary;
  std::vector<std::size_t> variants;  //!< indices into the variant list
};

struct VariantState {
  std::unique_ptr<contract::Evaluator> evaluator;
  contract::Records records;
};

//! The variant's summaries and analyses so far.
VariantSummary summarise(const scenario::Variant& v, const Population& p, const VariantState& st) {
  VariantSummary out = p.summary->summary(v.name);
  for (const auto& [path, value] : v.parameters) out.parameters.push_back(path + "=" + value);
  if (st.evaluator) analyse_contract(v.scenario, *p.model, st.records, out);
  return out;
}

//! Largest relative standard error of headline `name` over the variants.
double relative_se(const std::vector<VariantSummary>& summaries, const std::string& name) {
  double worst = 0.0;
  for (const VariantSummary& v : summaries) {
    if (!v.has_contract) return INFINITY;
    const std::size_t q = v.headline.quantity(name);
    const double m = v.headline.mean[q], se = v.headline.se[q];
    const double rel = m != 0.0 && std::isfinite(se) ? std::fabs(se / m) : INFINITY;
    worst = std::max(worst, rel);
  }
  return worst;
}

}  // namespace

Results simulate(const scenario::Scenario& s, const SimulateOptions& options) {
  const std::string& backend = options.backend;
  std::vector<scenario::Variant> variants = scenario::expand_sweep(s);
  for (auto& v : variants) {  // the command line's overrides apply to every variant
    v.scenario.simulation.replications = s.simulation.replications;
    v.scenario.simulation.seed = s.simulation.seed;
    v.scenario.simulation.batch_size = s.simulation.batch_size;
    v.scenario.simulation.backend = s.simulation.backend;
  }

  // Populations: one simulation each, with the union of its variants' tally thresholds.
  std::vector<Population> populations;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::size_t k = variants[i].population;
    if (k == populations.size()) {
      populations.emplace_back();
      populations.back().scenario = variants[i].scenario;
    }
    auto& thresholds = populations[k].scenario.tallies.thresholds;
    const auto& mine = variants[i].scenario.tallies.thresholds;
    thresholds.insert(thresholds.end(), mine.begin(), mine.end());
    std::sort(thresholds.begin(), thresholds.end());
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
    if (thresholds.size() > 16)
      throw InputError(s.path + ": the sweep's truncation and attachment points make " +
                       std::to_string(thresholds.size()) +
                       " tally thresholds; at most 16 are supported");
    populations[k].variants.push_back(i);
  }
  std::vector<VariantState> states(variants.size());
  for (Population& p : populations) {
    p.model = std::make_unique<engine::Model>(engine::build_model(p.scenario));
    p.engine = make_engine(backend, *p.model, options.threads);
    p.summary = std::make_unique<TallySummary>(p.scenario, *p.model);
    for (std::size_t i : p.variants) {
      const scenario::Scenario& vs = variants[i].scenario;
      if (!vs.contract.present) continue;
      states[i].evaluator = std::make_unique<contract::Evaluator>(
          *p.model, vs.contract, vs.simulation.baseline_years,
          vs.analysis.threshold_target_effect);
      states[i].records = states[i].evaluator->make_records();
    }
  }
  if (!options.target_name.empty() && !s.contract.present)
    throw InputError("--target-se: the scenario has no [contract], so no headline figures");

  Results results;
  const engine::Model& first_model = *populations.front().model;
  const std::uint64_t total = s.simulation.replications;
  const std::uint64_t batch = std::max<std::uint64_t>(1, s.simulation.batch_size);
  if (options.keep_tallies) {
    results.has_tallies = true;
    TallyDump& d = results.tallies;
    std::vector<std::string> measure_names;
    for (const auto& m : s.measures) measure_names.push_back(m.name);
    d.fields = engine::tally_field_names(first_model.layout, measure_names,
                                         populations.front().scenario.tallies.thresholds);
    d.entities = first_model.entity_count();
    d.years = first_model.years();
  }

  const auto start = std::chrono::steady_clock::now();
  engine::BatchTallies tallies;
  double unit_years = 0.0;
  std::uint64_t done = 0;
  double achieved = 0.0;
  while (done < total) {
    const std::uint64_t count = std::min(batch, total - done);
    for (std::size_t k = 0; k < populations.size(); ++k) {
      Population& p = populations[k];
      p.engine->run_batch(done, count, tallies);
      p.summary->add(tallies);
      for (std::size_t i : p.variants)
        if (states[i].evaluator) states[i].evaluator->add(tallies, states[i].records);
      for (std::size_t i = 0; i < tallies.values.size(); i += tallies.fields)
        unit_years += tallies.values[i + model::TallyLayout::kUnits];
      if (options.keep_tallies && k == 0)
        results.tallies.values.insert(results.tallies.values.end(), tallies.values.begin(),
                                      tallies.values.end());
    }
    done += count;
    if (options.progress) options.progress(done, total);
    // A tolerance is checked once there are enough replications for its batches.
    if (!options.target_name.empty() && done < total &&
        done >= 2 * static_cast<std::uint64_t>(s.analysis.batches)) {
      std::vector<VariantSummary> now;
      for (const Population& p : populations)
        for (std::size_t i : p.variants) now.push_back(summarise(variants[i], p, states[i]));
      achieved = relative_se(now, options.target_name);
      if (achieved < options.target_relative_se) break;
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Variants in sweep order.
  results.variants.resize(variants.size());
  for (const Population& p : populations)
    for (std::size_t i : p.variants) results.variants[i] = summarise(variants[i], p, states[i]);
  if (!options.target_name.empty()) {
    achieved = relative_se(results.variants, options.target_name);
    results.info.target_se = options.target_name + "=" + std::to_string(options.target_relative_se);
    results.info.achieved_relative_se = achieved;
  }

  if (options.keep_tallies) results.tallies.replications = done;
  RunInfo& info = results.info;
  info.apmsim_version = kVersion;
  info.git_commit = kGitCommit;
  info.seed = s.simulation.seed;
  info.replications = done;
  info.batch_size = static_cast<std::uint32_t>(batch);
  info.baseline_years = s.simulation.baseline_years;
  info.performance_years = s.simulation.performance_years;
  info.backend = backend;
  info.device = populations.front().engine->description();
  info.command_line = options.command_line;
  info.elapsed_seconds = elapsed;
  info.unit_years = unit_years;
  results.scenario_path = s.path;
  results.scenario_text = s.text;
  return results;
}

}  // namespace apmsim::analysis
