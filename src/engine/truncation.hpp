#pragma once
//! Truncation at a percentile of each year's national cost per unit (MSSP: the 99th percentile
//! of national FFS per-capita expenditure, determined for each benchmark and performance year,
//! 42 CFR 425.602(a)(4), 425.604(a)(4)). The amounts come from a seeded pilot of the population
//! model before the run, never from a second pass over the simulation, so every backend, shard
//! and rank resolves the same amounts from the same scenario and seed.

#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "scenario/scenario.hpp"
#include "scenario/sweep.hpp"

namespace apmsim::engine {

//! The pilot: kPilotReplications replications of the scenario's model under a seed derived from
//! the run's (pilot_seed), each entity (providers and comparison populations: the national pool)
//! subsampled in the same proportion, so about kPilotUnits units a year are drawn in all; more
//! replications for small enrollment types (kMinTypeUnits).
class TruncationPilot {
 public:
  static constexpr int kPilotReplications = 8;
  static constexpr double kPilotUnits = 200000.0;
  //! With enrollment types, replications go on (up to kMaxPilotReplications) until every type
  //! present has kMinTypeUnits units in every year: a 1% type's 99th percentile from 2,000 units
  //! would move by several percent from year to year.
  static constexpr int kMaxPilotReplications = 32;
  static constexpr std::size_t kMinTypeUnits = 10000;

  //! The pilot's amounts at one level: what a results file stores beside its tallies (format
  //! 2.6, /tallies/truncation_*), so `price` and `solve` need not simulate the pilot again.
  struct Amounts {
    double level = 0;                                //!< truncate_percentile
    std::vector<double> by_year;                     //!< percentile(level)
    std::vector<std::vector<double>> by_type_year;   //!< percentile_by_type(level)
  };

  //! Simulates the pilot of `scenario`'s population under pilot_seed(seed).
  TruncationPilot(const scenario::Scenario& scenario, std::uint64_t seed);
  //! The same pilot with the amounts it gave before (`known`, a results file's): those levels
  //! are answered from them, and the pilot is simulated only when another level is asked.
  TruncationPilot(const scenario::Scenario& scenario, std::uint64_t seed,
                  std::vector<Amounts> known);
  //! Per calendar year, the p-quantile (type 7: linear between order statistics) of the pilot's
  //! unit costs, rounded to single precision as the engine compares costs with thresholds.
  std::vector<double> percentile(double p) const;
  //! [calendar year][enrollment type]: the same within each type (MSSP truncates each enrollment
  //! type at its own national percentile); empty without types.
  std::vector<std::vector<double>> percentile_by_type(double p) const;
  //! Every level asked or known so far, in the order first asked, with its amounts.
  std::vector<Amounts> amounts() const;
  //! The pilot's units in calendar year `year` (simulates the pilot if it was not).
  std::size_t units(int year) const;

 private:
  //! The pilot's unit costs (costs_, type_costs_), once: on construction, or on the first level
  //! not known. Called with memo_->mutex held.
  void simulate() const;
  //! The amounts at level p, made on the first ask. Called with memo_->mutex held.
  const Amounts& at(double p) const;

  struct Memo {
    std::mutex mutex;
    std::unique_ptr<scenario::Scenario> scenario;  //!< until simulated
    std::uint64_t seed = 0;
    std::vector<std::vector<float>> costs;  //!< per calendar year, in replication order
    std::vector<std::vector<std::vector<float>>> type_costs;  //!< [year][type], the same
    //! By level: selection (not a sort) answers each level once, and every variant and contract
    //! year asks the same level again.
    std::vector<Amounts> amounts;
  };
  std::unique_ptr<Memo> memo_ = std::make_unique<Memo>();
};

//! The pilot's seed: a mix of the run's, so the pilot's draws are not any replication's.
std::uint64_t pilot_seed(std::uint64_t seed);

//! Resolves every truncate_percentile of `scenario`'s contract years into truncate_by_year (one
//! amount per calendar year) and adds the amounts to its tally thresholds. Throws InputError
//! when the thresholds would exceed scenario::kMaxThresholds. Without truncate_percentile it
//! changes nothing and runs no pilot.
void resolve_truncation(scenario::Scenario& scenario, std::uint64_t seed);
//! The same with a pilot already made for this scenario's population.
void resolve_truncation(scenario::Scenario& scenario, const TruncationPilot& pilot);
//! Pilots by population, kept from one run of a world to the next: `apmsim solve` prices its
//! candidates (contract terms only) on one world and seed, so its pilot is made once, not per step.
struct TruncationPilots {
  std::vector<std::unique_ptr<TruncationPilot>> by_population;
};

//! Resolves every variant's truncate_percentile from one pilot per population (variants of one
//! population share its model, so its pilot), as a run does before simulating.
void resolve_truncation(std::vector<scenario::Variant>& variants, std::uint64_t seed);
//! The same with `pilots` as a memo: a population's pilot already there is used, one made is kept.
//! Only for variants of the world and seed the memo was made for.
void resolve_truncation(std::vector<scenario::Variant>& variants, std::uint64_t seed,
                        TruncationPilots& pilots);
//! Whether any contract year asks for truncate_percentile.
bool needs_truncation_pilot(const scenario::Scenario& scenario);

}  // namespace apmsim::engine
