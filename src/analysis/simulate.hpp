#pragma once
//! One run from a validated scenario to Results: model, engine batches, summaries.

#include <cstdint>
#include <functional>
#include <string>

#include "analysis/backends.hpp"
#include "analysis/results.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::analysis {

//! How to run (the scenario says what to run).
struct SimulateOptions {
  std::string backend = "cpu";  //!< "cpu" or "cuda", as resolve_backend chose it
  int threads = 0;              //!< CPU threads; 0 = OpenMP default
  bool keep_tallies = false;    //!< store per-replication tallies in Results
  std::string command_line;     //!< recorded in the results
  //! `--target-se NAME=REL`: stop adding batches once headline NAME's relative standard error is
  //! below REL in every variant (the scenario's replications are then the maximum).
  std::string target_name;
  double target_relative_se = 0.0;
  //! Called after each batch with (replications done, total); may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

//! Simulates every replication in batches of simulation.batch_size, evaluates the contract of
//! every sweep variant on the tallies of its population, and summarises and analyses them.
//! Variants that differ only in contract terms share one simulation; the others are simulated
//! side by side, batch by batch, with the same seed (common random numbers).
Results simulate(const scenario::Scenario& scenario, const SimulateOptions& options);

}  // namespace apmsim::analysis
