#pragma once
//! The settings of one run (replications, seed, batch size, backend, threads, outputs, shard,
//! checkpoint, MPI), passed beside the scenario from the command line to the driver.

#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "analysis/tables_needed.hpp"
#include "engine/truncation.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::analysis {
struct TallyDump;
}

namespace apmsim::run {

class Comm;

//! How to run: what the command line (or a test, or `apmsim merge`) says beside the scenario,
//! which says what to run. The scenario is never edited to carry these: a Run reads
//! replications, seed and batch size through resolved() and everything else from here.
struct RunSettings {
  //! Overrides of the scenario's [simulation] values (absent: the scenario's).
  std::optional<std::uint64_t> replications;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> batch_size;

  std::string backend = "cpu";  //!< "cpu" or "cuda", as resolve_backend chose it ("stored": price)
  int device = 0;               //!< CUDA device (MPI: one per rank on a node)
  int threads = 0;              //!< CPU threads; 0 = OpenMP default
  bool keep_tallies = false;    //!< store per-replication tallies in Results
  bool keep_records = false;    //!< store per-replication contract records in Results
  std::string command_line;     //!< recorded in the results
  //! The results tables the caller reads (`apmsim solve`'s steps: its figure's); default all.
  analysis::TablesNeeded tables;
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
  //! Set by a signal handler: drop the batch in flight (engine::Engine::watch), checkpoint, return
  //! interrupted.
  const volatile std::sig_atomic_t* stop = nullptr;
  //! MPI ranks (nullptr or size 1: this process alone).
  Comm* comm = nullptr;
  //! `apmsim price`: the tallies and draws of a run already made, served instead of simulating
  //! (run/stored_engine.hpp); `stored_source` names their file in messages. The scenario's tally
  //! thresholds must be among theirs, and the run's thresholds become theirs.
  const analysis::TallyDump* stored = nullptr;
  std::string stored_source;
  //! What runs of one world and seed with other contract terms share (`apmsim solve`'s
  //! candidates): made by the first, reused by the rest; nullptr: each run makes its own.
  std::shared_ptr<struct SameWorld> same_world;
  //! Messages for the user (resume notes); may be empty.
  std::function<void(const std::string&)> note;
};

//! What runs of one world and seed share when only contract terms differ (RunSettings::same_world):
//! the truncation pilots, and with stored tallies (price) the tally summary of all of them, which
//! no contract term changes (the tally thresholds are the stored run's whatever the terms).
struct SameWorld {
  std::shared_ptr<engine::TruncationPilots> pilots = std::make_shared<engine::TruncationPilots>();
  std::string stored_summary;  //!< TallySummary::save of every stored replication; "" until made
};

//! `settings` with every override filled in: the scenario's [simulation] value where the
//! settings give none (batch size at least 1).
RunSettings resolved(const scenario::Scenario& scenario, RunSettings settings);

}  // namespace apmsim::run
