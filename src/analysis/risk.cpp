#include "analysis/risk.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/quantity_table.hpp"
#include "analysis/stop_loss_exhibit.hpp"
#include "contract/risk_sharing.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- net result --------------------------------------------------------------------------------

enum class NetResult {
  kMean,
  kSd,
  kLossProbability,
  kVar90,
  kVar95,
  kVar99,
  kVar995,
  kTvar90,
  kTvar95,
  kTvar99,
  kTvar995,
  kCapital99,
  kCapital995,
  kTailCount99,
  kTailCount995,
  kSdSeRatio,
  kKurtosis,
  kTailFlag,
};
constexpr std::array kNetResultQuantities{
    QuantityInfo<NetResult>{NetResult::kMean, "mean", "currency", "mean net provider result"},
    QuantityInfo<NetResult>{NetResult::kSd, "sd", "currency",
                            "standard deviation of the net result"},
    QuantityInfo<NetResult>{NetResult::kLossProbability, "loss_probability", "fraction",
                            "P(net result < 0)"},
    QuantityInfo<NetResult>{NetResult::kVar90, "var_90", "currency",
                            "value at risk of the loss (-net result) at 90%"},
    QuantityInfo<NetResult>{NetResult::kVar95, "var_95", "currency",
                            "value at risk of the loss (-net result) at 95%"},
    QuantityInfo<NetResult>{NetResult::kVar99, "var_99", "currency",
                            "value at risk of the loss (-net result) at 99%"},
    QuantityInfo<NetResult>{NetResult::kVar995, "var_995", "currency",
                            "value at risk of the loss (-net result) at 99.5%"},
    QuantityInfo<NetResult>{NetResult::kTvar90, "tvar_90", "currency",
                            "tail value at risk of the loss at 90%"},
    QuantityInfo<NetResult>{NetResult::kTvar95, "tvar_95", "currency",
                            "tail value at risk of the loss at 95%"},
    QuantityInfo<NetResult>{NetResult::kTvar99, "tvar_99", "currency",
                            "tail value at risk of the loss at 99%"},
    QuantityInfo<NetResult>{NetResult::kTvar995, "tvar_995", "currency",
                            "tail value at risk of the loss at 99.5%"},
    QuantityInfo<NetResult>{NetResult::kCapital99, "capital_99", "currency",
                            "var_99 - expected loss"},
    QuantityInfo<NetResult>{NetResult::kCapital995, "capital_995", "currency",
                            "var_995 - expected loss"},
    QuantityInfo<NetResult>{NetResult::kTailCount99, "tail_count_99", "replications",
                            "replications with a loss beyond var_99 (behind tvar_99)"},
    QuantityInfo<NetResult>{NetResult::kTailCount995, "tail_count_995", "replications",
                            "replications with a loss beyond var_995 (behind tvar_995)"},
    QuantityInfo<NetResult>{NetResult::kSdSeRatio, "sd_se_ratio", "ratio",
                            "batch-means se of sd from K / 2 batches over that from K (a "
                            "diagnostic: sd's se is the jackknife's)"},
    QuantityInfo<NetResult>{NetResult::kKurtosis, "kurtosis", "ratio",
                            "sample kurtosis m4 / m2^2 of the replication totals (3: normal)"},
    QuantityInfo<NetResult>{NetResult::kTailFlag, "tail_flag", "indicator",
                            "1: do not trust the tail figures' se (tail_count_995 < 40, or "
                            "kurtosis > 6)"},
};
static_assert(listed_in_order(kNetResultQuantities));
constexpr const auto& quantity_table(NetResult) { return kNetResultQuantities; }

//! A risk level and the quantities holding its VaR and TVaR.
struct RiskLevel {
  double level;
  NetResult var, tvar;
};
constexpr RiskLevel kRiskLevels[] = {{0.90, NetResult::kVar90, NetResult::kTvar90},
                                     {0.95, NetResult::kVar95, NetResult::kTvar95},
                                     {0.99, NetResult::kVar99, NetResult::kTvar99},
                                     {0.995, NetResult::kVar995, NetResult::kTvar995}};

