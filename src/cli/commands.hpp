#pragma once
//! One function per subcommand. Each returns the process exit code; bad input throws InputError.

#include <string>
#include <vector>

namespace apmsim::cli {

//! `apmsim run SCENARIO [options]`: simulate, write results/<name>.h5, print the summary.
int run_command(const std::vector<std::string>& args, const std::string& command_line);
//! `apmsim validate SCENARIO`: check a scenario and print it resolved.
int validate_command(const std::vector<std::string>& args);
//! `apmsim summary RESULTS.h5`: print a results file's summary.
int summary_command(const std::vector<std::string>& args);
//! `apmsim info`: version, the CPU backend, and the CUDA backend with its devices.
int info_command(const std::vector<std::string>& args);
//! The top-level usage text.
std::string usage();

}  // namespace apmsim::cli
