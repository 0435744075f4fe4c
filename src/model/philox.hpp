#pragma once
//! Philox4x32-10 (Salmon et al., SC'11), bit-identical to Random123's philox4x32 and to cuRAND's
//! curand_Philox4x32_10(counter, key): key = seed's low and high words, counter words x, y, z, w.

#include <cstdint>

#include "model/lanes.hpp"

namespace apmsim::model {

//! Four 32-bit counter or output words, one set per lane.
template <class L>
struct Philox4 {
  typename L::U x, y, z, w;
};

//! The ten-round bijection: output = Philox4x32-10(counter, key).
template <class L>
APMSIM_HD Philox4<L> philox4x32_10(Philox4<L> c, std::uint32_t k0, std::uint32_t k1) {
  using U = typename L::U;
#if defined(__CUDACC__)
#pragma unroll
#endif
  for (int round = 0; round < 10; ++round) {
    U hi0, lo0, hi1, lo1;
    L::mulhilo(c.x, 0xD2511F53u, hi0, lo0);
    L::mulhilo(c.z, 0xCD9E8D57u, hi1, lo1);
    c = Philox4<L>{hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0};
    k0 += 0x9E3779B9u;  // Weyl key schedule
    k1 += 0xBB67AE85u;
  }
  return c;
}

//! What the first three rounds of philox4x32_10_lane_y compute from the lane-uniform words
//! (x, z, w and the key), splatted: it depends on (x, z, w, key) only, so a caller whose many
//! lane groups share them can compute it once and keep it.
template <class L>
struct PhiloxLaneYPrefix {
  typename L::U x1, z2, x3, z3, w3;  //!< xored into (or, for w3, taken as) rounds 1-3's words
};

template <class L>
APMSIM_HD PhiloxLaneYPrefix<L> philox_lane_y_prefix(std::uint32_t x, std::uint32_t z,
                                                    std::uint32_t w, std::uint32_t k0,
                                                    std::uint32_t k1) {
  constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  std::uint32_t hi0, lo0, hi1, lo1;
  ScalarLanes::mulhilo(x, 0xD2511F53u, hi0, lo0);  // round 1: x, z shared
  ScalarLanes::mulhilo(z, 0xCD9E8D57u, hi1, lo1);
  const std::uint32_t x1 = hi1 ^ k0;  // round 1's x is y ^ x1
  const std::uint32_t y1 = lo1, z1 = hi0 ^ w ^ k1, w1 = lo0;
  k0 += kW0;
  k1 += kW1;
  ScalarLanes::mulhilo(z1, 0xCD9E8D57u, hi1, lo1);  // round 2: z shared
  const std::uint32_t x2 = hi1 ^ y1 ^ k0, y2 = lo1;
  const std::uint32_t z2 = w1 ^ k1;  // round 2's z is hi(x1 lanes) ^ z2
  k0 += kW0;
  k1 += kW1;
  ScalarLanes::mulhilo(x2, 0xD2511F53u, hi0, lo0);  // round 3: x shared
  return PhiloxLaneYPrefix<L>{L::splat_u(x1), L::splat_u(z2), L::splat_u(y2 ^ k0),
                              L::splat_u(hi0 ^ k1), L::splat_u(lo0)};
}

//! Philox4x32-10 at counter (x, y, z, w) with key (k0, k1), from the prefix of (x, z, w, key).
template <class L>
APMSIM_HD Philox4<L> philox4x32_10_lane_y(const PhiloxLaneYPrefix<L>& pre, typename L::U y,
                                          std::uint32_t k0, std::uint32_t k1) {
  using U = typename L::U;
  constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  U vhi, vlo;  // round 2
  L::mulhilo(y ^ pre.x1, 0xD2511F53u, vhi, vlo);
  const U z2 = vhi ^ pre.z2, w2 = vlo;
  U vhi1, vlo1;  // round 3
  L::mulhilo(z2, 0xCD9E8D57u, vhi1, vlo1);
  Philox4<L> c{vhi1 ^ pre.x3, vlo1, w2 ^ pre.z3, pre.w3};
  k0 += 3u * kW0;
  k1 += 3u * kW1;
  for (int round = 3; round < 10; ++round) {
    U h0, l0, h1, l1;
    L::mulhilo(c.x, 0xD2511F53u, h0, l0);
    L::mulhilo(c.z, 0xCD9E8D57u, h1, l1);
    c = Philox4<L>{h1 ^ c.y ^ k0, l1, h0 ^ c.w ^ k1, l0};
    k0 += kW0;
    k1 += kW1;
  }
  return c;
}

//! The same bijection when only counter word y differs between lanes (x, z, w are shared, as in
//! every draw_block): the first three rounds have scalar multiplies, which this does once.
template <class L>
APMSIM_HD Philox4<L> philox4x32_10_lane_y(std::uint32_t x, typename L::U y, std::uint32_t z,
                                          std::uint32_t w, std::uint32_t k0, std::uint32_t k1) {
  return philox4x32_10_lane_y<L>(philox_lane_y_prefix<L>(x, z, w, k0, k1), y, k0, k1);
}

}  // namespace apmsim::model