//! The batch-means quantities of some replications' losses: mean (of the result), loss
//! probability, and sd (its batch-means se only feeds sd_se_ratio: the table's comes from the
//! jackknife).
QuantityGrid<NetResult> loss_moments(const std::vector<double>& losses) {
  double losing = 0;
  for (const double loss : losses) losing += loss > 0 ? 1 : 0;
  QuantityGrid<NetResult> values;
  values(NetResult::kMean) = -stats::mean(losses);
  values(NetResult::kSd) = stats::standard_deviation(losses);
  values(NetResult::kLossProbability) =
      losses.empty() ? kNaN : losing / static_cast<double>(losses.size());
  return values;
}

//! Losses beyond the VaR at `level` (ties at the VaR are not beyond it).
double beyond_var(const std::vector<double>& losses, double level) {
  if (losses.empty()) return kNaN;
  const double var = stats::value_at_risk(losses, level);
  return static_cast<double>(
      std::count_if(losses.begin(), losses.end(), [var](double loss) { return loss > var; }));
}

//! The fewest replications beyond var_995 that a tail SE is trusted on, and the largest kurtosis
//! of the replication totals that sd's SE is trusted at (docs/analyses.md, honest tails: checked
//! over seeds of a light and two heavy worlds by scripts/honest_tails.py).
constexpr double kFewestTailReplications = 40;
constexpr double kLargestKurtosis = 6;

//! The tail counts, the kurtosis, the batch-means SE stability check on sd and the flag (these
//! diagnostics have no se: NaN).
void set_tail_checks(const RecordView& view, const Selection& selection,
                     const std::vector<double>& losses, EstimateGrid<NetResult>& estimates) {
  estimates(NetResult::kTailCount99) = {beyond_var(losses, 0.99), kNaN};
  estimates(NetResult::kTailCount995) = {beyond_var(losses, 0.995), kNaN};
  const int half = view.batch_count() / 2;
  double ratio = kNaN;
  if (half >= 2) {
    const RecordView coarse = view.with_batches(half);
    const double se =
        batch_means<NetResult>(coarse, 1,
                               [&](ReplicationRange range) {
                                 return loss_moments(replication_losses(coarse, selection, range));
                               })(NetResult::kSd)
            .se;
    const double fine = estimates(NetResult::kSd).se;
    if (se > 0 && fine > 0) ratio = se / fine;  // no ratio of a figure without error
  }
  estimates(NetResult::kSdSeRatio) = {ratio, kNaN};
  const double kurtosis = stats::kurtosis(losses);
  estimates(NetResult::kKurtosis) = {kurtosis, kNaN};
  const double count = estimates(NetResult::kTailCount995).value;
  if (std::isfinite(count))
    estimates(NetResult::kTailFlag) = {
        count < kFewestTailReplications || kurtosis > kLargestKurtosis ? 1.0 : 0.0, kNaN};
}

//! Every net result quantity of `selection`. The dispersion and tail quantities of the i.i.d.
//! replication totals take their errors from all replications (docs/analyses.md, honest tails):
//! sd by the jackknife, VaR by Hall-Sheather's sparsity, TVaR and capital by the delta method.
//! Batch means understate them when a few replications dominate (the batch holding them decides),
//! and a batch smaller than 1 / (1 - level) sees no tail at all.
EstimateGrid<NetResult> net_result_estimates(const RecordView& view, const Selection& selection) {
  EstimateGrid<NetResult> estimates = batch_means<NetResult>(view, 1, [&](ReplicationRange range) {
    return loss_moments(replication_losses(view, selection, range));
  });
  const std::vector<double> losses = replication_losses(view, selection, view.all_replications());
  // The checks read sd's batch-means se: before the jackknife's replaces it.
  set_tail_checks(view, selection, losses, estimates);
  estimates(NetResult::kSd) = stats::standard_deviation_estimate(losses);
  for (const RiskLevel& level : kRiskLevels) {
    estimates(level.var) = stats::value_at_risk_estimate(losses, level.level);
    estimates(level.tvar) = stats::tail_value_at_risk_estimate(losses, level.level);
  }
  estimates(NetResult::kCapital99) = stats::capital_estimate(losses, 0.99);
  estimates(NetResult::kCapital995) = stats::capital_estimate(losses, 0.995);
  return estimates;
}

