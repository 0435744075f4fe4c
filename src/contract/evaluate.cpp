#include "contract/evaluate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "contract/benchmark.hpp"
#include "contract/outcome_pot.hpp"
#include "contract/payment.hpp"
#include "contract/risk_sharing.hpp"
#include "contract/stop_loss.hpp"

namespace apmsim::contract {

namespace {

using scenario::ContractTerms;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int threshold_index(const std::vector<double>& thresholds, double a) {
  for (std::size_t t = 0; t < thresholds.size(); ++t)
    if (thresholds[t] == a) return static_cast<int>(t);
  throw std::logic_error("contract threshold missing from the tallies");
}

//! The benchmark per unit of `year` (a whole population or one enrollment type's view):
//! risk-adjusted method benchmark with its trend, the efficiency adjustment; and the methods
//! on untruncated costs for the benchmark analysis.
BenchmarkParts benchmark_parts(const scenario::BenchmarkTerms& terms, const ProviderYear& year,
                               int baseline_years) {
  BenchmarkParts parts;
  const RiskAdjustment risk = adjust_for_risk(terms, year);
  const int window_end = year.baseline.first + baseline_years;  // the agreement's first year
  const Trend trend(terms, year.observed, window_end, year.year);
  MethodBenchmarks methods = method_benchmarks(terms, year.baseline.cost_per_unit,
                                               year.regional_cost_per_unit, risk, trend);
  if (terms.method == scenario::BenchmarkMethod::RegionalAdjustment)
    methods.adjustment = with_prior_savings(
        regional_adjustment(terms, methods.historical, year.baseline, risk, trend),
        prior_savings_adjustment(terms, year.baseline, trend));
  parts.undiscounted =
      efficiency_adjusted(terms, method_benchmark(terms, methods), year.baseline);
  const Trend full_trend(terms, year.observed_full, window_end, year.year);
  parts.full = method_benchmarks(terms, year.baseline.full_cost_per_unit,
                                 year.regional_full_cost_per_unit, risk, full_trend);
  return parts;
}

//! A provider-year's waterfall so far, for the by-products that re-run its last steps.
struct Waterfall {
  const ContractTerms& terms;  //!< the terms in force this year
  const ProviderYear& year;    //!< what was read from the tallies
  MethodBenchmarks full;       //!< step 1's methods on untruncated costs
  SharingBasis basis;          //!< step 1's benchmark totals (and the provider's revenue)
  double accountable_cost;     //!< step 2's accountable cost
  MinimumRates minimum;        //!< step 4's minimum rates in force
};

//! The threshold test's worlds on the same draws (true effect 0, or the target effect: a true
//! savings rate of `target_effect` on the total cost, counterfactual x (1 - target_effect), in
//! every performance year) and the benchmark methods' errors against the counterfactual, on
//! untruncated costs. With truncation the accountable cost moves by the untruncated difference,
//! an approximation (docs/analyses.md).
void write_counterfactual_worlds(const Waterfall& w, double target_effect, double* out) {
  const ProviderYear& year = w.year;
  const double cost_target = year.counterfactual * (1.0 - target_effect);
  const double null_accountable = w.accountable_cost + (year.counterfactual - year.cost);
  const double target_accountable = w.accountable_cost + (cost_target - year.cost);
  const auto shared_at = [&w](double accountable_cost) {
    return sharing_result(w.terms, w.minimum, w.basis, accountable_cost, w.year.quality.score);
  };
  out[kNullSavingsRate] = savings_rate(w.basis.benchmark, null_accountable);
  out[kNullSharedResult] = shared_at(null_accountable);
  out[kTargetSharedResult] = shared_at(target_accountable);

  const MethodBenchmarks& full = w.full;
  const double cf_unit = per_unit(year.counterfactual, year.units);
  out[kHistoricalError] = cf_unit > 0.0 ? (full.historical - cf_unit) / cf_unit : kNaN;
  out[kRegionalError] = cf_unit > 0.0 && year.regional_units > 0.0
                            ? (full.regional - cf_unit) / cf_unit
                            : kNaN;  // no comparison population: no regional benchmark
}

//! The provider's random effects (for the benchmark analysis) and its cost above each tally
//! threshold (for the stop-loss layers).
void write_draws(const engine::BatchTallies& b, const model::TallyLayout& layout,
                 const TallyPlace& at, int region, std::size_t regions, double* out) {
  out[kEfficiency] =
      b.efficiency.empty() ? kNaN : b.efficiency[at.replication * b.entities + at.provider];
  out[kRegionShock] =
      b.region_shock.empty()
          ? kNaN
          : b.region_shock[(at.replication * regions + static_cast<std::size_t>(region)) *
                               static_cast<std::size_t>(b.years) +
                           static_cast<std::size_t>(at.year)];
  const double* now = b.record(at.replication, at.provider, at.year);
  for (int t = 0; t < layout.thresholds; ++t) {
    out[kFixedFields + t] = now[model::TallyLayout::kCost] - now[layout.capped_field(t)];
    out[kFixedFields + layout.thresholds + t] = now[layout.above_field(t)];
  }
}

}  // namespace

Evaluator::Evaluator(const engine::Model& model, const scenario::Contract& contract,
                     int baseline_years, double target_effect)
    : model_(model),
      contract_(contract),
      baseline_years_(baseline_years),
      target_effect_(target_effect),
      run_out_(contract.run_out, model.params.seed) {
  if (!contract.present) throw std::logic_error("Evaluator: the scenario has no contract");
  for (std::uint32_t e = 0; e < model.providers; ++e)
    if (model.entities[e].participant) providers_.push_back(e);
  for (std::uint32_t e = 0; e < model.entity_count(); ++e)
    if (!model.entities[e].participant) national_.push_back(e);
  if (national_.empty())
    for (std::uint32_t e = 0; e < model.entity_count(); ++e) national_.push_back(e);
  const std::vector<double> thresholds(model.params.threshold,
                                       model.params.threshold + model.params.thresholds);
  const int years = baseline_years + static_cast<int>(contract.years.size());
  for (const ContractTerms& t : contract.years) {
    // Per calendar year: the year's own amount (truncate_percentile) or the one amount.
    const std::vector<double>& by_year = t.benchmark.truncate_by_year;
    if (t.benchmark.truncate_percentile > 0.0 && static_cast<int>(by_year.size()) != years)
      throw std::logic_error("Evaluator: truncate_percentile not resolved (resolve_truncation)");
    for (int c = 0; c < years; ++c) {
      const double a = scenario::truncation_in(t.benchmark, c);
      truncate_index_.push_back(a > 0.0 ? threshold_index(thresholds, a) : -1);
    }
    const double now =
        scenario::truncation_in(t.benchmark, baseline_years + static_cast<int>(capped_.size()));
    plans_.push_back(stop_loss_plan(t.stop_loss, now));
    capped_.emplace_back();
    for (const double b : capped_boundaries(plans_.back().layers))
      capped_.back().emplace_back(b, threshold_index(thresholds, b));
  }
}

Records Evaluator::make_records() const {
  Records r;
  for (const FieldInfo& f : kFields) r.names.push_back(f.name);
  r.thresholds.assign(model_.params.threshold, model_.params.threshold + model_.params.thresholds);
  for (double a : r.thresholds) r.names.push_back("excess_over_" + engine::threshold_label(a));
  for (double a : r.thresholds) r.names.push_back("claimants_over_" + engine::threshold_label(a));
  r.providers = providers_;
  r.years = static_cast<int>(contract_.years.size());
  r.fields = static_cast<int>(r.names.size());
  return r;
}

void Evaluator::add(const engine::BatchTallies& b, Records& out) const {
  const std::size_t per_rep = providers_.size() * static_cast<std::size_t>(out.years) *
                              static_cast<std::size_t>(out.fields);
  const std::size_t start = out.values.size();
  out.values.resize(start + per_rep * b.replications, kNaN);
  // Scratch, reused by every provider-year of the batch: the whole population, then each type,
  // then the counterfactual baseline's copy (the ratchet).
  std::vector<ProviderYear> year(2 + static_cast<std::size_t>(model_.layout.types));
  const auto fields = static_cast<std::size_t>(out.fields);
  for (std::uint64_t rep = 0; rep < b.replications; ++rep)
    for (std::size_t p = 0; p < providers_.size(); ++p) {
      // The provider's records, year by year: each agreement reads the earlier ones.
      double* history =
          &out.values[start + (rep * providers_.size() + p) * static_cast<std::size_t>(out.years) *
                                  fields];
      int agreement = 0;
      bool left = false;
      for (int y = 0; y < out.years; ++y) {
        const int k = contract_.agreement_of(y);
        if (k != agreement) {
          agreement = k;
          left = left || leaves(b, rep, p, y, k, history, year);
        }
        double* record = history + static_cast<std::size_t>(y) * fields;
        if (left)
          write_outside(b, rep, p, y, k, record);
        else
          evaluate(b, rep, p, y, k, history, year, record);
      }
    }
  out.replications += b.replications;
}

void Evaluator::read_baseline_savings(int y, const double* history, ProviderYear& year) const {
  const std::size_t fields = record_fields();
  for (std::size_t b = 0; b < year.baseline.savings_per_unit.size(); ++b) {
    const int performance_year = year.baseline.first + static_cast<int>(b) - baseline_years_;
    if (performance_year < 0 || performance_year >= y) continue;
    const double* r = history + static_cast<std::size_t>(performance_year) * fields;
    if (r[kInProgram] == 1.0 && r[kUnits] > 0.0)
      year.baseline.savings_per_unit[b] = (r[kBenchmark] - r[kAccountableCost]) / r[kUnits];
  }
}

BenchmarkParts Evaluator::benchmark_of(const engine::BatchTallies& b, const TallyPlace& at,
                                       const scenario::BenchmarkTerms& terms,
                                       const ProviderYear& year, ProviderYear* types,
                                       const double* scale) const {
  return model_.layout.types > 0 ? by_enrollment_type(b, at, terms, year, types, scale)
                                 : benchmark_parts(terms, year, baseline_years_);
}

bool Evaluator::leaves(const engine::BatchTallies& b, std::uint64_t rep, std::size_t p, int y,
                       int k, const double* history, std::vector<ProviderYear>& scratch) const {
  const scenario::Agreement& agreement = contract_.agreements[static_cast<std::size_t>(k)];
  if (!(agreement.leave_below > 0.0)) return false;
  const std::size_t fields = record_fields();
  const double expiring = history[static_cast<std::size_t>(y - 1) * fields + kBenchmarkPerUnit];
  if (!(expiring > 0.0)) return false;
  // What the provider knows at the agreement's start: the rebased benchmark with the last
  // baseline year as its "performance year" (trended to it, no update; its risk and type mix).
  const ContractTerms& terms = contract_.years[static_cast<std::size_t>(y)];
  TallyPlace at = place(rep, p, y, k);
  at.year = at.baseline_first + baseline_years_ - 1;
  at.capped = nullptr;
  ProviderYear& year = scratch.front();
  read_provider_year(b, model_.layout, at, terms.benchmark.baseline_weights, year);
  read_baseline_savings(y, history, year);
  const double rebased =
      benchmark_of(b, at, terms.benchmark, year, scratch.data() + 1, nullptr).undiscounted *
      (1.0 - terms.benchmark.discount);
  return rebased < agreement.leave_below * expiring;
}

void Evaluator::write_outside(const engine::BatchTallies& b, std::uint64_t rep, std::size_t p,
                              int y, int k, double* out) const {
  // Outside the program the claims are paid fee-for-service and no contract flow is left.
  const TallyPlace at = place(rep, p, y, k);
  const double* now = b.record(at.replication, at.provider, at.year);
  const double cost = now[model::TallyLayout::kCost];
  const double counterfactual = now[model::TallyLayout::kCounterfactual];
  for (const Field f : {kWithheld, kEarnedBack, kForfeited, kReconciliation, kStopLossRecovery,
                        kAggregateRecovery, kStopLossPremium, kTruncationExcess,
                        kNetProviderResult, kInitialReconciliation, kTrueUp, kCompletionError,
                        kRatchet, kRatchetCost, kEligible})
    out[f] = 0.0;
  out[kUnits] = now[model::TallyLayout::kUnits];
  out[kActualCost] = cost;
  out[kCounterfactualCost] = counterfactual;
  out[kTrueSavingsRate] = counterfactual > 0.0 ? (counterfactual - cost) / counterfactual : kNaN;
  out[kBasePayment] = cost;
  out[kPayment] = cost;
  out[kPayerNetSavings] = counterfactual - cost;
  out[kAgreement] = k;
  out[kInProgram] = 0.0;
}

TallyPlace Evaluator::place(std::uint64_t rep, std::size_t p, int y, int k) const {
  TallyPlace at;
  at.replication = rep;
  at.provider = providers_[p];
  at.comparison =
      model_.providers + static_cast<std::uint32_t>(model_.entities[at.provider].region);
  at.baseline_years = baseline_years_;
  // Rebased at each agreement: the baseline_years calendar years before its first year.
  at.baseline_first =
      contract_.agreements.empty() ? 0 : contract_.agreements[static_cast<std::size_t>(k)].first;
  at.year = baseline_years_ + y;
  at.truncation = &truncate_index_[static_cast<std::size_t>(y * (baseline_years_ + static_cast<int>(
                                                                       contract_.years.size())))];
  at.observed_trend = contract_.years[static_cast<std::size_t>(y)].benchmark.observed_trend;
  at.national = &national_;
  at.capped = &capped_[static_cast<std::size_t>(y)];
  return at;
}

BenchmarkParts Evaluator::by_enrollment_type(const engine::BatchTallies& b, TallyPlace at,
                                             const scenario::BenchmarkTerms& terms,
                                             const ProviderYear& whole, ProviderYear* types,
                                             const double* scale) const {
  BenchmarkParts out;
  for (int t = 0; t < model_.layout.types; ++t) {
    ProviderYear& year = types[t];
    at.type = t;
    read_provider_year(b, model_.layout, at, terms.baseline_weights, year);
    year.baseline.savings_per_unit = whole.baseline.savings_per_unit;
    if (scale)
      for (std::size_t yb = 0; yb < year.baseline.cost_per_unit.size(); ++yb)
        year.baseline.cost_per_unit[yb] *= scale[yb];
    const double mix = per_unit(year.units, whole.units);  // the performance year's type mix
    if (!(mix > 0.0)) continue;
    // A type with no baseline units has no benchmark of its own: it takes the whole one's.
    const BenchmarkParts parts = benchmark_parts(
        terms, year.baseline.units > 0.0 ? year : whole, baseline_years_);
    out.undiscounted += mix * parts.undiscounted;
    out.full.historical += mix * parts.full.historical;
    out.full.regional += mix * parts.full.regional;
  }
  return out;
}

void Evaluator::evaluate(const engine::BatchTallies& b, std::uint64_t rep, std::size_t p, int y,
                         int k, const double* history, std::vector<ProviderYear>& scratch,
                         double* out) const {
  const ContractTerms& terms = contract_.years[static_cast<std::size_t>(y)];
  const TallyPlace at = place(rep, p, y, k);
  ProviderYear& year = scratch.front();
  read_provider_year(b, model_.layout, at, terms.benchmark.baseline_weights, year);
  read_baseline_savings(y, history, year);
  score_quality(terms.quality_weights, terms.quality_points, year.quality, terms.measure_points);
  score_quality(terms.quality_weights, terms.quality_points, year.quality_complete,
                terms.measure_points);

  // 1. Benchmark per unit (DESIGN 5.1): risk-adjusted method, efficiency adjustment, discount;
  // with enrollment types each type's, weighted by the performance year's mix (425.602(a)(2)).
  const BenchmarkParts parts =
      benchmark_of(b, at, terms.benchmark, year, scratch.data() + 1, nullptr);
  const double undiscounted = parts.undiscounted;
  const double discount = discount_in_force(terms.benchmark, year.quality.score);
  const double benchmark_per_unit = undiscounted * (1.0 - discount);
  const double benchmark = benchmark_per_unit * year.units;
  // CJR (42 CFR 510.305): repayments are measured against a target with their own discount.
  const double repayment_discount = repayment_discount_in_force(terms.benchmark, discount);
  const engine::Entity& provider = model_.entities[at.provider];
  const SharingBasis basis{benchmark, undiscounted * (1.0 - repayment_discount) * year.units,
                           provider.revenue_share * year.cost};
  // 2. Accountable cost (DESIGN 5.2); 3. eligibility; 4. the sharing rule or corridor.
  const AccountableCost accountable =
      accountable_cost(terms, plans_[static_cast<std::size_t>(y)], year, benchmark);
  const bool is_eligible = eligible(terms, year.units);
  const MinimumRates minimum = minimum_rates(terms.sharing, year.units, year.baseline);
  // Step 4's reconciliation on an accountable cost, against a benchmark and its sharing basis:
  // for this benchmark, and for the ratchet's below.
  const auto reconciler = [&](const SharingBasis& on, double against) {
    return [&terms, &minimum, &on, &year, is_eligible, against](double cost) {
      const double rule = sharing_result(terms, minimum, on, cost, year.quality.score);
      return Reconciled{rule, reconciliation(terms, is_eligible, rule, against, cost)};
    };
  };
  // With a run-out (contract/run_out.hpp) settled on claims paid by the cut-off, maybe trued up.
  const double completion = run_out_.completion_ratio(b, at);
  const RunOutResult run_out =
      run_out_.settle(completion, accountable.cost, reconciler(basis, benchmark));
  const double shared = run_out.settled.shared;
  const double reconciled = run_out.settled.reconciliation;
  // 5. Withhold / outcome pot; 6. base payment and the money flows.
  const double earn = earn_share(terms.withhold, year.quality);
  const Settlement money =
      settle(terms, year.units, year.cost, benchmark, earn, reconciled, accountable);

  // The ratchet: in a later agreement the baseline holds the provider's own performance years,
  // its savings included. The same waterfall on the benchmark rebased on their counterfactual
  // costs (each baseline year's counted cost per unit x counterfactual / cost, an approximation
  // under truncation) says what rebasing took (docs/analyses.md, "Agreements and the ratchet").
  double ratchet = 0.0, ratchet_cost = 0.0;
  if (at.baseline_first > 0) {
    std::array<double, scenario::kMaxYears> scale;  // per baseline year; no allocation a record
    for (int yb = 0; yb < baseline_years_; ++yb) {
      const double* r = b.record(at.replication, at.provider, at.baseline_first + yb);
      const double c = r[model::TallyLayout::kCost];
      scale[static_cast<std::size_t>(yb)] = c > 0.0 ? r[model::TallyLayout::kCounterfactual] / c : 1.0;
    }
    ProviderYear& unratcheted = scratch.back();
    unratcheted = year;
    for (int yb = 0; yb < baseline_years_; ++yb)
      unratcheted.baseline.cost_per_unit[static_cast<std::size_t>(yb)] *=
          scale[static_cast<std::size_t>(yb)];
    const double undiscounted_cf =
        benchmark_of(b, at, terms.benchmark, unratcheted, scratch.data() + 1, scale.data())
            .undiscounted;
    const double benchmark_cf = undiscounted_cf * (1.0 - discount) * year.units;
    const SharingBasis basis_cf{benchmark_cf,
                                undiscounted_cf * (1.0 - repayment_discount) * year.units,
                                basis.revenue};
    const AccountableCost accountable_cf =
        accountable_cost(terms, plans_[static_cast<std::size_t>(y)], year, benchmark_cf);
    // On the same run-out draw: the cost of the rebasing, not of the completion error.
    const double reconciled_cf =
        run_out_.settle(completion, accountable_cf.cost, reconciler(basis_cf, benchmark_cf))
            .settled.reconciliation;
    ratchet = benchmark_cf - benchmark;
    ratchet_cost =
        settle(terms, year.units, year.cost, benchmark_cf, earn, reconciled_cf, accountable_cf)
            .net_provider_result() -
        money.net_provider_result();
  }

  out[kUnits] = year.units;
  out[kBenchmark] = benchmark;
  out[kBenchmarkPerUnit] = benchmark_per_unit;
  out[kActualCost] = year.cost;
  out[kAccountableCost] = accountable.cost;
  out[kCounterfactualCost] = year.counterfactual;
  out[kSavingsRate] = savings_rate(benchmark, accountable.cost);
  out[kTrueSavingsRate] =
      year.counterfactual > 0.0 ? (year.counterfactual - year.cost) / year.counterfactual : kNaN;
  out[kQualityScore] = year.quality.score;
  out[kEligible] = is_eligible ? 1.0 : 0.0;
  out[kMinimumSavingsRate] = terms.sharing.enabled ? minimum.savings : kNaN;
  out[kBasePayment] = money.base_payment;
  out[kWithheld] = money.withheld;
  out[kEarnedBack] = money.earned_back;
  out[kForfeited] = money.forfeited();
  out[kReconciliation] = reconciled;
  out[kStopLossRecovery] = accountable.recovery;
  out[kAggregateRecovery] = accountable.aggregate_recovery;
  out[kStopLossPremium] = accountable.premium;
  out[kTruncationExcess] = accountable.truncated_excess;
  out[kPayment] = money.payment;
  out[kNetProviderResult] = money.net_provider_result();
  out[kPayerNetSavings] = year.counterfactual - money.outlay;
  out[kInitialReconciliation] = run_out.initial;
  out[kTrueUp] = run_out.true_up;
  out[kCompletionError] = run_out.completion_error;
  out[kAgreement] = k;
  out[kInProgram] = 1.0;
  out[kRatchet] = ratchet;
  out[kRatchetCost] = ratchet_cost;
  out[kEarnShare] = earn;
  out[kEarnShareComplete] = earn_share(terms.withhold, year.quality_complete);
  out[kSharedResult] = shared;

  write_counterfactual_worlds({terms, year, parts.full, basis, accountable.cost, minimum},
                              target_effect_, out);
  write_draws(b, model_.layout, at, provider.region, model_.regions.size(), out);
}

}  // namespace apmsim::contract
