#include "contract/risk_sharing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "stats/statistics.hpp"

namespace apmsim::contract {

double savings_rate(double benchmark, double accountable_cost) {
  return benchmark > 0.0 ? (benchmark - accountable_cost) / benchmark
                         : std::numeric_limits<double>::quiet_NaN();
}

bool eligible(const scenario::ContractTerms& terms, double units) {
  return units >= terms.min_units;
}

MinimumRates minimum_rates(const scenario::SharingTerms& terms, double units,
                           const BaselineYears& baseline) {
  double msr = terms.minimum_savings_rate;
  switch (terms.msr_rule) {
    case scenario::MsrRule::Fixed:
      break;
    case scenario::MsrRule::Mssp:
      msr = mssp_minimum_savings_rate(units);
      break;
    case scenario::MsrRule::SizeBased: {
      // A one-sided test of savings against the provider's own cost noise (cv per unit).
      const double mean = per_unit(baseline.cost, baseline.units);
      const double var = baseline.units > 0.0
                             ? std::max(0.0, baseline.cost_squared / baseline.units - mean * mean)
                             : 0.0;
      const double cv = mean > 0.0 ? std::sqrt(var) / mean : 0.0;
      msr = units > 0.0 ? stats::normal_quantile(terms.confidence) * cv / std::sqrt(units) : 1.0;
      break;
    }
  }
  return {msr, terms.loss_rate_same ? msr : terms.minimum_loss_rate};
}

double shared_savings(const scenario::SharingTerms& t, const MinimumRates& minimum,
                      double benchmark, double cost, double quality_multiplier) {
  if (!(benchmark > 0.0)) return 0.0;
  const double savings = benchmark - cost;
  const double rate = savings / benchmark;
  if (rate >= minimum.savings && savings > 0.0) {
    const double base = t.first_dollar ? savings : savings - minimum.savings * benchmark;
    return std::min(t.savings_rate * quality_multiplier * base, t.savings_cap * benchmark);
  }
  if (-rate >= minimum.loss && savings < 0.0) {
    const double base = t.first_dollar ? -savings : -savings - minimum.loss * benchmark;
    return -std::min(t.loss_rate * base, t.loss_cap * benchmark);
  }
  return 0.0;
}

double band_savings_rate(const scenario::CorridorBand& band, double rate) {
  const double lo = std::max(band.lower, std::min(0.0, rate));
  const double hi = std::min(band.upper, std::max(0.0, rate));
  if (!(hi > lo)) return 0.0;
  return rate >= 0.0 ? hi - lo : -(hi - lo);
}

double corridor_result(const std::vector<scenario::CorridorBand>& bands, double benchmark,
                       double cost) {
  if (!(benchmark > 0.0)) return 0.0;
  const double rate = (benchmark - cost) / benchmark;
  double shared_rate = 0.0;
  for (const scenario::CorridorBand& band : bands) {
    const double part = band_savings_rate(band, rate);
    if (part != 0.0) shared_rate += band.share * part;
  }
  return shared_rate * benchmark;
}

double band_payer_cost(const scenario::CorridorBand& band, double benchmark, double rate) {
  if (!(benchmark > 0.0)) return 0.0;
  return -(1.0 - band.share) * benchmark * band_savings_rate(band, rate);
}

double outside_bands_payer_cost(const std::vector<scenario::CorridorBand>& bands, double benchmark,
                                double rate) {
  if (!(benchmark > 0.0)) return 0.0;
  double inside = 0.0;
  for (const scenario::CorridorBand& band : bands) inside += band_savings_rate(band, rate);
  return -benchmark * (rate - inside);
}

double sharing_result(const scenario::ContractTerms& terms, const MinimumRates& minimum,
                      double benchmark, double accountable_cost, double quality_score) {
  if (!terms.reconciles()) return 0.0;
  const double result = terms.sharing.enabled
                            ? shared_savings(terms.sharing, minimum, benchmark, accountable_cost,
                                             terms.sharing.quality_scaled ? quality_score : 1.0)
                            : corridor_result(terms.corridor, benchmark, accountable_cost);
  // The quality gate holds back savings only: a provider below it still owes its losses.
  return result > 0.0 && quality_score < terms.quality_gate ? 0.0 : result;
}

double reconciliation(const scenario::ContractTerms& terms, bool eligible, double shared,
                      double benchmark, double accountable_cost) {
  if (!eligible || !terms.reconciles()) return 0.0;
  return terms.base == scenario::BasePayment::Capitation ? shared - (benchmark - accountable_cost)
                                                         : shared;
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
