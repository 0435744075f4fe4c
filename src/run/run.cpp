#include "run/run.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>

#include <omp.h>

#include "analysis/contract_analysis.hpp"
#include "analysis/state_codec.hpp"
#include "analysis/tally_summary.hpp"
#include "contract/evaluate.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "engine/parameter_draws.hpp"
#include "engine/truncation.hpp"
#include "run/cuda_link.hpp"
#include "run/stored_engine.hpp"
#include "run/stored_pilot.hpp"
#include "scenario/toml_text.hpp"
#include "scenario/error.hpp"
#include "scenario/limits.hpp"
#include "scenario/sha256.hpp"
#include "scenario/sweep.hpp"
#include "version.hpp"

namespace apmsim::run {

using analysis::ByteReader;
using analysis::ByteWriter;
using analysis::RecordDump;
using analysis::Results;
using analysis::RunInfo;
using analysis::TallyDump;
using analysis::TallySummary;
using analysis::VariantSummary;

namespace {

constexpr std::string_view kStateMagic = "apmsim-state 1\n";
constexpr std::size_t kDigestSize = 64;

//! The engine for a resolved backend name ("cpu" or "cuda").
std::unique_ptr<engine::Engine> make_engine(const RunSettings& o, const engine::Model& model) {
  if (o.stored) return std::make_unique<StoredEngine>(*o.stored, model, o.stored_source);
  if (o.backend == "cuda") return cuda_link::make_engine(model, o.device, o.threads);
  return std::make_unique<engine::CpuEngine>(model, o.threads);
}

//! Throws InputError naming the scenario and the place (field, provider, performance year,
//! replication) of the first infinite value among the records appended from `from` on.
void check_finite(const scenario::Scenario& s, const engine::Model& m, const contract::Records& r,
                  std::size_t from, std::uint64_t first_replication) {
  for (std::size_t i = from; i < r.values.size(); ++i) {
    if (!std::isinf(r.values[i])) continue;
    const std::size_t fields = static_cast<std::size_t>(r.fields);
    const std::size_t years = static_cast<std::size_t>(r.years);
    const std::size_t row = i / fields, provider_year = row % (r.providers.size() * years);
    const std::uint64_t replication =
        first_replication + (i - from) / fields / years / r.providers.size();
    throw InputError(s.path + ": numeric overflow: contract record " + r.names[i % fields] +
                     " of provider " + m.entities[r.providers[provider_year / years]].name +
                     " in performance year " + std::to_string(provider_year % years + 1) +
                     ", replication " + std::to_string(replication) +
                     ", is infinite; the scenario's costs or counts exceed double precision");
  }
}

}  // namespace

int Run::analysis_threads() const {
  return std::max(1, options_.threads > 0 ? options_.threads : omp_get_max_threads());
}

//! One simulated world and the contract variants evaluated on it.
struct Run::Population {
  scenario::Scenario scenario;  //!< with the thresholds of all its variants
  std::unique_ptr<engine::Model> model;
  std::unique_ptr<engine::Engine> engine;
  //! With [simulation] parameter_risk: the model of each block's draw (the contract, the
  //! summary and the truncation pilot keep `model`, the central one).
  std::unique_ptr<engine::DrawnModels> draws;
  std::unique_ptr<TallySummary> summary;
  std::vector<std::size_t> variants;  //!< indices into the variant list
};

struct Run::VariantState {
  std::unique_ptr<contract::Evaluator> evaluator;
  contract::Records records;
};

Run::Run(const scenario::Scenario& s, const RunSettings& settings, bool simulate)
    : scenario_(s), options_(resolved(s, settings)) {
  // The variants' own [simulation] values are never read: replications, seed and batch size are
  // the resolved settings', the same for every variant.
  variants_ = scenario::expand_sweep(s);
  // Percentile truncation: amounts from one seeded pilot per population, before any simulation;
  // with stored tallies, the stored run's pilot's amounts where it kept them.
  pilots_ = options_.same_world ? options_.same_world->pilots
                                : std::make_shared<engine::TruncationPilots>();
  if (options_.stored && pilots_->by_population.empty() && !variants_.empty())
    if (auto kept = stored_pilot(*options_.stored, variants_.front().scenario, *options_.seed,
                                 options_.stored_source))
      pilots_->by_population.push_back(std::move(kept));
  engine::resolve_truncation(variants_, *options_.seed, *pilots_);
  // Populations: one simulation each, with the union of its variants' tally thresholds.
  for (std::size_t i = 0; i < variants_.size(); ++i) {
    const std::size_t k = variants_[i].population;
    if (k == populations_.size()) {
      populations_.push_back(std::make_unique<Population>());
      populations_.back()->scenario = variants_[i].scenario;
    }
    scenario::Tallies& tallies = populations_[k]->scenario.tallies;
    const auto& thresholds = tallies.thresholds;
    tallies.add(variants_[i].scenario.tallies);
    if (thresholds.size() > scenario::kMaxThresholds)
      throw InputError(s.path + ": the sweep's truncation and attachment points make " +
                       std::to_string(thresholds.size()) + " tally thresholds; at most " +
                       std::to_string(scenario::kMaxThresholds) + " are supported");
    // Enrollment types are truncated in the simulation itself: one set of amounts a population.
    if (engine::type_truncation(variants_[i].scenario) !=
        engine::type_truncation(populations_[k]->scenario))
      throw InputError(s.path + ": the sweep's variants '" + variants_[i].name + "' and '" +
                       variants_[populations_[k]->variants.front()].name +
                       "' truncate enrollment types differently on one population; vary "
                       "truncate_at or truncate_percentile only without enrollment types");
    populations_[k]->variants.push_back(i);
  }
  if (options_.stored) use_stored_thresholds();
  for (std::size_t i = 0; i < variants_.size(); ++i)
    states_.push_back(std::make_unique<VariantState>());
  for (auto& p : populations_) {
    p->model = std::make_unique<engine::Model>(engine::build_model(p->scenario, *options_.seed));
    if (simulate) p->engine = make_engine(options_, *p->model);
    if (p->engine) p->engine->watch(options_.stop);  // a stop ends even a huge batch at once
    if (p->engine && p->scenario.simulation.parameter_risk)
      p->draws = std::make_unique<engine::DrawnModels>(p->scenario, *options_.seed);
    p->summary = std::make_unique<TallySummary>(p->scenario, *p->model);
    for (std::size_t i : p->variants) {
      const scenario::Scenario& vs = variants_[i].scenario;
      if (!vs.contract.present) continue;
      // The evaluator keeps references: to the population's model and the variant's contract.
      states_[i]->evaluator = std::make_unique<contract::Evaluator>(
          *p->model, vs.contract, vs.simulation.baseline_years,
          vs.analysis.threshold_target_effect);
      states_[i]->records = states_[i]->evaluator->make_records();
    }
  }
}

void Run::use_stored_thresholds() {
  const std::string& source = options_.stored_source;
  if (populations_.size() != 1)
    throw InputError(source + ": its tallies are of one simulated population, but these terms "
                              "make " + std::to_string(populations_.size()) +
                     " (a sweep of population or simulation values): price only contract terms");
  const analysis::TallyDump& stored = *options_.stored;
  const std::vector<double>& kept = stored.thresholds;
  const auto kept_years = [&stored](std::size_t t) {
    return t < stored.threshold_years.size() ? stored.threshold_years[t] : scenario::kEveryYear;
  };
  scenario::Tallies& needed = populations_.front()->scenario.tallies;
  for (std::size_t n = 0; n < needed.thresholds.size(); ++n) {
    const double a = needed.thresholds[n];
    const auto at = std::find(kept.begin(), kept.end(), a);
    if (at == kept.end()) {
      std::string list;
      for (const double k : kept) list += (list.empty() ? "" : ", ") + scenario::format_number(k);
      throw InputError(source + ": the terms need tally threshold " + scenario::format_number(a) +
                       " (a truncation amount, or a stop-loss attachment or limit), which the "
                       "run did not keep (it kept [" + list + "]); run again with it in "
                       "[tallies] thresholds and --write-tallies");
    }
    const scenario::YearSet missing =
        needed.years_of(n) & ~kept_years(static_cast<std::size_t>(at - kept.begin()));
    for (int y = 0; y < stored.years; ++y)
      if ((missing >> y) & 1u)
        throw InputError(source + ": the terms need tally threshold " +
                         scenario::format_number(a) + " in calendar year " +
                         std::to_string(y + 1) + ", where the run summed it only as another "
                         "year's truncate_percentile amount; run again with it in [tallies] "
                         "thresholds and --write-tallies");
  }
  // The stored layout: every threshold the run kept, in its order, summed in the years it was.
  needed.thresholds = kept;
  needed.years.clear();
  for (std::size_t t = 0; t < kept.size(); ++t) needed.years.push_back(kept_years(t));
}

Run::~Run() = default;

std::string Run::device() const {
  const Population& p = *populations_.front();
  return p.engine ? p.engine->description() : "";
}

void Run::check_usable() const {
  if (broken_)
    throw std::logic_error("a run state that failed to join a damaged state was used; reset it");
}

void Run::reset(std::uint64_t first) {
  broken_ = false;
  first_ = end_ = first;
  unit_years_.clear();
  tally_dump_.clear();
  efficiency_dump_.clear();
  shock_dump_.clear();
  for (auto& p : populations_) p->summary->clear();
  for (auto& st : states_)
    if (st->evaluator) st->records = st->evaluator->make_records();
}

namespace {

//! Replications [first, first + count) of a population: one engine call, or with parameter risk
//! one per draw's block of replications, each on that draw's model, joined in order.
template <class Population>
void simulate_population(Population& p, std::uint64_t first, std::uint64_t count,
                         engine::BatchTallies& out) {
  if (!p.draws || count == 0) {
    p.engine->run_batch(first, count, out);
  } else {
    out = engine::BatchTallies{};
    for (std::uint64_t r = first, end = first + count; r < end;) {
      const std::uint64_t draw = p.draws->draw_of(r);
      const std::uint64_t piece_end = std::min(end, (draw + 1) * p.draws->block());
      p.engine->use_model(p.draws->model(draw));
      engine::BatchTallies piece;
      p.engine->run_batch(r, piece_end - r, piece);
      out.append(piece);
      r = piece_end;
    }
  }
  engine::mark_unsummed(*p.model, out);
}

}  // namespace

void Run::simulate_batch(std::uint64_t count) {
  check_usable();
  // Every population simulated before any is folded in: a batch abandoned for a stop
  // (engine::BatchAbandoned) leaves the state as it was.
  std::vector<engine::BatchTallies> batches(populations_.size());
  for (std::size_t k = 0; k < populations_.size(); ++k)
    simulate_population(*populations_[k], end_, count, batches[k]);
  for (std::size_t k = 0; k < populations_.size(); ++k) {
    Population& p = *populations_[k];
    const engine::BatchTallies& tallies = batches[k];
    // The tally summary and the variants' records read the batch into their own outputs: on
    // two threads at once (the numbers do not depend on it); the summary's error first, as in
    // a loop.
    // Without a summary to make (solve's steps: run::SameWorld's), no second thread: a team
    // that waits costs more than it gives.
    std::exception_ptr summary_failed, records_failed;
    const bool summary_needed = !summary_of_same_world();
#pragma omp parallel sections num_threads(2) if (summary_needed && analysis_threads() > 1)
    {
#pragma omp section
      try {
        if (summary_needed) p.summary->add(tallies);
      } catch (const stats::OverflowError& e) {
        summary_failed = std::make_exception_ptr(
            InputError(scenario_.path + ": " + e.what() +
                       "; the scenario's costs or counts exceed double precision"));
      } catch (...) {
        summary_failed = std::current_exception();
      }
#pragma omp section
      try {
        for (std::size_t i : p.variants) {
          VariantState& st = *states_[i];
          if (!st.evaluator) continue;
          const std::size_t before = st.records.values.size();
          st.evaluator->add(tallies, st.records);
          check_finite(scenario_, *p.model, st.records, before, end_);
        }
      } catch (...) {
        records_failed = std::current_exception();
      }
    }
    if (summary_failed) std::rethrow_exception(summary_failed);
    if (records_failed) std::rethrow_exception(records_failed);
    for (std::size_t i = 0; i < tallies.values.size(); i += tallies.fields)
      unit_years_.add(tallies.values[i + model::TallyLayout::kUnits]);
    if (options_.keep_tallies && k == 0) {
      tally_dump_.insert(tally_dump_.end(), tallies.values.begin(), tallies.values.end());
      efficiency_dump_.insert(efficiency_dump_.end(), tallies.efficiency.begin(),
                              tallies.efficiency.end());
      shock_dump_.insert(shock_dump_.end(), tallies.region_shock.begin(),
                         tallies.region_shock.end());
    }
  }
  end_ += count;
  keep_summary_of_same_world();
}

bool Run::summary_of_same_world() {
  SameWorld* same = options_.same_world.get();
  // Stored tallies, all of them from the first: the summary of another pricing of them.
  if (!same || !options_.stored || same->stored_summary.empty() || first_ != 0 ||
      options_.shard_count != 0 || populations_.size() != 1)
    return false;
  if (end_ == first_) {
    ByteReader r(same->stored_summary, options_.stored_source);
    populations_.front()->summary->add_saved(r);
  }
  return true;
}

void Run::keep_summary_of_same_world() {
  SameWorld* same = options_.same_world.get();
  if (!same || !options_.stored || !same->stored_summary.empty() || first_ != 0 ||
      options_.shard_count != 0 || populations_.size() != 1 ||
      end_ != options_.stored->replications)
    return;
  ByteWriter w;
  populations_.front()->summary->save(w);
  same->stored_summary = std::move(w.bytes());
}

// --- States --------------------------------------------------------------------------------------

std::string Run::save_state(bool digest) const {
  check_usable();
  ByteWriter w;
  w.bytes().append(kStateMagic);
  w.str(kVersion);
  w.str(kGitCommit);
  w.str(sha256_hex(scenario_.text));
  w.u64(*options_.seed);
  w.u64(*options_.replications);
  w.u64(first_);
  w.u64(end_);
  w.u64(options_.keep_tallies ? 1 : 0);
  w.u64(populations_.size());
  w.u64(variants_.size());
  w.doubles(unit_years_.partials());
  for (const auto& p : populations_) p->summary->save(w);
  if (options_.keep_tallies) {
    w.doubles(tally_dump_);
    w.doubles(efficiency_dump_);
    w.doubles(shock_dump_);
  }
  for (const auto& st : states_) {
    w.u64(st->evaluator ? 1 : 0);
    if (st->evaluator) w.doubles(st->records.values);
  }
  w.bytes().append(digest ? sha256_hex(w.bytes()) : std::string(kDigestSize, '-'));
  return std::move(w.bytes());
}

namespace {

//! Checks magic and digest; returns a reader positioned after the magic, over the body.
ByteReader open_state(std::string_view state, const std::string& where, bool trusted) {
  if (state.size() < kStateMagic.size() + kDigestSize ||
      state.substr(0, kStateMagic.size()) != kStateMagic)
    throw InputError(where + ": not an apmsim run state (no 'apmsim-state 1' header)");
  const std::string_view body = state.substr(0, state.size() - kDigestSize);
  const std::string_view digest = state.substr(state.size() - kDigestSize);
  if (trusted && digest == std::string(kDigestSize, '-'))
    return ByteReader(body.substr(kStateMagic.size()), where);
  if (sha256_hex(body) != digest)
    throw InputError(where +
                     ": the run state is damaged or truncated (its SHA-256 does not match)");
  return ByteReader(body.substr(kStateMagic.size()), where);
}

StateHeader read_header(ByteReader& r) {
  StateHeader h;
  h.apmsim_version = r.str(256);
  h.git_commit = r.str(256);
  h.scenario_sha256 = r.str(64);
  h.seed = r.u64();
  h.replications = r.u64();
  h.first = r.u64();
  h.end = r.u64();
  const std::uint64_t tallies = r.u64();
  if (tallies > 1 || h.first > h.end || h.end > h.replications)
    r.fail("the header's fields are out of range");
  h.tallies = tallies == 1;
  return h;
}

}  // namespace

StateHeader read_state_header(std::string_view state, const std::string& where) {
  ByteReader r = open_state(state, where, false);
  return read_header(r);
}

void Run::absorb(std::string_view state, const std::string& where, bool trusted) {
  check_usable();
  ByteReader r = open_state(state, where, trusted);
  const StateHeader h = read_header(r);
  const std::string mine = "this apmsim " + std::string(kVersion) + " (commit " + kGitCommit + ")";
  if (h.apmsim_version != kVersion || h.git_commit != kGitCommit)
    throw InputError(where + ": made by apmsim " + h.apmsim_version + " (commit " + h.git_commit +
                     "), not by " + mine + "; states of different builds are not mixed");
  const std::string sha = sha256_hex(scenario_.text);
  if (h.scenario_sha256 != sha)
    throw InputError(where + ": made from a different scenario (sha256 " +
                     h.scenario_sha256.substr(0, 12) + ", not " + sha.substr(0, 12) + " of " +
                     scenario_.path + ")");
  if (h.seed != *options_.seed)
    throw InputError(where + ": made with seed " + std::to_string(h.seed) + ", not " +
                     std::to_string(*options_.seed));
  if (h.replications != *options_.replications)
    throw InputError(where + ": made for " + std::to_string(h.replications) +
                     " replications, not " + std::to_string(*options_.replications));
  if (h.tallies != options_.keep_tallies)
    throw InputError(where + std::string(": made ") + (h.tallies ? "with" : "without") +
                     " --write-tallies; the run is " +
                     (options_.keep_tallies ? "with" : "without"));
  if (r.u64() != populations_.size() || r.u64() != variants_.size())
    r.fail("it has a different number of populations or variants");
  const bool empty = end_ == first_;
  if (!empty && h.first != end_)
    throw InputError(where + ": covers replications [" + std::to_string(h.first) + ", " +
                     std::to_string(h.end) + "), but replication " + std::to_string(end_) +
                     " comes next");
  if (empty) reset(h.first);
  broken_ = true;  // until the whole body has joined
  std::vector<double> partials;
  r.doubles(partials, 64);
  stats::ExactSum saved;
  try {
    saved.assign(std::move(partials));
    unit_years_.add(saved);
  } catch (const std::exception& e) {
    r.fail(std::string("its unit count is invalid (") + e.what() + ")");
  }
  for (auto& p : populations_) p->summary->add_saved(r);
  const std::uint64_t count = h.end - h.first;
  // count times the values per replication, refused before it could overflow: no more values
  // than bytes are left.
  const auto values_for = [&](std::uint64_t per_replication) {
    if (per_replication != 0 && count > r.remaining() / sizeof(double) / per_replication)
      r.fail("its replication range is larger than its data");
    return count * per_replication;
  };
  if (options_.keep_tallies) {
    const engine::Model& m = *populations_.front()->model;
    const std::uint64_t expected =
        values_for(std::uint64_t{m.entity_count()} * static_cast<std::uint64_t>(m.years()) *
                   static_cast<std::uint64_t>(m.layout.fields()));
    const std::size_t before = tally_dump_.size();
    r.doubles(tally_dump_, expected);
    if (tally_dump_.size() - before != expected) r.fail("its tallies have the wrong size");
    // Finite where summed, NaN where the year does not sum the field (engine::mark_unsummed).
    const std::vector<bool> summed = engine::summed_cells(m);
    for (std::size_t start = before; start < tally_dump_.size(); start += summed.size())
      for (std::size_t j = 0; j < summed.size(); ++j) {
        const double x = tally_dump_[start + j];
        if (summed[j] ? !std::isfinite(x) : !std::isnan(x))
          r.fail("a stored tally is not finite (or not NaN where its year does not sum it)");
      }
    // The draws beside them: efficiency per entity, a shock per region and year.
    const auto read_draws = [&](std::vector<double>& dump, std::uint64_t per_replication,
                                const char* what) {
      const std::uint64_t n = values_for(per_replication);
      const std::size_t at = dump.size();
      r.doubles(dump, n);
      if (dump.size() - at != n) r.fail(std::string("its ") + what + " have the wrong size");
      for (std::size_t i = at; i < dump.size(); ++i)
        if (!std::isfinite(dump[i])) r.fail(std::string("a stored ") + what + " value is not finite");
    };
    read_draws(efficiency_dump_, m.entity_count(), "efficiency draws");
    read_draws(shock_dump_, std::uint64_t{m.regions.size()} * static_cast<std::uint64_t>(m.years()),
               "region shocks");
  }
  for (auto& st : states_) {
    const std::uint64_t has = r.u64();
    if (has != (st->evaluator ? 1u : 0u)) r.fail("its contract variants differ");
    if (!st->evaluator) continue;
    contract::Records& rec = st->records;
    const std::uint64_t expected =
        values_for(rec.providers.size() * static_cast<std::uint64_t>(rec.years) *
                   static_cast<std::uint64_t>(rec.fields));
    const std::size_t before = rec.values.size();
    r.doubles(rec.values, expected);
    if (rec.values.size() - before != expected) r.fail("its contract records have the wrong size");
    for (std::size_t i = before; i < rec.values.size(); ++i)
      if (std::isinf(rec.values[i])) r.fail("a contract record is infinite");
    rec.replications += count;
  }
  if (r.remaining() != 0) r.fail("it has trailing bytes");
  end_ = h.end;
  broken_ = false;
}

// --- Summaries -----------------------------------------------------------------------------------

std::vector<VariantSummary> Run::summaries() const {
  std::vector<VariantSummary> out(variants_.size());
  // Variants are analysed apart, each into its own summary, so in parallel: one task a variant,
  // and inside it one task an analysis (analyse_contract), so a single variant's analyses use
  // the threads too; the numbers are the same whatever the thread count. Exceptions may not
  // leave the OpenMP region: the first variant's (in order) is rethrown after it, as a loop
  // would have thrown it.
  std::vector<std::exception_ptr> failed(variants_.size());
  const int n = static_cast<int>(variants_.size());
  // One table of one variant (solve's steps): one thread, as above.
  const int threads = options_.tables.all() || n > 1 ? analysis_threads() : 1;
#pragma omp parallel num_threads(threads)
#pragma omp single
  for (int k = 0; k < n; ++k)
#pragma omp task default(shared) firstprivate(k)
  {
    const auto i = static_cast<std::size_t>(k);
    try {
      const scenario::Variant& v = variants_[i];
      const Population& p = *populations_[v.population];
      VariantSummary& vs = out[i];
      vs = p.summary->summary(v.name);
      for (const auto& [path, value] : v.parameters) vs.parameters.push_back(path + "=" + value);
      if (states_[i]->evaluator)
        analysis::analyse_contract(v.scenario, *p.model, states_[i]->records, vs,
                                    options_.tables);
    } catch (...) {
      failed[i] = std::current_exception();
    }
  }
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  return out;
}

namespace {

//! |se / mean|, infinite while undefined.
double relative_error(double mean, double se) {
  return mean != 0.0 && std::isfinite(se) ? std::fabs(se / mean) : INFINITY;
}

//! Largest relative standard error of headline `name` over the variants (infinite while undefined).
double worst_relative_se(const std::vector<VariantSummary>& variants, const std::string& name) {
  double worst = 0.0;
  for (const VariantSummary& v : variants) {
    if (!v.has_contract) return INFINITY;
    const std::size_t q = v.headline.quantity(name);
    worst = std::max(worst, relative_error(v.headline.mean[q], v.headline.se[q]));
  }
  return worst;
}

//! What the run did with the population's parameters (docs/calibration.md, "Parameter risk"):
//! how many draws replications [first, end) took, or that they stayed at their estimates; ""
//! without [parameter_risk].
std::string parameter_risk_text(const scenario::Scenario& s, std::uint64_t first,
                                std::uint64_t end) {
  const scenario::ParameterRisk& risk = s.parameter_risk;
  if (risk.parameters.empty()) return "";
  const std::string of = std::to_string(risk.parameters.size()) + " parameters from their " +
                         "jackknife deviations (" + std::to_string(risk.groups) + " groups)";
  if (!s.simulation.parameter_risk)
    return "parameters fixed at their estimates ([simulation] parameter_risk = true would draw " +
           of + ")";
  const std::uint64_t block = s.simulation.parameter_block;
  const std::uint64_t draws = end > first ? (end - 1) / block - first / block + 1 : 0;
  return "parameter risk: " + std::to_string(draws) + " draws, one per " +
         (block == 1 ? std::string("replication") : std::to_string(block) + " replications") +
         ", of " + of;
}

}  // namespace

double Run::relative_se(const std::string& name) const {
  check_usable();
  // The one headline from the records, not every summary and analysis: the same value as
  // worst_relative_se(summaries(), name).
  double worst = 0.0;
  for (std::size_t i = 0; i < variants_.size(); ++i) {
    if (!states_[i]->evaluator) return INFINITY;
    const stats::Estimate e =
        analysis::headline_of(variants_[i].scenario, *populations_[variants_[i].population]->model,
                              states_[i]->records, name);
    worst = std::max(worst, relative_error(e.value, e.se));
  }
  return worst;
}

Results Run::results(double elapsed, const std::string& device) const {
  check_usable();
  const scenario::Scenario& s = scenario_;
  Results results;
  results.variants = summaries();
  const engine::Model& first_model = *populations_.front()->model;
  if (options_.keep_tallies) {
    results.has_tallies = true;
    TallyDump& d = results.tallies;
    std::vector<std::string> measure_names;
    for (const auto& m : s.measures) measure_names.push_back(m.name);
    d.fields = engine::tally_field_names(first_model.layout, measure_names,
                                         populations_.front()->scenario.tallies.thresholds,
                                         s.enrollment_types);
    d.entities = first_model.entity_count();
    d.years = first_model.years();
    d.replications = end_ - first_;
    d.values = tally_dump_;
    const scenario::Tallies& kept = populations_.front()->scenario.tallies;
    d.thresholds = kept.thresholds;
    for (std::size_t t = 0; t < kept.thresholds.size(); ++t)
      d.threshold_years.push_back(kept.years_of(t));
    d.regions = static_cast<std::uint32_t>(first_model.regions.size());
    d.efficiency = efficiency_dump_;
    d.region_shock = shock_dump_;
    d.type_truncation.assign(first_model.type_truncation.begin(),
                             first_model.type_truncation.end());
    d.has_draws = true;
    if (!pilots_->by_population.empty() && pilots_->by_population.front())
      store_pilot(*pilots_->by_population.front(), d);
  }
  if (options_.keep_records) {
    results.has_records = true;
    for (std::size_t i = 0; i < variants_.size(); ++i) {
      const VariantState& st = *states_[i];
      if (!st.evaluator) continue;
      const engine::Model& m = *populations_[variants_[i].population]->model;
      RecordDump d;
      d.variant = variants_[i].name;
      d.fields = st.records.names;
      for (std::uint32_t e : st.records.providers) d.providers.push_back(m.entities[e].name);
      d.years = st.records.years;
      d.replications = st.records.replications;
      d.values = st.records.values;
      results.records.push_back(std::move(d));
    }
  }
  if (!options_.target_name.empty()) {
    results.info.target_se =
        options_.target_name + "=" + std::to_string(options_.target_relative_se);
    results.info.achieved_relative_se = worst_relative_se(results.variants, options_.target_name);
  }
  RunInfo& info = results.info;
  info.apmsim_version = kVersion;
  info.git_commit = kGitCommit;
  info.seed = *options_.seed;
  info.replications = end_ - first_;
  info.batch_size = *options_.batch_size;
  info.baseline_years = s.simulation.baseline_years;
  info.performance_years = s.simulation.performance_years;
  info.backend = options_.backend;
  info.device = !device.empty() ? device : this->device();
  info.command_line = options_.command_line;
  info.currency = s.simulation.currency;
  info.elapsed_seconds = elapsed;
  info.unit_years = unit_years_.value();
  info.parameter_risk = parameter_risk_text(s, first_, end_);
  results.scenario_path = s.path;
  results.scenario_text = s.text;
  results.scenario_sha256 = sha256_hex(s.text);
  return results;
}

}  // namespace apmsim::run
