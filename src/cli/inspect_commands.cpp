// `apmsim validate`, `apmsim summary` and `apmsim info`: a scenario, a results file, this build.
#include <boost/program_options.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/mpi_comm.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "io/results_file.hpp"
#include "run/backends.hpp"
#include "run/estimate.hpp"
#include "run/memory_estimate.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"
#include "scenario/suggest.hpp"
#include "scenario/sweep.hpp"
#include "version.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;

namespace {

//! Parses `COMMAND FILE [--help]`: the file's path, or "" when --help was asked (usage printed).
std::string single_file_argument(const std::vector<std::string>& args, const char* command,
                                 const char* name, const char* what) {
  po::options_description named("options");
  named.add_options()("help,h", "");
  const po::variables_map vm = parse_options(args, named, name);
  if (vm.count("help")) {
    std::cout << command_usage(command);
    return "";
  }
  return required_file(vm, name, what);
}

}  // namespace

int validate_command(const std::vector<std::string>& args) {
  const std::string path = single_file_argument(args, "validate", "scenario", "scenario file");
  if (path.empty()) return 0;
  const scenario::Scenario s = scenario::load_scenario(path);
  scenario::expand_sweep(s);  // every variant must be a valid scenario too
  std::cout << scenario::describe(s) << std::flush;
  std::fprintf(
      stderr, "apmsim: %s is valid (%u providers, %zu regions, %zu strata, %zu measures)\n",
      s.path.c_str(), s.provider_count(), s.regions.size(), s.strata.size(), s.measures.size());
  run::RunSettings options;
  std::string note;
  options.backend = run::resolve_backend(s.simulation.backend, note);
  const run::MemoryEstimate memory = run::estimate_memory(s, options);
  try {
    run::check_memory(memory, run::available_memory(), s);
  } catch (const InputError& e) {  // valid, but too large for this machine: say so, build nothing
    std::fprintf(stderr, "apmsim: a run here would be refused: %s\n", e.what());
    return 0;
  }
  std::fprintf(stderr, "apmsim: a run: %s; %s\n",
               estimate_text(run::estimate_run(s, options, true)).c_str(),
               run::memory_text(memory).c_str());
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
    std::cout << command_usage("info");
    return 0;
  }
  const run::BackendInventory inv = run::list_backends();
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
    const run::CudaDevice& dev = inv.devices[d];
    char memory[32];
    std::snprintf(memory, sizeof memory, "%.1f GiB",
                  static_cast<double>(dev.memory_bytes) / (1024.0 * 1024.0 * 1024.0));
    std::cout << "    device " << d << ": " << dev.name << ", compute capability " << dev.major
              << "." << dev.minor << ", " << memory << "\n";
  }
  return 0;
}

po::options_description summary_options() {
  po::options_description o("summary options");
  o.add_options()("variant", po::value<std::string>()->value_name("NAME"),
                  "only this variant (default: all, their answers side by side first)")(
      "width", po::value<long long>()->value_name("N"),
      "widest line, 40 to 1000 (default 120): wider tables are cut into blocks of columns")(
      "section", po::value<std::vector<std::string>>()->value_name("S[,S...]"),
      "only these sections (repeat or list with commas): answers, population, money, "
      "withhold, benchmark, threshold, risk, cash, variants")(
      "format", po::value<std::string>()->value_name("text|markdown")->default_value("text"),
      "aligned text, or Markdown with GitHub tables (whole tables, --width ignored)")(
      "help,h", "this text");
  return o;
}

int summary_command(const std::vector<std::string>& args) {
  const po::variables_map vm = parse_options(args, summary_options(), "results");
  if (vm.count("help")) {
    std::cout << command_usage("summary");
    return 0;
  }
  const std::string path = required_file(vm, "results", "results file");
  io::SummaryOptions options;
  if (vm.count("width")) {
    const long long w = vm["width"].as<long long>();
    if (w < 40 || w > 1000) throw InputError("--width " + std::to_string(w) + ": give 40 to 1000");
    options.width = static_cast<std::size_t>(w);
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "markdown")
    throw InputError("--format '" + format + "': give text or markdown");
  options.format = format == "markdown" ? io::SummaryFormat::kMarkdown : io::SummaryFormat::kText;
  if (vm.count("section"))
    for (const std::string& given : vm["section"].as<std::vector<std::string>>()) {
      std::size_t start = 0;
      while (start <= given.size()) {
        const std::size_t end = std::min(given.find(',', start), given.size());
        const std::string section = given.substr(start, end - start);
        start = end + 1;
        const auto& known = io::kSummarySections;
        if (std::find(std::begin(known), std::end(known), section) == std::end(known)) {
          const std::string near = scenario::nearest(section, {std::begin(known), std::end(known)});
          throw InputError("--section '" + section + "': no such section" +
                           (near.empty() ? "" : "; did you mean '" + near + "'?") +
                           " (the sections: answers, population, money, withhold, benchmark, "
                           "threshold, risk, cash, variants)");
        }
        options.sections.push_back(section);
      }
    }
  const analysis::Results results = io::read_results(path);
  if (vm.count("variant")) {
    options.variant = vm["variant"].as<std::string>();
    std::string names;
    bool found = false;
    for (const auto& v : results.variants) {
      found = found || v.name == options.variant;
      names += (names.empty() ? "'" : ", '") + v.name + "'";
    }
    if (!found)
      throw InputError("--variant '" + options.variant + "': " + path + " has no such variant; " +
                       "its variants: " + names);
  }
  std::cout << io::format_summary(results, options);
  return 0;
}

}  // namespace apmsim::cli
