#pragma once
//! One function per subcommand, each in its own file (run_command.cpp, merge_command.cpp,
//! inspect_commands.cpp, ...). Each returns the process exit code; bad input throws InputError.

#include <boost/program_options/options_description.hpp>
#include <string>
#include <vector>

namespace apmsim::run {
class Comm;
}

namespace apmsim::cli {

//! Exit code of a run stopped by a signal after saving its checkpoint (EX_TEMPFAIL: try again,
//! with --resume).
inline constexpr int kExitInterrupted = 75;

//! MPI ranks for `run` (nullptr: this process alone).
void use_comm(run::Comm* comm);
//! `apmsim merge SHARD.h5... --out FILE`: join shards into the complete run's results file.
int merge_command(const std::vector<std::string>& args, const std::string& command_line);

//! `apmsim price RESULTS.h5 --contract TERMS.toml`: other terms on a run's stored tallies.
int price_command(const std::vector<std::string>& args, const std::string& command_line);
//! `price`'s named options (the results file is positional).
boost::program_options::options_description price_options();

//! `apmsim solve INPUT --vary PATH --between LO,HI --target FIGURE=VALUE`: a term meeting a target.
int solve_command(const std::vector<std::string>& args, const std::string& command_line);
//! `solve`'s named options (the scenario or results file is positional).
boost::program_options::options_description solve_options();

//! `apmsim run SCENARIO [options]`: simulate, write results/<name>.h5, print the summary.
int run_command(const std::vector<std::string>& args, const std::string& command_line);
//! `apmsim validate SCENARIO`: check a scenario and print it resolved.
int validate_command(const std::vector<std::string>& args);
//! `apmsim summary RESULTS.h5`: print a results file's summary.
int summary_command(const std::vector<std::string>& args);
//! `apmsim info`: version, the CPU backend, and the CUDA backend with its devices.
int info_command(const std::vector<std::string>& args);
//! `apmsim sample SCENARIO [options]`: one replication's member-year records as CSV.
int sample_command(const std::vector<std::string>& args);
//! `apmsim calibrate CLAIMS --out FILE`: a scenario population estimated from claims.
int calibrate_command(const std::vector<std::string>& args);
//! `apmsim export RESULTS --format csv|json --out DIR`: the tables as CSV or JSON.
int export_command(const std::vector<std::string>& args);
//! `apmsim report RESULTS --out FILE.html`: the self-contained HTML report (python/apmsim).
int report_command(const std::vector<std::string>& args);
//! The top-level usage text (usage.cpp): one line per subcommand.
std::string usage();
//! `apmsim COMMAND --help`: the command's usage line, summary and options.
std::string command_usage(const std::string& name);
//! The subcommand a mistyped `typed` most likely meant (at most two edits away), or "".
std::string nearest_command(const std::string& typed);
//! `run`'s options, each with the description --help prints.
boost::program_options::options_description run_options();
//! `summary`'s named options (the results file is positional).
boost::program_options::options_description summary_options();
//! `merge`'s named options (the shard files are positional).
boost::program_options::options_description merge_options();

}  // namespace apmsim::cli
