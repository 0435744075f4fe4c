// The help texts: the top-level overview (one line per subcommand), and each subcommand's own
// usage with its options as their descriptions print them (run_options(), merge_options(), ...),
// so the help cannot drift from what is parsed. A mistyped command gets the nearest one.
#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "cli/commands.hpp"

namespace apmsim::cli {
namespace {

struct Command {
  const char* name;
  const char* synopsis;  //!< after "apmsim "
  const char* summary;
};

const Command kCommands[] = {
    {"run", "run SCENARIO.toml [options]", "simulate and write results/<name>.h5"},
    {"validate", "validate SCENARIO.toml", "check a scenario, print it resolved"},
    {"summary", "summary RESULTS.h5 [--variant V] [--section S] [--format text|markdown]", "print a results file's summary, answers first"},
    {"merge", "merge SHARD.h5... --out FILE", "join the shards of a run (exact)"},
    {"price", "price RESULTS.h5 --contract T",
     "other contract terms on a run's stored tallies (--write-tallies), no simulation"},
    {"solve", "solve INPUT --vary PATH ...", "the term meeting a target, with its SE"},
    {"sample", "sample SCENARIO.toml [opts]", "write one replication's claims as CSV"},
    {"calibrate", "calibrate CLAIMS.csv --out F", "fit a scenario population to claims data"},
    {"export", "export RESULTS.h5 --out DIR", "the tables as CSV (--format json: JSON)"},
    {"report", "report RESULTS.h5", "one self-contained HTML report"},
    {"info", "info", "list backends and CUDA devices"},
};

const Command* find_command(const std::string& name) {
  for (const Command& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

//! Edits (insertions, deletions, substitutions, adjacent swaps) from a to b.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

constexpr const char* kExitCodes =
    "exit codes: 0 success, 1 runtime failure, 2 bad input, 75 interrupted (resumable)\n";

}  // namespace

std::string usage() {
  std::ostringstream text;
  text << "apmsim: stochastic simulator for performance-based health care contracts\n\n"
          "usage:\n";
  for (const Command& c : kCommands) {
    std::string line = std::string("  apmsim ") + c.synopsis;
    line.resize(std::max<std::size_t>(line.size() + 1, 39), ' ');
    text << line << c.summary << "\n";
  }
  text << "  apmsim --version | --help\n\n"
          "apmsim help COMMAND (or apmsim COMMAND --help) prints a command's options.\n"
       << kExitCodes;
  return text.str();
}

std::string command_usage(const std::string& name) {
  const Command* c = find_command(name);
  if (c == nullptr) return usage();
  std::ostringstream text;
  std::string summary = c->summary;
  summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
  text << "usage: apmsim " << c->synopsis << "\n\n" << summary << ".\n\n";
  if (name == "run") {
    text << run_options() << "\n"
         << "SIGTERM, SIGINT or SIGUSR1 stop within seconds (the batch in flight is dropped),\n"
            "checkpoint and exit with 75; run the same command with --resume to continue. Under\n"
            "mpirun the ranks share the batches and rank 0 writes the results\n"
            "(docs/running-at-scale.md).\n\n";
  } else if (name == "merge") {
    text << merge_options() << "\n";
  } else if (name == "price") {
    text << price_options() << "\n";
  } else if (name == "solve") {
    text << solve_options() << "\n";
  } else if (name == "summary") {
    text << summary_options() << "\n";
  }
  text << kExitCodes;
  return text.str();
}

std::string nearest_command(const std::string& typed) {
  std::string best;
  std::size_t best_distance = 3;  // at most two edits away, and closer than any other
  for (const Command& c : kCommands) {
    const std::size_t d = distance(typed, c.name);
    if (d < best_distance) {
      best_distance = d;
      best = c.name;
    }
  }
  return best;
}

}  // namespace apmsim::cli
