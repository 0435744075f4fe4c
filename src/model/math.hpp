#pragma once
//! Elementary functions for the model, written over a lane policy (lanes.hpp) so the host SIMD
//! path, the scalar reference and the device round identically. Cephes-style polynomials in
//! single precision, no fused multiply-add; relative error about 2 ulp on the ranges used.

#include "model/lanes.hpp"

namespace apmsim::model {

//! e^x for x in [-87, 88] (clamped outside): x = n ln2 + r, |r| <= ln2/2, 2^n by exponent bits.
template <class L>
APMSIM_HD typename L::F exp_approx(typename L::F x) {
  using F = typename L::F;
  using I = typename L::I;
  // Clamp in the form x86's min/max instructions implement exactly (a < b ? a : b).
  x = L::select(x < 88.0f, x, L::splat(88.0f));
  x = L::select(x > -87.0f, x, L::splat(-87.0f));
  // n = round-to-nearest-even(x / ln2): adding 1.5 2^23 leaves n in the low mantissa bits.
  const F shifted = x * 1.44269504088896341f + 12582912.0f;
  const F fn = shifted - 12582912.0f;
  const I n = L::as_int(shifted) - 0x4b400000;
  F r = x - fn * 0.693359375f;  // Cody-Waite: ln2 = 0.693359375 - 2.12194440e-4
  r = r + fn * 2.12194440e-4f;
  // e^r = 1 + r + r^2 q(r), q of degree 4 fitted on [-ln2/2, ln2/2] (relative error 4e-9 in
  // exact arithmetic); Estrin's scheme keeps the dependency chain short.
  const F r2 = r * r;
  const F q01 = r * 0.166665181517601f + 0.49999988079071045f;
  const F q23 = r * 0.008368915878236294f + 0.04166953265666962f;
  const F q = q01 + r2 * (q23 + r2 * 0.0013751407386735082f);
  const F e = (r2 * q + r) + 1.0f;
  return e * L::as_float((n + 127) << 23);
}

//! Natural log for finite x > 0 (normal numbers): x = m 2^e with m in [sqrt(1/2), sqrt(2)).
template <class L>
APMSIM_HD typename L::F log_approx(typename L::F x) {
  using F = typename L::F;
  using I = typename L::I;
  const I bits = L::as_int(x);
  I e = ((bits >> 23) & 0xff) - 126;
  F m = L::as_float((bits & 0x807fffff) | 0x3f000000);  // m in [0.5, 1)
  const auto small = m < 0.707106781186547524f;
  e = L::select(small, e - 1, e);
  m = L::select(small, m + m - 1.0f, m - 1.0f);
  const F z = m * m;
  // Cephes logf's polynomial, evaluated by Estrin's scheme (short dependency chains).
  const F p01 = m * -2.4999993993e-1f + 3.3333331174e-1f;
  const F p23 = m * -1.6668057665e-1f + 2.0000714765e-1f;
  const F p45 = m * -1.2420140846e-1f + 1.4249322787e-1f;
  const F p67 = m * -1.1514610310e-1f + 1.1676998740e-1f;
  const F z2 = z * z;
  const F p = (p01 + z * p23) + z2 * ((p45 + z * p67) + z2 * 7.0376836292e-2f);
  const F fe = L::to_float(e);
  F y = m * z * p;
  y = y + fe * -2.12194440e-4f;
  y = y - 0.5f * z;
  return (m + y) + fe * 0.693359375f;
}

//! sin(2 pi u) and cos(2 pi u) for u in [0, 1]: quarter-turn reduction on u itself (exact),
//! then minimax polynomials on [-pi/4, pi/4].
template <class L>
APMSIM_HD void sincos_2pi(typename L::F u, typename L::F& s_out, typename L::F& c_out) {
  using F = typename L::F;
  using I = typename L::I;
  const I q = L::trunc_to_int(u * 4.0f + 0.5f);  // nearest quarter turn, 0..4
  const F r = u - L::to_float(q) * 0.25f;        // in [-1/8, 1/8], exact
  const F a = r * 6.28318530717958648f;
  const F a2 = a * a;
  F s = L::splat(-1.9515295891e-4f);
  s = s * a2 + 8.3321608736e-3f;
  s = s * a2 - 1.6666654611e-1f;
  s = s * a2 * a + a;
  F c = L::splat(2.443315711809948e-5f);
  c = c * a2 - 1.388731625493765e-3f;
  c = c * a2 + 4.166664568298827e-2f;
  c = c * a2 * a2 - 0.5f * a2 + 1.0f;
  const I quadrant = q & 3;
  const auto swap = (quadrant & 1) != 0;  // quadrants 1 and 3 exchange sin and cos
  F sv = L::select(swap, c, s);
  F cv = L::select(swap, s, c);
  sv = L::select((quadrant & 2) != 0, -sv, sv);        // quadrants 2, 3: sin < 0 ...
  cv = L::select(((quadrant + 1) & 2) != 0, -cv, cv);  // quadrants 1, 2: cos < 0
  s_out = sv;
  c_out = cv;
}

//! 1 / (1 + e^-x).
template <class L>
APMSIM_HD typename L::F logistic(typename L::F x) {
  return 1.0f / (1.0f + exp_approx<L>(-x));
}

//! A Bernoulli draw with P(true) = logistic(eta) from a uniform u, as u (1 + e^-eta) < 1:
//! the same event as u < logistic(eta), without a division.
template <class L>
APMSIM_HD typename L::M bernoulli_logit(typename L::F u, typename L::F eta) {
  return u * (1.0f + exp_approx<L>(-eta)) < 1.0f;
}

}  // namespace apmsim::model
