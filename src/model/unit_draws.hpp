#pragma once
//! The random numbers of one unit-year (docs/model.md "Random numbers"): Philox blocks 0-2 give
//! words W0..W11; each word's top 23 bits make a uniform, and the low bits of words 3k, 3k+1,
//! 3k+2 (9 + 9 + 5 bits, disjoint so independent) make more, Lk (L0..L2 are used, L3 is spare):
//!   U_any W0, U_cat W1, Box-Muller (z_body, z_frailty) W2 W3, U_size W4, U_churn W5,
//!   U_stratum W6, adherence Box-Muller W7 L0, measures 0..2 (response, achieved): W8 W9,
//!   W10 W11, L1 L2; measures 3.. take the words of blocks 3, 4, ... in order.
//! A uniform in the smallest bucket (top 23 bits zero, probability 2^-23) is refined from block
//! kRefineBlock, drawn only then, so tails are not capped at the 23-bit grid (docs/model.md).

#include "model/random.hpp"

namespace apmsim::model {

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

//! A unit-year's blocks 0-2 and the uniforms of their top bits (the measures' are drawn where
//! they are used), the Box-Muller radius's and the Pareto size's smallest bucket refined.
template <class L>
struct UnitYearDraws {
  Philox4<L> b0, b1, b2;
  typename L::F u_any, u_cat, u_body, u_frailty, u_size, u_churn, u_stratum;
};

//! The draws of a unit-year; `cached_prefix`, when given, is its unit_year_prefix.
template <class L>
APMSIM_HD UnitYearDraws<L> draw_unit_year(Key key, std::uint32_t replication, std::uint32_t entity,
                                          int year, typename L::U units,
                                          const UnitYearPrefix<L>* cached_prefix) {
  const UnitYearPrefix<L> prefix =
      cached_prefix ? *cached_prefix : unit_year_prefix<L>(key, replication, entity, year);
  UnitYearDraws<L> d;
  d.b0 = draw_block<L>(key, prefix.block[0], units);
  d.b1 = draw_block<L>(key, prefix.block[1], units);
  d.b2 = draw_block<L>(key, prefix.block[2], units);
  d.u_any = uniform<L>(d.b0.x);
  d.u_cat = uniform<L>(d.b0.y);
  d.u_body = uniform<L>(d.b0.z);
  d.u_frailty = uniform<L>(d.b0.w);
  d.u_size = uniform<L>(d.b1.x);
  d.u_churn = uniform<L>(d.b1.y);
  d.u_stratum = uniform<L>(d.b1.z);
  // The Box-Muller radius and the Pareto size come from small uniforms: refine the smallest
  // bucket (rare: 2^-23 a draw) so neither tail stops at the 23-bit grid.
  const typename L::M small_body = (d.b0.z >> 9) == 0u, small_size = (d.b1.x >> 9) == 0u;
  if (L::any(small_body | small_size)) {
    const Philox4<L> r = draw_block<L>(key, kStreamUnit, replication, entity, units,
                                       static_cast<std::uint32_t>(year), kRefineBlock);
    d.u_body = L::select(small_body, refined_small_uniform<L>(r.x, r.y), d.u_body);
    d.u_size = L::select(small_size, refined_small_uniform<L>(r.z, r.w), d.u_size);
  }
  return d;
}

}  // namespace apmsim::model
