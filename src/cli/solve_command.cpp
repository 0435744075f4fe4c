// `apmsim solve INPUT --vary PATH --between LO,HI --target FIGURE=VALUE`: run::solve on a scenario
// (each candidate simulated with the same seed) or on a results file's stored tallies (each
// candidate priced on them).
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
#include "run/simulate.hpp"
#include "run/solve.hpp"
#include "scenario/error.hpp"
#include "scenario/limits.hpp"
#include "scenario/load.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;

namespace {

//! A finite number from an option's text; InputError naming the option otherwise.
double number_of(const std::string& text, const std::string& option) {
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(x))
    throw InputError(option + ": expected a number, got '" + text + "'");
  return x;
}

//! `--vary PATH[*FACTOR]`.
std::pair<std::string, double> read_vary(const std::string& text) {
  const auto star = text.find('*');
  const std::string path = text.substr(0, star);
  if (path.empty() || path.find_first_of(" \t\"'") != std::string::npos ||
      path.rfind("contract.", 0) != 0)
    throw InputError("--vary: expected a contract term's path, e.g. contract.withhold.rate or "
                     "contract.corridor.0.upper*-1, got '" + text + "'");
  return {path, star == std::string::npos ? 1.0 : number_of(text.substr(star + 1), "--vary")};
}

}  // namespace

po::options_description solve_options() {
  po::options_description o("solve options", 100, 50);
  o.add_options()("vary", po::value<std::vector<std::string>>()->value_name("PATH[*F]"),
                  "the contract term to solve for (repeat to tie terms: each set to F x the value)")(
      "between", po::value<std::string>()->value_name("LOW,HIGH"), "where to look (required)")(
      "target", po::value<std::string>()->value_name("FIGURE=VALUE"),
      "TABLE:ROW:COLUMN:QUANTITY=VALUE, e.g. headline:participants:agreement:expected_forfeit=0.2")(
      "contract", po::value<std::string>()->value_name("TERMS"),
      "with a results file: the terms to start from (default: its own)")(
      "tolerance", po::value<double>()->value_name("T"),
      "stop when the bracket is below T x (HIGH - LOW) (default 1e-6)")(
      "replications", po::value<long long>()->value_name("N"),
      "with a scenario: override [simulation] replications")(
      "seed", po::value<long long>()->value_name("S"), "with a scenario: override the seed")(
      "threads", po::value<int>()->value_name("N"), "CPU threads (default: all)")(
      "out", po::value<std::string>()->value_name("FILE"), "write the results at the solution")(
      "force", "overwrite an existing results file")("help,h", "this text");
  return o;
}

