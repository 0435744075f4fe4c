#include "cli/commands.hpp"

#include <unistd.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>

#include "analysis/comm.hpp"
#include "analysis/contract_analysis.hpp"
#include "analysis/estimate.hpp"
#include "analysis/memory_estimate.hpp"
#include "analysis/simulate.hpp"
#include "cli/mpi_comm.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/stop_signals.hpp"
#include "io/number_text.hpp"
#include "io/output_file.hpp"
#include "io/publish.hpp"
#include "io/results_file.hpp"
#include "scenario/error.hpp"
#include "scenario/limits.hpp"
#include "scenario/load.hpp"
#include "scenario/sweep.hpp"
#include "version.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;
namespace {

analysis::Comm* g_comm = nullptr;

bool is_root() { return !g_comm || g_comm->rank() == 0; }

scenario::Backend parse_backend(const std::string& b) {
  if (b == "auto") return scenario::Backend::Auto;
  if (b == "cpu") return scenario::Backend::Cpu;
  if (b == "cuda") return scenario::Backend::Cuda;
  throw InputError("--backend: expected auto, cpu or cuda, got '" + b + "'");
}

// Refuses an --out that cannot be written before simulating, not after: a missing folder, a
// folder in its place, or an existing file without --force.
void check_out(const std::string& out, bool force) {
  if (out.empty()) throw InputError("--out: no results file name given");
  io::check_output_path(out, force, "results file");
}

//! A pilot is worth its time only when the run is many times longer (and this process runs it
//! alone: not a shard, a resume, or one MPI rank of several).
bool worth_a_pilot(const scenario::Scenario& s, const analysis::SimulateOptions& o) {
  const int threads = o.threads > 0 ? o.threads : omp_get_max_threads();
  return o.shard_count == 0 && !o.resume && !(o.comm && o.comm->size() > 1) &&
         s.simulation.replications > 8ull * static_cast<unsigned>(std::max(1, threads));
}

}  // namespace

std::string usage() {
  return "apmsim: stochastic simulator for performance-based health care contracts\n\n"
         "usage:\n"
         "  apmsim run SCENARIO.toml [options]   simulate and write results/<name>.h5\n"
         "  apmsim validate SCENARIO.toml        check a scenario, print it resolved\n"
         "  apmsim summary RESULTS.h5            print a results file's summary\n"
         "  apmsim merge SHARD.h5... --out FILE  join the shards of a run (exact)\n"
         "  apmsim sample SCENARIO.toml [opts]   write one replication's claims as CSV\n"
         "  apmsim calibrate CLAIMS.csv --out F  fit a scenario population to claims data\n"
         "  apmsim export RESULTS.h5 --out DIR   the tables as CSV (--format json: JSON)\n"
         "  apmsim report RESULTS.h5             one self-contained HTML report\n"
         "  apmsim info                          list backends and CUDA devices\n"
         "  apmsim --version | --help\n\n"
         "run options:\n"
         "  --replications N   override [simulation] replications\n"
         "  --seed S           override [simulation] seed\n"
         "  --backend B        auto | cpu | cuda\n"
         "  --threads N        CPU threads (default: all)\n"
         "  --batch-size N     replications per batch\n"
         "  --out FILE         results file (default results/<scenario name>.h5)\n"
         "  --force            overwrite an existing results file\n"
         "  --write-tallies    store per-replication tallies in /tallies\n"
         "  --write-records    store per-replication contract results in /replications\n"
         "  --target-se NAME=REL  stop once headline NAME's relative standard error < REL;\n"
         "                     the scenario's replications are then the maximum\n"
         "  --quiet            no summary on stdout\n"
         "  --shard I/N        make shard I (0-based) of N; join them with apmsim merge\n"
         "  --checkpoint FILE  checkpoint file (default: the results file + .checkpoint)\n"
         "  --checkpoint-every SECONDS  how often to checkpoint (default 300; 0: every batch)\n"
         "  --resume           continue from the checkpoint, if there is one\n\n"
         "SIGTERM, SIGINT or SIGUSR1 stop within seconds (the batch in flight is dropped),\n"
         "checkpoint and exit with 75; run the same command with --resume to continue. Under mpirun the ranks share the\n"
         "batches and rank 0 writes the results (docs/running-at-scale.md).\n\n"
         "merge options: --out FILE (required), --force, --quiet\n\n"
         "exit codes: 0 success, 1 runtime failure, 2 bad input, 75 interrupted (resumable)\n";
}

