#pragma once
//! The per-unit model (DESIGN 3.3-3.7), written once over a lane policy: one unit-year of a
//! patient (or one episode) in, tallies out through a Sink with `add(year, field, double lanes)`
//! for sums and `count(year, field, mask)` for counts (kept exact as integers by CPU sinks).
//! Draws of one unit-year (docs/model.md "Random numbers"): Philox blocks 0-2 give words W0..W11;
//! each word's top 23 bits make a uniform, and the low bits of words 3k, 3k+1, 3k+2 (9 + 9 + 5
//! bits, disjoint so independent) make more, Lk (L0..L2 are used, L3 is spare):
//!   U_any W0, U_cat W1, Box-Muller (z_body, z_frailty) W2 W3, U_size W4, U_churn W5,
//!   U_stratum W6, adherence Box-Muller W7 L0, measures 0..2 (response, achieved): W8 W9,
//!   W10 W11, L1 L2; measures 3.. take the words of blocks 3, 4, ... in order.
//! A uniform in the smallest bucket (top 23 bits zero, probability 2^-23) is refined from block
//! kRefineBlock, drawn only then, so tails are not capped at the 23-bit grid (docs/model.md).

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

//! Uniform from the low bits of three words: 9 + 9 + 5 bits that their top-bit uniforms leave.
template <class L>
APMSIM_HD typename L::F low_bits_uniform(typename L::U w0, typename L::U w1, typename L::U w2) {
  return uniform<L>((w0 << 23) | ((w1 & 0x1ffu) << 14) | ((w2 & 0x1ffu) << 5));
}

//! The block of a unit-year's counter that refines uniforms in their smallest bucket: never one
//! of the measure blocks 3, 4, ... (at most 10 with 16 measures).
inline constexpr std::uint32_t kRefineBlock = 0xffffu;

//! A uniform that fell in the bucket (0, 2^-23), subdivided by two more words: 2^-23 uniform(w1),
//! or, when w1's top bits are zero too, 2^-46 uniform(w2). The smallest value becomes 2^-70
//! (-ln u up to 48.5, a Box-Muller radius up to 9.85) instead of 2^-24 (16.6, 5.77).
template <class L>
APMSIM_HD typename L::F refined_small_uniform(typename L::U w1, typename L::U w2) {
  const typename L::F level1 = uniform<L>(w1) * 1.1920928955078125e-07f;  // 2^-23: exact
  const typename L::F level2 = uniform<L>(w2) * 1.4210854715202004e-14f;  // 2^-46: exact
  return L::select((w1 >> 9) == 0u, level2, level1);
}

//! An empirical body's cost beyond the grid's top score (w > kScoreLimit, probability 1e-9):
//! 1 - Phi(w) by the asymptotic series phi(w)/w (1 - 1/w^2 + 3/w^4 - 15/w^6) (relative error
//! below 3e-4 there), then the generalised Pareto quantile; the grid's top without a tail.
template <class L>
APMSIM_HD typename L::F empirical_tail(const ModelParams& p, typename L::I s, typename L::F w) {
  using F = typename L::F;
  const StrataTable& t = p.stratum;
  const F w2 = w * w, inv_w2 = 1.0f / w2;
  const F series = L::fma(
      inv_w2, L::fma(inv_w2, L::fma(inv_w2, L::splat(-15.0f), L::splat(3.0f)), L::splat(-1.0f)),
      L::splat(1.0f));
  const F log_v = L::fma(w2, L::splat(-0.5f), log_approx<L>(series)) -
                  log_approx<L>(w * 2.50662827463100050f);  // w sqrt(2 pi)
  const F r = log_v - L::lookup(t.tail_log_width, s, p.strata);  // ln(v / (1 - p_tail)) < 0
  const F xi = L::lookup(t.tail_shape, s, p.strata);
  const F sigma = L::lookup(t.tail_scale, s, p.strata);
  const F start = L::lookup(t.tail_start, s, p.strata);
  const auto exponential = xi == 0.0f;
  const F safe_xi = L::select(exponential, L::splat(1.0f), xi);
  const F gpd = L::select(exponential, L::fma(-sigma, r, start),
                          L::fma(sigma / safe_xi, exp_approx<L>(-safe_xi * r) - 1.0f, start));
  return L::select(L::lookup(t.tail_present, s, p.strata) != 0.0f, gpd,
                   L::lookup(t.grid_top, s, p.strata));
}