AnalysisTable net_result_table(const RecordView& view) {
  std::vector<std::string> rows = view.provider_names();
  rows.push_back("portfolio");
  const std::vector<std::string> columns = year_columns(view.years(), "agreement");
  EstimateTable table = make_table(rows, columns, quantities_of<NetResult>(), view.batch_count());
  for (std::size_t row = 0; row < rows.size(); ++row)
    for (std::size_t column = 0; column < columns.size(); ++column) {
      const int year = column_year(column, view.years());
      const Selection selection =
          row < view.providers() ? Selection{{row}, year} : view.everyone(year);
      put_row(table, row, column, net_result_estimates(view, selection));
    }
  return {"risk", "net_result", "distribution of the net provider result (loss = -result)", table};
}

// ---- stop-loss layers --------------------------------------------------------------------------

enum class LayerPremium {
  kPurePremium,
  kSd,
  kAttachProbability,
  kLoadedPremium,
  kAttachCount,
  kAttachProbabilityUpper,
  kClaimantsPer1000,
  kExcessPerClaimant,
  kPurePremiumPmpm,
  kLoadedPremiumPmpm
};
//! Money is per exposure: layer_quantities() appends "/unit" or "/provider-year".
constexpr std::array kLayerPremiumQuantities{
    QuantityInfo<LayerPremium>{LayerPremium::kPurePremium, "pure_premium", "currency",
                               "expected layer payout"},
    QuantityInfo<LayerPremium>{LayerPremium::kSd, "sd", "currency",
                               "standard deviation of the payout"},
    QuantityInfo<LayerPremium>{LayerPremium::kAttachProbability, "attach_probability", "fraction",
                               "P(payout > 0)"},
    QuantityInfo<LayerPremium>{LayerPremium::kLoadedPremium, "loaded_premium", "currency",
                               "pure premium x (1 + loading) + sd_loading x sd"},
    QuantityInfo<LayerPremium>{LayerPremium::kAttachCount, "attach_count", "provider-years",
                               "provider-years with a payout in the run"},
    QuantityInfo<LayerPremium>{
        LayerPremium::kAttachProbabilityUpper, "attach_probability_upper", "fraction",
        "95% upper bound 3 / provider-years when none has a payout (rule of three)"},
    QuantityInfo<LayerPremium>{LayerPremium::kClaimantsPer1000, "claimants_per_1000",
                               "per 1000 units",
                               "units whose cost enters the layer (cost > its attachment) per 1,000 "
                               "units (specific layers)"},
    QuantityInfo<LayerPremium>{LayerPremium::kExcessPerClaimant, "excess_per_claimant",
                               "currency/claimant",
                               "mean layer payout per claimant (specific layers)"},
    QuantityInfo<LayerPremium>{LayerPremium::kPurePremiumPmpm, "pure_premium_pmpm",
                               "currency/member-month",
                               "pure premium per member per month: per unit / 12 (patient-year "
                               "units; not defined for episodes)"},
    QuantityInfo<LayerPremium>{LayerPremium::kLoadedPremiumPmpm, "loaded_premium_pmpm",
                               "currency/member-month",
                               "loaded premium per member per month"},
};
static_assert(listed_in_order(kLayerPremiumQuantities));
constexpr const auto& quantity_table(LayerPremium) { return kLayerPremiumQuantities; }

//! The layer quantities with money per `exposure`.
std::vector<Quantity> layer_quantities(const std::string& exposure) {
  std::vector<Quantity> quantities = quantities_of<LayerPremium>();
  for (Quantity& quantity : quantities)
    if (quantity.unit == "currency") quantity.unit += "/" + exposure;
  return quantities;
}

//! Each layer's payout per provider-year, and the provider-years' exposures.
struct LayerPayouts {
  std::vector<std::vector<double>> payouts;  //!< [layer][provider-year]
  std::vector<double> exposures;             //!< units, or 1 per provider-year
  std::vector<std::vector<double>> claimants;  //!< [layer][provider-year]; empty: not per member
  bool member_months = false;  //!< exposures are patient-years: PMPM figures defined
};