int run_command(const std::vector<std::string>& args, const std::string& command_line) {
  const auto started = std::chrono::steady_clock::now();
  po::options_description named("run options");
  named.add_options()("help,h", "")("replications", po::value<long long>())(
      "seed", po::value<long long>())("backend", po::value<std::string>())(
      "threads", po::value<int>())("batch-size", po::value<long long>())(
      "out", po::value<std::string>())("force", "")("write-tallies", "")("write-records", "")(
      "quiet", "")("target-se", po::value<std::string>())("shard", po::value<std::string>())(
      "checkpoint", po::value<std::string>())("checkpoint-every", po::value<double>())("resume",
                                                                                       "");
  const po::variables_map vm = parse_options(args, named, "scenario");
  if (vm.count("help")) {
    std::cout << usage();
    return 0;
  }
  scenario::Scenario s = scenario::load_scenario(required_file(vm, "scenario", "scenario file"));
  if (vm.count("replications")) {
    const long long n = vm["replications"].as<long long>();
    if (n < 1 || static_cast<std::uint64_t>(n) > scenario::kMaxReplications)
      throw InputError("--replications: must be in [1, " +
                       std::to_string(scenario::kMaxReplications) + "], got " + std::to_string(n));
    s.simulation.replications = static_cast<std::uint64_t>(n);
  }
  s.simulation.seed = seed_option(vm, s.simulation.seed);
  if (vm.count("backend")) s.simulation.backend = parse_backend(vm["backend"].as<std::string>());
  if (vm.count("batch-size")) {
    const long long n = vm["batch-size"].as<long long>();
    if (n < 1 || n > static_cast<long long>(std::numeric_limits<std::uint32_t>::max()))
      throw InputError("--batch-size: must be in [1, 4294967295], got " + std::to_string(n));
    s.simulation.batch_size = static_cast<std::uint32_t>(n);
  }
  const int threads = threads_option(vm);
  analysis::SimulateOptions options;
  if (vm.count("shard")) {
    const std::string spec = vm["shard"].as<std::string>();
    int index = -1, count = 0;
    char slash = 0, extra = 0;
    if (std::sscanf(spec.c_str(), "%d%c%d%c", &index, &slash, &count, &extra) != 3 ||
        slash != '/' || count < 1 || index < 0 || index >= count)
      throw InputError("--shard: expected I/N with 0 <= I < N, e.g. 0/4, got '" + spec + "'");
    if (static_cast<std::uint64_t>(count) > s.simulation.replications)
      throw InputError("--shard: " + std::to_string(count) + " shards of " +
                       std::to_string(s.simulation.replications) +
                       " replications would leave some empty");
    if (vm.count("target-se"))
      throw InputError("--shard: not with --target-se (a shard cannot see the others' errors)");
    options.shard_index = index;
    options.shard_count = count;
  }
  const std::string shard_suffix = options.shard_count
                                       ? ".shard-" + std::to_string(options.shard_index) + "-of-" +
                                             std::to_string(options.shard_count)
                                       : "";
  const std::string out =
      vm.count("out") ? vm["out"].as<std::string>() : "results/" + s.name + shard_suffix + ".h5";
  const bool force = vm.count("force") > 0;
  if (is_root()) {
    if (!vm.count("out")) std::filesystem::create_directories("results");  // the default's folder
    check_out(out, force);
  }
  options.checkpoint_path =
      vm.count("checkpoint") ? vm["checkpoint"].as<std::string>() : out + ".checkpoint";
  if (vm.count("checkpoint-every")) {
    const double every = vm["checkpoint-every"].as<double>();
    if (!(every >= 0.0)) throw InputError("--checkpoint-every: must be >= 0 seconds");
    options.checkpoint_interval = every;
  }
  options.resume = vm.count("resume") > 0;
  if (is_root()) {  // every path checked, and killed runs' temporaries cleared, before simulating
    io::check_checkpoint_path(options.checkpoint_path, out);
    for (const std::string& path : {out, options.checkpoint_path})
      for (const std::string& stale : io::remove_stale_temporaries(path))
        std::fprintf(stderr, "apmsim: removed %s, left by a run that was killed\n", stale.c_str());
  }
  if (vm.count("target-se")) {
    const std::string spec = vm["target-se"].as<std::string>();
    const auto eq = spec.find('=');
    std::string names;
    bool known = false;
    for (const auto& q : analysis::headline_quantities()) {
      names += (names.empty() ? "" : ", ") + q.name;
      known = known || (eq != std::string::npos && spec.substr(0, eq) == q.name);
    }
    if (eq == std::string::npos)
      throw InputError("--target-se: expected NAME=REL, e.g. payer_net_savings=0.05, got '" + spec +
                       "'");
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
    options.target_name = spec.substr(0, eq);
    options.target_relative_se = value;
  }
  options.threads = threads;
  options.keep_tallies = vm.count("write-tallies") > 0;
  options.keep_records = vm.count("write-records") > 0;
  options.command_line = command_line;
  std::string note;
  options.backend = analysis::resolve_backend(s.simulation.backend, note);
  if (g_comm && options.backend == "cuda") {
    // One GPU per rank on each node.
    const std::size_t devices = analysis::list_backends().devices.size();
    if (devices > 0) options.device = local_rank() % static_cast<int>(devices);
  }
  options.comm = g_comm;
  options.stop = stop_flag();
  const analysis::MemoryEstimate memory = analysis::estimate_memory(s, options);
  analysis::check_memory(memory, analysis::available_memory(), s);  // before anything is built
  if (is_root()) {
    std::string ranks;
    if (g_comm && g_comm->size() > 1) ranks = ", " + std::to_string(g_comm->size()) + " MPI ranks";
    std::string shard;
    if (options.shard_count) {
      const auto [a, b] = analysis::shard_range(s.simulation.replications, options.shard_index,
                                                options.shard_count);
      shard = " (shard " + std::to_string(options.shard_index) + "/" +
              std::to_string(options.shard_count) + ": " + std::to_string(a) + " to " +
              std::to_string(b) + ")";
    }
    std::fprintf(stderr, "apmsim: %s: %llu replications%s, backend %s%s\n", s.path.c_str(),
                 static_cast<unsigned long long>(s.simulation.replications), shard.c_str(),
                 note.c_str(), ranks.c_str());
    const analysis::RunEstimate estimate =
        analysis::estimate_run(s, options, worth_a_pilot(s, options));
    std::fprintf(stderr, "apmsim: %s; %s\n", estimate_text(estimate).c_str(),
                 analysis::memory_text(memory).c_str());
    auto progress = std::make_shared<Progress>(stderr, isatty(STDERR_FILENO) != 0);
    options.progress = [progress](std::uint64_t done, std::uint64_t total) {
      progress->update(done, total);
    };
    options.note = [](const std::string& text) {
      std::fprintf(stderr, "apmsim: %s\n", text.c_str());
    };
  }
  catch_stop_signals();

  analysis::Results results = analysis::simulate(s, options);
  if (results.interrupted) {
    if (is_root())
      std::fprintf(stderr,
                   "\napmsim: interrupted by signal %d after %llu replications; checkpoint %s "
                   "saved.\napmsim: run the same command with --resume to continue.\n",
                   static_cast<int>(*stop_flag()),
                   static_cast<unsigned long long>(results.info.replications),
                   options.checkpoint_path.c_str());
    return kExitInterrupted;
  }
  if (results.written_elsewhere) return 0;
  io::write_results(results, out, force);
  std::remove(options.checkpoint_path.c_str());  // the results supersede it
  // The summary reaches stdout before the closing line reaches stderr (`> log 2>&1`).
  if (!vm.count("quiet")) std::cout << io::format_summary(results) << std::flush;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "apmsim: wrote %s (%s in all; the simulation %s)\n", out.c_str(),
               io::duration_text(seconds).c_str(), io::duration_text(results.info.elapsed_seconds).c_str());
  return 0;
}

