#pragma once
//! A run as a state that can be split and joined: replications [first, end) of one scenario,
//! folded into exact tally moments (stats/exact_sum.hpp) and per-replication contract records.
//! Because the fold is exact, a state made in one pass equals, bit for bit, states of any
//! contiguous pieces joined in order. That one property gives checkpoints and resume, job-array
//! shards and `apmsim merge`, and MPI ranks reduced exactly (docs/running-at-scale.md).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/results.hpp"
#include "run/settings.hpp"
#include "scenario/scenario.hpp"
#include "scenario/sweep.hpp"
#include "stats/exact_sum.hpp"

namespace apmsim::run {

class Run {
 public:
  //! Builds the models, summaries and contract evaluators of every sweep variant; engines too
  //! when `simulate` (a state that is only merged and summarised needs none). Replications, seed
  //! and batch size are resolved(scenario, settings)'s.
  Run(const scenario::Scenario& scenario, const RunSettings& settings, bool simulate);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  std::uint64_t first() const { return first_; }
  std::uint64_t end() const { return end_; }
  const scenario::Scenario& scenario() const { return scenario_; }
  //! The engine's description ("" without engines).
  std::string device() const;

  //! Forgets every replication; the state then starts (empty) at `first`.
  void reset(std::uint64_t first);
  //! Simulates replications [end(), end() + count) and folds them in. Throws InputError naming
  //! the scenario when a tally or contract figure overflows (is infinite).
  void simulate_batch(std::uint64_t count);

  //! The state as bytes: a header (version, scenario digest, seed, replications, range), the
  //! fold, and a SHA-256 of everything before it (files), or 64 '-' in its place when `digest`
  //! is false (MPI messages, which the transport checks: hashing would slow rank 0).
  std::string save_state(bool digest = true) const;
  //! Appends a saved state. It must come from the same apmsim build, scenario, seed, replication
  //! count and tally setting, and start where this state ends (or this state must be empty).
  //! Throws InputError naming `where` otherwise, or when the bytes are damaged. A state saved
  //! without a digest is accepted only when `trusted`. A state refused in its header leaves this
  //! one as it was; one refused later in its body leaves it part-joined, and every use but
  //! reset() then throws std::logic_error.
  void absorb(std::string_view state, const std::string& where, bool trusted = false);

  //! Largest relative standard error of headline `name` over the variants now (infinite while
  //! undefined).
  double relative_se(const std::string& name) const;

  //! Summaries, analyses and run information for [first, end). `elapsed` and `device` describe
  //! how it was made; the engine's description is used when `device` is empty.
  analysis::Results results(double elapsed, const std::string& device = "") const;

 private:
  struct Population;
  struct VariantState;
  std::vector<analysis::VariantSummary> summaries() const;
  //! With RunSettings::same_world and stored tallies priced before: true, and at the first
  //! batch the kept tally summary joined (the batches' own are not added).
  bool summary_of_same_world();
  //! Keeps the tally summary in RunSettings::same_world once every stored replication is in.
  void keep_summary_of_same_world();
  //! Threads for the analyses (tasks: each variant, and each analysis of a variant): the run's.
  int analysis_threads() const;

  scenario::Scenario scenario_;
  RunSettings options_;  //!< resolved
  std::vector<scenario::Variant> variants_;
  //! The truncation pilots by population (RunSettings::same_world's, or the run's own).
  std::shared_ptr<engine::TruncationPilots> pilots_;
  std::vector<std::unique_ptr<Population>> populations_;
  std::vector<std::unique_ptr<VariantState>> states_;
  std::uint64_t first_ = 0, end_ = 0;
  bool broken_ = false;  //!< a body failed to join: only reset() helps
  void check_usable() const;
  //! `apmsim price`: checks that the one population needs no threshold the stored run lacks,
  //! then gives it the stored thresholds (the stored tallies' layout).
  void use_stored_thresholds();
  stats::ExactSum unit_years_;      //!< patient-years + episodes, over all populations
  std::vector<double> tally_dump_;  //!< population 0's tallies, with --write-tallies
  std::vector<double> efficiency_dump_, shock_dump_;  //!< and the draws the records read
};

//! Header fields of a saved state, for messages and for `apmsim merge`'s checks.
struct StateHeader {
  std::string apmsim_version, git_commit, scenario_sha256;
  std::uint64_t seed = 0, replications = 0, first = 0, end = 0;
  bool tallies = false;
};

//! Reads and checks the header and digest of a saved state (not its body).
StateHeader read_state_header(std::string_view state, const std::string& where);

}  // namespace apmsim::run
