#include "analysis/contract_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

#include "analysis/moments.hpp"
#include "contract/risk_sharing.hpp"
#include "stats/statistics.hpp"

namespace apmsim::analysis {

namespace {

namespace c = contract;
using stats::Estimate;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kLevels[] = {0.90, 0.95, 0.99, 0.995};
constexpr const char* kLevelNames[] = {"90", "95", "99", "995"};
constexpr const char* kLevelText[] = {"90%", "95%", "99%", "99.5%"};

std::string format(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}

//! Provider-years of a replication range: which providers and which years.
struct Selection {
  std::vector<std::size_t> providers;
  int year = -1;  //!< performance year index, or -1 for all
};

//! Column names: one per performance year, then `last` ("agreement" or "all").
std::vector<std::string> year_columns(int years, const std::string& last) {
  std::vector<std::string> columns;
  for (int y = 0; y < years; ++y) columns.push_back("performance_year_" + std::to_string(y + 1));
  columns.push_back(last);
  return columns;
}

//! An empty table of `rows` x `columns` for `quantities`, intervals from K batches.
EstimateTable make_table(std::vector<std::string> rows, std::vector<std::string> columns,
                         std::vector<Quantity> quantities, int batches) {
  EstimateTable t;
  t.rows = std::move(rows);
  t.columns = std::move(columns);
  t.years = static_cast<int>(t.columns.size());
  t.quantities = std::move(quantities);
  t.ci_multiplier = batches > 1 ? stats::student_t_quantile(0.975, batches - 1) : 1.959963984540054;
  t.resize();
  return t;
}

void put(EstimateTable& t, std::size_t q, std::size_t r, std::size_t y, const Estimate& e) {
  t.mean[t.index(q, r, y)] = e.value;
  t.se[t.index(q, r, y)] = e.se;
}

//! Everything the analyses share: the records, the batch count and the provider facts.
class Analyst {
 public:
  Analyst(const scenario::Scenario& s, const engine::Model& m, const c::Records& r)
      : s_(s), r_(r), years_(r.years), batches_(s.analysis.batches) {
    for (std::size_t p = 0; p < r.providers.size(); ++p) {
      const engine::Entity& e = m.entities[r.providers[p]];
      names_.push_back(e.name);
      groups_.push_back(s.provider_groups[static_cast<std::size_t>(e.group)].name);
      all_.push_back(p);
    }
  }

  //! Batch means of a vector-valued estimator over replication ranges (one pass per batch for
  //! all components): the whole-sample value, se = sd of the batch values / sqrt(K).
  std::vector<Estimate> estimates(
      std::size_t k,
      const std::function<std::vector<double>(std::uint64_t, std::uint64_t)>& f) const {
    std::vector<Estimate> out(k);
    const std::uint64_t n = r_.replications;
    if (n == 0) return out;
    const std::vector<double> whole = f(0, n);
    const std::uint64_t K = std::min<std::uint64_t>(static_cast<std::uint64_t>(batches_), n);
    std::vector<std::vector<double>> batch(k);
    for (std::uint64_t j = 0; j < K; ++j) {
      const std::uint64_t first = j * n / K, last = (j + 1) * n / K;
      const std::vector<double> v = f(first, last - first);
      for (std::size_t i = 0; i < k; ++i)
        if (std::isfinite(v[i])) batch[i].push_back(v[i]);
    }
    for (std::size_t i = 0; i < k; ++i) {
      out[i].value = whole[i];
      if (std::isnan(whole[i]) || batch[i].size() < 2) continue;
      out[i].se = stats::standard_deviation(batch[i]) / std::sqrt(static_cast<double>(batch[i].size()));
    }
    return out;
  }

  //! Calls f(record) for every provider-year of `sel` in replications [first, first + count).
  template <typename F>
  void each(const Selection& sel, std::uint64_t first, std::uint64_t count, F f) const {
    for (std::uint64_t rep = first; rep < first + count; ++rep)
      for (std::size_t p : sel.providers)
        for (int y = 0; y < years_; ++y)
          if (sel.year < 0 || sel.year == y) f(r_.record(rep, p, y), y);
  }

  //! The values g(record) of the provider-years of `sel` in a replication range.
  template <typename G>
  std::vector<double> values(const Selection& sel, std::uint64_t first, std::uint64_t count,
                             G g) const {
    std::vector<double> out;
    each(sel, first, count, [&](const double* rec, int) { out.push_back(g(rec)); });
    return out;
  }

  //! Per replication, the sum of g(record) over the provider-years of `sel`.
  template <typename G>
  std::vector<double> totals(const Selection& sel, std::uint64_t first, std::uint64_t count,
                             G g) const {
    std::vector<double> out;
    for (std::uint64_t rep = first; rep < first + count; ++rep) {
      double sum = 0.0;
      for (std::size_t p : sel.providers)
        for (int y = 0; y < years_; ++y)
          if (sel.year < 0 || sel.year == y) sum += g(r_.record(rep, p, y));
      out.push_back(sum);
    }
    return out;
  }

