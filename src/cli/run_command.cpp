// `apmsim run`: the command line's settings beside the scenario (run/settings.hpp), checked before
// anything is simulated; the run itself is run::simulate's.
#include <omp.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <limits>
#include <memory>

#include "analysis/headline.hpp"
#include "cli/commands.hpp"
#include "cli/mpi_comm.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/signals.hpp"
#include "io/number_text.hpp"
#include "io/output_file.hpp"
#include "io/publish.hpp"
#include "io/results_file.hpp"
#include "run/backends.hpp"
#include "run/comm.hpp"
#include "run/estimate.hpp"
#include "run/memory_estimate.hpp"
#include "run/simulate.hpp"
#include "scenario/error.hpp"
#include "scenario/limits.hpp"
#include "scenario/load.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;
namespace {

run::Comm* g_comm = nullptr;

bool is_root() { return !g_comm || g_comm->rank() == 0; }

scenario::Backend parse_backend(const std::string& b) {
  if (b == "auto") return scenario::Backend::Auto;
  if (b == "cpu") return scenario::Backend::Cpu;
  if (b == "cuda") return scenario::Backend::Cuda;
  throw InputError("--backend: expected auto, cpu or cuda, got '" + b + "'");
}

//! `--shard I/N` into the settings (replications resolved: N of them may not leave one empty).
void read_shard(const std::string& spec, bool target_se, run::RunSettings& settings) {
  int index = -1, count = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(spec.c_str(), "%d%c%d%c", &index, &slash, &count, &extra) != 3 || slash != '/' ||
      count < 1 || index < 0 || index >= count)
    throw InputError("--shard: expected I/N with 0 <= I < N, e.g. 0/4, got '" + spec + "'");
  if (static_cast<std::uint64_t>(count) > *settings.replications)
    throw InputError("--shard: " + std::to_string(count) + " shards of " +
                     std::to_string(*settings.replications) +
                     " replications would leave some empty");
  if (target_se)
    throw InputError("--shard: not with --target-se (a shard cannot see the others' errors)");
  settings.shard_index = index;
  settings.shard_count = count;
}

//! `--target-se NAME=REL` into the settings.
void read_target_se(const std::string& spec, const scenario::Scenario& s,
                    run::RunSettings& settings) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos)
    throw InputError("--target-se: expected NAME=REL, e.g. payer_net_savings=0.05, got '" + spec +
                     "'");
  std::string names;
  bool known = false;
  for (const auto& q : analysis::headline_quantities()) {
    names += (names.empty() ? "" : ", ") + q.name;
    known = known || spec.substr(0, eq) == q.name;
  }
  if (!known)
    throw InputError("--target-se: unknown estimate '" + spec.substr(0, eq) +
                     "'; one of: " + names);
  char* end = nullptr;
  const std::string rel = spec.substr(eq + 1);
  const double value = std::strtod(rel.c_str(), &end);
  if (rel.empty() || *end != '\0' || !(value > 0.0 && value < 1.0))
    throw InputError("--target-se: REL must be a number in (0, 1), got '" + rel + "'");
  if (!s.contract.present)
    throw InputError("--target-se: " + s.path + " has no [contract], so no headline figures");
  settings.target_name = spec.substr(0, eq);
  settings.target_relative_se = value;
}

