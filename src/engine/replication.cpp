#include "engine/replication.hpp"

#include <cmath>

#include "model/entity.hpp"

namespace apmsim::engine {

void draw_world(const Model& m, std::uint64_t replication, ReplicationWorld& w) {
  const model::ModelParams& p = m.params;
  const int years = p.years;
  const std::uint32_t entities = m.entity_count();
  const model::Key key = model::key_from_seed(p.seed);
  const auto rep = static_cast<std::uint32_t>(replication);
  w.entity_years.assign(std::size_t(entities) * years, model::EntityYear{});
  w.episodes.assign(std::size_t(entities) * years, 0u);
  w.region_shock.assign(m.regions.size() * years, 0.0);
  w.efficiency.assign(entities, 0.0);
  w.effect.assign(entities, 0.0);

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
    w.efficiency[e] = pe.efficiency;
    w.effect[e] = ent.participant ? pe.effect : 0.0;
    for (int k = 0; k < years; ++k) {
      model::EntityYear& ey = w.entity_years[std::size_t(e) * years + k];
      const RegionProcess& rp = m.regions[ent.region];
      const double v = w.region_shock[std::size_t(ent.region) * years + k];
      ey.log_shift = static_cast<float>(v - rp.variance[k] / 2.0 + pe.efficiency -
                                        ent.efficiency_sd * ent.efficiency_sd / 2.0);
      ey.trend = static_cast<float>(std::pow(1.0 + m.trend, k));
      const int contract_year = k - p.baseline_years;  // 0 = first performance year
      const bool paying = ent.participant && contract_year >= 0;
      ey.effect =
          paying ? static_cast<float>(std::exp(-pe.effect * ent.effect_ramp[contract_year])) : 1.0f;
      ey.risk_factor =
          paying ? static_cast<float>(std::pow(1.0 + ent.coding_growth, contract_year + 1)) : 1.0f;
      for (int q = 0; q < p.measures; ++q)
        ey.quality[q] =
            static_cast<float>(pe.quality[q] + (paying ? m.measure_improvement[q] : 0.0));
      if (ent.shape.episodes)
        w.episodes[std::size_t(e) * years + k] =
            model::episode_count(key, rep, e, k, ent.volume, ent.volume_cv);
    }
  }
}

}  // namespace apmsim::engine