void use_comm(analysis::Comm* comm) { g_comm = comm; }

int merge_command(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description named("merge options");
  named.add_options()("help,h", "")("out", po::value<std::string>())("force", "")("quiet", "")(
      "shards", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("shards", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << usage();
    return 0;
  }
  if (!vm.count("shards")) throw InputError("merge: no shard files given (see --help)");
  if (!vm.count("out")) throw InputError("merge: --out FILE is required");
  const std::string out = vm["out"].as<std::string>();
  const bool force = vm.count("force") > 0;
  check_out(out, force);
  const std::vector<std::string> paths = vm["shards"].as<std::vector<std::string>>();

  // Read every shard and check they are the pieces of one run.
  std::vector<analysis::Results> shards;
  for (const std::string& path : paths) {
    shards.push_back(io::read_results(path));
    const analysis::RunInfo& info = shards.back().info;
    if (info.shard_count == 0 || shards.back().state.empty())
      throw InputError(path + ": not a shard (made without --shard, or without its run state)");
  }
  const analysis::Results& a = shards.front();
  for (std::size_t i = 1; i < shards.size(); ++i) {
    const analysis::Results& b = shards[i];
    const std::string clash = paths[i] + " and " + paths[0] + " are not shards of one run: ";
    if (b.info.apmsim_version != a.info.apmsim_version || b.info.git_commit != a.info.git_commit)
      throw InputError(clash + "made by apmsim " + b.info.apmsim_version + " (commit " +
                       b.info.git_commit + ") and " + a.info.apmsim_version + " (commit " +
                       a.info.git_commit + ")");
    if (b.scenario_sha256 != a.scenario_sha256)
      throw InputError(clash + "different scenarios (sha256 " + b.scenario_sha256.substr(0, 12) +
                       " and " + a.scenario_sha256.substr(0, 12) + ")");
    if (b.info.seed != a.info.seed)
      throw InputError(clash + "seeds " + std::to_string(b.info.seed) + " and " +
                       std::to_string(a.info.seed));
    if (b.info.total_replications != a.info.total_replications)
      throw InputError(clash + std::to_string(b.info.total_replications) + " and " +
                       std::to_string(a.info.total_replications) + " replications");
    if (b.info.shard_count != a.info.shard_count)
      throw InputError(clash + "split into " + std::to_string(b.info.shard_count) + " and " +
                       std::to_string(a.info.shard_count) + " shards");
    if (b.has_tallies != a.has_tallies)
      throw InputError(clash + "one has --write-tallies, the other not");
    if (b.has_records != a.has_records)
      throw InputError(clash + "one has --write-records, the other not");
  }
  const int count = a.info.shard_count;
  std::vector<int> order(count, -1);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const int k = shards[i].info.shard_index;
    if (k < 0 || k >= count) throw InputError(paths[i] + ": shard index out of range");
    if (order[k] >= 0)
      throw InputError(paths[i] + " and " + paths[order[k]] + " are both shard " +
                       std::to_string(k) + "/" + std::to_string(count));
    order[k] = static_cast<int>(i);
  }
  std::string missing;
  for (int k = 0; k < count; ++k)
    if (order[k] < 0) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (!missing.empty())
    throw InputError("merge: shard" +
                     std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing +
                     " of " + std::to_string(count) + " missing");

  // The run's scenario, as the shards made it.
  scenario::Scenario s = scenario::parse_scenario(a.scenario_text, a.scenario_path);
  s.simulation.seed = a.info.seed;
  s.simulation.replications = a.info.total_replications;
  s.simulation.batch_size = a.info.batch_size;
  analysis::SimulateOptions options;
  options.keep_tallies = a.has_tallies;
  options.keep_records = a.has_records;
  options.backend = a.info.backend;
  options.command_line = command_line;
  std::vector<std::string> states, names;
  double elapsed = 0.0;
  std::string backend = a.info.backend, device = a.info.device;
  for (int k = 0; k < count; ++k) {
    analysis::Results& shard = shards[order[k]];
    states.push_back(std::move(shard.state));
    names.push_back(paths[order[k]]);
    elapsed += shard.info.elapsed_seconds;
    if (shard.info.backend != backend) backend = "mixed";
    if (shard.info.device != device) device = "mixed (see the shards)";
  }
  analysis::Results results = analysis::merge_states(s, options, states, names);
  results.info.backend = backend;
  results.info.device = device;
  results.info.elapsed_seconds = elapsed;
  results.info.batch_size = a.info.batch_size;
  io::write_results(results, out, force);
  if (!vm.count("quiet")) std::cout << io::format_summary(results);
  std::fprintf(stderr, "apmsim: merged %d shards into %s\n", count, out.c_str());
  return 0;
}

