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
      const double confidence =
          terms.confidence_by_size ? size_based_confidence(units) : terms.confidence;
      msr = units > 0.0 ? std::max(terms.size_based_floor,
                                   stats::normal_quantile(confidence) * cv / std::sqrt(units))
                        : 1.0;
      break;
    }
  }
  return {msr, terms.loss_rate_same ? msr : terms.minimum_loss_rate};
}

double loss_sharing_rate(const scenario::SharingTerms& t, double quality_multiplier) {
  if (!t.loss_rate_from_sharing) return t.loss_rate;
  // 42 CFR 425.610(f): 1 minus the final sharing rate, at least 40% and at most 75% (ENHANCED).
  return std::clamp(1.0 - t.savings_rate * quality_multiplier, t.loss_rate_min, t.loss_rate_max);
}

double loss_limit(const scenario::SharingTerms& t, double benchmark, double revenue) {
  const double on_benchmark = t.loss_cap * benchmark;
  if (!(t.loss_cap_revenue < scenario::kNoLimit)) return on_benchmark;
  return std::min(on_benchmark, t.loss_cap_revenue * revenue);
}

double shared_savings(const scenario::SharingTerms& t, const MinimumRates& minimum,
                      double benchmark, double cost, double quality_multiplier, double revenue) {
  if (!(benchmark > 0.0)) return 0.0;
  const double savings = benchmark - cost;
  const double rate = savings / benchmark;
  if (rate >= minimum.savings && savings > 0.0) {
    const double base = t.first_dollar ? savings : savings - minimum.savings * benchmark;
    return std::min(t.savings_rate * quality_multiplier * base, t.savings_cap * benchmark);
  }
  if (-rate >= minimum.loss && savings < 0.0) {
    const double base = t.first_dollar ? -savings : -savings - minimum.loss * benchmark;
    return -std::min(loss_sharing_rate(t, quality_multiplier) * base,
                     loss_limit(t, benchmark, revenue));
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
                      const SharingBasis& basis, double accountable_cost, double quality_score) {
  if (!terms.reconciles()) return 0.0;
  const double multiplier = terms.sharing.quality_scaled ? quality_score : 1.0;
  const auto rule = [&](double benchmark) {
    return terms.sharing.enabled ? shared_savings(terms.sharing, minimum, benchmark,
                                                  accountable_cost, multiplier, basis.revenue)
                                 : corridor_result(terms.corridor, benchmark, accountable_cost);
  };
  double result = rule(basis.benchmark);
  // CJR (42 CFR 510.305): a repayment is measured against the target with its own discount.
  if (!(result > 0.0) && basis.loss_benchmark != basis.benchmark)
    result = std::min(0.0, rule(basis.loss_benchmark));
  // The quality gate holds back savings only: a provider below it still owes its losses.
  return result > 0.0 && quality_score < terms.quality_gate ? 0.0 : result;
}

double reconciliation(const scenario::ContractTerms& terms, bool eligible, double shared,
                      double benchmark, double accountable_cost) {
  if (!terms.reconciles()) return 0.0;
  // Sequestration (Budget Control Act of 2011; 2% in PY2018): a positive shared-savings payment
  // is reduced, shared losses are owed in full.
  if (shared > 0.0) shared *= 1.0 - terms.sharing.sequestration;
  if (terms.base != scenario::BasePayment::Capitation) return eligible ? shared : 0.0;
  // The budget's own gain (+) or loss (-), which the payer takes back or tops up outside the
  // provider's share. An ineligible provider shares nothing: seed 004 (HCP-LAN Roadmap, episode
  // models, "Set Minimum Episode Thresholds") sets minimum volumes "to reduce random variation
  // [...] and exposure to insurance risk", so the commissioner bears its whole gain or loss.
  const double budget_gain = benchmark - accountable_cost;
  return eligible ? shared - budget_gain : -budget_gain;
}

double size_based_confidence(double units) {
  // CMS-1345-P p. 268: "blending the MSRs between the two neighboring confidence intervals" from
  // 5,000 to 20,000 and from 20,000 to 50,000; 90% / 95% / 99% reproduce 425.604(b)'s table.
  if (units <= 5000.0) return 0.90;
  if (units <= 20000.0) return 0.90 + 0.05 * (units - 5000.0) / 15000.0;
  if (units <= 50000.0) return 0.95 + 0.04 * (units - 20000.0) / 30000.0;
  return 0.99;
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
  if (units < 5000) {
    // Below 5,000 CMS sets the MSR "on a sliding scale" at 90% confidence (the 2014 rule for
    // ACOs whose assigned population falls below 5,000): z(0.90) cv / sqrt(n), with the cv that
    // gives the table's 3.9% at 5,000 (2.1519, CMS-1345-P pp. 265-268). The PUF for PY2018 shows
    // 3.9% to 11.5% for 4,999 down to about 570 assigned (docs/validation.md).
    static const double z90 = stats::normal_quantile(0.90);
    static const double cv = 0.039 * std::sqrt(5000.0) / z90;
    return units > 0.0 ? std::min(1.0, z90 * cv / std::sqrt(units)) : 1.0;
  }
  for (const Band& b : table)
    if (units <= b.to)
      return b.rate_from + (b.rate_to - b.rate_from) * (units - b.from) / (b.to - b.from);
  return 0.020;
}

}  // namespace apmsim::contract
