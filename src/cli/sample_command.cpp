// `apmsim sample`: one replication's synthetic member-year records as CSV.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "engine/model.hpp"
#include "io/claims_csv.hpp"
#include "scenario/error.hpp"
#include "scenario/load.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;

namespace {

po::options_description sample_options() {
  po::options_description o("sample options", 100, 30);
  o.add_options()("out", po::value<std::string>()->value_name("FILE"),
                  "the CSV file (default results/<scenario name>.claims.csv)")(
      "replication", po::value<long long>()->value_name("R"), "which replication (default 0)")(
      "seed", po::value<long long>()->value_name("S"), "override [simulation] seed")(
      "threads", po::value<int>()->value_name("N"), "CPU threads (default: all)")(
      "comparison", "also the regions' comparison populations")(
      "force", "overwrite an existing file")("help,h", "this text");
  return o;
}

std::string sample_usage() {
  std::ostringstream text;
  text << "usage: apmsim sample SCENARIO.toml [options]\n\n"
          "Writes the member-year records the engine simulates for one replication as CSV:\n"
          "member, provider, provider_group, region, year, stratum, risk_score, cost,\n"
          "counterfactual_cost, and one column per measure (1 achieved, 0 not, empty when not\n"
          "measured). Per provider and year the costs sum to the engine's tallies of that\n"
          "replication.\n\n"
       << sample_options();
  return text.str();
}

}  // namespace

int sample_command(const std::vector<std::string>& args) {
  const po::variables_map vm = parse_options(args, sample_options(), "scenario");
  if (vm.count("help")) {
    std::cout << sample_usage();
    return 0;
  }
  const scenario::Scenario s =
      scenario::load_scenario(required_file(vm, "scenario", "scenario file"));
  const std::uint64_t seed = seed_option(vm, s.simulation.seed);
  io::SampleOptions options;
  options.threads = threads_option(vm);
  options.comparisons = vm.count("comparison") > 0;
  options.force = vm.count("force") > 0;
  if (vm.count("replication")) {
    const long long r = vm["replication"].as<long long>();
    if (r < 0 || r > 4294967295LL)
      throw InputError("--replication: must be in [0, 4294967295], got " + std::to_string(r));
    options.replication = static_cast<std::uint64_t>(r);
  }
  const std::string out =
      vm.count("out") ? vm["out"].as<std::string>() : "results/" + s.name + ".claims.csv";
  if (!vm.count("out")) std::filesystem::create_directories("results");
  const engine::Model model = engine::build_model(s, seed);
  const auto start = std::chrono::steady_clock::now();
  const io::SampleSummary summary = io::write_claims_csv(s, model, out, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "apmsim: wrote %s: %llu rows, %llu members, replication %llu of seed %llu "
               "(%.1f MB, %.2f s, %.2g rows/s)\n",
               out.c_str(), static_cast<unsigned long long>(summary.rows),
               static_cast<unsigned long long>(summary.members),
               static_cast<unsigned long long>(options.replication),
               static_cast<unsigned long long>(seed), summary.bytes / 1e6, seconds,
               seconds > 0 ? summary.rows / seconds : 0.0);
  return 0;
}

}  // namespace apmsim::cli
