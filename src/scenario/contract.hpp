#pragma once
//! `[contract]`, `[analysis]` and `[sweep]` resolved: the payment terms of each performance year
//! (the glide path applied), the settings of the four analyses, and the sweep's axes.
//! docs/scenario-reference.md documents every key; field names equal the keys.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace apmsim::scenario {

//! What the base payment is (DESIGN 5.6).
enum class BasePayment { Ffs, Capitation, Fee };

//! How the benchmark is formed (DESIGN 5.1); RegionalAdjustment is MSSP's (42 CFR 425.601(f)).
enum class BenchmarkMethod { Historical, Regional, Blend, RegionalAdjustment };

//! How the minimum savings rate is set.
enum class MsrRule { Fixed, Mssp, SizeBased };

//! How quality earns back a withhold.
enum class Scoring { Tiers, Linear, PerMeasure };

constexpr double kNoLimit = std::numeric_limits<double>::infinity();

//! A quality tier: reached when the score is >= `at` or its improvement over the baseline score
//! is >= `improve` (an absent condition is +inf); pays `earn`.
struct QualityTier {
  double at = kNoLimit;
  double improve = kNoLimit;
  double earn = 0.0;
};

//! A discount that replaces the benchmark discount once the quality score reaches `at`.
struct DiscountTier {
  double at = 0.0;
  double discount = 0.0;
};

//! `[contract.benchmark]`.
struct BenchmarkTerms {
  BenchmarkMethod method = BenchmarkMethod::Historical;
  double regional_weight = 0.5;           //!< w of the blend (1-w) hist + w reg
  std::vector<double> baseline_weights;   //!< per baseline year, oldest first, summing to 1
  double assumed_trend = 0.0;             //!< the contract's trend for historical benchmarks
  bool risk_adjust = true;                //!< scale by the observed risk score ratio
  double risk_growth_cap = kNoLimit;      //!< most the risk score may grow over the baseline
  bool risk_growth_from_last_year = false;    //!< cap growth over the last baseline year (BY3)
  double regional_weight_below = 0.35;        //!< regional_adjustment: weight when below the region
  double regional_weight_above = 0.15;        //!< and when above it (42 CFR 425.601(f)(1))
  double regional_adjustment_cap = kNoLimit;  //!< most |adjustment|, share of national cost
  double national_cost_per_unit = 0.0;        //!< national cost per unit in the last baseline year
  double truncate_at = 0.0;               //!< per-unit cost cap; 0 = none
  //! Truncation at this percentile of each calendar year's national cost per unit (0 = none);
  //! the amounts are resolved before a run by engine::resolve_truncation into truncate_by_year.
  double truncate_percentile = 0.0;
  std::vector<double> truncate_by_year;   //!< per calendar year: resolved truncation amounts
  //! [calendar year][enrollment type]: resolved amounts per type (with enrollment types).
  std::vector<std::vector<double>> truncate_by_type_year;
  //! Trend: false = (1 + assumed_trend)^k; true = observed growth of the national and regional
  //! cost per unit, blended with trend_national_weight (contract/trend.hpp).
  bool observed_trend = false;
  double trend_national_weight = 1.0;     //!< national share of the national/regional blend
  double prospective_trend = 0.0;         //!< a stated yearly rate (MSSP's ACPT, REACH's trend)
  double prospective_weight = 0.0;        //!< its weight in the update from the last baseline year
  double trend_corridor = kNoLimit;       //!< retrospective trend adjustment beyond this gap
  double discount = 0.0;                  //!< share taken off the benchmark
  bool repayment_same = true;             //!< repayments measured against the same discount
  double repayment_discount = 0.0;        //!< else this discount for repayments (CJR)
  std::vector<DiscountTier> quality_discount;  //!< quality-tiered discounts (CJR)
  double efficiency_adjustment = 0.0;     //!< share of a below-region baseline gap added back
  //! MSSP's prior savings adjustment (42 CFR 425.658) for a renewing provider: this share of its
  //! average savings per unit over the baseline years it was in the program (0 = none) ...
  double prior_savings_share = 0.0;
  double prior_savings_cap = kNoLimit;  //!< ... at most this share of national_cost_per_unit
};