int solve_command(const std::vector<std::string>& args, const std::string& command_line) {
  const auto started = std::chrono::steady_clock::now();
  const po::variables_map vm = parse_options(args, solve_options(), "input");
  if (vm.count("help")) {
    std::cout << command_usage("solve");
    return 0;
  }
  const std::string input = required_file(vm, "input", "scenario or results file");
  run::SolveSpec spec;
  if (!vm.count("vary")) throw InputError("solve: --vary PATH is required");
  for (const std::string& v : vm["vary"].as<std::vector<std::string>>())
    spec.vary.push_back(read_vary(v));
  if (!vm.count("between")) throw InputError("solve: --between LOW,HIGH is required");
  const std::string between = vm["between"].as<std::string>();
  const auto comma = between.find(',');
  if (comma == std::string::npos) throw InputError("--between: expected LOW,HIGH, got '" + between + "'");
  spec.low = number_of(between.substr(0, comma), "--between");
  spec.high = number_of(between.substr(comma + 1), "--between");
  if (!vm.count("target")) throw InputError("solve: --target FIGURE=VALUE is required");
  const std::string target = vm["target"].as<std::string>();
  const auto eq = target.rfind('=');
  if (eq == std::string::npos) throw InputError("--target: expected FIGURE=VALUE, got '" + target + "'");
  spec.figure = run::parse_figure(target.substr(0, eq), "--target");
  spec.target = number_of(target.substr(eq + 1), "--target");
  if (vm.count("tolerance")) {
    spec.tolerance = vm["tolerance"].as<double>();
    if (!(spec.tolerance > 0 && spec.tolerance < 1))
      throw InputError("--tolerance: must be in (0, 1)");
  }
  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : "";
  const bool force = vm.count("force") > 0;
  if (vm.count("out")) {
    if (out.empty()) throw InputError("--out: no results file name given");
    io::check_output_path(out, force, "results file");
  }
  run::RunSettings settings;
  settings.threads = threads_option(vm);
  // Every candidate is the same world and seed with other contract terms (--vary is a contract
  // term): one truncation pilot, one tally summary of stored tallies.
  settings.same_world = std::make_shared<run::SameWorld>();
  settings.command_line = command_line;
  scenario::Scenario base;
  analysis::Results stored;
  run::Evaluate evaluate;
  const bool from_results = std::filesystem::path(input).extension() == ".h5";
  if (from_results) {
    if (vm.count("replications") || vm.count("seed"))
      throw InputError("solve: --replications and --seed are the stored run's with a results file");
    stored = io::read_results(input, io::ReadParts::kStoredRun);
    const std::string terms_path =
        vm.count("contract") ? vm["contract"].as<std::string>() : input + " (its own terms)";
    const std::string terms_text =
        vm.count("contract") ? scenario::read_scenario_text(terms_path, "terms file")
                             : run::own_terms(stored.scenario_text, input);
    base = run::priced_scenario(stored, input, terms_text, terms_path);
    evaluate = [&](const scenario::Scenario& s, const analysis::TablesNeeded& tables) {
      run::RunSettings o = settings;
      o.tables = tables;
      return run::price(stored, input, s, o);
    };
  } else {
    if (vm.count("contract")) throw InputError("solve: --contract goes with a results file");
    base = scenario::load_scenario(input);
    settings.replications = replications_option(vm, 2);  // a standard error needs two
    if (vm.count("seed")) settings.seed = seed_option(vm, 0);
    evaluate = [&](const scenario::Scenario& s, const analysis::TablesNeeded& tables) {
      run::RunSettings o = settings;
      o.tables = tables;
      return run::simulate(s, o);
    };
  }
  if (!base.sweep.empty())
    std::fprintf(stderr, "apmsim: solve: the [sweep] of %s is not used: solving its base terms\n",
                 input.c_str());
  const run::Solution solution = run::solve(base, spec, evaluate);
  // Digits set by the standard errors, as the summary prints estimates.
  const auto shown = [](double value, double se) {
    return io::estimate_text(value, se, io::decimals_for(value, se, io::NumberKind::kPlain),
                             io::NumberKind::kPlain);
  };
  std::string terms;
  for (const auto& [path, factor] : spec.vary)
    terms += (terms.empty() ? "" : ", ") + path + " = " +
             shown(factor * solution.x, std::fabs(factor) * solution.se);
  std::cout << "solution: " << terms << "\n"
            << "  standard error of the term: the figure's se / |slope| (delta method)\n"
            << "  " << target.substr(0, eq) << " = "
            << shown(solution.estimate, solution.estimate_se) << " at the solution (target "
            << scenario::format_approx(spec.target) << ")\n"
            << "  slope " << scenario::format_approx(solution.slope) << " per unit of the term; "
            << solution.evaluations.size() << " evaluations on the same "
            << solution.results.info.replications << " replications ("
            << (from_results ? "stored tallies of " + input
                             : "seed " + std::to_string(solution.results.info.seed))
            << ")\n";
  if (!out.empty()) io::write_results(solution.results, out, force);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "apmsim: solved in %s%s%s\n", io::duration_text(seconds).c_str(),
               out.empty() ? "" : "; results at the solution in ", out.c_str());
  return 0;
}

}  // namespace apmsim::cli
