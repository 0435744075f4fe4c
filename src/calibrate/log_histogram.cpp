#include "calibrate/log_histogram.hpp"

#include <algorithm>
#include <numeric>

namespace apmsim::calibrate {

LogHistogram::LogHistogram(double low, double high, int bins)
    : low_(low), width_((high - low) / bins), counts_(static_cast<std::size_t>(bins), 0.0) {
  if (!(width_ > 0.0)) width_ = 1e-9;
}

void LogHistogram::add(double log_cost, double weight) {
  const double x = (log_cost - low_) / width_;
  const auto bins = static_cast<double>(counts_.size());
  const auto i = static_cast<std::size_t>(std::clamp(x, 0.0, bins - 1.0));
  counts_[i] += weight;
}

LogHistogram& LogHistogram::operator+=(const LogHistogram& o) {
  if (counts_.empty())
    *this = LogHistogram(o.low_, o.low_ + o.width_ * o.counts_.size(), int(o.counts_.size()));
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  return *this;
}

LogHistogram& LogHistogram::operator-=(const LogHistogram& o) {
  for (std::size_t i = 0; i < counts_.size() && i < o.counts_.size(); ++i)
    counts_[i] -= o.counts_[i];
  return *this;
}

double LogHistogram::total() const { return std::accumulate(counts_.begin(), counts_.end(), 0.0); }

double LogHistogram::weight_below(double log_cost) const {
  const double x = (log_cost - low_) / width_;
  if (x <= 0.0) return 0.0;
  double below = 0.0;
  const auto full = std::min<std::size_t>(counts_.size(), static_cast<std::size_t>(x));
  for (std::size_t i = 0; i < full; ++i) below += counts_[i];
  if (full < counts_.size()) below += counts_[full] * (x - static_cast<double>(full));
  return below;
}

double LogHistogram::quantile(double level) const {
  const double target = level * total();
  double below = 0.0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (below + counts_[i] >= target && counts_[i] > 0.0)
      return low_ + width_ * (static_cast<double>(i) + (target - below) / counts_[i]);
    below += counts_[i];
  }
  return low_ + width_ * static_cast<double>(counts_.size());
}

}  // namespace apmsim::calibrate
