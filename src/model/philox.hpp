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

}  // namespace apmsim::model
