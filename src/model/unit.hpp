#pragma once
//! The per-unit model (DESIGN 3.3-3.7), written once over a lane policy: one unit-year of a
//! patient (or one episode) in, tallies out through a Sink with `add(year, field, double lanes)`
//! for sums and `count(year, field, mask)` for counts (kept exact as integers by CPU sinks).
//! A unit-year is four steps, each a function below: its draws (model/unit_draws.hpp), who is in
//! the slot, the cost (model/empirical_body.hpp for empirical severities), and the outcome
//! measures. Every function is force-inlined (APMSIM_HD): the steps compile into one loop body
//! (the same instructions, give or take register choices, as one long function).

#include "model/empirical_body.hpp"
#include "model/math.hpp"
#include "model/params.hpp"
#include "model/random.hpp"
#include "model/tally_layout.hpp"
#include "model/unit_draws.hpp"

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

//! Stratum parameters gathered per lane.
template <class L>
struct StratumLookup {
  typename L::F p_any, mu, sigma, cat_prob, cat_scale, neg_inv_cat_shape, risk_score;
};

//! The parameters of each lane's stratum.
template <class L>
APMSIM_HD StratumLookup<L> lookup_stratum(const ModelParams& p, typename L::I s) {
  const StrataTable& t = p.stratum;
  const int n = p.strata;
  return StratumLookup<L>{L::lookup(t.p_any, s, n),     L::lookup(t.mu, s, n),
                          L::lookup(t.sigma, s, n),     L::lookup(t.cat_prob, s, n),
                          L::lookup(t.cat_scale, s, n), L::lookup(t.neg_inv_cat_shape, s, n),
                          L::lookup(t.risk_score, s, n)};
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
  for (int j = 0; j + 1 < p.strata; ++j)
    next = next + L::select(u >= L::lookup(p.stratum.transition_cum[j], s, p.strata), L::splat_i(1),
                            L::splat_i(0));
  return next;
}

//! Who is in the slot this year: a new patient (stratum from the case mix, stationary frailty,
//! fresh adherence) or last year's (stratum transition, AR(1) frailty). Returns the lanes with a
//! new patient; `z_body` gets the body's normal draw (the pair of the frailty's).
template <class L>
APMSIM_HD typename L::M next_patient(const ModelParams& p, const EntityShape& shape,
                                     const UnitYearDraws<L>& d, typename L::M fresh_units,
                                     PatientState<L>& st, typename L::F& z_body) {
  using F = typename L::F;
  using M = typename L::M;
  F z_frailty;
  box_muller<L>(d.u_body, d.u_frailty, z_body, z_frailty);
  const M fresh = fresh_units | (d.u_churn < shape.replacement);
  const typename L::I s_new = sample_discrete<L>(shape.case_mix_cum, p.strata, d.u_stratum);
  const typename L::I s_old =
      p.has_transitions ? transition<L>(p, st.stratum, d.u_stratum) : st.stratum;
  st.stratum = L::select(fresh, s_new, s_old);
  st.frailty = L::select(fresh, z_frailty * p.frailty_sd,
                         st.frailty * p.frailty_rho + z_frailty * p.frailty_innovation_sd);
  if (L::any(fresh)) {
    F z_adherence, unused;
    box_muller<L>(uniform<L>(d.b1.w), low_bits_uniform<L>(d.b0.x, d.b0.y, d.b0.z),  // W7, L0
                  z_adherence, unused);
    const F a = logistic<L>(z_adherence * p.adherence_logit_sd + p.adherence_logit_mean);
    st.adherence_dev = L::select(fresh, a - p.adherence_mean, st.adherence_dev);
  }
  return fresh;
}

//! A unit-year's cost and what the tallies count of it.
template <class L>
struct UnitCost {
  typename L::F cost, counterfactual, cat, risk;
  typename L::M any, catastrophic;
};

//! Cost (DESIGN 3.6): every multiplicative shock is mean-one.
template <class L>
APMSIM_HD UnitCost<L> unit_cost(const ModelParams& p, const EntityYear& ey,
                                const PatientState<L>& st, const UnitYearDraws<L>& d,
                                typename L::F z_body, typename L::M active) {
  using F = typename L::F;
  using M = typename L::M;
  const StratumLookup<L> sp = lookup_stratum<L>(p, st.stratum);
  F log_body = sp.mu + sp.sigma * z_body + st.frailty + p.frailty_correction +
               st.adherence_dev * p.adherence_cost + p.adherence_correction + ey.log_shift;
  F empirical_factor = L::splat(1.0f);
  if (p.has_empirical) {  // the same branch in every lane
    // An empirical body is g(w) at the normal score w carrying the frailty (docs/model.md);
    // the other mean-one factors multiply it as they multiply the lognormal body.
    const StrataTable& t = p.stratum;
    const M empirical = L::lookup(t.empirical, st.stratum, p.strata) != 0.0f;
    const F w = (L::lookup(t.score_sd, st.stratum, p.strata) * z_body + st.frailty) *
                L::lookup(t.inv_score_total, st.stratum, p.strata);
    log_body = L::select(
        empirical, st.adherence_dev * p.adherence_cost + p.adherence_correction + ey.log_shift,
        log_body);
    empirical_factor = L::select(empirical, empirical_body<L>(p, st.stratum, w), empirical_factor);
  }
  UnitCost<L> c;
  c.any = active & (d.u_any < sp.p_any);
  F body = L::select(c.any, exp_approx<L>(log_body), L::splat(0.0f));
  if (p.has_empirical) body = body * empirical_factor;
  c.catastrophic = active & (d.u_cat < sp.cat_prob);
  c.cat = L::splat(0.0f);
  if (L::any(c.catastrophic)) {  // rare: skip the Pareto draw when no lane needs it
    const F pareto = sp.cat_scale * exp_approx<L>(log_approx<L>(d.u_size) * sp.neg_inv_cat_shape);
    c.cat = L::select(c.catastrophic, pareto * ey.trend, c.cat);
  }
  c.counterfactual = body * ey.trend + c.cat;
  c.cost = body * (ey.effect * ey.trend) + c.cat;
  c.risk = L::select(active, sp.risk_score * ey.risk_factor, L::splat(0.0f));
  return c;
}

