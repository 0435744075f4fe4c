#pragma once
//! The one-dimensional minimiser of the severity fits: Brent's method, bounded. Unbounded, a
//! likelihood that turns NaN (a cost of 1e30 did it) never meets Brent's convergence test and the
//! search runs forever; here a value that is not finite counts as the worst, and the search stops
//! after kMaxBrentSteps (24 to 40 bits of a smooth function take 30 to 60).

#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

namespace apmsim::calibrate {

constexpr std::uintmax_t kMaxBrentSteps = 200;

//! The argument in [lo, hi] that minimises f to `bits` bits, within kMaxBrentSteps steps.
template <class F>
double bounded_minimum(F f, double lo, double hi, int bits) {
  std::uintmax_t steps = kMaxBrentSteps;
  const auto finite_f = [&](double x) {
    const double v = f(x);
    return std::isnan(v) ? std::numeric_limits<double>::max() : v;
  };
  return boost::math::tools::brent_find_minima(finite_f, lo, hi, bits, steps).first;
}

}  // namespace apmsim::calibrate
