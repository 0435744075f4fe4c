#pragma once
//! Running mean and variance (Welford 1962), the first layer of the statistics (QuantLib-style:
//! moments here; stored samples and tail measures layer on top in later analyses).
//!   mean = sum x / n;  var = sum (x - mean)^2 / (n - 1);  se = sqrt(var / n).
//! Replications are independent, so se is the batch-means standard error with batches of one
//! replication. Values are added in replication order, so results do not depend on batching.

#include <cmath>
#include <cstdint>
#include <limits>

namespace apmsim::analysis {

//! Mean, variance and standard error of a stream of values; NaN values are skipped.
class RunningMoments {
 public:
  void add(double x) {
    if (std::isnan(x)) return;
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
  }
  std::uint64_t count() const { return n_; }
  double mean() const { return n_ ? mean_ : std::numeric_limits<double>::quiet_NaN(); }
  double variance() const {
    return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  //! Standard error of the mean; NaN with fewer than two values.
  double standard_error() const {
    return n_ > 1 ? std::sqrt(variance() / static_cast<double>(n_))
                  : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

}  // namespace apmsim::analysis