//! The cost's tallies, and who the unit is for a claims sink.
template <class L, class Sink>
APMSIM_HD void tally_cost(const ModelParams& p, const TallyLayout& layout, const EntityYear& ey,
                          int year, const PatientState<L>& st, typename L::M fresh,
                          typename L::M active, const UnitCost<L>& c, Sink& sink) {
  using F = typename L::F;
  // Local copies: the sink's integer stores could alias the layout's and the parameters' ints,
  // which the compiler would otherwise load again, and recompute each field's place, per sum.
  const TallyLayout lay = layout;
  const int thresholds = p.thresholds, types = p.types;
  const typename L::D cost_d = L::to_double(c.cost);
  sink.patient(year, st.stratum, fresh, active);  // who this unit is (claims); tallies ignore it
  sink.count(year, TallyLayout::kUnits, active);
  sink.add(year, TallyLayout::kCost, cost_d);
  sink.add(year, TallyLayout::kCostSquared, cost_d * cost_d);
  sink.add(year, TallyLayout::kCounterfactual, L::to_double(c.counterfactual));
  sink.add(year, TallyLayout::kRiskScore, L::to_double(c.risk));
  sink.count(year, TallyLayout::kAnyCost, c.any | c.catastrophic);
  sink.count(year, TallyLayout::kCatastrophic, c.catastrophic);
  sink.add(year, TallyLayout::kCatastrophicCost, L::to_double(c.cat));
  for (int t = 0; t < thresholds; ++t) {
    if (!((p.threshold_years[t] >> year) & 1u)) continue;  // not read in this year: not summed
    const F a = L::splat(p.threshold[t]);
    const typename L::D capped = L::to_double(L::select(c.cost < a, c.cost, a));
    sink.add(year, lay.capped_field(t), capped);
    sink.add(year, lay.capped_squared_field(t), capped * capped);
    sink.count(year, lay.above_field(t), c.cost > a);  // inactive lanes cost 0 < a
  }
  if (types > 0) {  // the same branch in every lane
    const F type = L::lookup(p.stratum.enrollment, st.stratum, p.strata);
    const F zero = L::splat(0.0f);
    for (int t = 0; t < types; ++t) {
      const typename L::M in = active & (type == L::splat(static_cast<float>(t)));
      const F a = L::splat(ey.type_truncation[t]);
      const int field = lay.type_field(t, 0);
      sink.count(year, field + TallyLayout::kTypeUnits, in);
      sink.add(year, field + TallyLayout::kTypeCost, L::to_double(L::select(in, c.cost, zero)));
      sink.add(year, field + TallyLayout::kTypeTruncated,
               L::to_double(L::select(in, L::select(c.cost < a, c.cost, a), zero)));
      sink.add(year, field + TallyLayout::kTypeRisk, L::to_double(L::select(in, c.risk, zero)));
    }
  }
}

//! Measure m's uniforms (response, achieved): W8 W9, W10 W11, L1 L2 for the first three, the
//! words of blocks 3, 4, ... in order for the rest. The branch is on m, the same in every lane.
template <class L>
APMSIM_HD void measure_uniforms(int m, const UnitYearDraws<L>& d, ExtraWords<L>& extra,
                                typename L::F& u_response, typename L::F& u_achieved) {
  if (m == 0) {
    u_response = uniform<L>(d.b2.x);
    u_achieved = uniform<L>(d.b2.y);
  } else if (m == 1) {
    u_response = uniform<L>(d.b2.z);
    u_achieved = uniform<L>(d.b2.w);
  } else if (m == 2) {
    u_response = low_bits_uniform<L>(d.b0.w, d.b1.x, d.b1.y);  // L1
    u_achieved = low_bits_uniform<L>(d.b1.z, d.b1.w, d.b2.x);  // L2
  } else {
    u_response = uniform<L>(extra.next());
    u_achieved = uniform<L>(extra.next());
  }
}

