#pragma once
//! Command-line parsing shared by the subcommands: named options plus one positional file, and
//! the checks of the numbers several subcommands take.

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace apmsim::cli {

//! Parses `args` with the named options and one positional argument called `positional_name`.
boost::program_options::variables_map parse_options(
    const std::vector<std::string>& args, const boost::program_options::options_description& named,
    const char* positional_name);

//! The positional file `name`; InputError "missing <what>" when absent.
std::string required_file(const boost::program_options::variables_map& vm, const char* name,
                          const char* what);

//! `--replications`: `least` to scenario::kMaxReplications; nothing when absent.
std::optional<std::uint64_t> replications_option(const boost::program_options::variables_map& vm,
                                                 std::uint64_t least);

//! `--seed`: 0 to 2^63 - 1 (signed, like the scenario's seed: -1 must not become 2^64 - 1).
std::uint64_t seed_option(const boost::program_options::variables_map& vm, std::uint64_t fallback);

//! Most --threads per hardware thread: oversubscribing a little is harmless, thousands fail.
inline constexpr unsigned kThreadsPerHardwareThread = 64;
//! `--threads`: at least 1, at most kThreadsPerHardwareThread times the hardware threads; 0
//! (OpenMP's default) when absent.
int threads_option(const boost::program_options::variables_map& vm);

}  // namespace apmsim::cli
