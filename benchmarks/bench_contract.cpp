// The contract stage (issue 26): the waterfall per provider-year, each analysis per provider-year,
// and `apmsim price` per variant, on the shipped scenarios' terms and tallies simulated once at
// the start. What `price` and each step of `solve` cost is these, not the simulation.
#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "analysis/benchmark.hpp"
#include "analysis/contract_analysis.hpp"
#include "analysis/contract_tables.hpp"
#include "analysis/record_view.hpp"
#include "analysis/risk.hpp"
#include "analysis/threshold.hpp"
#include "analysis/withhold.hpp"
#include "contract/evaluate.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "engine/truncation.hpp"
#include "run/price.hpp"
#include "run/run.hpp"
#include "scenario/load.hpp"

namespace {

namespace a = apmsim::analysis;
constexpr std::uint64_t kReplications = 64;

std::string scenario_path(const std::string& name) {
  const std::string here = "scenarios/" + name + ".toml";
  if (std::ifstream(here).good()) return here;
  return std::string(APMSIM_SOURCE_DIR) + "/" + here;
}

//! One shipped scenario's base terms (no sweep), its model, kReplications replications of
//! tallies, and its contract records on them: made once per scenario.
struct Stage {
  apmsim::scenario::Scenario scenario;
  std::unique_ptr<apmsim::engine::Model> model;
  apmsim::engine::BatchTallies tallies;
  std::unique_ptr<apmsim::contract::Evaluator> evaluator;
  apmsim::contract::Records records;
  a::Results stored;  //!< a run of the scenario (its sweep too) with its tallies, for price
  std::uint64_t provider_years() const {
    return records.replications * records.providers.size() *
           static_cast<std::uint64_t>(records.years);
  }
};

const Stage& stage(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Stage>> made;
  auto& st = made[name];
  if (st) return *st;
  st = std::make_unique<Stage>();
  auto full = apmsim::scenario::load_scenario(scenario_path(name));
  full.simulation.replications = kReplications;
  full.simulation.batch_size = kReplications;
  st->scenario = full;
  st->scenario.sweep.clear();
  const std::uint64_t seed = full.simulation.seed;
  apmsim::engine::resolve_truncation(st->scenario, seed);
  st->model =
      std::make_unique<apmsim::engine::Model>(apmsim::engine::build_model(st->scenario, seed));
  apmsim::engine::CpuEngine(*st->model, 0).run_batch(0, kReplications, st->tallies);
  st->evaluator = std::make_unique<apmsim::contract::Evaluator>(
      *st->model, st->scenario.contract, st->scenario.simulation.baseline_years,
      st->scenario.analysis.threshold_target_effect);
  st->records = st->evaluator->make_records();
  st->evaluator->add(st->tallies, st->records);
  apmsim::run::RunSettings settings;
  settings.keep_tallies = true;
  apmsim::run::Run run(full, settings, true);
  run.reset(0);
  run.simulate_batch(kReplications);
  st->stored = run.results(0.0);
  return *st;
}

bool missing(benchmark::State& state, const std::string& name) {
  if (std::ifstream(scenario_path(name)).good()) return false;
  state.SkipWithError(("scenario not found: " + scenario_path(name)).c_str());
  return true;
}

void per_provider_year(benchmark::State& state, const Stage& st) {
  state.counters["provider_years/s"] = benchmark::Counter(
      double(st.provider_years()) * double(state.iterations()), benchmark::Counter::kIsRate);
}

// The waterfall: every provider-year of kReplications replications into fresh records.
void contract_evaluate(benchmark::State& state, const std::string& name) {
  if (missing(state, name)) return;
  const Stage& st = stage(name);
  for (auto _ : state) {
    apmsim::contract::Records records = st.evaluator->make_records();
    st.evaluator->add(st.tallies, records);
    benchmark::DoNotOptimize(records.values.data());
  }
  per_provider_year(state, st);
}

// One analysis (or all of them, with the contract tables and headline) on the records.
template <typename Analysis>
void contract_analysis(benchmark::State& state, const std::string& name, Analysis analysis) {
  if (missing(state, name)) return;
  const Stage& st = stage(name);
  const a::RecordView view = a::make_record_view(st.scenario, *st.model, st.records);
  for (auto _ : state) benchmark::DoNotOptimize(analysis(st, view));
  per_provider_year(state, st);
}

// `apmsim price` of the scenario's own terms (its sweep: every variant) on its stored tallies,
// without reading or writing files.
void price(benchmark::State& state, const std::string& name) {
  if (missing(state, name)) return;
  const Stage& st = stage(name);
  const auto terms = apmsim::run::priced_scenario(
      st.stored, "bench", apmsim::run::own_terms(st.stored.scenario_text, "bench"), "bench");
  std::size_t variants = 0;
  for (auto _ : state) {
    const a::Results r = apmsim::run::price(st.stored, "bench", terms, {});
    variants = r.variants.size();
  }
  state.counters["variants/s"] = benchmark::Counter(double(variants) * double(state.iterations()),
                                                    benchmark::Counter::kIsRate);
  state.counters["provider_years/s"] =
      benchmark::Counter(double(variants * st.provider_years()) * double(state.iterations()),
                         benchmark::Counter::kIsRate);
}

// One step of `apmsim solve` on the stored tallies: the base terms priced with only the table of
// the figure solved for (the agreement's reconciliation, a headline) made, after a first step has
// kept the pilot and the tally summary (run::SameWorld), as solve's steps after its first do.
void solve_step(benchmark::State& state, const std::string& name) {
  if (missing(state, name)) return;
  const Stage& st = stage(name);
  auto terms = apmsim::run::priced_scenario(
      st.stored, "bench", apmsim::run::own_terms(st.stored.scenario_text, "bench"), "bench");
  terms.sweep.clear();  // solve solves the base terms
  apmsim::run::RunSettings settings;
  settings.same_world = std::make_shared<apmsim::run::SameWorld>();
  apmsim::run::price(st.stored, "bench", terms, settings);
  settings.tables = {"headline", "reconciliation"};
  for (auto _ : state)
    benchmark::DoNotOptimize(apmsim::run::price(st.stored, "bench", terms, settings).variants.size());
  per_provider_year(state, st);
}

void register_all() {
  for (const std::string name : {"mssp_aco", "cjr_bundle", "monitor_capitation"}) {
    benchmark::RegisterBenchmark(("contract/evaluate/" + name).c_str(), contract_evaluate, name)
        ->Unit(benchmark::kMillisecond);
    const auto add = [&](const char* what, auto analysis) {
      benchmark::RegisterBenchmark(("contract/analysis/" + std::string(what) + "/" + name).c_str(),
                                   contract_analysis<decltype(analysis)>, name, analysis)
          ->Unit(benchmark::kMillisecond);
    };
    add("tables", [](const Stage&, const a::RecordView& v) {
      a::VariantSummary s;
      a::contract_tables(v, s);
      return s.contract_portfolio.mean.size();
    });
    add("withhold", [](const Stage& st, const a::RecordView& v) {
      return a::withhold_analysis(v, st.scenario.contract, st.scenario.analysis).size();
    });
    add("benchmark", [](const Stage& st, const a::RecordView& v) {
      return a::benchmark_analysis(v, st.scenario.contract).size();
    });
    add("threshold", [](const Stage& st, const a::RecordView& v) {
      return a::threshold_analysis(v, st.scenario.contract, st.scenario.analysis).size();
    });
    add("risk", [](const Stage& st, const a::RecordView& v) {
      return a::risk_analysis(v, st.scenario.contract, st.scenario.analysis).size();
    });
    add("all", [](const Stage& st, const a::RecordView&) {
      a::VariantSummary s;
      a::analyse_contract(st.scenario, *st.model, st.records, s);
      return s.analyses.size();
    });
    benchmark::RegisterBenchmark(("contract/price/" + name).c_str(), price, name)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("contract/solve_step/" + name).c_str(), solve_step, name)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

const int registered = (register_all(), 0);

}  // namespace
