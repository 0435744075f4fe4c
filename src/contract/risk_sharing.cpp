#include "contract/risk_sharing.hpp"

#include <algorithm>

namespace apmsim::contract {

double shared_savings(const SharingTerms& t, double benchmark, double cost,
                      double quality_multiplier) {
  if (!(benchmark > 0.0)) return 0.0;
  const double savings = benchmark - cost;
  const double rate = savings / benchmark;
  if (rate >= t.minimum_savings_rate && savings > 0.0) {
    const double base = t.first_dollar ? savings : savings - t.minimum_savings_rate * benchmark;
    return std::min(t.savings_rate * quality_multiplier * base, t.savings_cap * benchmark);
  }
  if (-rate >= t.minimum_loss_rate && savings < 0.0) {
    const double base = t.first_dollar ? -savings : -savings - t.minimum_loss_rate * benchmark;
    return -std::min(t.loss_rate * base, t.loss_cap * benchmark);
  }
  return 0.0;
}

double corridor_result(const std::vector<CorridorBand>& bands, double benchmark, double cost) {
  if (!(benchmark > 0.0)) return 0.0;
  const double rate = (benchmark - cost) / benchmark;
  double shared_rate = 0.0;
  for (const CorridorBand& b : bands) {
    // Overlap of [0, rate] (or [rate, 0] for a loss) with the band, signed like the rate.
    const double lo = std::max(b.lower, std::min(0.0, rate));
    const double hi = std::min(b.upper, std::max(0.0, rate));
    if (hi > lo) shared_rate += b.provider_share * (rate >= 0.0 ? hi - lo : -(hi - lo));
  }
  return shared_rate * benchmark;
}

double mssp_minimum_savings_rate(double units) {
  struct Band {
    double from, to;            // assigned beneficiaries
    double rate_from, rate_to;  // MSR at the band's low and high end, linear in between
  };
  // 42 CFR 425.604(b), one-sided model (also the size-based choice of two-sided tracks).
  static const Band table[] = {
      {5000, 5999, 0.039, 0.036},   {6000, 6999, 0.036, 0.034},   {7000, 7999, 0.034, 0.032},
      {8000, 8999, 0.032, 0.031},   {9000, 9999, 0.031, 0.030},   {10000, 14999, 0.030, 0.027},
      {15000, 19999, 0.027, 0.025}, {20000, 49999, 0.025, 0.022}, {50000, 59999, 0.022, 0.020}};
  if (units < 5000) return 0.039;
  for (const Band& b : table)
    if (units <= b.to)
      return b.rate_from + (b.rate_to - b.rate_from) * (units - b.from) / (b.to - b.from);
  return 0.020;
}

}  // namespace apmsim::contract
