#include "contract/stop_loss.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "scenario/toml_text.hpp"

namespace apmsim::contract {

namespace {

//! Months in a patient-year: member months = 12 x units.
constexpr double kMonthsPerYear = 12.0;

//! sum min(cost, b) of a provider-year: 0 at b <= 0, the truncated cost at an infinite b (or one
//! at the truncation amount), otherwise the boundary's tally.
double capped_at(const ProviderYear& year, double b) {
  if (!(b > 0.0)) return 0.0;
  if (b == scenario::kNoLimit) return year.truncated_cost;
  for (const auto& [boundary, sum] : year.capped)
    if (boundary == b) return sum;
  throw std::logic_error("stop-loss boundary " + scenario::format_number(b) +
                         " was not read into the provider-year");
}

}  // namespace

StopLossPlan stop_loss_plan(const scenario::StopLossTerms& terms, double truncate_at) {
  const double top = truncate_at > 0.0 ? truncate_at : scenario::kNoLimit;
  StopLossPlan plan;
  bool any_band = false;
  const std::vector<scenario::StopLossLayer> all = terms.specific_layers();
  const std::size_t own = all.size() - terms.bands.size();  // layers before the bands
  for (std::size_t i = 0; i < all.size(); ++i) {
    const scenario::StopLossLayer& layer = all[i];
    // Cover attached at or above truncate_at insures cost the contract never counts: no cover.
    if (layer.attachment >= top) continue;
    // A limit at or above truncate_at: the layer pays up to the truncated cost.
    const double limit = layer.limit >= top ? scenario::kNoLimit : layer.limit;
    plan.layers.push_back({layer.attachment, limit, 1.0 - layer.coinsurance, layer.premium, i});
    any_band = any_band || i >= own;
  }
  plan.band_premium = any_band ? terms.band_premium : 0.0;
  return plan;
}

std::vector<double> capped_boundaries(const std::vector<LayerInForce>& layers) {
  std::vector<double> b;
  for (const LayerInForce& layer : layers)
    for (const double x : {layer.attachment, layer.limit})
      if (x > 0.0 && x < scenario::kNoLimit) b.push_back(x);
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

double layer_recovery(const LayerInForce& layer, const ProviderYear& year) {
  return layer.share * (capped_at(year, layer.limit) - capped_at(year, layer.attachment));
}

double aggregate_attachment(const scenario::AggregateStopLoss& a, double units, double benchmark) {
  switch (a.basis) {
    case scenario::AggregateStopLoss::Basis::kFactor:
      return a.attachment_factor * benchmark;
    case scenario::AggregateStopLoss::Basis::kAmount:
      return a.attachment;
    case scenario::AggregateStopLoss::Basis::kMonthly:
      return std::max(a.monthly_attachment * kMonthsPerYear * units, a.minimum_attachment);
  }
  return a.attachment;
}

AccountableCost accountable_cost(const scenario::ContractTerms& terms, const StopLossPlan& plan,
                                 const ProviderYear& year, double benchmark) {
  AccountableCost out;
  out.truncated_excess = year.cost - year.truncated_cost;
  for (const LayerInForce& layer : plan.layers) {
    out.recovery += layer_recovery(layer, year);
    out.premium += layer.premium * year.units;
  }
  out.premium += plan.band_premium * year.units;
  const scenario::AggregateStopLoss& a = terms.stop_loss.aggregate;
  if (a.enabled) {
    const double net = year.truncated_cost - out.recovery;
    const double attachment = aggregate_attachment(a, year.units, benchmark);
    out.aggregate_recovery =
        std::min((1.0 - a.coinsurance) * std::max(net - attachment, 0.0), a.limit);
    out.recovery += out.aggregate_recovery;
    out.premium += a.premium * year.units;
  }
  const bool premium_from_budget = terms.base == scenario::BasePayment::Capitation;
  out.cost = year.truncated_cost - out.recovery + (premium_from_budget ? out.premium : 0.0);
  return out;
}

AccountableCost accountable_cost(const scenario::ContractTerms& terms, const ProviderYear& year,
                                 double benchmark) {
  const double truncate_at = scenario::truncation_in(terms.benchmark, year.year);
  return accountable_cost(terms, stop_loss_plan(terms.stop_loss, truncate_at), year, benchmark);
}

}  // namespace apmsim::contract