  void contract_tables(VariantSummary& out) const;
  void withhold(VariantSummary& out) const;
  void benchmark(VariantSummary& out) const;
  void threshold(VariantSummary& out) const;
  void risk(VariantSummary& out) const;
  void headline(VariantSummary& out) const;

 private:
  void add(VariantSummary& out, const std::string& analysis, const std::string& name,
           const std::string& description, EstimateTable table) const {
    out.analyses.push_back({analysis, name, description, std::move(table)});
  }

  const scenario::Scenario& s_;
  const c::Records& r_;
  int years_;
  int batches_;
  std::vector<std::string> names_, groups_;
  std::vector<std::size_t> all_;
};

// ---- Contract tables (DESIGN 5: results per provider-year, portfolio totals) -------------------

struct ContractQuantity {
  Quantity quantity;
  //! From the sums of every field over the selected provider-years, and their number.
  std::function<double(const std::vector<double>&, double)> value;
};

//! A field's name, unit and description from the record field table (contract/records.hpp).
Quantity field_quantity(c::Field f) {
  const c::FieldInfo& info = c::kFields[f];
  return {info.name, info.unit, info.description};
}

const std::vector<ContractQuantity>& contract_quantities() {
  const auto sum = [](c::Field f) {
    return ContractQuantity{field_quantity(f), [f](const std::vector<double>& s, double) {
                              return s[static_cast<std::size_t>(f)];
                            }};
  };
  const auto average = [](int f) {
    return [f](const std::vector<double>& s, double n) {
      return n > 0 ? s[static_cast<std::size_t>(f)] / n : kNaN;
    };
  };
  const auto mean_of = [&average](c::Field f) {
    Quantity q = field_quantity(f);
    q.description += ", mean over provider-years";
    return ContractQuantity{q, average(f)};
  };
  static const std::vector<ContractQuantity> all{
      sum(c::kUnits),
      sum(c::kBenchmark),
      sum(c::kActualCost),
      sum(c::kAccountableCost),
      sum(c::kCounterfactualCost),
      {field_quantity(c::kSavingsRate),
       [](const std::vector<double>& s, double) {
         return s[c::kBenchmark] > 0 ? 1.0 - s[c::kAccountableCost] / s[c::kBenchmark] : kNaN;
       }},
      {field_quantity(c::kTrueSavingsRate),
       [](const std::vector<double>& s, double) {
         return s[c::kCounterfactualCost] > 0
                    ? 1.0 - s[c::kActualCost] / s[c::kCounterfactualCost]
                    : kNaN;
       }},
      mean_of(c::kQualityScore),
      {{"eligible_share", "fraction", "share of provider-years with units >= min_units"},
       average(c::kEligible)},
      sum(c::kBasePayment),
      sum(c::kWithheld),
      sum(c::kEarnedBack),
      sum(c::kForfeited),
      sum(c::kReconciliation),
      sum(c::kStopLossRecovery),
      sum(c::kPayment),
      sum(c::kNetProviderResult),
      sum(c::kPayerNetSavings),
  };
  return all;
}

void Analyst::contract_tables(VariantSummary& out) const {
  const auto& qs = contract_quantities();
  std::vector<Quantity> quantities;
  for (const auto& q : qs) quantities.push_back(q.quantity);
  const auto columns = year_columns(years_, "agreement");
  out.contract_provider = make_table(names_, columns, quantities, 0);
  out.contract_portfolio = make_table({"participants"}, columns, quantities, 0);
  const std::size_t P = names_.size(), Y = columns.size(), Q = qs.size();
  std::vector<RunningMoments> cells((P + 1) * Y * Q);
  std::vector<double> sums(static_cast<std::size_t>(r_.fields));
  for (std::uint64_t rep = 0; rep < r_.replications; ++rep) {
    for (std::size_t row = 0; row <= P; ++row) {
      for (std::size_t col = 0; col < Y; ++col) {
        std::fill(sums.begin(), sums.end(), 0.0);
        double count = 0;
        for (std::size_t p = (row < P ? row : 0); p < (row < P ? row + 1 : P); ++p)
          for (int y = 0; y < years_; ++y) {
            if (col < Y - 1 && static_cast<std::size_t>(y) != col) continue;
            const double* rec = r_.record(rep, p, y);
            for (int f = 0; f < r_.fields; ++f) sums[static_cast<std::size_t>(f)] += rec[f];
            ++count;
          }
        for (std::size_t q = 0; q < Q; ++q) cells[(row * Y + col) * Q + q].add(qs[q].value(sums, count));
      }
    }
  }
  for (std::size_t row = 0; row <= P; ++row)
    for (std::size_t col = 0; col < Y; ++col)
      for (std::size_t q = 0; q < Q; ++q) {
        const RunningMoments& m = cells[(row * Y + col) * Q + q];
        EstimateTable& t = row < P ? out.contract_provider : out.contract_portfolio;
        const std::size_t r = row < P ? row : 0;
        t.mean[t.index(q, r, col)] = m.mean();
        t.se[t.index(q, r, col)] = m.standard_error();
      }
}

// ---- Withhold pricing --------------------------------------------------------------------------

//! The finite values of x (a provider-year without units has no savings rate).
std::vector<double> finite(std::vector<double> x) {
  x.erase(std::remove_if(x.begin(), x.end(), [](double v) { return !std::isfinite(v); }), x.end());
  return x;
}

//! Share of values above zero.
double share_positive(const std::vector<double>& x) {
  if (x.empty()) return kNaN;
  double k = 0;
  for (double v : x) k += v > 0 ? 1 : 0;
  return k / static_cast<double>(x.size());
}

void Analyst::withhold(VariantSummary& out) const {
  const bool any = std::any_of(s_.contract.years.begin(), s_.contract.years.end(),
                               [](const auto& t) { return t.withhold.rate > 0.0; });
  if (!any) return;
  const auto columns = year_columns(years_, "agreement");
  const std::vector<Quantity> qs{
      {"withheld", "currency", "withheld a replication, all providers"},
      {"earned_back", "currency", "earned back"},
      {"forfeited", "currency", "forfeited: the withhold's expected cost to the providers"},
      {"forfeit_share", "fraction", "forfeited / withheld"},
      {"forfeit_probability", "fraction", "share of provider-years that forfeit anything"},
      {"shortfall_forfeit", "currency",
       "forfeit on complete data (every eligible patient measured): real shortfall"},
      {"noise_forfeit", "currency", "forfeited - shortfall forfeit: forfeit due to measurement"},
      {"noise_forfeit_probability", "fraction",
       "P(forfeit > 0 | complete-data score earns the whole withhold): providers at target "
       "quality who forfeit"},
  };
  const auto forfeits = [](const double* r) { return r[c::kForfeited] > 1e-12 * r[c::kWithheld]; };
  EstimateTable t = make_table({"participants"}, columns, qs, batches_);
  for (std::size_t col = 0; col < columns.size(); ++col) {
    const Selection sel{all_, col + 1 < columns.size() ? static_cast<int>(col) : -1};
    const auto e = estimates(qs.size(), [&](std::uint64_t a, std::uint64_t n) {
      double withheld = 0, earned = 0, forfeited = 0, shortfall = 0, years = 0, hits = 0,
             at_target = 0, at_target_hits = 0;
      each(sel, a, n, [&](const double* r, int) {
        withheld += r[c::kWithheld];
        earned += r[c::kEarnedBack];
        forfeited += r[c::kForfeited];
        shortfall += r[c::kWithheld] * (1 - r[c::kEarnShareComplete]);
        ++years;
        hits += forfeits(r) ? 1 : 0;
        if (r[c::kEarnShareComplete] >= 1.0 && r[c::kWithheld] > 0) {
          ++at_target;
          at_target_hits += forfeits(r) ? 1 : 0;
        }
      });
      const double reps = static_cast<double>(n);
      return std::vector<double>{withheld / reps,
                                 earned / reps,
                                 forfeited / reps,
                                 withheld > 0 ? forfeited / withheld : kNaN,
                                 years > 0 ? hits / years : kNaN,
                                 shortfall / reps,
                                 (forfeited - shortfall) / reps,
                                 at_target > 0 ? at_target_hits / at_target : kNaN};
    });
    for (std::size_t q = 0; q < qs.size(); ++q) put(t, q, 0, col, e[q]);
  }
  add(out, "withhold", "forfeit", "withhold earned back and forfeited, portfolio totals", t);

  // Earn-back distribution over provider-years (the withhold's payoff).
  std::vector<std::string> bins;
  for (int b = 0; b < 10; ++b)
    bins.push_back("[" + format(b / 10.0) + "," + format((b + 1) / 10.0) + (b == 9 ? "]" : ")"));
  EstimateTable d = make_table(
      bins, {"all"},
      {{"probability", "fraction", "share of provider-years whose earn share is in the bin"}},
      batches_);
  const Selection everyone{all_, -1};
  const auto histogram = estimates(bins.size(), [&](std::uint64_t a, std::uint64_t n) {
    std::vector<double> h(10, 0.0);
    double total = 0;
    each(everyone, a, n, [&](const double* r, int) {
      // Clamped as a double: a share outside [0, 1] (or NaN) never becomes an out-of-range int.
      const double bin = std::floor(r[c::kEarnShare] * 10.0);
      if (std::isnan(bin)) return;
      h[static_cast<std::size_t>(std::clamp(bin, 0.0, 9.0))] += 1;
      ++total;
    });
    for (double& x : h) x = total > 0 ? x / total : kNaN;
    return h;
  });
  for (std::size_t b = 0; b < bins.size(); ++b) put(d, 0, b, 0, histogram[b]);
  add(out, "withhold", "earn_share_distribution", "distribution of the earn-back share", d);

  // Solving for the rate: earn shares do not depend on the rate, so the forfeit is linear in it.
  const auto& a = s_.analysis;
  std::vector<std::string> targets;
  if (a.target_forfeit > 0) targets.push_back("expected_forfeit=" + format(a.target_forfeit));
  if (a.forfeit_probability > 0)
    targets.push_back("P(forfeit>" + format(a.forfeit_limit) + ")<=" +
                      format(a.forfeit_probability));
  if (!targets.empty()) {
    EstimateTable r = make_table(targets, {"agreement"},
                                 {{"rate", "fraction", "withhold rate that meets the target"}},
                                 batches_);
    const auto e = estimates(2, [&](std::uint64_t first, std::uint64_t n) {
      double shortfall_base = 0, base = 0;
      std::vector<double> unearned;
      each(everyone, first, n, [&](const double* rec, int) {
        shortfall_base += rec[c::kBasePayment] * (1 - rec[c::kEarnShare]);
        base += rec[c::kBasePayment];
        if (std::isfinite(rec[c::kEarnShare])) unearned.push_back(1 - rec[c::kEarnShare]);
      });
      double by_mean = kNaN, by_tail = kNaN;
      if (a.target_forfeit > 0)
        by_mean = shortfall_base > 0 ? std::min(1.0, a.target_forfeit * base / shortfall_base) : 1.0;
      if (a.forfeit_probability > 0 && !unearned.empty()) {
        const double q = stats::value_at_risk(unearned, 1 - a.forfeit_probability);
        by_tail = q > 0 ? std::min(1.0, a.forfeit_limit / q) : 1.0;
      }
      return std::vector<double>{by_mean, by_tail};
    });
    std::size_t row = 0;
    if (a.target_forfeit > 0) put(r, 0, row++, 0, e[0]);
    if (a.forfeit_probability > 0) put(r, 0, row++, 0, e[1]);
    add(out, "withhold", "solved_rate",
        "withhold rate meeting each target (the forfeit is linear in the rate)", r);
  }

  EstimateTable pt = make_table(names_, {"agreement"}, {qs[2], qs[3], qs[4]}, batches_);
  for (std::size_t p = 0; p < names_.size(); ++p) {
    const Selection one{{p}, -1};
    const auto e = estimates(3, [&](std::uint64_t a0, std::uint64_t n) {
      double f = 0, w = 0, hits = 0, years = 0;
      each(one, a0, n, [&](const double* r, int) {
        f += r[c::kForfeited];
        w += r[c::kWithheld];
        hits += forfeits(r) ? 1 : 0;
        ++years;
      });
      return std::vector<double>{f / static_cast<double>(n), w > 0 ? f / w : kNaN,
                                 years > 0 ? hits / years : kNaN};
    });
    for (std::size_t q = 0; q < 3; ++q) put(pt, q, p, 0, e[q]);
  }
  add(out, "withhold", "provider", "forfeit per provider over the agreement", pt);
}

// ---- Benchmark calibration ---------------------------------------------------------------------

void Analyst::benchmark(VariantSummary& out) const {
  const double w = s_.contract.years.front().benchmark.regional_weight;
  const auto columns = year_columns(years_, "all");
  const std::vector<Quantity> qs{
      {"bias", "fraction", "mean of (benchmark - counterfactual) / counterfactual, per unit"},
      {"sd", "fraction", "standard deviation of the error"},
      {"rmse", "fraction", "root mean square error"},
      {"corr_efficiency", "correlation", "correlation of the error with provider efficiency e(p)"},
      {"corr_region_shock", "correlation", "correlation of the error with the regional shock"},
  };
  const std::vector<std::string> rows{"historical", "regional", "blend_w=" + format(w),
                                      "optimal_blend"};
  EstimateTable t = make_table(rows, columns, qs, batches_);
  EstimateTable ow = make_table(
      {"participants"}, columns,
      {{"optimal_weight", "weight", "regional weight minimising the blend's RMSE"}}, batches_);
  for (std::size_t col = 0; col < columns.size(); ++col) {
    const Selection sel{all_, col + 1 < columns.size() ? static_cast<int>(col) : -1};
    const auto e = estimates(rows.size() * qs.size() + 1, [&](std::uint64_t a, std::uint64_t n) {
      std::vector<double> h, g, eff, shock;
      each(sel, a, n, [&](const double* r, int) {
        if (!std::isfinite(r[c::kHistoricalError])) return;  // no units
        h.push_back(r[c::kHistoricalError]);
        g.push_back(r[c::kRegionalError]);
        eff.push_back(r[c::kEfficiency]);
        shock.push_back(r[c::kRegionShock]);
      });
      const double best = stats::optimal_blend_weight(h, g);
      std::vector<double> result;
      std::vector<double> err(h.size());
      for (const double wt : {0.0, 1.0, w, best}) {
        double squares = 0;
        for (std::size_t i = 0; i < h.size(); ++i) {
          // w = 0 and 1 are the pure methods (a missing regional benchmark must not leak in).
          err[i] = wt == 0.0 ? h[i] : wt == 1.0 ? g[i] : (1 - wt) * h[i] + wt * g[i];
          squares += err[i] * err[i];
        }
        result.push_back(stats::mean(err));
        result.push_back(stats::standard_deviation(err));
        result.push_back(err.empty() ? kNaN : std::sqrt(squares / static_cast<double>(err.size())));
        result.push_back(stats::pearson_correlation(err, eff));
        result.push_back(stats::pearson_correlation(err, shock));
      }
      result.push_back(best);
      return result;
    });
    for (std::size_t row = 0; row < rows.size(); ++row)
      for (std::size_t q = 0; q < qs.size(); ++q) put(t, q, row, col, e[row * qs.size() + q]);
    put(ow, 0, 0, col, e.back());
  }
  add(out, "benchmark", "methods",
      "error of each benchmark method against the counterfactual cost, per unit", t);
  add(out, "benchmark", "optimal_weight", "the RMSE-minimising regional weight", ow);
}

// ---- Minimum-threshold test --------------------------------------------------------------------

void Analyst::threshold(VariantSummary& out) const {
  // Without shared savings or a corridor nothing is paid on savings: no threshold to test.
  if (std::none_of(s_.contract.years.begin(), s_.contract.years.end(),
                   [](const auto& t) { return t.reconciles(); }))
    return;
  const auto& a = s_.analysis;
  std::vector<std::string> group_names;
  std::vector<Selection> group_sel;
  for (std::size_t p = 0; p < groups_.size(); ++p) {
    const auto it = std::find(group_names.begin(), group_names.end(), groups_[p]);
    if (it == group_names.end()) {
      group_names.push_back(groups_[p]);
      group_sel.push_back({{p}, -1});
    } else {
      group_sel[static_cast<std::size_t>(it - group_names.begin())].providers.push_back(p);
    }
  }
  group_names.push_back("all");
  group_sel.push_back({all_, -1});

  const std::vector<Quantity> qs{
      {"mean_units", "units", "mean units per provider-year"},
      {"excluded_share", "fraction", "share of provider-years below min_units"},
      {"false_reward", "fraction", "P(savings paid | true effect 0)"},
      {"false_penalty", "fraction", "P(losses charged | true effect 0)"},
      {"false_negative", "fraction", "P(no savings paid | true effect = target_effect)"},
  };
  const std::vector<Quantity> msr_qs{
      {"mean_units", "units", "mean units per provider-year"},
      {"null_savings_rate_mean", "fraction", "mean savings rate when the true effect is 0"},
      {"null_savings_rate_sd", "fraction", "its standard deviation"},
      {"msr_for_alpha", "fraction",
       "smallest MSR with P(savings rate >= MSR | effect 0) <= alpha (empirical quantile)"},
      {"msr_normal", "fraction", "the same from the normal approximation: mean + z(1-alpha) sd"}};
  std::vector<std::string> rows;
  for (const auto& g : group_names)
    for (double m : a.threshold_min_units) rows.push_back(g + " min_units=" + format(m));
  EstimateTable t = make_table(rows, {"all"}, qs, batches_);
  EstimateTable msr = make_table(group_names, {"all"}, msr_qs, batches_);
  const double z = stats::normal_quantile(1 - a.threshold_alpha);
  const std::size_t M = a.threshold_min_units.size();
  for (std::size_t gi = 0; gi < group_names.size(); ++gi) {
    const Selection& sel = group_sel[gi];
    const auto e = estimates(M * 4 + 5, [&](std::uint64_t first, std::uint64_t n) {
      std::vector<double> counts(M * 4, 0.0), null_rates;
      double units = 0, years = 0;
      each(sel, first, n, [&](const double* r, int) {
        units += r[c::kUnits];
        ++years;
        if (std::isfinite(r[c::kNullSavingsRate])) null_rates.push_back(r[c::kNullSavingsRate]);
        for (std::size_t k = 0; k < M; ++k) {
          const bool in = r[c::kUnits] >= a.threshold_min_units[k];
          counts[k * 4 + 0] += in ? 0 : 1;
          counts[k * 4 + 1] += in && r[c::kNullSharedResult] > 0 ? 1 : 0;
          counts[k * 4 + 2] += in && r[c::kNullSharedResult] < 0 ? 1 : 0;
          counts[k * 4 + 3] += in && r[c::kTargetSharedResult] > 0 ? 0 : 1;
        }
      });
      for (double& x : counts) x = years > 0 ? x / years : kNaN;
      const double m = stats::mean(null_rates), sd = stats::standard_deviation(null_rates);
      counts.push_back(years > 0 ? units / years : kNaN);
      counts.push_back(m);
      counts.push_back(sd);
      counts.push_back(null_rates.empty() ? kNaN
                                          : stats::value_at_risk(null_rates, 1 - a.threshold_alpha));
      counts.push_back(m + z * sd);
      return counts;
    });
    for (std::size_t k = 0; k < M; ++k) {
      const std::size_t row = gi * M + k;
      put(t, 0, row, 0, e[M * 4]);
      for (std::size_t q = 0; q < 4; ++q) put(t, q + 1, row, 0, e[k * 4 + q]);
    }
    for (std::size_t q = 0; q < msr_qs.size(); ++q) put(msr, q, gi, 0, e[M * 4 + q]);
  }
  add(out, "threshold", "rates",
      "false reward, false penalty and false negative rates by provider group and min_units", t);
  add(out, "threshold", "msr", "the minimum savings rate that keeps false reward <= alpha", msr);
}

// ---- Downside risk -----------------------------------------------------------------------------

void Analyst::risk(VariantSummary& out) const {
  const auto& a = s_.analysis;
  std::vector<Quantity> qs{{"mean", "currency", "mean net provider result"},
                           {"sd", "currency", "standard deviation of the net result"},
                           {"loss_probability", "fraction", "P(net result < 0)"}};
  for (int l = 0; l < 4; ++l)
    qs.push_back({std::string("var_") + kLevelNames[l], "currency",
                  std::string("value at risk of the loss (-net result) at ") + kLevelText[l]});
  for (int l = 0; l < 4; ++l)
    qs.push_back({std::string("tvar_") + kLevelNames[l], "currency",
                  std::string("tail value at risk of the loss at ") + kLevelText[l]});
  qs.push_back({"capital_99", "currency", "var_99 - expected loss"});
  qs.push_back({"capital_995", "currency", "var_995 - expected loss"});
  std::vector<std::string> rows = names_;
  rows.push_back("portfolio");
  const auto columns = year_columns(years_, "agreement");
  EstimateTable t = make_table(rows, columns, qs, batches_);
  for (std::size_t row = 0; row < rows.size(); ++row) {
    for (std::size_t col = 0; col < columns.size(); ++col) {
      const Selection sel{row < names_.size() ? std::vector<std::size_t>{row} : all_,
                          col + 1 < columns.size() ? static_cast<int>(col) : -1};
      const auto losses = [&](std::uint64_t f, std::uint64_t n) {
        return totals(sel, f, n, [](const double* r) { return -r[c::kNetProviderResult]; });
      };
      // Tail quantities of i.i.d. replication totals: order-statistic and delta-method errors
      // (a batch smaller than 1 / (1 - level) would see no tail).
      const std::vector<double> all_losses = losses(0, r_.replications);
      for (std::size_t l = 0; l < 4; ++l) {
        put(t, 3 + l, row, col, stats::value_at_risk_estimate(all_losses, kLevels[l]));
        put(t, 7 + l, row, col, stats::tail_value_at_risk_estimate(all_losses, kLevels[l]));
      }
      const auto e = estimates(5, [&](std::uint64_t f, std::uint64_t n) {
        const auto x = losses(f, n);
        const double m = stats::mean(x);
        double lost = 0;
        for (double v : x) lost += v > 0 ? 1 : 0;
        return std::vector<double>{-m, stats::standard_deviation(x),
                                   x.empty() ? kNaN : lost / static_cast<double>(x.size()),
                                   stats::value_at_risk(x, 0.99) - m,
                                   stats::value_at_risk(x, 0.995) - m};
      });
      put(t, 0, row, col, e[0]);
      put(t, 1, row, col, e[1]);
      put(t, 2, row, col, e[2]);
      put(t, 11, row, col, e[3]);
      put(t, 12, row, col, e[4]);
    }
  }
  add(out, "risk", "net_result", "distribution of the net provider result (loss = -result)", t);

  const Selection everyone{all_, -1};
  const auto premium_quantities = [](const std::string& per) {
    return std::vector<Quantity>{
        {"pure_premium", "currency/" + per, "expected layer payout"},
        {"sd", "currency/" + per, "standard deviation of the payout"},
        {"attach_probability", "fraction", "P(payout > 0)"},
        {"loaded_premium", "currency/" + per, "pure premium x (1 + loading) + sd_loading x sd"}};
  };
  //! Pure, sd, attach probability and loaded premium from payouts and exposures.
  const auto premiums = [&a](const std::vector<double>& payout, const std::vector<double>& exposure) {
    double p = 0, u = 0;
    std::vector<double> rate(payout.size());
    for (std::size_t i = 0; i < payout.size(); ++i) {
      p += payout[i];
      u += exposure[i];
      rate[i] = exposure[i] > 0 ? payout[i] / exposure[i] : 0.0;
    }
    const double pure = u > 0 ? p / u : kNaN, sd = stats::standard_deviation(rate);
    return std::vector<double>{pure, sd, share_positive(payout),
                               pure * (1 + a.risk_loading) + a.risk_sd_loading * sd};
  };
  // Specific layers between consecutive tally thresholds, per unit.
  if (!r_.thresholds.empty()) {
    std::vector<std::string> layers;
    const std::size_t T = r_.thresholds.size();
    for (std::size_t i = 0; i < T; ++i)
      layers.push_back(format(r_.thresholds[i]) + "-" +
                       (i + 1 < T ? format(r_.thresholds[i + 1]) : "inf"));
    EstimateTable sl = make_table(layers, {"all"}, premium_quantities("unit"), batches_);
    const auto e = estimates(4 * T, [&](std::uint64_t f, std::uint64_t n) {
      std::vector<std::vector<double>> pay(T);
      std::vector<double> units;
      each(everyone, f, n, [&](const double* r, int) {
        units.push_back(r[c::kUnits]);
        for (std::size_t i = 0; i < T; ++i)
          pay[i].push_back(r[r_.excess_field(i)] - (i + 1 < T ? r[r_.excess_field(i + 1)] : 0.0));
      });
      std::vector<double> result;
      for (std::size_t i = 0; i < T; ++i) {
        const auto p = premiums(pay[i], units);
        result.insert(result.end(), p.begin(), p.end());
      }
      return result;
    });
    for (std::size_t i = 0; i < T; ++i)
      for (std::size_t q = 0; q < 4; ++q) put(sl, q, i, 0, e[i * 4 + q]);
    add(out, "risk", "specific_layers",
        "specific stop-loss layers between tally thresholds: premium per unit", sl);
  }
  if (!a.aggregate_layers.empty()) {
    std::vector<std::string> layers;
    for (const auto& l : a.aggregate_layers)
      layers.push_back(format(l.attach) + "-" + format(l.limit));
    const std::size_t L = layers.size();
    EstimateTable al = make_table(layers, {"all"}, premium_quantities("provider-year"), batches_);
    const auto e = estimates(4 * L, [&](std::uint64_t f, std::uint64_t n) {
      std::vector<std::vector<double>> pay(L);
      std::vector<double> ones;
      each(everyone, f, n, [&](const double* r, int) {
        ones.push_back(1.0);
        const double b = r[c::kBenchmark];
        const double loss = b > 0 ? (r[c::kAccountableCost] - b) / b : 0.0;
        for (std::size_t i = 0; i < L; ++i) {
          const auto& l = a.aggregate_layers[i];
          pay[i].push_back(b > 0 ? std::clamp(loss - l.attach, 0.0, l.limit - l.attach) * b : 0.0);
        }
      });
      std::vector<double> result;
      for (std::size_t i = 0; i < L; ++i) {
        const auto p = premiums(pay[i], ones);
        result.insert(result.end(), p.begin(), p.end());
      }
      return result;
    });
    for (std::size_t i = 0; i < L; ++i)
      for (std::size_t q = 0; q < 4; ++q) put(al, q, i, 0, e[i * 4 + q]);
    add(out, "risk", "aggregate_layers",
        "aggregate stop-loss layers on the provider's loss as a share of its benchmark", al);
  }

  // Corridor bands: the payer's cost of each band (and of everything outside the bands).
  std::vector<std::string> band_rows;
  struct BandRef {
    int year;
    int band;  // -1: outside every band
  };
  std::vector<BandRef> refs;
  for (int y = 0; y < years_; ++y) {
    const auto& bands = s_.contract.years[static_cast<std::size_t>(y)].corridor;
    if (bands.empty()) continue;
    for (std::size_t b = 0; b < bands.size(); ++b) {
      band_rows.push_back("year " + std::to_string(y + 1) + " [" + format(bands[b].lower) + "," +
                          format(bands[b].upper) + ") share=" + format(bands[b].share));
      refs.push_back({y, static_cast<int>(b)});
    }
    band_rows.push_back("year " + std::to_string(y + 1) + " outside");
    refs.push_back({y, -1});
  }
  if (!refs.empty()) {
    EstimateTable cb = make_table(
        band_rows, {"all"},
        {{"expected_payer_cost", "currency",
          "expected cost of the band to the payer, per provider-year"},
         {"var_99", "currency", "99% value at risk of that cost"},
         {"tvar_99", "currency", "99% tail value at risk of that cost"}},
        batches_);
    for (std::size_t i = 0; i < refs.size(); ++i) {
      const auto& bands = s_.contract.years[static_cast<std::size_t>(refs[i].year)].corridor;
      const int band = refs[i].band;
      const Selection sel{all_, refs[i].year};
      const auto cost = [&bands, band](const double* r) {
        return band >= 0 ? c::band_payer_cost(bands[static_cast<std::size_t>(band)],
                                              r[c::kBenchmark], r[c::kSavingsRate])
                         : c::outside_bands_payer_cost(bands, r[c::kBenchmark], r[c::kSavingsRate]);
      };
      const auto x = finite(values(sel, 0, r_.replications, cost));
      put(cb, 0, i, 0, estimates(1, [&](std::uint64_t f, std::uint64_t n) {
                         return std::vector<double>{stats::mean(values(sel, f, n, cost))};
                       })[0]);
      put(cb, 1, i, 0, stats::value_at_risk_estimate(x, 0.99));
      put(cb, 2, i, 0, stats::tail_value_at_risk_estimate(x, 0.99));
    }
    add(out, "risk", "corridor_bands", "the payer's cost of each corridor band", cb);
  }
}

}  // namespace

// ---- Headline figures --------------------------------------------------------------------------

const std::vector<Quantity>& headline_quantities() {
  // The agreement totals of contract fields carry the fields' names and units.
  const auto total = [](c::Field f, const char* description) {
    return Quantity{c::kFields[f].name, c::kFields[f].unit, description};
  };
  static const std::vector<Quantity> all{
      total(c::kPayerNetSavings, "payer net savings over the agreement, all providers"),
      total(c::kNetProviderResult, "net provider result over the agreement, all providers"),
      total(c::kReconciliation, "shared savings / losses paid over the agreement"),
      total(c::kForfeited, "withhold forfeited over the agreement"),
      total(c::kSavingsRate, "portfolio savings rate against the benchmark"),
      total(c::kTrueSavingsRate, "portfolio true savings rate"),
      {"var_99", "currency", "99% VaR of the portfolio's loss over the agreement"},
      {"tvar_99", "currency", "99% TVaR of the portfolio's loss over the agreement"},
      {"optimal_weight", "weight", "RMSE-minimising regional benchmark weight"},
      {"false_reward", "fraction", "false reward rate, all providers, first min_units tested"},
  };
  return all;
}

void Analyst::headline(VariantSummary& out) const {
  const auto& qs = headline_quantities();
  out.headline = make_table({"participants"}, {"agreement"}, qs, 0);
  const auto copy = [&](std::size_t q, const EstimateTable& t, const std::string& name,
                        std::size_t row, std::size_t col) {
    const std::size_t i = t.index(t.quantity(name), row, col);
    out.headline.mean[q] = t.mean[i];
    out.headline.se[q] = t.se[i];
  };
  const EstimateTable& p = out.contract_portfolio;
  const std::size_t agreement = static_cast<std::size_t>(years_);
  copy(0, p, c::field_name(c::kPayerNetSavings), 0, agreement);
  copy(1, p, c::field_name(c::kNetProviderResult), 0, agreement);
  copy(2, p, c::field_name(c::kReconciliation), 0, agreement);
  copy(3, p, c::field_name(c::kForfeited), 0, agreement);
  copy(4, p, c::field_name(c::kSavingsRate), 0, agreement);
  copy(5, p, c::field_name(c::kTrueSavingsRate), 0, agreement);
  if (const auto* t = out.analysis_table("risk", "net_result")) {
    copy(6, t->table, "var_99", names_.size(), agreement);
    copy(7, t->table, "tvar_99", names_.size(), agreement);
  }
  if (const auto* t = out.analysis_table("benchmark", "optimal_weight"))
    copy(8, t->table, "optimal_weight", 0, agreement);
  if (const auto* t = out.analysis_table("threshold", "rates"))
    copy(9, t->table, "false_reward", t->table.rows.size() - s_.analysis.threshold_min_units.size(), 0);
}

void analyse_contract(const scenario::Scenario& scenario, const engine::Model& model,
                      const contract::Records& records, VariantSummary& out) {
  const Analyst analyst(scenario, model, records);
  out.has_contract = true;
  analyst.contract_tables(out);
  analyst.withhold(out);
  analyst.benchmark(out);
  analyst.threshold(out);
  analyst.risk(out);
  analyst.headline(out);
}

}  // namespace apmsim::analysis
