#pragma once
//! The per-unit model (DESIGN 3.3-3.7), written once over a lane policy: one unit-year of a
//! patient (or one episode) in, tallies out through a Sink with `add(year, field, double lanes)`
//! for sums and `count(year, field, mask)` for counts (kept exact as integers by CPU sinks).
//! Draw layout of one unit-year (4 words per Philox block, docs/model.md "Random numbers"):
//!   block 0: U_any, U_cat, Box-Muller pair -> (z_body, z_frailty)
//!   block 1: U_size (Pareto), U_churn, U_stratum, first uniform of the adherence normal
//!   block 2: second uniform of the adherence normal, then (U_response, U_achieved) per measure
//!   blocks 3..: the remaining measure words.

#include "model/math.hpp"
#include "model/params.hpp"
#include "model/random.hpp"
#include "model/tally_layout.hpp"

namespace apmsim::model {

//! What a patient carries from year to year, in registers.
template <class L>
struct PatientState {
  typename L::I stratum;
  typename L::F frailty;        //!< u, N(0, tau^2) in every year
  typename L::F adherence_dev;  //!< a - abar
};

//! Zeroed state, before the first year.
template <class L>
APMSIM_HD PatientState<L> initial_state() {
  return PatientState<L>{L::splat_i(0), L::splat(0.0f), L::splat(0.0f)};
}

//! Stratum parameters gathered per lane (a select chain: strata are few, lanes many).
template <class L>
struct StratumLookup {
  typename L::F p_any, mu, sigma, cat_prob, cat_scale, neg_inv_cat_shape, risk_score;
};

template <class L>
APMSIM_HD StratumLookup<L> lookup_stratum(const ModelParams& p, typename L::I s) {
  const StratumParams& s0 = p.stratum[0];
  StratumLookup<L> r{L::splat(s0.p_any),     L::splat(s0.mu),        L::splat(s0.sigma),
                     L::splat(s0.cat_prob),  L::splat(s0.cat_scale), L::splat(s0.neg_inv_cat_shape),
                     L::splat(s0.risk_score)};
  for (int j = 1; j < p.strata; ++j) {
    const StratumParams& sj = p.stratum[j];
    const auto m = s == j;
    r.p_any = L::select(m, L::splat(sj.p_any), r.p_any);
    r.mu = L::select(m, L::splat(sj.mu), r.mu);
    r.sigma = L::select(m, L::splat(sj.sigma), r.sigma);
    r.cat_prob = L::select(m, L::splat(sj.cat_prob), r.cat_prob);
    r.cat_scale = L::select(m, L::splat(sj.cat_scale), r.cat_scale);
    r.neg_inv_cat_shape = L::select(m, L::splat(sj.neg_inv_cat_shape), r.neg_inv_cat_shape);
    r.risk_score = L::select(m, L::splat(sj.risk_score), r.risk_score);
  }
  return r;
}

//! Index of the first cumulative probability above u: inverse of a discrete distribution.
template <class L>
APMSIM_HD typename L::I sample_discrete(const float* cumulative, int n, typename L::F u) {
  typename L::I s = L::splat_i(0);
  for (int j = 0; j + 1 < n; ++j)
    s = s + L::select(u >= cumulative[j], L::splat_i(1), L::splat_i(0));
  return s;
}

//! Next year's stratum from the current one's transition row.
template <class L>
APMSIM_HD typename L::I transition(const ModelParams& p, typename L::I s, typename L::F u) {
  typename L::I next = L::splat_i(0);
  for (int j = 0; j + 1 < p.strata; ++j) {
    typename L::F threshold = L::splat(p.stratum[0].transition_cum[j]);
    for (int i = 1; i < p.strata; ++i)
      threshold = L::select(s == i, L::splat(p.stratum[i].transition_cum[j]), threshold);
    next = next + L::select(u >= threshold, L::splat_i(1), L::splat_i(0));
  }
  return next;
}

//! Measure words after the fixed draws: words 1..3 of block 2, then blocks 3, 4, ...
template <class L>
class MeasureWords {
 public:
  APMSIM_HD MeasureWords(const Philox4<L>& block2, Key key, std::uint32_t replication,
                         std::uint32_t entity, typename L::U units, int year)
      : block_(block2),
        key_(key),
        replication_(replication),
        entity_(entity),
        units_(units),
        year_(year) {}
  APMSIM_HD typename L::U next() {
    if (word_ == 4) {
      block_ = draw_block<L>(key_, kStreamUnit, replication_, entity_, units_,
                             static_cast<std::uint32_t>(year_), next_block_++);
      word_ = 0;
    }
    const int w = word_++;
    return w == 0 ? block_.x : w == 1 ? block_.y : w == 2 ? block_.z : block_.w;
  }