//! The command line's settings, resolved against the scenario; `note` says how the backend was
//! chosen. Nothing in the scenario is changed.
run::RunSettings read_settings(const po::variables_map& vm, const scenario::Scenario& s,
                               const std::string& command_line, std::string& note) {
  run::RunSettings settings;
  settings.replications = replications_option(vm, 1);
  if (vm.count("seed")) settings.seed = seed_option(vm, 0);
  if (vm.count("batch-size")) {
    const long long n = vm["batch-size"].as<long long>();
    if (n < 1 || n > static_cast<long long>(std::numeric_limits<std::uint32_t>::max()))
      throw InputError("--batch-size: must be in [1, 4294967295], got " + std::to_string(n));
    settings.batch_size = static_cast<std::uint32_t>(n);
  }
  settings = run::resolved(s, settings);
  if (vm.count("shard"))
    read_shard(vm["shard"].as<std::string>(), vm.count("target-se") > 0, settings);
  if (vm.count("target-se")) read_target_se(vm["target-se"].as<std::string>(), s, settings);
  if (vm.count("checkpoint-every")) {
    const double every = vm["checkpoint-every"].as<double>();
    if (!(every >= 0.0)) throw InputError("--checkpoint-every: must be >= 0 seconds");
    settings.checkpoint_interval = every;
  }
  settings.resume = vm.count("resume") > 0;
  settings.threads = threads_option(vm);
  settings.keep_tallies = vm.count("write-tallies") > 0;
  settings.keep_records = vm.count("write-records") > 0;
  settings.command_line = command_line;
  const scenario::Backend requested =
      vm.count("backend") ? parse_backend(vm["backend"].as<std::string>()) : s.simulation.backend;
  settings.backend = run::resolve_backend(requested, note);
  if (g_comm && settings.backend == "cuda") {  // one GPU per rank on each node
    const std::size_t devices = run::list_backends().devices.size();
    if (devices > 0) settings.device = local_rank() % static_cast<int>(devices);
  }
  settings.comm = g_comm;
  settings.stop = stop_flag();
  return settings;
}

//! The results file: --out, or results/<name>[.shard-I-of-N].h5.
std::string results_path(const po::variables_map& vm, const scenario::Scenario& s,
                         const run::RunSettings& settings) {
  if (vm.count("out")) {
    if (vm["out"].as<std::string>().empty()) throw InputError("--out: no results file name given");
    return vm["out"].as<std::string>();
  }
  const std::string shard = settings.shard_count
                                ? ".shard-" + std::to_string(settings.shard_index) + "-of-" +
                                      std::to_string(settings.shard_count)
                                : "";
  return "results/" + s.name + shard + ".h5";
}

//! A pilot is worth its time only when the run is many times longer (and this process runs it
//! alone: not a shard, a resume, or one MPI rank of several).
bool worth_a_pilot(const run::RunSettings& o) {
  const int threads = o.threads > 0 ? o.threads : omp_get_max_threads();
  return o.shard_count == 0 && !o.resume && !(o.comm && o.comm->size() > 1) &&
         *o.replications > 8ull * static_cast<unsigned>(std::max(1, threads));
}

//! Says on stderr what will run and about how long; progress and notes go there too.
void announce(const scenario::Scenario& s, run::RunSettings& settings, const std::string& note) {
  std::string ranks, shard;
  if (g_comm && g_comm->size() > 1) ranks = ", " + std::to_string(g_comm->size()) + " MPI ranks";
  if (settings.shard_count) {
    const auto [a, b] =
        run::shard_range(*settings.replications, settings.shard_index, settings.shard_count);
    shard = " (shard " + std::to_string(settings.shard_index) + "/" +
            std::to_string(settings.shard_count) + ": " + std::to_string(a) + " to " +
            std::to_string(b) + ")";
  }
  std::fprintf(stderr, "apmsim: %s: %llu replications%s, backend %s%s\n", s.path.c_str(),
               static_cast<unsigned long long>(*settings.replications), shard.c_str(), note.c_str(),
               ranks.c_str());
  const run::RunEstimate estimate = run::estimate_run(s, settings, worth_a_pilot(settings));
  std::fprintf(stderr, "apmsim: %s; %s\n", estimate_text(estimate).c_str(),
               run::memory_text(run::estimate_memory(s, settings)).c_str());
  auto progress = std::make_shared<Progress>(stderr, isatty(STDERR_FILENO) != 0);
  settings.progress = [progress](std::uint64_t done, std::uint64_t total) {
    progress->update(done, total);
  };
  settings.note = [](const std::string& text) {
    std::fprintf(stderr, "apmsim: %s\n", text.c_str());
  };
}

}  // namespace