//! The premium quantities of every layer (grid rows = layers).
QuantityGrid<LayerPremium> layer_premiums(const LayerPayouts& layers,
                                          const scenario::AnalysisSettings& settings) {
  QuantityGrid<LayerPremium> premiums(layers.payouts.size());
  for (std::size_t layer = 0; layer < layers.payouts.size(); ++layer) {
    const std::vector<double>& payout = layers.payouts[layer];
    double paid = 0, exposure = 0, attached = 0;
    std::vector<double> payout_rate(payout.size());
    for (std::size_t i = 0; i < payout.size(); ++i) {
      paid += payout[i];
      exposure += layers.exposures[i];
      payout_rate[i] = layers.exposures[i] > 0 ? payout[i] / layers.exposures[i] : 0.0;
      attached += payout[i] > 0 ? 1 : 0;
    }
    const double pure = exposure > 0 ? paid / exposure : kNaN;
    const double sd = stats::standard_deviation(payout_rate);
    premiums(LayerPremium::kPurePremium, layer) = pure;
    premiums(LayerPremium::kSd, layer) = sd;
    premiums(LayerPremium::kAttachProbability, layer) =
        payout.empty() ? kNaN : attached / static_cast<double>(payout.size());
    const double loaded = pure * (1 + settings.risk_loading) + settings.risk_sd_loading * sd;
    premiums(LayerPremium::kLoadedPremium, layer) = loaded;
    // Per member: claimants above the attachment and what each costs the layer.
    double claimants = kNaN;
    if (!layers.claimants.empty()) {
      claimants = 0.0;
      for (double n : layers.claimants[layer]) claimants += n;
    }
    premiums(LayerPremium::kClaimantsPer1000, layer) =
        exposure > 0 ? 1000.0 * claimants / exposure : kNaN;
    premiums(LayerPremium::kExcessPerClaimant, layer) = claimants > 0 ? paid / claimants : kNaN;
    premiums(LayerPremium::kPurePremiumPmpm, layer) = layers.member_months ? pure / 12.0 : kNaN;
    premiums(LayerPremium::kLoadedPremiumPmpm, layer) = layers.member_months ? loaded / 12.0 : kNaN;
  }
  return premiums;
}

//! The specific layers between consecutive quoted tally thresholds (the last one unlimited), per
//! unit, of the selected provider-years.
LayerPayouts specific_layer_payouts(const RecordView& view, const Selection& selection,
                                    ReplicationRange range) {
  const std::vector<std::size_t> quoted = view.quoted_thresholds();
  const std::size_t layers = quoted.size();
  LayerPayouts out{std::vector<std::vector<double>>(layers), {},
                   std::vector<std::vector<double>>(layers), view.member_years()};
  view.for_each(selection, range, [&](ProviderYear record) {
    out.exposures.push_back(record[c::kUnits]);
    for (std::size_t i = 0; i < layers; ++i) {
      out.payouts[i].push_back(record.excess_over(quoted[i]) -
                               (i + 1 < layers ? record.excess_over(quoted[i + 1]) : 0.0));
      out.claimants[i].push_back(record.claimants_over(quoted[i]));
    }
  });
  return out;
}

//! The aggregate layers on each provider-year's loss ratio, per provider-year.
LayerPayouts aggregate_layer_payouts(const RecordView& view,
                                     const std::vector<scenario::AggregateLayer>& layers,
                                     const Selection& selection, ReplicationRange range) {
  LayerPayouts out{std::vector<std::vector<double>>(layers.size()), {}, {}, false};
  view.for_each(selection, range, [&](ProviderYear record) {
    out.exposures.push_back(1.0);
    const double benchmark = record[c::kBenchmark];
    const double loss_ratio =
        benchmark > 0 ? (record[c::kAccountableCost] - benchmark) / benchmark : 0.0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const double layer_share =
          std::clamp(loss_ratio - layers[i].attach, 0.0, layers[i].limit - layers[i].attach);
      out.payouts[i].push_back(benchmark > 0 ? layer_share * benchmark : 0.0);
    }
  });
  return out;
}

