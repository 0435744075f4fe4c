// `apmsim merge SHARD.h5... --out FILE`: run::merge_shards on the files, written like a run's.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "io/output_file.hpp"
#include "io/results_file.hpp"
#include "run/merge.hpp"
#include "scenario/error.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;

po::options_description merge_options() {
  po::options_description o("merge options", 100, 50);
  o.add_options()("out", po::value<std::string>()->value_name("FILE"), "results file (required)")(
      "force", "overwrite an existing results file")("quiet", "no summary on stdout")("help,h",
                                                                                      "this text");
  return o;
}

int merge_command(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description all = merge_options();
  all.add_options()("shards", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("shards", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << command_usage("merge");
    return 0;
  }
  if (!vm.count("shards")) throw InputError("merge: no shard files given (see --help)");
  if (!vm.count("out")) throw InputError("merge: --out FILE is required");
  const std::string out = vm["out"].as<std::string>();
  if (out.empty()) throw InputError("--out: no results file name given");
  const bool force = vm.count("force") > 0;
  io::check_output_path(out, force, "results file");
  const std::vector<std::string> paths = vm["shards"].as<std::vector<std::string>>();
  std::vector<analysis::Results> shards;
  for (const std::string& path : paths) shards.push_back(io::read_results(path));
  const int count = shards.front().info.shard_count;
  const analysis::Results results = run::merge_shards(std::move(shards), paths, command_line);
  io::write_results(results, out, force);
  if (!vm.count("quiet")) std::cout << io::format_summary(results);
  std::fprintf(stderr, "apmsim: merged %d shards into %s\n", count, out.c_str());
  return 0;
}

}  // namespace apmsim::cli