//! Outcome measures (DESIGN 3.7): eligible by stratum, measured if the patient responds
//! (sicker patients respond less), achieved with a logit in frailty, adherence and quality.
template <class L, class Sink>
APMSIM_HD void tally_measures(const ModelParams& p, const TallyLayout& layout, const EntityYear& ey,
                              const UnitYearDraws<L>& d, ExtraWords<L>& extra, int year,
                              const PatientState<L>& st, typename L::M active, Sink& sink) {
  using F = typename L::F;
  using M = typename L::M;
  for (int m = 0; m < p.measures; ++m) {
    const MeasureParams& mp = p.measure[m];
    F u_response, u_achieved;
    measure_uniforms<L>(m, d, extra, u_response, u_achieved);
    const M eligible =
        active &
        L::is_set((L::splat_i(static_cast<std::int32_t>(mp.eligible_strata)) >> st.stratum) & 1);
    const M responds = mp.nonresponse_frailty != 0.0f
                           ? bernoulli_logit<L>(u_response, mp.logit_response -
                                                                st.frailty * mp.nonresponse_frailty)
                           : u_response < mp.response_probability;
    const M measured = eligible & responds;
    const F eta = mp.logit_base + st.frailty * mp.frailty_coef +
                  st.adherence_dev * mp.adherence_coef + ey.quality[m];
    const M achieved = eligible & bernoulli_logit<L>(u_achieved, eta);
    sink.count(year, layout.measure_field(m, TallyLayout::kEligible), eligible);
    sink.count(year, layout.measure_field(m, TallyLayout::kMeasured), measured);
    sink.count(year, layout.measure_field(m, TallyLayout::kAchieved), measured & achieved);
    sink.count(year, layout.measure_field(m, TallyLayout::kAchievedTrue), achieved);
  }
}

//! One unit-year for each active lane: draws, cost, counterfactual, measures, tallies.
//! Every lane reaches every sink call (inactive lanes with zeros, no lane-dependent branch around
//! a call): the device sink reduces across a warp at each call.
//! `fresh_units` marks lanes whose patient is new this year (first year, or every episode);
//! others may still be replaced by churn.
template <class L, class Sink>
APMSIM_HD void unit_year(const ModelParams& p, const TallyLayout& layout, const EntityShape& shape,
                         const EntityYear& ey, Key key, std::uint32_t replication,
                         std::uint32_t entity, int year, typename L::U units, typename L::M active,
                         typename L::M fresh_units, PatientState<L>& st, Sink& sink,
                         const UnitYearPrefix<L>* cached_prefix = nullptr) {
  const UnitYearDraws<L> d =
      draw_unit_year<L>(key, replication, entity, year, units, cached_prefix);
  typename L::F z_body;
  const typename L::M fresh = next_patient<L>(p, shape, d, fresh_units, st, z_body);
  // Who counts this year: the slots assigned (assigned_share), and under retrospective
  // assignment only those who used care. The patient lives on either way: no draw moves.
  const typename L::M assigned = active & (units < L::splat_u(ey.assigned));
  UnitCost<L> cost = unit_cost<L>(p, ey, st, d, z_body, assigned);
  typename L::M counted = assigned;
  if (shape.retrospective) {  // the same branch in every lane
    counted = assigned & (cost.any | cost.catastrophic);
    cost.risk = L::select(counted, cost.risk, L::splat(0.0f));
  }
  tally_cost<L>(p, layout, ey, year, st, fresh, counted, cost, sink);
  ExtraWords<L> extra(key, replication, entity, units, year);
  tally_measures<L>(p, layout, ey, d, extra, year, st, counted, sink);
}

//! A patient slot followed through every year (population units): stratum, frailty and
//! adherence persist; churn replaces the patient. `prefixes[k]`, when given, holds year k's
//! unit_year_prefix (a caller running many groups of units computes them once).
template <class L, class Sink>
APMSIM_HD void simulate_panel(const ModelParams& p, const TallyLayout& layout,
                              const EntityShape& shape, const EntityYear* entity_years, Key key,
                              std::uint32_t replication, std::uint32_t entity, typename L::U slots,
                              typename L::M active, Sink& sink,
                              const UnitYearPrefix<L>* prefixes = nullptr) {
  PatientState<L> st = initial_state<L>();
  for (int k = 0; k < p.years; ++k)
    unit_year<L>(p, layout, shape, entity_years[k], key, replication, entity, k, slots, active,
                 L::splat_m(k == 0), st, sink, prefixes ? prefixes + k : nullptr);
}

//! Independent episodes of one year (episode units): every one a new patient. `prefix`, when
//! given, is the year's unit_year_prefix.
template <class L, class Sink>
APMSIM_HD void simulate_episodes(const ModelParams& p, const TallyLayout& layout,
                                 const EntityShape& shape, const EntityYear& entity_year, Key key,
                                 std::uint32_t replication, std::uint32_t entity, int year,
                                 typename L::U episodes, typename L::M active, Sink& sink,
                                 const UnitYearPrefix<L>* prefix = nullptr) {
  PatientState<L> st = initial_state<L>();
  unit_year<L>(p, layout, shape, entity_year, key, replication, entity, year, episodes, active,
               L::splat_m(true), st, sink, prefix);
}

}  // namespace apmsim::model
