#include "analysis/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "analysis/tally_summary.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
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

}  // namespace

Results simulate(const scenario::Scenario& s, const SimulateOptions& options) {
  const std::string& backend = options.backend;
  const engine::Model model = engine::build_model(s);
  const std::unique_ptr<engine::Engine> engine = make_engine(backend, model, options.threads);
  TallySummary summary(s, model);

  Results results;
  const std::uint64_t total = s.simulation.replications;
  const std::uint64_t batch = std::max<std::uint64_t>(1, s.simulation.batch_size);
  if (options.keep_tallies) {
    results.has_tallies = true;
    TallyDump& d = results.tallies;
    std::vector<std::string> measure_names;
    for (const auto& m : s.measures) measure_names.push_back(m.name);
    d.fields = engine::tally_field_names(model.layout, measure_names, s.tallies.thresholds);
    d.replications = total;
    d.entities = model.entity_count();
    d.years = model.years();
    d.values.reserve(total * d.entities * d.years * d.fields.size());
  }

  const auto start = std::chrono::steady_clock::now();
  engine::BatchTallies tallies;
  double unit_years = 0.0;
  for (std::uint64_t first = 0; first < total; first += batch) {
    const std::uint64_t count = std::min(batch, total - first);
    engine->run_batch(first, count, tallies);
    summary.add(tallies);
    for (std::size_t i = 0; i < tallies.values.size(); i += tallies.fields)
      unit_years += tallies.values[i + model::TallyLayout::kUnits];
    if (options.keep_tallies)
      results.tallies.values.insert(results.tallies.values.end(), tallies.values.begin(),
                                    tallies.values.end());
    if (options.progress) options.progress(first + count, total);
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  RunInfo& info = results.info;
  info.apmsim_version = kVersion;
  info.git_commit = kGitCommit;
  info.seed = s.simulation.seed;
  info.replications = total;
  info.batch_size = static_cast<std::uint32_t>(batch);
  info.baseline_years = s.simulation.baseline_years;
  info.performance_years = s.simulation.performance_years;
  info.backend = backend;
  info.device = engine->description();
  info.command_line = options.command_line;
  info.elapsed_seconds = elapsed;
  info.unit_years = unit_years;
  results.scenario_path = s.path;
  results.scenario_text = s.text;
  results.variants.push_back(summary.summary("base"));
  return results;
}

}  // namespace apmsim::analysis
