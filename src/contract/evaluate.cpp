#include "contract/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "contract/benchmark.hpp"
#include "contract/outcome_pot.hpp"
#include "contract/risk_sharing.hpp"
#include "model/tally_layout.hpp"
#include "stats/statistics.hpp"

namespace apmsim::contract {

namespace {

using model::TallyLayout;
using scenario::ContractTerms;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr const char* kFieldNames[kFixedFields] = {
    "units",
    "benchmark",
    "benchmark_per_unit",
    "actual_cost",
    "accountable_cost",
    "counterfactual_cost",
    "savings_rate",
    "true_savings_rate",
    "quality_score",
    "eligible",
    "minimum_savings_rate",
    "base_payment",
    "withheld",
    "earned_back",
    "forfeited",
    "reconciliation",
    "stop_loss_recovery",
    "payment",
    "net_provider_result",
    "payer_net_savings",
    "earn_share",
    "earn_share_complete",
    "shared_result",
    "null_savings_rate",
    "null_shared_result",
    "target_shared_result",
    "historical_error",
    "regional_error",
    "efficiency",
    "region_shock",
};

int threshold_index(const std::vector<double>& thresholds, double a) {
  for (std::size_t t = 0; t < thresholds.size(); ++t)
    if (thresholds[t] == a) return static_cast<int>(t);
  throw std::logic_error("contract threshold missing from the tallies");
}

//! Achieved / measured (or achieved-complete / eligible), 0 where nobody was measured.
double rate_of(double achieved, double measured) {
  return measured > 0.0 ? achieved / measured : 0.0;
}

//! Whether a tier is reached by a score and its improvement over the baseline score.
bool reached(const scenario::QualityTier& t, double score, double improvement) {
  return score >= t.at || improvement >= t.improve;
}

double tiers_earn(const std::vector<scenario::QualityTier>& tiers, double score,
                  double improvement) {
  double earn = 0.0;
  for (const auto& t : tiers)
    if (reached(t, score, improvement)) earn = std::max(earn, t.earn);
  return earn;
}

//! Quality of one provider-year: per-measure rates now and in the baseline, and the weighted score.
struct Quality {
  std::vector<double> rate, baseline;
  double score = 0.0, baseline_score = 0.0;
};

//! Share of the withhold earned back (DESIGN 5.5).
double earn_share(const scenario::WithholdTerms& w, const Quality& q) {
  if (q.score < w.gate) return 0.0;
  switch (w.scoring) {
    case scenario::Scoring::Tiers:
      return tiers_earn(w.tiers, q.score, q.score - q.baseline_score);
    case scenario::Scoring::Linear:
      return linear_earn(q.score, w.floor, w.target);
    case scenario::Scoring::PerMeasure: {
      double earn = 0.0;
      for (std::size_t m = 0; m < w.measure_tiers.size(); ++m)
        earn += tiers_earn(w.measure_tiers[m], q.rate[m], q.rate[m] - q.baseline[m]);
      return std::min(earn, 1.0);
    }
  }
  return 0.0;
}

}  // namespace

const char* field_name(int field) { return kFieldNames[field]; }

Evaluator::Evaluator(const engine::Model& model, const scenario::Contract& contract,
                     int baseline_years, double target_effect)
    : model_(model),
      contract_(contract),
      baseline_years_(baseline_years),
      target_effect_(target_effect) {
  if (!contract.present) throw std::logic_error("Evaluator: the scenario has no contract");
  for (std::uint32_t e = 0; e < model.providers; ++e)
    if (model.entities[e].participant) providers_.push_back(e);
  const std::vector<double> thresholds(model.params.threshold,
                                       model.params.threshold + model.params.thresholds);
  for (const ContractTerms& t : contract.years) {
    const double trunc = t.benchmark.truncate_at;
    truncate_index_.push_back(trunc > 0.0 ? threshold_index(thresholds, trunc) : -1);
    if (t.stop_loss.enabled) {
      const double a = trunc > 0.0 ? std::min(trunc, t.stop_loss.attachment) : t.stop_loss.attachment;
      attach_index_.push_back(threshold_index(thresholds, a));
    } else {
      attach_index_.push_back(-1);
    }
  }
}

Records Evaluator::make_records() const {
  Records r;
  for (int f = 0; f < kFixedFields; ++f) r.names.push_back(kFieldNames[f]);
  r.thresholds.assign(model_.params.threshold, model_.params.threshold + model_.params.thresholds);
  for (double a : r.thresholds) r.names.push_back("excess_over_" + engine::threshold_label(a));
  r.providers = providers_;
  r.years = static_cast<int>(contract_.years.size());
  r.fields = static_cast<int>(r.names.size());
  return r;
}

void Evaluator::add(const engine::BatchTallies& b, Records& out) const {
  const std::size_t per_rep =
      providers_.size() * static_cast<std::size_t>(out.years) * static_cast<std::size_t>(out.fields);
  const std::size_t start = out.values.size();
  out.values.resize(start + per_rep * b.replications, kNaN);
  for (std::uint64_t rep = 0; rep < b.replications; ++rep)
    for (std::size_t p = 0; p < providers_.size(); ++p)
      for (int y = 0; y < out.years; ++y)
        evaluate(b, rep, p, y,
                 &out.values[start + ((rep * providers_.size() + p) * out.years + y) * out.fields]);
  out.replications += b.replications;
}

void Evaluator::evaluate(const engine::BatchTallies& b, std::uint64_t rep, std::size_t p, int y,
                         double* out) const {
  const ContractTerms& T = contract_.years[static_cast<std::size_t>(y)];
  const TallyLayout& L = model_.layout;
  const std::uint32_t entity = providers_[p];
  const engine::Entity& info = model_.entities[entity];
  const std::uint32_t comparison = model_.providers + static_cast<std::uint32_t>(info.region);
  const int B = baseline_years_;
  const int k = B + y;  // calendar year
  const double* now = b.record(rep, entity, k);
  const double* reg_now = b.record(rep, comparison, k);
  const int trunc = truncate_index_[static_cast<std::size_t>(y)];
  const auto cost_of = [&](const double* rec) {  // truncated when the contract truncates
    return trunc >= 0 ? rec[L.capped_field(trunc)] : rec[TallyLayout::kCost];
  };
  const auto per_unit = [](double sum, double n) { return n > 0.0 ? sum / n : 0.0; };
  const std::vector<double>& w = T.benchmark.baseline_weights;

  // Baselines: weighted per-unit cost, risk score and measure rates of the provider and region.
  std::vector<double> own(B), own_full(B), reg(B);
  double own_risk = 0.0, reg_risk = 0.0, n_base = 0.0, sum_base = 0.0, sq_base = 0.0;
  Quality q, qc;  // measured and complete-data quality
  const std::size_t measures = static_cast<std::size_t>(L.measures);
  std::vector<double> ach(measures, 0.0), meas(measures, 0.0), ach_c(measures, 0.0),
      elig(measures, 0.0);
  for (int yb = 0; yb < B; ++yb) {
    const double* rec = b.record(rep, entity, yb);
    const double* rr = b.record(rep, comparison, yb);
    const double n = rec[TallyLayout::kUnits], nr = rr[TallyLayout::kUnits];
    own[yb] = per_unit(cost_of(rec), n);
    own_full[yb] = per_unit(rec[TallyLayout::kCost], n);
    reg[yb] = per_unit(cost_of(rr), nr);
    own_risk += w[yb] * per_unit(rec[TallyLayout::kRiskScore], n);
    reg_risk += w[yb] * per_unit(rr[TallyLayout::kRiskScore], nr);
    n_base += n;
    sum_base += rec[TallyLayout::kCost];
    sq_base += rec[TallyLayout::kCostSquared];
    for (std::size_t m = 0; m < measures; ++m) {
      const int mi = static_cast<int>(m);
      ach[m] += rec[L.measure_field(mi, TallyLayout::kAchieved)];
      meas[m] += rec[L.measure_field(mi, TallyLayout::kMeasured)];
      ach_c[m] += rec[L.measure_field(mi, TallyLayout::kAchievedTrue)];
      elig[m] += rec[L.measure_field(mi, TallyLayout::kEligible)];
    }
  }
  for (Quality* qq : {&q, &qc}) {
    qq->rate.assign(measures, 0.0);
    qq->baseline.assign(measures, 0.0);
  }
  for (std::size_t m = 0; m < measures; ++m) {
    const int mi = static_cast<int>(m);
    q.baseline[m] = rate_of(ach[m], meas[m]);
    qc.baseline[m] = rate_of(ach_c[m], elig[m]);
    q.rate[m] = rate_of(now[L.measure_field(mi, TallyLayout::kAchieved)],
                        now[L.measure_field(mi, TallyLayout::kMeasured)]);
    qc.rate[m] = rate_of(now[L.measure_field(mi, TallyLayout::kAchievedTrue)],
                         now[L.measure_field(mi, TallyLayout::kEligible)]);
    const double weight = T.quality_weights[m];
    for (Quality* qq : {&q, &qc}) {
      qq->score += weight * qq->rate[m];
      qq->baseline_score += weight * qq->baseline[m];
    }
  }

  // 1. Benchmark per unit (DESIGN 5.1).
  const double n = now[TallyLayout::kUnits];
  const double risk_now = per_unit(now[TallyLayout::kRiskScore], n);
  const double rf = T.benchmark.risk_adjust
                        ? risk_adjustment(risk_now, own_risk, T.benchmark.risk_growth_cap)
                        : 1.0;
  const double reg_risk_now = per_unit(reg_now[TallyLayout::kRiskScore], reg_now[TallyLayout::kUnits]);
  // Regional cost per unit of risk, times the provider's (capped) risk score.
  const double case_mix = T.benchmark.risk_adjust && reg_risk_now > 0.0
                              ? own_risk * rf / reg_risk_now
                              : 1.0;
  const auto benchmarks = [&](const std::vector<double>& own_cost, double reg_cost_now,
                              double& historical, double& regional) {
    historical = historical_benchmark(own_cost, w, T.benchmark.assumed_trend, k) * rf;
    regional = reg_cost_now * case_mix;
  };
  double historical, regional;
  benchmarks(own, per_unit(cost_of(reg_now), reg_now[TallyLayout::kUnits]), historical, regional);
  double bm = 0.0;
  switch (T.benchmark.method) {
    case scenario::BenchmarkMethod::Historical:
      bm = historical;
      break;
    case scenario::BenchmarkMethod::Regional:
      bm = regional;
      break;
    case scenario::BenchmarkMethod::Blend:
      bm = blended_benchmark(historical, regional, T.benchmark.regional_weight);
      break;
  }
  if (T.benchmark.efficiency_adjustment > 0.0) {
    double own_base = 0.0, reg_base = 0.0;
    for (int yb = 0; yb < B; ++yb) {
      own_base += w[yb] * own[yb];
      reg_base += w[yb] * reg[yb];
    }
    const double own_level = own_risk > 0.0 ? own_base / own_risk : own_base;
    const double reg_level = reg_risk > 0.0 ? reg_base / reg_risk : reg_base;
    if (own_level > 0.0 && reg_level > own_level)
      bm *= 1.0 + T.benchmark.efficiency_adjustment * (reg_level - own_level) / own_level;
  }
  double discount = T.benchmark.discount, reached_at = -1.0;
  for (const auto& d : T.benchmark.quality_discount)
    if (q.score >= d.at && d.at > reached_at) {
      discount = d.discount;
      reached_at = d.at;
    }
  bm *= 1.0 - discount;
  const double benchmark = bm * n;

  // 2. Accountable cost: truncation, specific stop-loss and its premium (DESIGN 5.2).
  const double cost = now[TallyLayout::kCost];
  const double cf = now[TallyLayout::kCounterfactual];
  const double cat = now[TallyLayout::kCatastrophicCost];
  const int attach = attach_index_[static_cast<std::size_t>(y)];
  const double recovery =
      attach >= 0 ? (1.0 - T.stop_loss.coinsurance) * (cost_of(now) - now[L.capped_field(attach)])
                  : 0.0;
  const double premium = T.stop_loss.enabled ? T.stop_loss.premium * n : 0.0;
  const double accountable = cost_of(now) - recovery + premium;
  const double savings_rate = benchmark > 0.0 ? (benchmark - accountable) / benchmark : kNaN;

  // 3. Eligibility; 4. the sharing rule, with the minimum savings rate in force.
  const bool eligible = n >= T.min_units;
  double msr = T.sharing.minimum_savings_rate;
  if (T.sharing.msr_rule == scenario::MsrRule::Mssp) msr = mssp_minimum_savings_rate(n);
  if (T.sharing.msr_rule == scenario::MsrRule::SizeBased) {
    const double mean = per_unit(sum_base, n_base);
    const double var = n_base > 0.0 ? std::max(0.0, sq_base / n_base - mean * mean) : 0.0;
    const double cv = mean > 0.0 ? std::sqrt(var) / mean : 0.0;
    msr = n > 0.0 ? stats::normal_quantile(T.sharing.confidence) * cv / std::sqrt(n) : 1.0;
  }
  SharingTerms sharing{msr,
                       T.sharing.loss_rate_same ? msr : T.sharing.minimum_loss_rate,
                       T.sharing.first_dollar,
                       T.sharing.savings_rate,
                       T.sharing.loss_rate,
                       T.sharing.savings_cap,
                       T.sharing.loss_cap};
  std::vector<CorridorBand> bands;
  for (const auto& band : T.corridor) bands.push_back({band.lower, band.upper, band.share});
  const double quality_multiplier = T.sharing.quality_scaled ? q.score : 1.0;
  const auto shared_result = [&](double accountable_cost) {
    if (!T.reconciles()) return 0.0;
    double r = T.sharing.enabled
                   ? shared_savings(sharing, benchmark, accountable_cost, quality_multiplier)
                   : corridor_result(bands, benchmark, accountable_cost);
    if (r > 0.0 && q.score < T.quality_gate) r = 0.0;  // quality gate on savings
    return r;
  };
  const double shared = shared_result(accountable);
  double reconciliation = 0.0;
  if (eligible && T.reconciles()) {
    reconciliation = T.base == scenario::BasePayment::Capitation
                         ? shared - (benchmark - accountable)  // payer tops up / takes back
                         : shared;
  }

  // 5. Withhold / outcome pot; 6. base payment and the money flows.
  const double earn = earn_share(T.withhold, q);
  double base_payment = cost;
  if (T.base == scenario::BasePayment::Capitation) base_payment = benchmark;
  if (T.base == scenario::BasePayment::Fee) base_payment = T.participation_fee * n;
  const double withheld = T.withhold.rate * base_payment;
  const double earned = withheld * earn;
  double payment = 0.0, provider_cost = cost, outlay = 0.0;
  switch (T.base) {
    case scenario::BasePayment::Ffs:
      payment = cost - withheld + earned + reconciliation;
      outlay = payment;
      break;
    case scenario::BasePayment::Capitation:
      payment = base_payment - withheld + earned + reconciliation + recovery - premium;
      outlay = payment;
      break;
    case scenario::BasePayment::Fee:
      payment = base_payment - withheld + earned + reconciliation;
      provider_cost = T.delivery_cost * n;
      outlay = cost + payment;
      break;
  }

  // By-products: the counterfactual worlds of the threshold test (same draws, effect 0 or the
  // target), benchmark errors against the counterfactual, the provider's random effects.
  const double ramp = info.effect_ramp[static_cast<std::size_t>(y)];
  const double cost_target = (cf - cat) * std::exp(-target_effect_ * ramp) + cat;
  const double null_accountable = accountable + (cf - cost);
  const double target_accountable = accountable + (cost_target - cost);
  double hist_full, reg_full_now;
  benchmarks(own_full, per_unit(reg_now[TallyLayout::kCost], reg_now[TallyLayout::kUnits]),
             hist_full, reg_full_now);
  const double cf_unit = per_unit(cf, n);
  const std::uint64_t entities = b.entities;
  const std::size_t regions = model_.regions.size();

  out[kUnits] = n;
  out[kBenchmark] = benchmark;
  out[kBenchmarkPerUnit] = bm;
  out[kActualCost] = cost;
  out[kAccountableCost] = accountable;
  out[kCounterfactualCost] = cf;
  out[kSavingsRate] = savings_rate;
  out[kTrueSavingsRate] = cf > 0.0 ? (cf - cost) / cf : kNaN;
  out[kQualityScore] = q.score;
  out[kEligible] = eligible ? 1.0 : 0.0;
  out[kMinimumSavingsRate] = T.sharing.enabled ? msr : kNaN;
  out[kBasePayment] = base_payment;
  out[kWithheld] = withheld;
  out[kEarnedBack] = earned;
  out[kForfeited] = withheld - earned;
  out[kReconciliation] = reconciliation;
  out[kStopLossRecovery] = recovery;
  out[kPayment] = payment;
  out[kNetProviderResult] = payment - provider_cost;
  out[kPayerNetSavings] = cf - outlay;
  out[kEarnShare] = earn;
  out[kEarnShareComplete] = earn_share(T.withhold, qc);
  out[kSharedResult] = shared;
  out[kNullSavingsRate] = benchmark > 0.0 ? (benchmark - null_accountable) / benchmark : kNaN;
  out[kNullSharedResult] = shared_result(null_accountable);
  out[kTargetSharedResult] = shared_result(target_accountable);
  out[kHistoricalError] = cf_unit > 0.0 ? (hist_full - cf_unit) / cf_unit : kNaN;
  out[kRegionalError] = cf_unit > 0.0 && reg_now[TallyLayout::kUnits] > 0.0
                            ? (reg_full_now - cf_unit) / cf_unit
                            : kNaN;  // no comparison population: no regional benchmark
  out[kEfficiency] = b.efficiency.empty() ? kNaN : b.efficiency[rep * entities + entity];
  out[kRegionShock] =
      b.region_shock.empty()
          ? kNaN
          : b.region_shock[(rep * regions + static_cast<std::size_t>(info.region)) * b.years + k];
  for (int t = 0; t < L.thresholds; ++t)
    out[kFixedFields + t] = cost - now[L.capped_field(t)];
}

}  // namespace apmsim::contract
