#pragma once
//! Parameter risk in the engine: the normals of each draw and the model each draw builds
//! (docs/calibration.md, "Parameter risk"). Draw d serves replications [d B, (d + 1) B), B =
//! [simulation] parameter_block, and depends only on (seed, d): never on batches, threads,
//! shards or ranks.

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/model.hpp"
#include "scenario/parameter_risk.hpp"

namespace apmsim::engine {

//! z ~ N(0, I_groups) of draw `draw`: Philox4x32-10 under a key mixed from the run's seed (so
//! no unit's stream is reused), two Box-Muller normals per counter.
std::vector<double> parameter_normals(std::uint64_t seed, std::uint64_t draw, int groups);

//! The models of a population's parameter draws, each built on demand from the drawn scenario
//! with the run's seed (the units' random numbers are common to every draw).
class DrawnModels {
 public:
  //! `population` with [simulation] parameter_risk = true and its parameters.
  DrawnModels(const scenario::Scenario& population, std::uint64_t seed);

  //! Replications per draw.
  std::uint64_t block() const { return block_; }
  //! The draw replication `r` belongs to.
  std::uint64_t draw_of(std::uint64_t r) const { return r / block_; }
  //! Draw d's model; the last one built is kept, so it lives until another draw is asked for.
  const Model& model(std::uint64_t draw);

 private:
  scenario::ParameterDraws draws_;
  std::uint64_t seed_;
  std::uint64_t block_;
  std::uint64_t current_ = 0;
  std::unique_ptr<Model> model_;
};

}  // namespace apmsim::engine
