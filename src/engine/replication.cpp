#include "engine/replication.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/entity.hpp"

namespace apmsim::engine {

namespace {

//! One replication's world into the slices of `out` for that replication (offset 0).
void draw_one(const Model& m, std::uint64_t replication, const WorldSpan& w) {
  const model::ModelParams& p = m.params;
  const int years = p.years;
  const std::uint32_t entities = m.entity_count();
  const model::Key key = model::key_from_seed(p.seed);
  const auto rep = static_cast<std::uint32_t>(replication);

  for (std::size_t r = 0; r < m.regions.size(); ++r) {
    const RegionProcess& rp = m.regions[r];
    model::region_shocks(key, rep, static_cast<std::uint32_t>(r), rp.initial_sd, rp.shock_sd,
                         rp.rho, years, &w.region_shock[r * years]);
  }
  for (std::uint32_t e = 0; e < entities; ++e) {
    const Entity& ent = m.entities[e];
    model::ProviderEffect pe{};
    if (ent.group >= 0)
      pe = model::provider_effect(key, rep, e, ent.efficiency_sd, ent.effect_mean, ent.effect_sd,
                                  ent.quality_sd, p.measures);
    double drift[model::kMaxYears] = {};
    if (ent.practice_drift_sd > 0.0)
      model::practice_drift(key, rep, e, ent.practice_drift_sd, ent.practice_rho, years, drift);
    const double drift_correction = ent.practice_drift_sd * ent.practice_drift_sd / 2.0;
    w.efficiency[e] = pe.efficiency;
    w.effect[e] = ent.participant ? pe.effect : 0.0;
    for (int k = 0; k < years; ++k) {
      model::EntityYear& ey = w.entity_years[std::size_t(e) * years + k];
      ey = model::EntityYear{};
      const RegionProcess& rp = m.regions[ent.region];
      const double v = w.region_shock[std::size_t(ent.region) * years + k];
      double log_shift =
          v - rp.variance[k] / 2.0 + pe.efficiency - ent.efficiency_sd * ent.efficiency_sd / 2.0;
      if (ent.practice_drift_sd > 0.0) log_shift += drift[k] - drift_correction;  // mean-one
      ey.log_shift = static_cast<float>(log_shift);
      ey.trend = static_cast<float>(std::pow(1.0 + m.trend, k));
      const Entity& entity = m.entities[e];
      ey.assigned = entity.shape.episodes ? std::numeric_limits<std::uint32_t>::max()
                    : entity.assigned_share.empty()
                        ? entity.shape.panel_size
                        : static_cast<std::uint32_t>(std::llround(
                              entity.assigned_share[static_cast<std::size_t>(k)] *
                              static_cast<double>(entity.shape.panel_size)));
      const int types = m.params.types;
      for (int t = 0; t < static_cast<int>(model::kMaxEnrollmentTypes); ++t)
        ey.type_truncation[t] = t < types ? m.type_truncation[static_cast<std::size_t>(k * types + t)]
                                          : std::numeric_limits<float>::max();
      const int contract_year = k - p.baseline_years;  // 0 = first performance year
      const bool paying = ent.participant && contract_year >= 0;
      ey.effect =
          paying ? static_cast<float>(std::exp(-pe.effect * ent.effect_ramp[contract_year])) : 1.0f;
      ey.risk_factor =
          paying ? static_cast<float>(std::pow(1.0 + ent.coding_growth, contract_year + 1)) : 1.0f;
      for (int q = 0; q < p.measures; ++q)
        ey.quality[q] =
            static_cast<float>(pe.quality[q] + (paying ? m.measure_improvement[q] : 0.0));
      w.episodes[std::size_t(e) * years + k] =
          ent.shape.episodes ? model::episode_count(key, rep, e, k, ent.volume, ent.volume_cv) : 0u;
    }
  }
}

}  // namespace

void draw_world(const Model& m, std::uint64_t replication, ReplicationWorld& w) {
  const std::size_t entity_years = std::size_t(m.entity_count()) * m.years();
  w.entity_years.resize(entity_years);
  w.episodes.resize(entity_years);
  w.region_shock.resize(m.regions.size() * m.years());
  w.efficiency.resize(m.entity_count());
  w.effect.resize(m.entity_count());
  draw_one(m, replication, WorldSpan{w.entity_years.data(), w.episodes.data(), w.efficiency.data(),
                                     w.effect.data(), w.region_shock.data()});
}

void WorldBuffers::resize(const Model& m, std::uint64_t count) {
  const std::size_t ey = std::size_t(m.entity_count()) * m.years();
  entity_years.resize(count * ey);
  episodes.resize(count * ey);
  efficiency.resize(count * m.entity_count());
  effect.resize(count * m.entity_count());
  region_shock.resize(count * m.regions.size() * m.years());
}

void draw_worlds(const Model& m, std::uint64_t first, std::uint64_t count, const WorldSpan& out,
                 int threads) {
  const std::size_t entity_years = std::size_t(m.entity_count()) * m.years();
  const std::size_t entities = m.entity_count();
  const std::size_t shocks = m.regions.size() * m.years();
  const int team = threads > 0 ? threads : omp_get_max_threads();
  // Few replications: no team (starting one costs more than a small world).
  const int used = static_cast<int>(std::min<std::uint64_t>(std::uint64_t(team), count));
#pragma omp parallel for num_threads(std::max(1, used)) schedule(static)
  for (std::int64_t r = 0; r < static_cast<std::int64_t>(count); ++r) {
    const auto i = static_cast<std::size_t>(r);
    draw_one(m, first + i,
             WorldSpan{out.entity_years + i * entity_years, out.episodes + i * entity_years,
                       out.efficiency + i * entities, out.effect + i * entities,
                       out.region_shock + i * shocks});
  }
}

}  // namespace apmsim::engine