 private:
  Philox4<L> block_;
  Key key_;
  std::uint32_t replication_, entity_;
  typename L::U units_;
  int year_;
  std::uint32_t next_block_ = 3;
  int word_ = 1;
};

//! One unit-year for each active lane: draws, cost, counterfactual, measures, tallies.
//! `fresh_units` marks lanes whose patient is new this year (first year, or every episode);
//! others may still be replaced by churn.
template <class L, class Sink>
APMSIM_HD void unit_year(const ModelParams& p, const TallyLayout& layout, const EntityShape& shape,
                         const EntityYear& ey, Key key, std::uint32_t replication,
                         std::uint32_t entity, int year, typename L::U units, typename L::M active,
                         typename L::M fresh_units, PatientState<L>& st, Sink& sink) {
  using F = typename L::F;
  using M = typename L::M;
  const auto y = static_cast<std::uint32_t>(year);
  const Philox4<L> b0 = draw_block<L>(key, kStreamUnit, replication, entity, units, y, 0);
  const Philox4<L> b1 = draw_block<L>(key, kStreamUnit, replication, entity, units, y, 1);
  const Philox4<L> b2 = draw_block<L>(key, kStreamUnit, replication, entity, units, y, 2);

  // Who is in the slot: a new patient (stratum from the case mix, stationary frailty, fresh
  // adherence) or last year's (stratum transition, AR(1) frailty).
  F z_body, z_frailty;
  box_muller<L>(uniform<L>(b0.z), uniform<L>(b0.w), z_body, z_frailty);
  const F u_stratum = uniform<L>(b1.z);
  const M fresh = fresh_units | (uniform<L>(b1.y) < p.churn);
  const typename L::I s_new = sample_discrete<L>(shape.case_mix_cum, p.strata, u_stratum);
  const typename L::I s_old =
      p.has_transitions ? transition<L>(p, st.stratum, u_stratum) : st.stratum;
  st.stratum = L::select(fresh, s_new, s_old);
  st.frailty = L::select(fresh, z_frailty * p.frailty_sd,
                         st.frailty * p.frailty_rho + z_frailty * p.frailty_innovation_sd);
  if (L::any(fresh)) {
    F z_adherence, unused;
    box_muller<L>(uniform<L>(b1.w), uniform<L>(b2.x), z_adherence, unused);
    const F a = logistic<L>(z_adherence * p.adherence_logit_sd + p.adherence_logit_mean);
    st.adherence_dev = L::select(fresh, a - p.adherence_mean, st.adherence_dev);
  }

  // Cost (DESIGN 3.6): every multiplicative shock is mean-one.
  const StratumLookup<L> sp = lookup_stratum<L>(p, st.stratum);
  const F log_body = sp.mu + sp.sigma * z_body + st.frailty + p.frailty_correction +
                     st.adherence_dev * p.adherence_cost + p.adherence_correction + ey.log_shift;
  const M any = active & (uniform<L>(b0.x) < sp.p_any);
  const F body = L::select(any, exp_approx<L>(log_body), L::splat(0.0f));
  const M catastrophic = active & (uniform<L>(b0.y) < sp.cat_prob);
  F cat = L::splat(0.0f);
  if (L::any(catastrophic)) {  // rare: skip the Pareto draw when no lane needs it
    const F pareto =
        sp.cat_scale * exp_approx<L>(log_approx<L>(uniform<L>(b1.x)) * sp.neg_inv_cat_shape);
    cat = L::select(catastrophic, pareto * ey.trend, cat);
  }
  const F counterfactual = body * ey.trend + cat;
  const F cost = body * (ey.effect * ey.trend) + cat;
  const F risk = L::select(active, sp.risk_score * ey.risk_factor, L::splat(0.0f));

  const typename L::D cost_d = L::to_double(cost);
  sink.count(year, TallyLayout::kUnits, active);
  sink.add(year, TallyLayout::kCost, cost_d);
  sink.add(year, TallyLayout::kCostSquared, cost_d * cost_d);
  sink.add(year, TallyLayout::kCounterfactual, L::to_double(counterfactual));
  sink.add(year, TallyLayout::kRiskScore, L::to_double(risk));
  sink.count(year, TallyLayout::kAnyCost, any | catastrophic);
  sink.count(year, TallyLayout::kCatastrophic, catastrophic);
  sink.add(year, TallyLayout::kCatastrophicCost, L::to_double(cat));
  for (int t = 0; t < p.thresholds; ++t) {
    const F a = L::splat(p.threshold[t]);
    sink.add(year, layout.capped_field(t), L::to_double(L::select(cost < a, cost, a)));
  }

  // Outcome measures (DESIGN 3.7): eligible by stratum, measured if the patient responds
  // (sicker patients respond less), achieved with a logit in frailty, adherence and quality.
  MeasureWords<L> words(b2, key, replication, entity, units, year);
  for (int m = 0; m < p.measures; ++m) {
    const MeasureParams& mp = p.measure[m];
    const typename L::U w_response = words.next();
    const typename L::U w_achieved = words.next();
    const M eligible =
        active &
        L::is_set((L::splat_i(static_cast<std::int32_t>(mp.eligible_strata)) >> st.stratum) & 1);
    const F u_response = uniform<L>(w_response);
    const M responds = mp.nonresponse_frailty != 0.0f
                           ? bernoulli_logit<L>(u_response, mp.logit_response -
                                                                st.frailty * mp.nonresponse_frailty)
                           : u_response < mp.response_probability;
    const M measured = eligible & responds;
    const F eta = mp.logit_base + st.frailty * mp.frailty_coef +
                  st.adherence_dev * mp.adherence_coef + ey.quality[m];
    const M achieved = eligible & bernoulli_logit<L>(uniform<L>(w_achieved), eta);
    sink.count(year, layout.measure_field(m, TallyLayout::kEligible), eligible);
    sink.count(year, layout.measure_field(m, TallyLayout::kMeasured), measured);
    sink.count(year, layout.measure_field(m, TallyLayout::kAchieved), measured & achieved);
    sink.count(year, layout.measure_field(m, TallyLayout::kAchievedTrue), achieved);
  }
}

//! A patient slot followed through every year (population units): stratum, frailty and
//! adherence persist; churn replaces the patient.
template <class L, class Sink>
APMSIM_HD void simulate_panel(const ModelParams& p, const TallyLayout& layout,
                              const EntityShape& shape, const EntityYear* entity_years, Key key,
                              std::uint32_t replication, std::uint32_t entity, typename L::U slots,
                              typename L::M active, Sink& sink) {
  PatientState<L> st = initial_state<L>();
  for (int k = 0; k < p.years; ++k)
    unit_year<L>(p, layout, shape, entity_years[k], key, replication, entity, k, slots, active,
                 L::splat_m(k == 0), st, sink);
}

//! Independent episodes of one year (episode units): every one a new patient.
template <class L, class Sink>
APMSIM_HD void simulate_episodes(const ModelParams& p, const TallyLayout& layout,
                                 const EntityShape& shape, const EntityYear& entity_year, Key key,
                                 std::uint32_t replication, std::uint32_t entity, int year,
                                 typename L::U episodes, typename L::M active, Sink& sink) {
  PatientState<L> st = initial_state<L>();
  unit_year<L>(p, layout, shape, entity_year, key, replication, entity, year, episodes, active,
               L::splat_m(true), st, sink);
}

}  // namespace apmsim::model
