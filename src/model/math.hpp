#pragma once
//! Elementary functions for the model, written over a lane policy (lanes.hpp) so the host SIMD
//! path, the scalar reference and the device round identically. Cephes-style polynomials in
//! single precision with explicit fused multiply-adds (L::fma, correctly rounded on every path;
//! the compiler is never allowed to contract on its own); relative error about 2 ulp.

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
  const F shifted = L::fma(x, L::splat(1.44269504088896341f), L::splat(12582912.0f));
  const F fn = shifted - 12582912.0f;
  const I n = L::as_int(shifted) - 0x4b400000;
  F r = L::fma(fn, L::splat(-0.693359375f), x);  // Cody-Waite: ln2 = 0.693359375 - 2.12194440e-4
  r = L::fma(fn, L::splat(2.12194440e-4f), r);
  // e^r = 1 + r + r^2 q(r), q of degree 4 fitted on [-ln2/2, ln2/2] (relative error 4e-9 in
  // exact arithmetic); Estrin's scheme keeps the dependency chain short.
  const F r2 = r * r;
  const F q01 = L::fma(r, L::splat(0.166665181517601f), L::splat(0.49999988079071045f));
  const F q23 = L::fma(r, L::splat(0.008368915878236294f), L::splat(0.04166953265666962f));
  const F q = L::fma(r2, L::fma(r2, L::splat(0.0013751407386735082f), q23), q01);
  const F e = L::fma(r2, q, r) + 1.0f;
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
  const F p01 = L::fma(m, L::splat(-2.4999993993e-1f), L::splat(3.3333331174e-1f));
  const F p23 = L::fma(m, L::splat(-1.6668057665e-1f), L::splat(2.0000714765e-1f));
  const F p45 = L::fma(m, L::splat(-1.2420140846e-1f), L::splat(1.4249322787e-1f));
  const F p67 = L::fma(m, L::splat(-1.1514610310e-1f), L::splat(1.1676998740e-1f));
  const F z2 = z * z;
  const F p =
      L::fma(z2, L::fma(z2, L::splat(7.0376836292e-2f), L::fma(z, p67, p45)), L::fma(z, p23, p01));
  const F fe = L::to_float(e);
  F y = (m * z) * p;
  y = L::fma(fe, L::splat(-2.12194440e-4f), y);
  y = L::fma(z, L::splat(-0.5f), y);
  return L::fma(fe, L::splat(0.693359375f), m + y);
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
  F s = L::fma(a2, L::splat(-1.9515295891e-4f), L::splat(8.3321608736e-3f));
  s = L::fma(s, a2, L::splat(-1.6666654611e-1f));
  s = L::fma(s * a2, a, a);
  F c = L::fma(a2, L::splat(2.443315711809948e-5f), L::splat(-1.388731625493765e-3f));
  c = L::fma(c, a2, L::splat(4.166664568298827e-2f));
  c = L::fma(c * a2, a2, L::fma(a2, L::splat(-0.5f), L::splat(1.0f)));
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

//! A Bernoulli draw with P(true) = logistic(eta) from a uniform u, as u + u e^-eta < 1 (one
//! rounding): the same event as u < logistic(eta), without a division.
template <class L>
APMSIM_HD typename L::M bernoulli_logit(typename L::F u, typename L::F eta) {
  return L::fma(u, exp_approx<L>(-eta), u) < 1.0f;
}

}  // namespace apmsim::model