namespace {

//! Parses `COMMAND FILE [--help]`: the file's path, or "" when --help was asked (usage printed).
std::string single_file_argument(const std::vector<std::string>& args, const char* name,
                                 const char* what) {
  po::options_description named("options");
  named.add_options()("help,h", "");
  const po::variables_map vm = parse_options(args, named, name);
  if (vm.count("help")) {
    std::cout << usage();
    return "";
  }
  return required_file(vm, name, what);
}

}  // namespace

int validate_command(const std::vector<std::string>& args) {
  const std::string path = single_file_argument(args, "scenario", "scenario file");
  if (path.empty()) return 0;
  const scenario::Scenario s = scenario::load_scenario(path);
  scenario::expand_sweep(s);  // every variant must be a valid scenario too
  std::cout << scenario::describe(s) << std::flush;
  std::fprintf(
      stderr, "apmsim: %s is valid (%u providers, %zu regions, %zu strata, %zu measures)\n",
      s.path.c_str(), s.provider_count(), s.regions.size(), s.strata.size(), s.measures.size());
  analysis::SimulateOptions options;
  std::string note;
  options.backend = analysis::resolve_backend(s.simulation.backend, note);
  const analysis::MemoryEstimate memory = analysis::estimate_memory(s, options);
  try {
    analysis::check_memory(memory, analysis::available_memory(), s);
  } catch (const InputError& e) {  // valid, but too large for this machine: say so, build nothing
    std::fprintf(stderr, "apmsim: a run here would be refused: %s\n", e.what());
    return 0;
  }
  std::fprintf(stderr, "apmsim: a run: %s; %s\n",
               estimate_text(analysis::estimate_run(s, options, true)).c_str(),
               analysis::memory_text(memory).c_str());
  return 0;
}

