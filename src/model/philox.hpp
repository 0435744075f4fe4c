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

//! The same bijection when only counter word y differs between lanes (x, z, w are shared, as in
//! every draw_block): the first three rounds have scalar multiplies, which this does once.
template <class L>
APMSIM_HD Philox4<L> philox4x32_10_lane_y(std::uint32_t x, typename L::U y, std::uint32_t z,
                                          std::uint32_t w, std::uint32_t k0, std::uint32_t k1) {
  using U = typename L::U;
  constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  std::uint32_t hi0, lo0, hi1, lo1;
  ScalarLanes::mulhilo(x, 0xD2511F53u, hi0, lo0);  // round 1: x, z shared
  ScalarLanes::mulhilo(z, 0xCD9E8D57u, hi1, lo1);
  const U x1 = y ^ (hi1 ^ k0);
  const std::uint32_t y1 = lo1, z1 = hi0 ^ w ^ k1, w1 = lo0;
  k0 += kW0;
  k1 += kW1;
  U vhi, vlo;  // round 2: z shared
  L::mulhilo(x1, 0xD2511F53u, vhi, vlo);
  ScalarLanes::mulhilo(z1, 0xCD9E8D57u, hi1, lo1);
  const std::uint32_t x2 = hi1 ^ y1 ^ k0, y2 = lo1;
  const U z2 = vhi ^ (w1 ^ k1), w2 = vlo;
  k0 += kW0;
  k1 += kW1;
  ScalarLanes::mulhilo(x2, 0xD2511F53u, hi0, lo0);  // round 3: x shared
  U vhi1, vlo1;
  L::mulhilo(z2, 0xCD9E8D57u, vhi1, vlo1);
  Philox4<L> c{vhi1 ^ (y2 ^ k0), vlo1, w2 ^ (hi0 ^ k1), L::splat_u(lo0)};
  k0 += kW0;
  k1 += kW1;
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

}  // namespace apmsim::model
