#pragma once
//! Random streams from logical ids. Every draw is Philox4x32-10 at a counter built from
//! (stream, replication, entity, unit, year, block), keyed by the seed: any unit's numbers can be
//! made alone, so results never depend on threads, batch size or device. Layout (docs/model.md):
//!   x = year << 16 | block,  y = unit,  z = stream << 28 | entity,  w = replication.

#include <cstdint>

#include "model/math.hpp"
#include "model/philox.hpp"

namespace apmsim::model {

//! Which family of draws a counter belongs to (top four bits of counter word z).
enum Stream : std::uint32_t {
  kStreamUnit = 0,            //!< a patient-year or an episode
  kStreamProviderEffect = 1,  //!< e(p), d(p), q(p, m) per replication
  kStreamRegionShock = 2,     //!< v(r, k) per replication
  kStreamVolume = 3,          //!< episode counts per provider-year
  kStreamPractice = 4,        //!< the practices' cost drift per provider-year
  kStreamRunOut = 5,          //!< claims paid by the run-out cut-off per provider-year (contract)
};

inline constexpr std::uint32_t kMaxEntities = 1u << 28;

//! The Philox key from a 64-bit seed.
struct Key {
  std::uint32_t k0, k1;
};
APMSIM_HD Key key_from_seed(std::uint64_t seed) {
  return Key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}

//! splitmix64's finaliser: a well-mixed function of its input, for seeds derived from the run's
//! (the truncation pilot's, the parameter draws').
APMSIM_HD std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

//! Block `block` of draws for `units` (one per lane) in `year` of (stream, replication, entity).
template <class L>
APMSIM_HD Philox4<L> draw_block(Key key, Stream stream, std::uint32_t replication,
                                std::uint32_t entity, typename L::U units, std::uint32_t year,
                                std::uint32_t block) {
  return philox4x32_10_lane_y<L>((year << 16) | block, units,
                                 (static_cast<std::uint32_t>(stream) << 28) | entity, replication,
                                 key.k0, key.k1);
}

//! The lane-uniform part of draw_block's counter for (stream, replication, entity, year, block):
//! the same for every group of units, so it can be computed once and reused.
template <class L>
APMSIM_HD PhiloxLaneYPrefix<L> draw_block_prefix(Key key, Stream stream, std::uint32_t replication,
                                                 std::uint32_t entity, std::uint32_t year,
                                                 std::uint32_t block) {
  return philox_lane_y_prefix<L>((year << 16) | block,
                                 (static_cast<std::uint32_t>(stream) << 28) | entity, replication,
                                 key.k0, key.k1);
}

//! draw_block from its prefix: the same words.
template <class L>
APMSIM_HD Philox4<L> draw_block(Key key, const PhiloxLaneYPrefix<L>& prefix, typename L::U units) {
  return philox4x32_10_lane_y<L>(prefix, units, key.k0, key.k1);
}

//! Uniform on (0, 1) from the top 23 bits: (k + 1/2) 2^-23, exact in float, never 0 or 1.
//! Built as the float 1 + k 2^-23 (exponent bits) minus (1 - 2^-24); the subtraction is exact.
template <class L>
APMSIM_HD typename L::F uniform(typename L::U bits) {
  const typename L::U one_plus = (bits >> 9) | 0x3f800000u;
  return L::as_float((typename L::I)one_plus) - 0.99999994039535522f;
}

//! Uniform on (0, 1) in double from two words (53 bits), for host-side scalar samplers.
APMSIM_HD double uniform_double(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t k = (static_cast<std::uint64_t>(hi >> 5) << 26) | (lo >> 6);
  return (static_cast<double>(k) + 0.5) * 1.1102230246251565e-16;
}

//! Two independent standard normals from two uniforms (Box-Muller).
template <class L>
APMSIM_HD void box_muller(typename L::F u1, typename L::F u2, typename L::F& z0,
                          typename L::F& z1) {
  const typename L::F radius = L::sqrt(-2.0f * log_approx<L>(u1));
  typename L::F s, c;
  sincos_2pi<L>(u2, s, c);
  z0 = radius * c;
  z1 = radius * s;
}

}  // namespace apmsim::model