int info_command(const std::vector<std::string>& args) {
  po::options_description named("options");
  named.add_options()("help,h", "");
  const po::positional_options_description none;  // `info` takes no file
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).positional(none).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << usage();
    return 0;
  }
  const analysis::BackendInventory inv = analysis::list_backends();
  std::cout << "apmsim " << kVersion << " (commit " << kGitCommit << ")\n"
            << "mpi: "
            << (mpi_built() ? "built; run under mpirun to spread batches over ranks"
                            : "not built (no MPI when this binary was built)")
            << "\n"
            << "backends:\n"
            << "  cpu: available, " << inv.cpu_threads << " thread"
            << (inv.cpu_threads == 1 ? "" : "s") << ", " << inv.cpu_isa << " kernel\n";
  if (!inv.cuda_built) {
    std::cout << "  cuda: not built (no CUDA compiler when this binary was built)\n";
    return 0;
  }
  if (inv.devices.empty()) {
    std::cout << "  cuda: built; no CUDA device: " << inv.cuda_status << "\n";
    return 0;
  }
  std::cout << "  cuda: built; " << inv.devices.size() << " device"
            << (inv.devices.size() == 1 ? "" : "s") << " (" << inv.cuda_status << ")\n";
  for (std::size_t d = 0; d < inv.devices.size(); ++d) {
    const analysis::CudaDevice& dev = inv.devices[d];
    char memory[32];
    std::snprintf(memory, sizeof memory, "%.1f GiB",
                  static_cast<double>(dev.memory_bytes) / (1024.0 * 1024.0 * 1024.0));
    std::cout << "    device " << d << ": " << dev.name << ", compute capability " << dev.major
              << "." << dev.minor << ", " << memory << "\n";
  }
  return 0;
}

int summary_command(const std::vector<std::string>& args) {
  const std::string path = single_file_argument(args, "results", "results file");
  if (path.empty()) return 0;
  std::cout << io::format_summary(io::read_results(path));
  return 0;
}

}  // namespace apmsim::cli
