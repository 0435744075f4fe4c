#include "contract/trend.hpp"

#include <cmath>
#include <stdexcept>

namespace apmsim::contract {

namespace {

//! x_c / x_a, 1 where the path has no cost (a year without units).
double ratio(const std::vector<double>& path, int a, int c) {
  const double from = path.at(static_cast<std::size_t>(a));
  return from > 0.0 ? path.at(static_cast<std::size_t>(c)) / from : 1.0;
}

}  // namespace

Trend::Trend(const scenario::BenchmarkTerms& terms, const CostPaths& observed, int window_end,
             int year)
    : terms_(terms), observed_(observed), last_(window_end - 1), year_(year) {
  if (window_end < 1) throw std::invalid_argument("Trend: no baseline year");
  const double retrospective = growth(last_, year_);
  const double p = terms.prospective_weight;
  update_ = p > 0.0 ? p * std::pow(1.0 + terms.prospective_trend, year_ - last_) +
                          (1.0 - p) * retrospective
                    : retrospective;
  if (terms.trend_corridor < scenario::kNoLimit &&
      std::abs(update_ / retrospective - 1.0) > terms.trend_corridor)
    update_ = retrospective;
}

double Trend::growth(int a, int c) const {
  if (!terms_.observed_trend) return std::pow(1.0 + terms_.assumed_trend, c - a);
  const double w = terms_.trend_national_weight;
  if (w == 1.0) return ratio(observed_.national, a, c);
  if (w == 0.0) return ratio(observed_.regional, a, c);
  return w * ratio(observed_.national, a, c) + (1.0 - w) * ratio(observed_.regional, a, c);
}

double Trend::factor(int b) const {
  // The simple case in one power, as before the blends: the same bits.
  if (!terms_.observed_trend && !(terms_.prospective_weight > 0.0))
    return std::pow(1.0 + terms_.assumed_trend, year_ - b);
  return growth(b, last_) * update_;
}

}  // namespace apmsim::contract