//! A table of layer premiums from payouts over replication ranges: one column per performance
//! year (the year's own premium: costs trend, so the pooled figure understates later years) and
//! `agreement`, all performance years pooled.
template <typename Payouts>
EstimateTable layer_table(const RecordView& view, const std::vector<std::string>& layers,
                          const std::string& exposure, const scenario::AnalysisSettings& settings,
                          Payouts payouts) {
  const std::vector<std::string> columns = year_columns(view.years(), "agreement");
  EstimateTable table =
      make_table(layers, columns, layer_quantities(exposure), view.batch_count());
  for (std::size_t column = 0; column < columns.size(); ++column) {
    const Selection selection = view.everyone(column_year(column, view.years()));
    const EstimateGrid<LayerPremium> premiums =
        batch_means<LayerPremium>(view, layers.size(), [&](ReplicationRange range) {
          return layer_premiums(payouts(selection, range), settings);
        });
    EstimateGrid<LayerPremium> counted = premiums;
    const LayerPayouts all = payouts(selection, view.all_replications());
    for (std::size_t layer = 0; layer < layers.size(); ++layer) {
      const std::vector<double>& payout = all.payouts[layer];
      const double attached = static_cast<double>(
          std::count_if(payout.begin(), payout.end(), [](double p) { return p > 0; }));
      counted(LayerPremium::kAttachCount, layer) = {attached, kNaN};
      if (attached == 0 && !payout.empty())
        counted(LayerPremium::kAttachProbabilityUpper, layer) = {
            3.0 / static_cast<double>(payout.size()), kNaN};
      put_row(table, layer, column, counted, layer);
    }
  }
  return table;
}

std::vector<AnalysisTable> layer_tables(const RecordView& view,
                                        const scenario::AnalysisSettings& settings) {
  std::vector<AnalysisTable> tables;
  std::vector<double> thresholds;
  for (std::size_t t : view.quoted_thresholds()) thresholds.push_back(view.thresholds()[t]);
  if (!thresholds.empty()) {
    std::vector<std::string> layers;
    for (std::size_t i = 0; i < thresholds.size(); ++i)
      layers.push_back(format_number(thresholds[i]) + "-" +
                       (i + 1 < thresholds.size() ? format_number(thresholds[i + 1]) : "inf"));
    tables.push_back({"risk", "specific_layers",
                      "specific stop-loss layers between tally thresholds: premium per unit",
                      layer_table(view, layers, "unit", settings,
                                  [&](const Selection& selection, ReplicationRange range) {
                                    return specific_layer_payouts(view, selection, range);
                                  })});
  }
  const std::vector<scenario::AggregateLayer>& aggregate = settings.aggregate_layers;
  if (!aggregate.empty()) {
    std::vector<std::string> layers;
    for (const scenario::AggregateLayer& layer : aggregate)
      layers.push_back(format_number(layer.attach) + "-" + format_number(layer.limit));
    tables.push_back(
        {"risk", "aggregate_layers",
         "aggregate stop-loss layers on the provider's loss as a share of its benchmark",
         layer_table(view, layers, "provider-year", settings,
                     [&](const Selection& selection, ReplicationRange range) {
                       return aggregate_layer_payouts(view, aggregate, selection, range);
                     })});
  }
  return tables;
}

// ---- corridor bands ----------------------------------------------------------------------------

enum class BandCost { kExpectedPayerCost, kVar99, kTvar99 };
constexpr std::array kBandCostQuantities{
    QuantityInfo<BandCost>{BandCost::kExpectedPayerCost, "expected_payer_cost", "currency",
                           "expected cost of the band to the payer, per provider-year"},
    QuantityInfo<BandCost>{BandCost::kVar99, "var_99", "currency",
                           "99% value at risk of that cost"},
    QuantityInfo<BandCost>{BandCost::kTvar99, "tvar_99", "currency",
                           "99% tail value at risk of that cost"},
};
static_assert(listed_in_order(kBandCostQuantities));
constexpr const auto& quantity_table(BandCost) { return kBandCostQuantities; }

//! One row of the corridor band table: a band (lower, upper, share) wherever a year's corridor
//! has it, or what lies outside every band.
struct BandRow {
  std::string label;
  scenario::CorridorBand band;
  bool outside = false;

  //! The band's index in `corridor`, -1 when that corridor lacks it (the outside row: 0 when the
  //! corridor has bands at all).
  int index_in(const std::vector<scenario::CorridorBand>& corridor) const {
    if (corridor.empty()) return -1;
    if (outside) return 0;
    for (std::size_t b = 0; b < corridor.size(); ++b)
      if (corridor[b].lower == band.lower && corridor[b].upper == band.upper &&
          corridor[b].share == band.share)
        return static_cast<int>(b);
    return -1;
  }
  //! The payer's cost of this row in one provider-year under `corridor` (which has the band).
  double payer_cost(const std::vector<scenario::CorridorBand>& corridor, ProviderYear record) const {
    const double benchmark = record[c::kBenchmark], rate = record[c::kSavingsRate];
    return outside ? c::outside_bands_payer_cost(corridor, benchmark, rate)
                   : c::band_payer_cost(band, benchmark, rate);
  }
};

