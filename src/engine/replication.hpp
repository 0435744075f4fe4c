#pragma once
//! The entity-level world of one replication: every entity's EntityYear and episode counts.

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

//! Draws the world of `replication` into `world` (resized as needed).
void draw_world(const Model& model, std::uint64_t replication, ReplicationWorld& world);

}  // namespace apmsim::engine
