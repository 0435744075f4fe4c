// apmsim: the command line. Thin: picks a subcommand and maps errors to exit codes
// (0 success, 2 bad input, 1 runtime failure).
#include <boost/program_options/errors.hpp>
#include <csignal>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/mpi_comm.hpp"
#include "scenario/error.hpp"
#include "version.hpp"

namespace {

int run(std::vector<std::string> args, const std::string& command_line);

//! Ends MPI (when mpirun started this process) with the exit code: an error on one rank aborts all.
int finish(int code) {
  if (code != 0 && code != apmsim::cli::kExitInterrupted) apmsim::cli::abort_mpi(code);
  apmsim::cli::stop_mpi();
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f) a write fails with EFBIG and a message, not a kill.
  std::signal(SIGXFSZ, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command_line = argv[0];
  for (const auto& a : args) command_line += " " + a;
  std::unique_ptr<apmsim::run::Comm> comm;
  try {
    comm = apmsim::cli::start_mpi(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "apmsim: runtime failure: " << e.what() << "\n";
    return 1;
  }
  apmsim::cli::use_comm(comm.get());
  const int code = run(std::move(args), command_line);
  return finish(code);
}

namespace {

int run(std::vector<std::string> args, const std::string& command_line) {
  try {
    if (args.size() >= 2 && args[0] == "help") {
      // `apmsim help COMMAND` is `apmsim COMMAND --help`.
      args = {args[1], "--help"};
    } else if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << apmsim::cli::usage();
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version" || args[0] == "version") {
      std::cout << "apmsim " << apmsim::kVersion << " (commit " << apmsim::kGitCommit << ")\n";
      return 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    if (command == "run") return apmsim::cli::run_command(args, command_line);
    if (command == "merge") return apmsim::cli::merge_command(args, command_line);
    if (command == "price") return apmsim::cli::price_command(args, command_line);
    if (command == "solve") return apmsim::cli::solve_command(args, command_line);
    if (command == "validate") return apmsim::cli::validate_command(args);
    if (command == "summary") return apmsim::cli::summary_command(args);
    if (command == "info") return apmsim::cli::info_command(args);
    if (command == "sample") return apmsim::cli::sample_command(args);
    if (command == "calibrate") return apmsim::cli::calibrate_command(args);
    if (command == "export") return apmsim::cli::export_command(args);
    if (command == "report") return apmsim::cli::report_command(args);
    const std::string nearest = apmsim::cli::nearest_command(command);
    std::cerr << "apmsim: unknown command '" << command << "'"
              << (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") << "\n\n"
              << apmsim::cli::usage();
    return 2;
  } catch (const apmsim::InputError& e) {
    std::cerr << "apmsim: error: " << e.what() << "\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << "apmsim: error: " << e.what() << " (see apmsim " << (args.empty() ? "" : "")
              << "--help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "apmsim: runtime failure: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace
