#include "cli/commands.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>

#include "analysis/contract_analysis.hpp"
#include "analysis/simulate.hpp"
#include "scenario/sweep.hpp"
#include "io/results_file.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"
#include "version.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;
namespace {

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& named,
                        const char* positional_name) {
  po::options_description all;
  all.add(named).add_options()(positional_name, po::value<std::string>());
  po::positional_options_description pos;
  pos.add(positional_name, 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  return vm;
}

std::string required_file(const po::variables_map& vm, const char* name, const char* what) {
  if (!vm.count(name)) throw InputError(std::string("missing ") + what + " (see --help)");
  return vm[name].as<std::string>();
}

scenario::Backend parse_backend(const std::string& b) {
  if (b == "auto") return scenario::Backend::Auto;
  if (b == "cpu") return scenario::Backend::Cpu;
  if (b == "cuda") return scenario::Backend::Cuda;
  throw InputError("--backend: expected auto, cpu or cuda, got '" + b + "'");
}

// Refuses an --out that cannot be written before simulating, not after: a missing folder, a
// folder in its place, or an existing file without --force.
void check_out(const std::string& out, bool force) {
  namespace fs = std::filesystem;
  if (out.empty()) throw InputError("--out: no results file name given");
  const std::string what = "cannot write results file " + out;
  const fs::path target(out);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw InputError(what + ": folder " + folder.string() + " does not exist");
  if (fs::is_directory(target, error)) throw InputError(what + ": it is a folder");
  if (!force && fs::exists(fs::symlink_status(target, error)))
    throw InputError(out + ": exists; use --force to overwrite it");
}

// Progress on stderr, only when it is a terminal.
void report_progress(std::uint64_t done, std::uint64_t total) {
  std::fprintf(stderr, "\r  replications %llu / %llu", static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total));
  if (done == total) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace

std::string usage() {
  return "apmsim: stochastic simulator for performance-based health care contracts\n\n"
         "usage:\n"
         "  apmsim run SCENARIO.toml [options]   simulate and write results/<name>.h5\n"
         "  apmsim validate SCENARIO.toml        check a scenario, print it resolved\n"
         "  apmsim summary RESULTS.h5            print a results file's summary\n"
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
         "  --target-se NAME=REL  stop once headline NAME's relative standard error < REL;\n"
         "                     the scenario's replications are then the maximum\n"
         "  --quiet            no summary on stdout\n\n"
         "exit codes: 0 success, 2 bad input, 1 runtime failure\n";
}

int run_command(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description named("run options");
  named.add_options()("help,h", "")("replications", po::value<long long>())(
      "seed", po::value<long long>())("backend", po::value<std::string>())(
      "threads", po::value<int>())("batch-size", po::value<long long>())(
      "out", po::value<std::string>())("force", "")("write-tallies", "")("quiet", "")(
      "target-se", po::value<std::string>());
  const po::variables_map vm = parse(args, named, "scenario");
  if (vm.count("help")) {
    std::cout << usage();
    return 0;
  }
  scenario::Scenario s = scenario::load_scenario(required_file(vm, "scenario", "scenario file"));
  if (vm.count("replications")) {
    const long long n = vm["replications"].as<long long>();
    if (n < 1) throw InputError("--replications: must be at least 1");
    s.simulation.replications = static_cast<std::uint64_t>(n);
  }
  if (vm.count("seed")) {
    // Signed, like the scenario's seed (0 to 2^63 - 1): an unsigned parse would take -1 as 2^64
    // - 1.
    const long long seed = vm["seed"].as<long long>();
    if (seed < 0) throw InputError("--seed: must be >= 0, got " + std::to_string(seed));
    s.simulation.seed = static_cast<std::uint64_t>(seed);
  }
  if (vm.count("backend")) s.simulation.backend = parse_backend(vm["backend"].as<std::string>());
  if (vm.count("batch-size")) {
    const long long n = vm["batch-size"].as<long long>();
    if (n < 1 || n > static_cast<long long>(std::numeric_limits<std::uint32_t>::max()))
      throw InputError("--batch-size: must be in [1, 4294967295], got " + std::to_string(n));
    s.simulation.batch_size = static_cast<std::uint32_t>(n);
  }
  int threads = 0;
  if (vm.count("threads")) {
    threads = vm["threads"].as<int>();
    if (threads < 1) throw InputError("--threads: must be at least 1");
  }
  const std::string out =
      vm.count("out") ? vm["out"].as<std::string>() : "results/" + s.name + ".h5";
  const bool force = vm.count("force") > 0;
  if (!vm.count("out")) std::filesystem::create_directories("results");  // the default's folder
  check_out(out, force);

  analysis::SimulateOptions options;
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
      throw InputError("--target-se: expected NAME=REL, e.g. payer_net_savings=0.05, got '" +
                       spec + "'");
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
  options.command_line = command_line;
  std::string note;
  options.backend = analysis::resolve_backend(s.simulation.backend, note);
  std::fprintf(stderr, "apmsim: %s: %llu replications, backend %s\n", s.path.c_str(),
               static_cast<unsigned long long>(s.simulation.replications), note.c_str());
  if (isatty(STDERR_FILENO)) options.progress = report_progress;

  analysis::Results results = analysis::simulate(s, options);
  results.scenario_sha256 = io::sha256_hex(results.scenario_text);
  io::write_results(results, out, force);
  if (!vm.count("quiet")) std::cout << io::format_summary(results);
  std::fprintf(stderr, "apmsim: wrote %s\n", out.c_str());
  return 0;
}

namespace {

//! Parses `COMMAND FILE [--help]`: the file's path, or "" when --help was asked (usage printed).
std::string single_file_argument(const std::vector<std::string>& args, const char* name,
                                 const char* what) {
  po::options_description named("options");
  named.add_options()("help,h", "");
  const po::variables_map vm = parse(args, named, name);
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
  std::cout << scenario::describe(s);
  std::fprintf(
      stderr, "apmsim: %s is valid (%u providers, %zu regions, %zu strata, %zu measures)\n",
      s.path.c_str(), s.provider_count(), s.regions.size(), s.strata.size(), s.measures.size());
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
            << "backends:\n"
            << "  cpu: available, " << inv.cpu_threads << " thread"
            << (inv.cpu_threads == 1 ? "" : "s") << ", " << inv.cpu_isa << " kernel\n";
  if (!inv.cuda_built) {
    std::cout << "  cuda: not built (no CUDA compiler when this binary was built)\n";
    return 0;
  }
  if (inv.devices.empty()) {
    std::cout << "  cuda: built; no CUDA device found\n";
    return 0;
  }
  std::cout << "  cuda: built; " << inv.devices.size() << " device"
            << (inv.devices.size() == 1 ? "" : "s") << "\n";
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