//! g(w) = Q(Phi(w)) of each lane's empirical stratum: linear between the normal-score grid's
//! points (two gathers and a fused multiply-add), its bottom below -kScoreLimit, the tail above
//! kScoreLimit.
template <class L>
APMSIM_HD typename L::F empirical_body(const ModelParams& p, typename L::I s, typename L::F w) {
  using F = typename L::F;
  using I = typename L::I;
  constexpr float kCellsPerScore = kScoreCells / (2.0f * kScoreLimit);
  F x = (w + kScoreLimit) * kCellsPerScore;
  x = L::select(x > 0.0f, x, L::splat(0.0f));
  x = L::select(x < static_cast<float>(kScoreCells), x, L::splat(static_cast<float>(kScoreCells)));
  I j = L::trunc_to_int(x);
  j = L::select(j < kScoreCells, j, L::splat_i(kScoreCells - 1));
  const F frac = x - L::to_float(j);
  const I at = L::trunc_to_int(L::lookup(p.stratum.grid_offset, s, p.strata)) + j;
  const F g0 = L::gather(p.severity, at);
  const F g1 = L::gather(p.severity, at + 1);
  F g = L::fma(frac, g1 - g0, g0);
  const auto beyond = w > kScoreLimit;
  if (L::any(beyond)) g = L::select(beyond, empirical_tail<L>(p, s, w), g);
  return g;
}

//! Words of blocks 3, 4, ... in order, for measures beyond the third.
template <class L>
class ExtraWords {
 public:
  APMSIM_HD ExtraWords(Key key, std::uint32_t replication, std::uint32_t entity,
                       typename L::U units, int year)
      : key_(key),
        replication_(replication),
        entity_(entity),
        units_(units),
        year_(static_cast<std::uint32_t>(year)) {}
  APMSIM_HD typename L::U next() {
    if (word_ == 4) {
      block_ =
          draw_block<L>(key_, kStreamUnit, replication_, entity_, units_, year_, next_block_++);
      word_ = 0;
    }
    const int w = word_++;
    return w == 0 ? block_.x : w == 1 ? block_.y : w == 2 ? block_.z : block_.w;
  }

 private:
  Key key_;
  std::uint32_t replication_, entity_;
  typename L::U units_;
  std::uint32_t year_;
  Philox4<L> block_{};
  std::uint32_t next_block_ = 3;
  int word_ = 4;
};

//! The prefixes of a unit-year's blocks 0-2 (draw_block_prefix): the same for every unit of an
//! (entity, year), so a caller with many groups of units computes them once.
template <class L>
struct UnitYearPrefix {
  PhiloxLaneYPrefix<L> block[3];
};

