// The top-level help: the subcommands, then each long command's options as their descriptions
// (run_options(), merge_options()) print them, so the help cannot drift from what is parsed.
#include <sstream>

#include "cli/commands.hpp"

namespace apmsim::cli {

std::string usage() {
  std::ostringstream text;
  text << "apmsim: stochastic simulator for performance-based health care contracts\n\n"
          "usage:\n"
          "  apmsim run SCENARIO.toml [options]   simulate and write results/<name>.h5\n"
          "  apmsim validate SCENARIO.toml        check a scenario, print it resolved\n"
          "  apmsim summary RESULTS.h5            print a results file's summary\n"
          "  apmsim merge SHARD.h5... --out FILE  join the shards of a run (exact)\n"
          "  apmsim price RESULTS.h5 --contract T other contract terms on a run's stored\n"
          "                                       tallies (--write-tallies), no simulation\n"
          "  apmsim solve INPUT --vary PATH ...   the term meeting a target, with its SE\n"
          "  apmsim sample SCENARIO.toml [opts]   write one replication's claims as CSV\n"
          "  apmsim calibrate CLAIMS.csv --out F  fit a scenario population to claims data\n"
          "  apmsim export RESULTS.h5 --out DIR   the tables as CSV (--format json: JSON)\n"
          "  apmsim report RESULTS.h5             one self-contained HTML report\n"
          "  apmsim info                          list backends and CUDA devices\n"
          "  apmsim --version | --help\n\n"
       << run_options() << "\n"
       << "SIGTERM, SIGINT or SIGUSR1 stop within seconds (the batch in flight is dropped),\n"
          "checkpoint and exit with 75; run the same command with --resume to continue. Under\n"
          "mpirun the ranks share the batches and rank 0 writes the results\n"
          "(docs/running-at-scale.md).\n\n"
       << merge_options() << "\n"
       << price_options() << "\n"
       << solve_options() << "\n"
       << "exit codes: 0 success, 1 runtime failure, 2 bad input, 75 interrupted (resumable)\n";
  return text.str();
}

}  // namespace apmsim::cli
