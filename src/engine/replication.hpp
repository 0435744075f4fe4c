#pragma once
//! The entity-level world of one replication: every entity's EntityYear and episode counts.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/model.hpp"
#include "model/params.hpp"

namespace apmsim::engine {

//! Shocks and status of each entity-year in one replication (index = entity * years + year).
struct ReplicationWorld {
  std::vector<model::EntityYear> entity_years;
  std::vector<std::uint32_t> episodes;  //!< episodes per entity-year (0 for panels)
  std::vector<double> region_shock;     //!< v(r, k), index = region * years + year
  std::vector<double> efficiency;       //!< e(p) per entity (0 for comparisons)
  std::vector<double> effect;           //!< d(p) per entity (0 for comparisons)
};

//! The worlds of consecutive replications in memory the caller owns (a backend's staging
//! buffers, a batch's side arrays), replication-major: replication r of the span starts at
//! r * entities * years in `entity_years` and `episodes`, r * entities in `efficiency` and
//! `effect`, r * regions * years in `region_shock`. Every element is written.
struct WorldSpan {
  model::EntityYear* entity_years;
  std::uint32_t* episodes;
  double* efficiency;
  double* effect;
  double* region_shock;
};

//! Owned storage for the worlds of `count` replications in WorldSpan's layout.
struct WorldBuffers {
  std::vector<model::EntityYear> entity_years;  //!< [count][entities][years]
  std::vector<std::uint32_t> episodes;          //!< [count][entities][years]
  std::vector<double> efficiency, effect;       //!< [count][entities]
  std::vector<double> region_shock;             //!< [count][regions][years]
  //! Sizes every array for `count` replications of `model`.
  void resize(const Model& model, std::uint64_t count);
  WorldSpan span() {
    return WorldSpan{entity_years.data(), episodes.data(), efficiency.data(), effect.data(),
                     region_shock.data()};
  }
};

//! Draws the world of `replication` into `world` (resized as needed).
void draw_world(const Model& model, std::uint64_t replication, ReplicationWorld& world);

//! Draws the worlds of replications [first, first + count) into `out`, on `threads` OpenMP
//! threads (<= 0: OpenMP's default). Each replication's world depends only on its number.
void draw_worlds(const Model& model, std::uint64_t first, std::uint64_t count, const WorldSpan& out,
                 int threads);

}  // namespace apmsim::engine
