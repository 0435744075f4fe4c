#pragma once
//! Synthetic claims: the member-year records the engine simulates, one per unit and year, made by
//! the same model code as the kernels (model::unit_year through a sink that keeps records instead
//! of tallying), so per (entity, year) the records' costs sum to the engine's tallies.
//! `apmsim sample` writes them as CSV (io/claims_csv.hpp); `apmsim calibrate` reads such files.

#include <array>
#include <cstdint>
#include <vector>

#include "engine/model.hpp"
#include "engine/replication.hpp"
#include "model/params.hpp"

namespace apmsim::engine {

//! One unit-year: a patient in a panel slot in one year, or one episode.
struct ClaimRecord {
  std::uint32_t member;  //!< within its ClaimWork: 0, 1, ... (a churned slot's new patient: next)
  std::uint32_t entity;
  std::int32_t year;
  std::int32_t stratum;
  float risk_score;      //!< observed (coded) risk score
  float cost;            //!< as tallied: body with the intervention effect, trend, add-on
  float counterfactual;  //!< the same draws without the intervention effect
  //! Per measure: 1 achieved, 0 not achieved, -1 not measured (not eligible or no response).
  std::array<std::int8_t, model::kMaxMeasures> measures;
};

//! A piece of one entity's units: panel slots [begin, end) through every year (year -1), or
//! episodes [begin, end) of one year.
struct ClaimWork {
  std::uint32_t entity;
  std::int32_t year;
  std::uint32_t begin, end;
};

//! The pieces of entities [0, entities) in output order: entity by entity; a panel in pieces of
//! at most `slots` slots, an episode entity year by year in pieces of as many episodes.
std::vector<ClaimWork> claim_work(const Model& model, const ReplicationWorld& world,
                                  std::uint32_t entities, std::uint32_t slots);

//! The records of one piece of replication `replication` (whose world is `world`), in slot then
//! year order (panels) or episode order; replaces `out`. Returns the number of members (distinct
//! patients), numbered 0.. in `ClaimRecord::member`.
std::uint32_t simulate_claims(const Model& model, const ReplicationWorld& world,
                              std::uint32_t replication, const ClaimWork& work,
                              std::vector<ClaimRecord>& out);

}  // namespace apmsim::engine