//! Every band of every year's corridor, once, in order of first appearance, then "outside".
std::vector<BandRow> band_rows(const scenario::Contract& contract, int years) {
  std::vector<BandRow> rows;
  bool any = false;
  for (int year = 0; year < years; ++year)
    for (const scenario::CorridorBand& b : contract.years[static_cast<std::size_t>(year)].corridor) {
      any = true;
      BandRow row{"[" + format_number(b.lower) + "," + format_number(b.upper) +
                      ") share=" + format_number(b.share),
                  b, false};
      if (std::none_of(rows.begin(), rows.end(), [&](const BandRow& r) { return r.label == row.label; }))
        rows.push_back(row);
    }
  if (any) rows.push_back({"outside the bands", {}, true});
  return rows;
}

//! The band costs of `row` over the provider-years of `years` (performance year indices whose
//! corridor has the band), each under its own year's corridor: the mean by batch means, VaR and
//! TVaR over the finite costs of all of them.
EstimateGrid<BandCost> band_cost_estimates(const RecordView& view, const scenario::Contract& contract,
                                           const BandRow& row, const std::vector<int>& years) {
  const auto costs_in = [&](ReplicationRange range) {
    std::vector<double> costs;
    for (int y : years)
      for (const double v : view.values(view.everyone(y), range, [&](ProviderYear record) {
             return row.payer_cost(contract.years[static_cast<std::size_t>(y)].corridor, record);
           }))
        costs.push_back(v);
    return costs;
  };
  EstimateGrid<BandCost> estimates = batch_means<BandCost>(view, 1, [&](ReplicationRange range) {
    QuantityGrid<BandCost> values;
    values(BandCost::kExpectedPayerCost) = stats::mean(costs_in(range));
    return values;
  });
  std::vector<double> costs = costs_in(view.all_replications());
  costs.erase(
      std::remove_if(costs.begin(), costs.end(), [](double v) { return !std::isfinite(v); }),
      costs.end());
  estimates(BandCost::kVar99) = stats::value_at_risk_estimate(costs, 0.99);
  estimates(BandCost::kTvar99) = stats::tail_value_at_risk_estimate(costs, 0.99);
  return estimates;
}

//! Rows: the bands; columns: the performance years (NaN where that year's corridor lacks the
//! band) and the agreement (every year that has it).
std::vector<AnalysisTable> corridor_band_table(const RecordView& view,
                                               const scenario::Contract& contract) {
  const std::vector<BandRow> rows = band_rows(contract, view.years());
  if (rows.empty()) return {};
  std::vector<std::string> labels;
  for (const BandRow& row : rows) labels.push_back(row.label);
  const std::vector<std::string> columns = year_columns(view.years(), "agreement");
  EstimateTable table =
      make_table(labels, columns, quantities_of<BandCost>(), view.batch_count());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::vector<int> with_band;
    for (int y = 0; y < view.years(); ++y)
      if (rows[i].index_in(contract.years[static_cast<std::size_t>(y)].corridor) >= 0) {
        with_band.push_back(y);
        put_row(table, i, static_cast<std::size_t>(y),
                band_cost_estimates(view, contract, rows[i], {y}));
      }
    if (!with_band.empty())
      put_row(table, i, columns.size() - 1, band_cost_estimates(view, contract, rows[i], with_band));
  }
  return {{"risk", "corridor_bands", "the payer's cost of each corridor band, by performance year",
           table}};
}

}  // namespace

std::vector<double> replication_losses(const RecordView& view, const Selection& selection,
                                       ReplicationRange range) {
  return view.replication_totals(
      selection, range, [](ProviderYear record) { return -record[c::kNetProviderResult]; });
}

std::vector<AnalysisTable> risk_analysis(const RecordView& view, const scenario::Contract& contract,
                                         const scenario::AnalysisSettings& settings) {
  std::vector<AnalysisTable> tables{net_result_table(view)};
  for (AnalysisTable& table : layer_tables(view, settings)) tables.push_back(std::move(table));
  for (AnalysisTable& table : stop_loss_exhibit(view, contract, settings)) tables.push_back(std::move(table));
  for (AnalysisTable& table : corridor_band_table(view, contract))
    tables.push_back(std::move(table));
  return tables;
}

}  // namespace apmsim::analysis
