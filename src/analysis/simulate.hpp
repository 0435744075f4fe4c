#pragma once
//! One run from a validated scenario to Results: batches of replications simulated and folded
//! into a Run (analysis/run.hpp), with checkpoints, resume, shards and MPI ranks.

#include <csignal>
#include <cstdint>
#include <functional>
#include <string>

#include "analysis/backends.hpp"
#include "analysis/results.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::analysis {

class Comm;

//! How to run (the scenario says what to run).
struct SimulateOptions {
  std::string backend = "cpu";  //!< "cpu" or "cuda", as resolve_backend chose it
  int device = 0;               //!< CUDA device (MPI: one per rank on a node)
  int threads = 0;              //!< CPU threads; 0 = OpenMP default
  bool keep_tallies = false;    //!< store per-replication tallies in Results
  bool keep_records = false;    //!< store per-replication contract records in Results
  std::string command_line;     //!< recorded in the results
  //! `--target-se NAME=REL`: stop adding batches once headline NAME's relative standard error is
  //! below REL in every variant (the scenario's replications are then the maximum).
  std::string target_name;
  double target_relative_se = 0.0;
  //! Called after each batch with (replications done, total); may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;

  //! `--shard i/N`: this process makes shard i of N, replications [i R / N, (i + 1) R / N), and
  //! keeps the run state in Results for `apmsim merge`. shard_count 0: the whole run.
  int shard_index = 0;
  int shard_count = 0;
  //! Checkpoint file ("" = none), written at most every `checkpoint_interval` seconds (0: after
  //! every batch) and when `*stop` becomes non-zero.
  std::string checkpoint_path;
  double checkpoint_interval = 300.0;
  //! Continue from checkpoint_path when it exists.
  bool resume = false;
  //! Set by a signal handler: finish the batch in flight, checkpoint, return interrupted.
  const volatile std::sig_atomic_t* stop = nullptr;
  //! MPI ranks (nullptr or size 1: this process alone).
  Comm* comm = nullptr;
  //! Messages for the user (resume notes); may be empty.
  std::function<void(const std::string&)> note;
};

//! The replications [first, end) of shard i of n of a run of `replications`.
std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t replications, int index,
                                                    int count);

//! Simulates every replication (of the shard) in batches of simulation.batch_size, evaluates the
//! contract of every sweep variant on the tallies of its population, and summarises and analyses
//! them. Variants that differ only in contract terms share one simulation; the others are
//! simulated side by side, batch by batch, with the same seed (common random numbers). The
//! results are the same bits whatever the batch size, thread count, number of MPI ranks, or
//! number of interruptions and resumes.
Results simulate(const scenario::Scenario& scenario, const SimulateOptions& options);

//! Joins shard states (in shard order) of `scenario` into the complete run's results.
Results merge_states(const scenario::Scenario& scenario, const SimulateOptions& options,
                     const std::vector<std::string>& states, const std::vector<std::string>& names);

//! Writes `bytes` to `path` via a temporary file in the same folder, flushed and renamed, so a
//! crash leaves the previous file or the new one, never a mixture.
void write_file_atomically(const std::string& path, const std::string& bytes);
//! Reads a whole file; InputError naming it when it cannot.
std::string read_whole_file(const std::string& path);

}  // namespace apmsim::analysis
