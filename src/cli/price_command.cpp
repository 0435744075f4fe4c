// `apmsim price RESULTS.h5 --contract TERMS.toml`: run::price on a results file's stored tallies,
// written like a run's.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "io/number_text.hpp"
#include "io/output_file.hpp"
#include "io/results_file.hpp"
#include "run/price.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;

namespace {

//! RESULTS with ".h5" replaced by ".<terms name>.h5".
std::string default_out(const std::string& results, const std::string& terms) {
  std::filesystem::path out(results);
  out.replace_extension();
  return out.string() + "." + std::filesystem::path(terms).stem().string() + ".h5";
}

}  // namespace

po::options_description price_options() {
  po::options_description o("price options", 100, 50);
  o.add_options()("contract", po::value<std::string>()->value_name("TERMS"),
                  "terms file: [contract] (and optionally [analysis], [sweep]) (required)")(
      "out", po::value<std::string>()->value_name("FILE"),
      "results file (default RESULTS with .<terms name>.h5)")(
      "force", "overwrite an existing results file")("threads", po::value<int>()->value_name("N"),
                                                     "CPU threads (default: all)")(
      "write-tallies", "store the tallies again in /tallies (to price from the new file)")(
      "write-records", "store per-replication contract results in /replications")(
      "quiet", "no summary on stdout")("help,h", "this text");
  return o;
}

int price_command(const std::vector<std::string>& args, const std::string& command_line) {
  const auto started = std::chrono::steady_clock::now();
  const po::variables_map vm = parse_options(args, price_options(), "results");
  if (vm.count("help")) {
    std::cout << command_usage("price");
    return 0;
  }
  const std::string stored_path = required_file(vm, "results", "results file");
  if (!vm.count("contract")) throw InputError("price: --contract TERMS.toml is required");
  const std::string terms_path = vm["contract"].as<std::string>();
  const std::string out =
      vm.count("out") ? vm["out"].as<std::string>() : default_out(stored_path, terms_path);
  if (out.empty()) throw InputError("--out: no results file name given");
  const bool force = vm.count("force") > 0;
  io::check_output_path(out, force, "results file");
  const analysis::Results stored = io::read_results(stored_path, io::ReadParts::kStoredRun);
  const scenario::Scenario terms =
      run::priced_scenario(stored, stored_path,
                            scenario::read_scenario_text(terms_path, "terms file"), terms_path);
  run::RunSettings settings;
  settings.threads = threads_option(vm);
  settings.keep_tallies = vm.count("write-tallies") > 0;
  settings.keep_records = vm.count("write-records") > 0;
  settings.command_line = command_line;
  const analysis::Results results = run::price(stored, stored_path, terms, settings);
  io::write_results(results, out, force);
  if (!vm.count("quiet")) std::cout << io::format_summary(results) << std::flush;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "apmsim: priced %s on %llu stored replications of %s into %s (%s)\n",
               terms_path.c_str(), static_cast<unsigned long long>(results.info.replications),
               stored_path.c_str(), out.c_str(), io::duration_text(seconds).c_str());
  return 0;
}

}  // namespace apmsim::cli
