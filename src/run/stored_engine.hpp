#pragma once
//! `apmsim price`'s engine: the batches of a run already made, served from the tallies and draws
//! it stored (`--write-tallies`, format 2.2), so new contract terms are evaluated on exactly the
//! numbers a run simulates, with no simulation (docs/analyses.md, "Simulate once, price many").

#include <string>
#include <vector>

#include "analysis/results.hpp"
#include "engine/engine.hpp"
#include "engine/model.hpp"

namespace apmsim::run {

class StoredEngine : public engine::Engine {
 public:
  //! Serves `stored` for `model`'s layout; throws InputError naming `source` when the shapes
  //! differ (another population, other tally fields) or the draws are missing.
  StoredEngine(const analysis::TallyDump& stored, const engine::Model& model, std::string source);
  //! Copies replications [first, first + count) of the stored run into `out`; throws InputError
  //! at a tally that is not finite where its year sums it (a damaged or crafted file).
  void run_batch(std::uint64_t first, std::uint64_t count,
                 engine::BatchTallies& out) const override;
  std::string description() const override { return "stored tallies of " + source_; }
  //! With parameter risk the stored tallies were simulated on each draw's model already: the
  //! draws' replications are served as stored.
  void use_model(const engine::Model& /*model*/) override {}

 private:
  const analysis::TallyDump& stored_;
  std::string source_;
  int fields_ = 0;
  std::vector<bool> summed_;  //!< per (year, field): engine::summed_cells
};

}  // namespace apmsim::run
