// `apmsim export RESULTS.h5 --format csv|json --out DIR`: the tables for R and spreadsheets.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "io/export.hpp"
#include "io/results_file.hpp"
#include "scenario/error.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;

namespace {

std::string export_usage() {
  return "usage: apmsim export RESULTS.h5 [--format csv|json] [--out DIR] [--force]\n\n"
         "Writes the results file's tables into the folder DIR (default: the results file's name\n"
         "without .h5, plus _csv or _json):\n"
         "  csv   one CSV per table kind, every variant's rows, a column per quantity whose name\n"
         "        carries its unit ('payer_net_savings [USD]', '_se', '_ci_low', '_ci_high');\n"
         "        estimates.csv (all tables, long/tidy), providers.csv, parameters.csv,\n"
         "        info.csv, scenario.toml, records.csv and tallies.csv when stored, README.txt\n"
         "  json  results.json: run facts, scenario and every table (NaN as null)\n"
         "Keys are typed columns, as in the Python package's tables: one per sweep parameter\n"
         "after 'variant' (contract.withhold.rate = 0.1), and for row labels with key=value\n"
         "words ('northeast_small min_units=5000') 'group' and one per key (min_units = 5000);\n"
         "in JSON, typed parameters and each table's 'row_keys'.\n"
         "Numbers keep 17 significant digits: they read back exactly. The folder appears only\n"
         "when complete; an existing one is replaced only with --force.\n";
}

}  // namespace

int export_command(const std::vector<std::string>& args) {
  po::options_description named("export options");
  named.add_options()("help,h", "")("format", po::value<std::string>()->default_value("csv"))(
      "out", po::value<std::string>())("force", "");
  const po::variables_map vm = parse_options(args, named, "results");
  if (vm.count("help")) {
    std::cout << export_usage();
    return 0;
  }
  const std::string path = required_file(vm, "results", "results file");
  const std::string format = vm["format"].as<std::string>();
  if (format != "csv" && format != "json")
    throw InputError("--format: expected csv or json, got '" + format + "'");
  std::string out = vm.count("out") ? vm["out"].as<std::string>() : "";
  if (out.empty()) {
    const std::size_t dot = path.rfind(".h5");
    out = (dot == std::string::npos ? path : path.substr(0, dot)) + "_" + format;
  }
  const analysis::Results results = io::read_results(path);
  const auto written = io::export_results(
      results, out, format == "csv" ? io::ExportFormat::kCsv : io::ExportFormat::kJson,
      vm.count("force") > 0);
  std::cerr << "apmsim: wrote " << out << "/ (" << written.size() << " files)\n";
  return 0;
}

}  // namespace apmsim::cli