template <class L>
APMSIM_HD UnitYearPrefix<L> unit_year_prefix(Key key, std::uint32_t replication,
                                             std::uint32_t entity, int year) {
  const auto y = static_cast<std::uint32_t>(year);
  return UnitYearPrefix<L>{{draw_block_prefix<L>(key, kStreamUnit, replication, entity, y, 0),
                            draw_block_prefix<L>(key, kStreamUnit, replication, entity, y, 1),
                            draw_block_prefix<L>(key, kStreamUnit, replication, entity, y, 2)}};
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
  using F = typename L::F;
  using M = typename L::M;
  const UnitYearPrefix<L> prefix =
      cached_prefix ? *cached_prefix : unit_year_prefix<L>(key, replication, entity, year);
  const Philox4<L> b0 = draw_block<L>(key, prefix.block[0], units);
  const Philox4<L> b1 = draw_block<L>(key, prefix.block[1], units);
  const Philox4<L> b2 = draw_block<L>(key, prefix.block[2], units);
  const F u_any = uniform<L>(b0.x), u_cat = uniform<L>(b0.y);
  F u_body = uniform<L>(b0.z);
  const F u_frailty = uniform<L>(b0.w);
  F u_size = uniform<L>(b1.x);
  const F u_churn = uniform<L>(b1.y), u_stratum = uniform<L>(b1.z);
  // The Box-Muller radius and the Pareto size come from small uniforms: refine the smallest
  // bucket (rare: 2^-23 a draw) so neither tail stops at the 23-bit grid.
  const M small_body = (b0.z >> 9) == 0u, small_size = (b1.x >> 9) == 0u;
  if (L::any(small_body | small_size)) {
    const Philox4<L> r = draw_block<L>(key, kStreamUnit, replication, entity, units,
                                       static_cast<std::uint32_t>(year), kRefineBlock);
    u_body = L::select(small_body, refined_small_uniform<L>(r.x, r.y), u_body);
    u_size = L::select(small_size, refined_small_uniform<L>(r.z, r.w), u_size);
  }

  // Who is in the slot: a new patient (stratum from the case mix, stationary frailty, fresh
  // adherence) or last year's (stratum transition, AR(1) frailty).
  F z_body, z_frailty;
  box_muller<L>(u_body, u_frailty, z_body, z_frailty);
  const M fresh = fresh_units | (u_churn < p.churn);
  const typename L::I s_new = sample_discrete<L>(shape.case_mix_cum, p.strata, u_stratum);
  const typename L::I s_old =
      p.has_transitions ? transition<L>(p, st.stratum, u_stratum) : st.stratum;
  st.stratum = L::select(fresh, s_new, s_old);
  st.frailty = L::select(fresh, z_frailty * p.frailty_sd,
                         st.frailty * p.frailty_rho + z_frailty * p.frailty_innovation_sd);
  if (L::any(fresh)) {
    F z_adherence, unused;
    box_muller<L>(uniform<L>(b1.w), low_bits_uniform<L>(b0.x, b0.y, b0.z), z_adherence,  // W7, L0
                  unused);
    const F a = logistic<L>(z_adherence * p.adherence_logit_sd + p.adherence_logit_mean);
    st.adherence_dev = L::select(fresh, a - p.adherence_mean, st.adherence_dev);
  }

  // Cost (DESIGN 3.6): every multiplicative shock is mean-one.
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
  const M any = active & (u_any < sp.p_any);
  F body = L::select(any, exp_approx<L>(log_body), L::splat(0.0f));
  if (p.has_empirical) body = body * empirical_factor;
  const M catastrophic = active & (u_cat < sp.cat_prob);
  F cat = L::splat(0.0f);
  if (L::any(catastrophic)) {  // rare: skip the Pareto draw when no lane needs it
    const F pareto = sp.cat_scale * exp_approx<L>(log_approx<L>(u_size) * sp.neg_inv_cat_shape);
    cat = L::select(catastrophic, pareto * ey.trend, cat);
  }
  const F counterfactual = body * ey.trend + cat;
  const F cost = body * (ey.effect * ey.trend) + cat;
  const F risk = L::select(active, sp.risk_score * ey.risk_factor, L::splat(0.0f));

  const typename L::D cost_d = L::to_double(cost);
  sink.patient(year, st.stratum, fresh);  // who this unit is (claims output); tallies ignore it
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
  ExtraWords<L> extra(key, replication, entity, units, year);
  for (int m = 0; m < p.measures; ++m) {
    const MeasureParams& mp = p.measure[m];
    F u_response, u_achieved;  // the branch is on m, the same in every lane
    if (m == 0) {
      u_response = uniform<L>(b2.x);
      u_achieved = uniform<L>(b2.y);
    } else if (m == 1) {
      u_response = uniform<L>(b2.z);
      u_achieved = uniform<L>(b2.w);
    } else if (m == 2) {
      u_response = low_bits_uniform<L>(b0.w, b1.x, b1.y);  // L1
      u_achieved = low_bits_uniform<L>(b1.z, b1.w, b2.x);  // L2
    } else {
      u_response = uniform<L>(extra.next());
      u_achieved = uniform<L>(extra.next());
    }
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