//! The truncation amount in force in calendar year c (0 = none): truncate_at, or the year's
//! resolved amount of truncate_percentile.
inline double truncation_in(const BenchmarkTerms& b, int c) {
  return b.truncate_by_year.empty() ? b.truncate_at
                                    : b.truncate_by_year.at(static_cast<std::size_t>(c));
}

//! The truncation amount of enrollment type t in calendar year c: the type's own percentile
//! amount when resolved per type, else truncation_in(b, c).
inline double truncation_in_type(const BenchmarkTerms& b, int c, int t) {
  if (b.truncate_by_type_year.empty()) return truncation_in(b, c);
  return b.truncate_by_type_year.at(static_cast<std::size_t>(c)).at(static_cast<std::size_t>(t));
}

//! One specific (per-unit) stop-loss layer: of each unit's cost between `attachment` and `limit`,
//! the cover pays (1 - coinsurance); the provider pays `premium` per unit for it.
struct StopLossLayer {
  double attachment = 0.0;   //!< per-unit cost above which the layer pays
  double limit = kNoLimit;   //!< per-unit cost above which it pays no more
  double coinsurance = 0.0;  //!< share of the layer's cost the provider still bears
  double premium = 0.0;      //!< per unit, paid by the provider
};

//! `[[contract.stop_loss.band]]`: a band of per-unit annual cost [lower, upper) of which the
//! arrangement pays `share` (ACO REACH's banded stop-loss).
struct StopLossBand {
  double lower = 0.0;
  double upper = kNoLimit;
  double share = 0.0;
};

//! `[contract.stop_loss.aggregate]`: aggregate stop-loss the provider buys, on its whole
//! provider-year cost net of truncation and the specific layers.
struct AggregateStopLoss {
  enum class Basis { kFactor, kAmount, kMonthly };
  bool enabled = false;
  Basis basis = Basis::kFactor;
  double attachment_factor = 0.0;   //!< kFactor: of the priced expected claims (the benchmark)
  double attachment = 0.0;          //!< kAmount: a stated amount per provider-year
  double monthly_attachment = 0.0;  //!< kMonthly: per member month (12 per patient-year unit)
  double minimum_attachment = 0.0;  //!< kMonthly: the least attachment
  double limit = kNoLimit;          //!< the most the cover pays per provider-year
  double coinsurance = 0.0;         //!< share of the excess the provider still bears
  double premium = 0.0;             //!< per unit, paid by the provider
};

//! `[contract.stop_loss]`: specific layers (the table's own attachment, `[[...layer]]`s and
//! `[[...band]]`s) and an aggregate cover.
struct StopLossTerms {
  bool enabled = false;      //!< the table's own layer (`attachment` given)
  double attachment = 0.0;   //!< per-unit cost above which the stop-loss pays
  double limit = kNoLimit;   //!< per-unit cost above which it pays no more
  double coinsurance = 0.0;  //!< share of the excess the provider still bears
  double premium = 0.0;      //!< per unit, paid by the provider
  std::vector<StopLossLayer> layers;  //!< `[[contract.stop_loss.layer]]`
  std::vector<StopLossBand> bands;    //!< `[[contract.stop_loss.band]]`
  double band_premium = 0.0;          //!< per unit, for the bands together
  AggregateStopLoss aggregate;

  //! Every specific layer: the table's own, the `layer` entries, then each band as a layer
  //! (coinsurance 1 - share, no premium of its own: `band_premium` is the bands').
  std::vector<StopLossLayer> specific_layers() const {
    std::vector<StopLossLayer> all;
    if (enabled) all.push_back({attachment, limit, coinsurance, premium});
    all.insert(all.end(), layers.begin(), layers.end());
    for (const StopLossBand& b : bands) all.push_back({b.lower, b.upper, 1.0 - b.share, 0.0});
    return all;
  }
  //! Whether any stop-loss is bought.
  bool any() const { return enabled || !layers.empty() || !bands.empty() || aggregate.enabled; }
};

