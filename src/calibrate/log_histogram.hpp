#pragma once
//! A weighted histogram of ln(cost) on a fixed grid: the parametric severity fit's sufficient
//! statistic, additive over rows (so a jackknife replicate is the total less one group).

#include <vector>

namespace apmsim::calibrate {

//! Weighted histogram of ln(cost) on a fixed grid: quantiles by linear interpolation in a bin.
class LogHistogram {
 public:
  LogHistogram() = default;
  LogHistogram(double low, double high, int bins);
  void add(double log_cost, double weight);
  LogHistogram& operator+=(const LogHistogram& o);
  LogHistogram& operator-=(const LogHistogram& o);
  //! The weighted quantile of ln(cost) at `level` in (0, 1).
  double quantile(double level) const;
  double total() const;
  //! Weight below `log_cost`, and between two values (linear within a bin).
  double weight_below(double log_cost) const;
  double weight_between(double lo, double hi) const { return weight_below(hi) - weight_below(lo); }

 private:
  double low_ = 0.0, width_ = 1.0;
  std::vector<double> counts_;
};

}  // namespace apmsim::calibrate
