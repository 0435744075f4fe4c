#pragma once
//! The contract waterfall (DESIGN section 5) on tallies: for each replication, participant provider
//! and performance year, the benchmark, accountable cost, eligibility, reconciliation, withhold,
//! base payment and the net results, plus the by-products the four analyses need. Runs on tallies
//! only, so a contract variant costs microseconds per replication whatever the panel sizes. Each
//! step lives in its concept's file; the evaluator only reads the tallies and chains the steps.

#include <cstdint>
#include <vector>

#include "contract/benchmark.hpp"
#include "contract/provider_year.hpp"
#include "contract/records.hpp"
#include "contract/run_out.hpp"
#include "contract/stop_loss.hpp"
#include "engine/model.hpp"
#include "engine/tallies.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

//! Step 1 before the discount, for the whole population or one enrollment type.
struct BenchmarkParts {
  double undiscounted = 0.0;  //!< the method's benchmark per unit, efficiency-adjusted
  MethodBenchmarks full;      //!< historical and regional on untruncated costs (analysis)
};

//! Evaluates a contract on a model's tallies. Thresholds the contract needs must be in the model.
class Evaluator {
 public:
  //! `target_effect`: the true effect (log cost) for the false-negative by-product.
  Evaluator(const engine::Model& model, const scenario::Contract& contract, int baseline_years,
            double target_effect);

  //! Empty records with names, providers and thresholds set.
  Records make_records() const;

  //! Appends the records of every replication of `tallies` to `out`.
  void add(const engine::BatchTallies& tallies, Records& out) const;

 private:
  //! Where provider p's tallies of performance year y, in agreement k, are in replication `rep`.
  TallyPlace place(std::uint64_t rep, std::size_t p, int y, int k) const;
  //! The waterfall of one provider-year in agreement k into `out` (its fields); `history` holds
  //! the provider's records of this replication (years before y written); `scratch` (2 + types)
  //! is storage for the whole population's, each enrollment type's and the ratchet's figures.
  void evaluate(const engine::BatchTallies& tallies, std::uint64_t rep, std::size_t p, int y,
                int k, const double* history, std::vector<ProviderYear>& scratch,
                double* out) const;
  //! A provider-year after the provider left the program: its claims, no contract flows.
  void write_outside(const engine::BatchTallies& tallies, std::uint64_t rep, std::size_t p, int y,
                     int k, double* out) const;
  //! Whether provider p leaves at agreement k's start (performance year y): its rebased
  //! benchmark per unit as known then below leave_below x its expiring benchmark per unit.
  bool leaves(const engine::BatchTallies& tallies, std::uint64_t rep, std::size_t p, int y, int k,
              const double* history, std::vector<ProviderYear>& scratch) const;
  //! The savings per unit of the baseline years the provider was in the program (the prior
  //! savings adjustment), from its earlier records.
  void read_baseline_savings(int y, const double* history, ProviderYear& year) const;
  //! Fields per record: the fixed ones, then the excess and claimants per tally threshold.
  std::size_t record_fields() const {
    return static_cast<std::size_t>(kFixedFields + 2 * model_.layout.thresholds);
  }
  //! Step 1 before the discount for `year` (read at `at`): per enrollment type when the model
  //! has them (`types` scratch, `scale` as in by_enrollment_type), else the whole population's.
  BenchmarkParts benchmark_of(const engine::BatchTallies& tallies, const TallyPlace& at,
                              const scenario::BenchmarkTerms& terms, const ProviderYear& year,
                              ProviderYear* types, const double* scale) const;
  //! Step 1 per enrollment type, weighted by the performance year's type mix; `types` scratch;
  //! `scale` (or null: none) multiplies each baseline year's cost per unit, one factor per
  //! baseline year (the ratchet).
  BenchmarkParts by_enrollment_type(const engine::BatchTallies& tallies, TallyPlace at,
                                    const scenario::BenchmarkTerms& terms,
                                    const ProviderYear& whole, ProviderYear* types,
                                    const double* scale) const;

  const engine::Model& model_;
  const scenario::Contract& contract_;
  int baseline_years_;
  double target_effect_;
  std::vector<std::uint32_t> providers_;
  //! The national pool of observed trends: the entities outside the contract (comparison
  //! populations, non-participant providers), or every entity when all are participants.
  std::vector<std::uint32_t> national_;
  std::vector<int> truncate_index_;  //!< [performance year][calendar year]: threshold index or -1
  //! Per performance year: its stop-loss cover in force, and the boundaries its layers read with
  //! their threshold index.
  std::vector<StopLossPlan> plans_;
  std::vector<std::vector<std::pair<double, int>>> capped_;
  ClaimsRunOut run_out_;  //!< `[contract.run_out]`: the settlement on claims paid by the cut-off
};

}  // namespace apmsim::contract
