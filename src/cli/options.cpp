#include "cli/options.hpp"

#include <algorithm>
#include <thread>

#include "scenario/error.hpp"
#include "scenario/limits.hpp"

namespace apmsim::cli {
namespace po = boost::program_options;

po::variables_map parse_options(const std::vector<std::string>& args,
                                const po::options_description& named,
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

std::optional<std::uint64_t> replications_option(const po::variables_map& vm,
                                                 std::uint64_t least) {
  if (!vm.count("replications")) return std::nullopt;
  const long long n = vm["replications"].as<long long>();
  if (n < static_cast<long long>(least) || static_cast<std::uint64_t>(n) > scenario::kMaxReplications)
    throw InputError("--replications: must be in [" + std::to_string(least) + ", " +
                     std::to_string(scenario::kMaxReplications) + "], got " + std::to_string(n));
  return static_cast<std::uint64_t>(n);
}

std::uint64_t seed_option(const po::variables_map& vm, std::uint64_t fallback) {
  if (!vm.count("seed")) return fallback;
  const long long seed = vm["seed"].as<long long>();
  if (seed < 0) throw InputError("--seed: must be >= 0, got " + std::to_string(seed));
  return static_cast<std::uint64_t>(seed);
}

int threads_option(const po::variables_map& vm) {
  if (!vm.count("threads")) return 0;
  const int threads = vm["threads"].as<int>();
  if (threads < 1) throw InputError("--threads: must be at least 1");
  // Far past the hardware, OpenMP fails to start its threads (40000) or crashes (100000).
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  if (static_cast<unsigned>(threads) > kThreadsPerHardwareThread * hardware)
    throw InputError("--threads: " + std::to_string(threads) + " is more than " +
                     std::to_string(kThreadsPerHardwareThread) + " times the " +
                     std::to_string(hardware) + " hardware threads of this machine (at most " +
                     std::to_string(kThreadsPerHardwareThread * hardware) + ")");
  return threads;
}

}  // namespace apmsim::cli
