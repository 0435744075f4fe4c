#pragma once
//! Sums and moments that do not depend on the order of their terms, so that a run split into
//! batches, shards, MPI ranks or resumed pieces gives the same bits as one pass.
//!
//! ExactSum holds a double sum exactly as a list of non-overlapping partials (Shewchuk 1997,
//! "Adaptive precision floating-point arithmetic"; Python's math.fsum) and rounds it correctly on
//! request: the rounded value is a function of the exact sum alone. Partials of two sums add
//! exactly, so merging is exact too.
//!
//! ExactMoments keeps n, the exact sums of x and x^2 (x^2 split exactly with an FMA) and the
//! extremes; mean = round(sum x) / n, and the variance is formed from the correctly rounded sums
//! in double-double arithmetic: (n sum x^2 - (sum x)^2) / (n (n - 1)). Both are functions of the
//! multiset of values only.

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace apmsim::stats {

//! A term or a sum that is infinite (or NaN where NaN is not allowed): reported, never stored.
class OverflowError : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

//! An exact sum of finite doubles.
class ExactSum {
 public:
  //! Adds a finite x; throws OverflowError for an infinite x or a sum beyond the double range.
  void add(double x);
  //! Adds another exact sum (exactly).
  void add(const ExactSum& other);
  //! The correctly rounded sum (round to nearest, ties to even).
  double value() const;
  //! The sum as hi + lo, both correctly rounded: hi = value(), lo = round(sum - hi).
  void split(double& hi, double& lo) const;
  //! The partials, increasing in magnitude and non-overlapping (for saving a state).
  const std::vector<double>& partials() const { return partials_; }
  //! Restores saved partials; throws std::invalid_argument when they are not finite.
  void assign(std::vector<double> partials);
  void clear() { partials_.clear(); }

 private:
  std::vector<double> partials_;
};

//! Count, mean and variance of a stream of values, independent of their order; NaN is skipped
//! (undefined in that replication), an infinite value throws OverflowError.
class ExactMoments {
 public:
  void add(double x);
  void add(const ExactMoments& other);
  std::uint64_t count() const { return n_; }
  double mean() const;
  double variance() const;
  //! Standard error of the mean, sqrt(variance / n); NaN with fewer than two values.
  double standard_error() const;

  // State, for saving and restoring.
  double min() const { return min_; }
  double max() const { return max_; }
  const ExactSum& sum() const { return sum_; }
  const ExactSum& sum_squares() const { return sum_squares_; }
  //! Restores a saved state; throws std::invalid_argument when it is inconsistent.
  void assign(std::uint64_t n, double min, double max, std::vector<double> sum,
              std::vector<double> sum_squares);

 private:
  std::uint64_t n_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
  ExactSum sum_, sum_squares_;
};

}  // namespace apmsim::stats