//! `[contract.sharing]`: shared savings and losses.
struct SharingTerms {
  bool enabled = false;
  MsrRule msr_rule = MsrRule::Fixed;
  double minimum_savings_rate = 0.0;  //!< MsrRule::Fixed
  bool loss_rate_same = false;        //!< minimum loss rate = the minimum savings rate
  double minimum_loss_rate = 0.0;
  double confidence = 0.9;  //!< one-sided confidence of the size-based rate
  bool confidence_by_size = false;  //!< confidence from units, as CMS derived its MSR table
  double size_based_floor = 0.0;    //!< least size-based rate (CMS: 2%)
  bool first_dollar = true;
  double savings_rate = 0.5;
  double loss_rate = 0.0;
  bool loss_rate_from_sharing = false;  //!< loss rate = 1 - final sharing rate (MSSP ENHANCED)
  double loss_rate_min = 0.4;           //!< its clamp, 42 CFR 425.610(f)
  double loss_rate_max = 0.75;
  double savings_cap = 1.0;
  double loss_cap = 1.0;
  double loss_cap_revenue = kNoLimit;  //!< loss limit as a share of the provider's revenue
  bool quality_scaled = false;
  double sequestration = 0.0;  //!< share taken off positive shared-savings payments (MSSP: 2%)
};

//! `[[contract.corridor]]`: the provider keeps `share` of the savings rate inside [lower, upper).
struct CorridorBand {
  double lower = 0.0;
  double upper = 0.0;
  double share = 0.0;
};

//! `[contract.withhold]`.
struct WithholdTerms {
  double rate = 0.0;  //!< share of the base payment at risk
  Scoring scoring = Scoring::Tiers;
  std::vector<QualityTier> tiers;  //!< Scoring::Tiers, on the quality score
  double floor = 0.0;              //!< Scoring::Linear
  double target = 1.0;             //!< Scoring::Linear
  double gate = 0.0;               //!< quality score below which nothing is earned
  //! Scoring::PerMeasure: tiers of each measure (index = measure; empty = not linked to payment).
  std::vector<std::vector<QualityTier>> measure_tiers;
};

//! `[contract.quality] points`: a measure whose rate reaches `at` earns `points` (MSSP's points
//! by performance level, 42 CFR 425.502).
struct PointsTier {
  double at = 0.0;
  double points = 0.0;
};

//! The terms in force in one performance year.
struct ContractTerms {
  BasePayment base = BasePayment::Ffs;
  double min_units = 0.0;
  double quality_gate = 0.0;
  double participation_fee = 0.0;
  double delivery_cost = 0.0;
  BenchmarkTerms benchmark;
  StopLossTerms stop_loss;
  SharingTerms sharing;
  std::vector<CorridorBand> corridor;
  std::vector<double> quality_weights;  //!< per measure, summing to 1 (empty: no measures)
  std::vector<PointsTier> quality_points;  //!< empty: the score is the mean of rates
  //! Per measure (index = measure): its own points tiers; empty = quality_points.
  std::vector<std::vector<PointsTier>> measure_points;
  WithholdTerms withhold;

  //! Whether savings or losses are reconciled (sharing or a corridor).
  bool reconciles() const { return sharing.enabled || !corridor.empty(); }
};

//! `[contract.run_out]`: claims incurred in a year are paid over the following months by a stated
//! completion pattern; the reconciliation uses the claims paid by the run-out cut-off grossed up
//! by a completion factor (MSSP: 3 months of run-out with a completion factor, 42 CFR
//! 425.604(a)(5)), with a true-up on complete claims where the program has one (CJR's subsequent
//! reconciliation, 42 CFR 510.305(f)). Contract-level: the same in every performance year.
struct RunOut {
  bool enabled = false;  //!< the table is given
  int months = 0;        //!< run-out months after the year's end: the cut-off of paid claims
  //! The completion pattern: share of a month's incurred cost paid k = 0, 1, ... months after the
  //! month of service, as written (contract::completion_pattern divides by their sum).
  std::vector<double> lag;
  //! What paid claims are divided by; 0 = the pattern's expected completion (unbiased).
  double completion_factor = 0.0;
  int true_up_months = 0;  //!< months after the year's end of the true-up; 0 = none

  //! Whether a true-up on complete claims replaces the initial settlement.
  bool true_up() const { return true_up_months > 0; }
};

//! `[[contract.agreement]]`: one agreement period of a run that spans several. Its terms are
//! those of its performance years in Contract::years; at its start the benchmark is rebased on
//! the baseline_years calendar years before it.
struct Agreement {
  int first = 0;  //!< its first performance year (index into Contract::years)
  int years = 0;  //!< its performance years
  //! A provider leaves the program at this agreement's start when its rebased benchmark per unit
  //! (as known then: the baseline years, trended to the last one) is below leave_below times
  //! its benchmark per unit in the expiring agreement's last year; 0 = it always renews.
  double leave_below = 0.0;
};