po::options_description run_options() {
  po::options_description o("run options", 100, 50);
  o.add_options()("replications", po::value<long long>()->value_name("N"),
                  "override [simulation] replications")(
      "seed", po::value<long long>()->value_name("S"), "override [simulation] seed")(
      "backend", po::value<std::string>()->value_name("B"), "auto | cpu | cuda")(
      "threads", po::value<int>()->value_name("N"), "CPU threads (default: all)")(
      "batch-size", po::value<long long>()->value_name("N"), "replications per batch")(
      "out", po::value<std::string>()->value_name("FILE"),
      "results file (default results/<scenario name>.h5)")(
      "force", "overwrite an existing results file")("write-tallies",
                                                     "store per-replication tallies in /tallies")(
      "write-records", "store per-replication contract results in /replications")(
      "target-se", po::value<std::string>()->value_name("NAME=REL"),
      "stop once headline NAME's relative standard error < REL; the scenario's replications are "
      "then the maximum")("quiet", "no summary on stdout")(
      "shard", po::value<std::string>()->value_name("I/N"),
      "make shard I (0-based) of N; join them with apmsim merge")(
      "checkpoint", po::value<std::string>()->value_name("FILE"),
      "checkpoint file (default: the results file + .checkpoint)")(
      "checkpoint-every", po::value<double>()->value_name("SECONDS"),
      "how often to checkpoint (default 300; 0: every batch)")(
      "resume", "continue from the checkpoint, if there is one")("help,h", "this text");
  return o;
}

void use_comm(run::Comm* comm) { g_comm = comm; }

int run_command(const std::vector<std::string>& args, const std::string& command_line) {
  const auto started = std::chrono::steady_clock::now();
  const po::variables_map vm = parse_options(args, run_options(), "scenario");
  if (vm.count("help")) {
    std::cout << command_usage("run");
    return 0;
  }
  const scenario::Scenario s =
      scenario::load_scenario(required_file(vm, "scenario", "scenario file"));
  std::string note;
  run::RunSettings settings = read_settings(vm, s, command_line, note);
  const std::string out = results_path(vm, s, settings);
  const bool force = vm.count("force") > 0;
  settings.checkpoint_path =
      vm.count("checkpoint") ? vm["checkpoint"].as<std::string>() : out + ".checkpoint";
  if (is_root()) {
    if (!vm.count("out")) std::filesystem::create_directories("results");  // the default's folder
    io::check_output_path(out, force, "results file");
    // Every path checked, and killed runs' temporaries cleared, before simulating.
    io::check_checkpoint_path(settings.checkpoint_path, out);
    for (const std::string& path : {out, settings.checkpoint_path})
      for (const std::string& stale : io::remove_stale_temporaries(path))
        std::fprintf(stderr, "apmsim: removed %s, left by a run that was killed\n", stale.c_str());
  }
  // Before anything is built: a run that cannot fit is refused with the figure (every rank).
  run::check_memory(run::estimate_memory(s, settings), run::available_memory(), s);
  catch_stop_signals();  // before the pilot: a signal during it stops the run at its first batch
  if (is_root()) announce(s, settings, note);

  const analysis::Results results = run::simulate(s, settings);
  if (results.interrupted) {
    if (is_root())
      std::fprintf(stderr,
                   "\napmsim: interrupted by signal %d after %llu replications; checkpoint %s "
                   "saved.\napmsim: run the same command with --resume to continue.\n",
                   static_cast<int>(*stop_flag()),
                   static_cast<unsigned long long>(results.info.replications),
                   settings.checkpoint_path.c_str());
    return kExitInterrupted;
  }
  if (results.written_elsewhere) return 0;
  io::write_results(results, out, force);
  std::remove(settings.checkpoint_path.c_str());  // the results supersede it
  // The summary reaches stdout before the closing line reaches stderr (`> log 2>&1`).
  if (!vm.count("quiet")) std::cout << io::format_summary(results) << std::flush;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "apmsim: wrote %s (%s in all; the simulation %s)\n", out.c_str(),
               io::duration_text(seconds).c_str(),
               io::duration_text(results.info.elapsed_seconds).c_str());
  return 0;
}

}  // namespace apmsim::cli
