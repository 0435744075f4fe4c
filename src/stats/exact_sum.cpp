#include "stats/exact_sum.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace apmsim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

//! A double-double number hi + lo, |lo| <= ulp(hi) / 2 (Dekker 1971; Hida, Li and Bailey 2001).
struct DoubleDouble {
  double hi, lo;
};

DoubleDouble quick_two_sum(double a, double b) {  // |a| >= |b|
  const double s = a + b;
  return {s, b - (s - a)};
}

DoubleDouble two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

DoubleDouble times(DoubleDouble x, double y) {
  const double p = x.hi * y;
  const double e = std::fma(x.hi, y, -p) + x.lo * y;
  return quick_two_sum(p, e);
}

DoubleDouble square(DoubleDouble x) {
  const double p = x.hi * x.hi;
  const double e = std::fma(x.hi, x.hi, -p) + 2.0 * x.hi * x.lo;
  return quick_two_sum(p, e);
}

DoubleDouble minus(DoubleDouble a, DoubleDouble b) {
  DoubleDouble s = two_sum(a.hi, -b.hi);
  const DoubleDouble t = two_sum(a.lo, -b.lo);
  s = quick_two_sum(s.hi, s.lo + t.hi);
  return quick_two_sum(s.hi, s.lo + t.lo);
}

}  // namespace

void ExactSum::add(double x) {
  if (!std::isfinite(x)) throw OverflowError("a term of an exact sum is not finite");
  // Shewchuk's grow-expansion with zero elimination (Python's msum).
  std::size_t kept = 0;
  for (double y : partials_) {
    if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
    const double hi = x + y;
    const double lo = y - (hi - x);
    if (lo != 0.0) partials_[kept++] = lo;
    x = hi;
  }
  if (!std::isfinite(x)) throw OverflowError("an exact sum exceeds the double range");
  partials_.resize(kept);
  if (x != 0.0 || partials_.empty()) partials_.push_back(x);
}

void ExactSum::add(const ExactSum& other) {
  for (double p : other.partials_) add(p);
}

double ExactSum::value() const {
  // Python's math.fsum: sum from the largest partial down until a rounding error appears, then
  // correct a half-way case so the result is the exact sum rounded to nearest, ties to even.
  std::size_t n = partials_.size();
  if (n == 0) return 0.0;
  double hi = partials_[--n];
  double lo = 0.0;
  while (n > 0) {
    const double x = hi;
    const double y = partials_[--n];
    hi = x + y;
    const double yr = hi - x;
    lo = y - yr;
    if (lo != 0.0) break;
  }
  if (n > 0 && ((lo < 0.0 && partials_[n - 1] < 0.0) || (lo > 0.0 && partials_[n - 1] > 0.0))) {
    const double y = lo * 2.0;
    const double x = hi + y;
    const double yr = x - hi;
    if (y == yr) hi = x;
  }
  return hi;
}

void ExactSum::split(double& hi, double& lo) const {
  hi = value();
  ExactSum rest = *this;
  rest.add(-hi);
  lo = rest.value();
}

void ExactSum::assign(std::vector<double> partials) {
  for (double p : partials)
    if (!std::isfinite(p)) throw std::invalid_argument("an exact sum's partial is not finite");
  partials_.clear();
  for (double p : partials) add(p);  // re-normalised, so any finite list is a valid state
}

void ExactMoments::add(double x) {
  if (std::isnan(x)) return;
  if (!std::isfinite(x)) throw OverflowError("a value is infinite");
  const double square = x * x;
  if (!std::isfinite(square)) throw OverflowError("a value's square exceeds the double range");
  sum_.add(x);
  sum_squares_.add(square);
  sum_squares_.add(std::fma(x, x, -square));
  ++n_;
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void ExactMoments::add(const ExactMoments& other) {
  if (other.n_ == 0) return;
  sum_.add(other.sum_);
  sum_squares_.add(other.sum_squares_);
  n_ += other.n_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double ExactMoments::mean() const { return n_ ? sum_.value() / static_cast<double>(n_) : kNaN; }

double ExactMoments::variance() const {
  if (n_ < 2) return kNaN;
  if (min_ == max_) return 0.0;
  const double n = static_cast<double>(n_);
  DoubleDouble s1, s2;
  sum_.split(s1.hi, s1.lo);
  sum_squares_.split(s2.hi, s2.lo);
  const DoubleDouble d = minus(times(s2, n), square(s1));
  const double v = (d.hi + d.lo) / (n * (n - 1.0));
  return v > 0.0 ? v : 0.0;
}

double ExactMoments::standard_error() const {
  return n_ > 1 ? std::sqrt(variance() / static_cast<double>(n_)) : kNaN;
}

void ExactMoments::assign(std::uint64_t n, double min, double max, std::vector<double> sum,
                          std::vector<double> sum_squares) {
  if (n > 0 && !(std::isfinite(min) && std::isfinite(max) && min <= max))
    throw std::invalid_argument("moments with values but no finite range");
  n_ = n;
  min_ = n ? min : std::numeric_limits<double>::infinity();
  max_ = n ? max : -std::numeric_limits<double>::infinity();
  sum_.assign(std::move(sum));
  sum_squares_.assign(std::move(sum_squares));
}

}  // namespace apmsim::stats