//! `[contract.timing]`: when each money flow of a provider-year is paid, for the cash analysis
//! (analysis/cash.hpp). Months count from the start of performance year 1; a settlement lag is
//! in months after the end of the performance year it settles. docs/scenario-reference.md.
struct CashTiming {
  bool present = false;              //!< the table is given: the cash analysis runs
  double discount_rate = 0.0;        //!< annual rate for present values
  bool payments_in_advance = false;  //!< capitation and fees paid at the start of each month
  int reconciliation_month = 9;      //!< initial reconciliation (settled at the run-out cut-off)
  int true_up_month = 9;             //!< the true-up on complete claims
  int earn_back_month = 9;           //!< the withhold earned back
  int stop_loss_month = 9;           //!< stop-loss recoveries paid in cash (capitation)
  int repayment_months = 3;          //!< a repayment's delay after its notice (MSSP: 90 days)
  //! The repayment mechanism (42 CFR 425.204(f)(4)): the lesser of these shares of the
  //! benchmark expenditure and of the provider's revenue.
  double mechanism_expenditure_share = 0.01;
  double mechanism_revenue_share = 0.02;

  //! The latest settlement lag, a repayment's included: the months after the last year's end.
  int last_lag() const {
    return std::max({reconciliation_month, true_up_month, earn_back_month, stop_loss_month}) +
           repayment_months;
  }
};

//! `[contract]`: terms per performance year (index 0 = first performance year).
struct Contract {
  bool present = false;
  std::vector<ContractTerms> years;
  RunOut run_out;  //!< `[contract.run_out]`; disabled = claims complete at reconciliation
  //! The agreements in sequence, covering every performance year; one when the scenario has no
  //! `[[contract.agreement]]`.
  std::vector<Agreement> agreements;

  //! The agreement performance year y is in.
  int agreement_of(int y) const {
    int k = 0;
    while (k + 1 < static_cast<int>(agreements.size()) &&
           agreements[static_cast<std::size_t>(k + 1)].first <= y)
      ++k;
    return k;
  }
  CashTiming timing;  //!< `[contract.timing]`: when the money moves
};

//! An aggregate stop-loss layer on the provider's loss as a share of its benchmark.
struct AggregateLayer {
  double attach = 0.0;
  double limit = 0.0;
};

//! `[analysis]`: settings of the four analyses.
struct AnalysisSettings {
  int batches = 20;                        //!< batches for batch-means standard errors
  double target_forfeit = 0.0;             //!< withhold: expected forfeit share to solve for; 0 = none
  double forfeit_limit = 0.0;              //!< withhold: P(forfeit > limit * base) <= probability
  double forfeit_probability = 0.0;        //!< 0 = not asked
  std::vector<double> threshold_min_units;  //!< min_units values tested (default: the contract's)
  double threshold_alpha = 0.05;
  double threshold_target_effect = 0.02;
  double risk_loading = 0.1;
  double risk_sd_loading = 0.0;
  std::vector<AggregateLayer> aggregate_layers;
  //! The stop-loss exhibit's aggregate attachments: factors of expected claims (net of the
  //! specific stop-loss), and a monthly factor x member months with a minimum (0: none).
  std::vector<double> aggregate_attachment_factors{1.1, 1.25};
  double aggregate_monthly_factor = 0.0;
  double aggregate_minimum_attachment = 0.0;
};

//! One `[sweep]` key: a parameter path and its values, as TOML text (e.g. "0.02", "\"ffs\"").
struct SweepAxis {
  std::string path;
  std::vector<std::string> values;
  bool contract_only = false;  //!< under `contract.`: evaluated on the same tallies
  int line = 0;                //!< where the key is written, for messages
  int column = 0;
};

//! The benchmark terms a contract applies to calendar year c's costs: a performance year's own,
//! a baseline year those of the first performance year (which reads it).
inline const BenchmarkTerms& benchmark_in(const Contract& contract, int baseline_years, int c) {
  const int y = c < baseline_years ? 0 : c - baseline_years;
  return contract.years.at(std::min(static_cast<std::size_t>(y), contract.years.size() - 1))
      .benchmark;
}

}  // namespace apmsim::scenario
