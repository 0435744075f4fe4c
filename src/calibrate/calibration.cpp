#include "calibrate/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "calibrate/severity_fit.hpp"
#include "stats/statistics.hpp"

namespace apmsim::calibrate {
namespace {

constexpr int kHistogramBins = 2048;

//! Additive sums of one group of rows (providers or members): every estimator is a function of
//! these, so a jackknife replicate is the total less one group.
struct GroupSums {
  int strata = 0, years = 0;
  std::vector<double> entry, weight, positive, risk;  //!< per stratum
  std::vector<double> cell_cost, cell_weight;         //!< per (stratum, year)
  double churn_at_risk = 0.0, churn_stayed = 0.0;
  std::vector<double> moves;  //!< [from * strata + to]
  double lag1 = 0.0, pairs1 = 0.0, lag2 = 0.0, pairs2 = 0.0;
  std::vector<SeverityStats> severity;  //!< per stratum

  GroupSums(int s, int t, const std::vector<std::pair<double, double>>& ranges)
      : strata(s),
        years(t),
        entry(std::size_t(s)),
        weight(std::size_t(s)),
        positive(std::size_t(s)),
        risk(std::size_t(s)),
        cell_cost(std::size_t(s) * t),
        cell_weight(std::size_t(s) * t),
        moves(std::size_t(s) * s),
        severity(std::size_t(s)) {
    for (int k = 0; k < s; ++k)
      severity[std::size_t(k)].histogram =
          LogHistogram(ranges[std::size_t(k)].first, ranges[std::size_t(k)].second, kHistogramBins);
  }
  template <class Op>
  void combine(const GroupSums& o, Op op) {
    const auto each = [&](std::vector<double>& a, const std::vector<double>& b) {
      for (std::size_t i = 0; i < a.size(); ++i) a[i] = op(a[i], b[i]);
    };
    each(entry, o.entry);
    each(weight, o.weight);
    each(positive, o.positive);
    each(risk, o.risk);
    each(cell_cost, o.cell_cost);
    each(cell_weight, o.cell_weight);
    each(moves, o.moves);
    churn_at_risk = op(churn_at_risk, o.churn_at_risk);
    churn_stayed = op(churn_stayed, o.churn_stayed);
    lag1 = op(lag1, o.lag1);
    pairs1 = op(pairs1, o.pairs1);
    lag2 = op(lag2, o.lag2);
    pairs2 = op(pairs2, o.pairs2);
  }
  GroupSums& operator+=(const GroupSums& o) {
    combine(o, std::plus<double>());
    for (std::size_t k = 0; k < severity.size(); ++k) severity[k] += o.severity[k];
    return *this;
  }
  GroupSums& operator-=(const GroupSums& o) {
    combine(o, std::minus<double>());
    for (std::size_t k = 0; k < severity.size(); ++k) severity[k] -= o.severity[k];
    return *this;
  }
};

//! The estimates that come from sums (everything but the empirical tables).
struct Point {
  std::vector<double> share, p_positive, risk;
  double trend = 0.0, churn = 0.0, tau2 = 0.0, rho = 1.0;
  std::vector<double> moves;  //!< [from * strata + to], rows normalised
  std::vector<ParametricSeverity> severity;
};

//! ln(mean cost per exposure-year) on the year, weighted by exposure, with a stratum effect.
double trend_of(const GroupSums& g) {
  double num = 0.0, den = 0.0;
  for (int s = 0; s < g.strata; ++s) {
    double w = 0.0, wt = 0.0, wl = 0.0;
    for (int t = 0; t < g.years; ++t) {
      const std::size_t c = std::size_t(s) * g.years + t;
      if (g.cell_cost[c] <= 0.0 || g.cell_weight[c] <= 0.0) continue;
      const double l = std::log(g.cell_cost[c] / g.cell_weight[c]);
      w += g.cell_weight[c];
      wt += g.cell_weight[c] * t;
      wl += g.cell_weight[c] * l;
    }
    if (w <= 0.0) continue;
    const double tbar = wt / w, lbar = wl / w;
    for (int t = 0; t < g.years; ++t) {
      const std::size_t c = std::size_t(s) * g.years + t;
      if (g.cell_cost[c] <= 0.0 || g.cell_weight[c] <= 0.0) continue;
      const double l = std::log(g.cell_cost[c] / g.cell_weight[c]);
      num += g.cell_weight[c] * (t - tbar) * (l - lbar);
      den += g.cell_weight[c] * (t - tbar) * (t - tbar);
    }
  }
  return den > 0.0 ? std::expm1(num / den) : 0.0;
}

Point estimate(const GroupSums& g, const std::vector<double>& thresholds,
               const std::vector<double>& far_thresholds, const Point* hint = nullptr) {
  Point p;
  const double entries = std::accumulate(g.entry.begin(), g.entry.end(), 0.0);
  for (int s = 0; s < g.strata; ++s) {
    const auto k = std::size_t(s);
    p.share.push_back(entries > 0.0 ? g.entry[k] / entries : 0.0);
    p.p_positive.push_back(g.weight[k] > 0.0 ? g.positive[k] / g.weight[k] : 0.0);
    p.risk.push_back(g.weight[k] > 0.0 ? g.risk[k] / g.weight[k] : 1.0);
    p.severity.push_back(fit_parametric(g.severity[k], thresholds[k], far_thresholds[k],
                                        p.p_positive.back(), hint ? &hint->severity[k] : nullptr));
  }
  p.trend = trend_of(g);
  p.churn = g.churn_at_risk > 0.0 ? 1.0 - g.churn_stayed / g.churn_at_risk : 0.0;
  p.moves.assign(g.moves.size(), 0.0);
  for (int a = 0; a < g.strata; ++a) {
    double row = 0.0;
    for (int b = 0; b < g.strata; ++b) row += g.moves[std::size_t(a * g.strata + b)];
    for (int b = 0; b < g.strata; ++b)
      p.moves[std::size_t(a * g.strata + b)] =
          row > 0.0 ? g.moves[std::size_t(a * g.strata + b)] / row : (a == b ? 1.0 : 0.0);
  }
  // Frailty: C1 = rho tau^2, C2 = rho^2 tau^2.
  const double c1 = g.pairs1 > 0.0 ? g.lag1 / g.pairs1 : 0.0;
  if (c1 <= 0.0) {
    p.tau2 = 0.0;
    p.rho = 0.0;
  } else if (g.pairs2 > 0.0) {
    const double c2 = g.lag2 / g.pairs2;
    p.rho = std::clamp(c2 / c1, 1e-6, 1.0);
    p.tau2 = c1 / p.rho;
  } else {
    p.rho = 1.0;  // not identified with two years: a permanent frailty
    p.tau2 = c1;
  }
  return p;
}

//! The grouped jackknife's standard error of each component of f(sums).
std::vector<double> jackknife(const std::vector<std::vector<double>>& replicates) {
  const std::size_t g = replicates.size();
  std::vector<double> se;
  if (g < 2) return se;
  for (std::size_t i = 0; i < replicates.front().size(); ++i) {
    double mean = 0.0;
    for (const auto& r : replicates) mean += r[i];
    mean /= double(g);
    double ss = 0.0;
    for (const auto& r : replicates) ss += (r[i] - mean) * (r[i] - mean);
    se.push_back(std::sqrt(ss * double(g - 1) / double(g)));
  }
  return se;
}

//! The random-effects variance of (l_p, v_p) over the providers `use` keeps, by unweighted
//! moments: Var(l) less the mean sampling variance. (Inverse-variance weights, as in
//! DerSimonian-Laird, correlate with l_p when costs are heavy-tailed: a provider with a large
//! claim has both a high l_p and a high v_p, so weighting biases the variance down.)
double random_effects_variance(const std::vector<double>& l, const std::vector<double>& v,
                               const std::vector<bool>& use) {
  double sum = 0.0, sum2 = 0.0, noise = 0.0;
  int k = 0;
  for (std::size_t p = 0; p < l.size(); ++p) {
    if (!use[p] || !(v[p] > 0.0) || !std::isfinite(l[p])) continue;
    sum += l[p];
    sum2 += l[p] * l[p];
    noise += v[p];
    ++k;
  }
  if (k < 3) return 0.0;
  const double variance = (sum2 - sum * sum / k) / (k - 1);
  return std::max(0.0, variance - noise / k);
}

//! c_1 = E[W h(W)], h(w) = Phi^-1(F(e^(mu + S w))), W ~ N(0, 1): how much of a body unit's
//! normal score the fitted distribution F of positive costs (body and add-on) leaves linear in
//! the body's own score (1 without an add-on).
double score_signal(const ParametricSeverity& f) {
  if (f.pi <= 0.0) return 1.0;
  const int n = 200;
  const double lo = -7.0, h = 14.0 / n;
  double sum = 0.0;
  for (int j = 0; j <= n; ++j) {
    const double w = lo + h * j;
    const double p = std::clamp(parametric_cdf(f, std::exp(f.mu + f.log_sd * w)), 1e-15, 1.0 - 1e-15);
    const double simpson = j == 0 || j == n ? 1.0 : (j % 2 ? 4.0 : 2.0);
    sum += simpson * w * stats::normal_quantile(p) * std::exp(-0.5 * w * w);
  }
  return sum * h / 3.0 / std::sqrt(2.0 * M_PI);
}

//! Rounds to three significant digits (report thresholds a person reads).
double round3(double x) {
  if (!(x > 0.0)) return x;
  const double p = std::pow(10.0, std::floor(std::log10(x)) - 2.0);
  return std::round(x / p) * p;
}

//! Mean relative error of `fit`'s limited means against `observed`'s.
double relative_error(const CostSummary& fit, const CostSummary& observed) {
  double e = 0.0;
  for (std::size_t i = 0; i < observed.limited.size(); ++i)
    e += std::fabs(fit.limited[i] - observed.limited[i]) / observed.limited[i];
  return observed.limited.empty() ? 0.0 : e / double(observed.limited.size());
}

}  // namespace

Calibration calibrate_claims(const ClaimsData& d, const CalibrationSettings& settings) {
  Calibration out;
  out.source = d.path;
  out.rows = d.rows();
  out.members = d.members;
  out.providers = d.providers.size();
  out.negative_zeroed = d.negative_zeroed;
  out.negative_dropped = d.negative_dropped;
  out.duplicates_summed = d.duplicates_summed;
  const auto [lo_year, hi_year] = std::minmax_element(d.year.begin(), d.year.end());
  out.first_year = *lo_year;
  out.years = *hi_year - *lo_year + 1;
  if (out.years > 200) throw DataError(d.path, "years span " + std::to_string(out.years) + " years");
  const int S = static_cast<int>(d.strata.size()), T = out.years;
  const std::size_t n = d.rows();

  // Groups for the jackknife: providers when there are enough, else members.
  const int G = std::max(2, settings.jackknife_groups);
  const bool by_provider = d.providers.size() >= std::size_t(2 * G);
  out.jackknife_groups = G;
  out.grouping = by_provider ? "providers" : "members";
  std::vector<std::uint8_t> group(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = by_provider ? d.provider[i] : d.member[i];
    group[i] = static_cast<std::uint8_t>((key * 0x9E3779B97F4A7C15ull >> 32) % std::uint64_t(G));
  }
  const auto k_of = [&](std::size_t i) { return d.year[i] - out.first_year; };
  const auto weight = [&](std::size_t i) { return double(d.exposure[i]) / 12.0; };
  const auto annual = [&](std::size_t i) { return d.cost[i] * 12.0 / double(d.exposure[i]); };
  // The trend's and expected costs' exposure: exposure-years times the risk score when there are
  // risk scores (cost per unit of risk within a stratum: a member riskier than the stratum's
  // average is expected to cost more), else exposure-years.
  const auto risk_exposure = [&](std::size_t i) {
    return weight(i) * (d.has_risk ? double(d.risk_score[i]) : 1.0);
  };

  // Members' strata at entry, and the stratum sizes (a too-small stratum cannot be fitted).
  std::vector<std::uint64_t> members_in(std::size_t(S), 0), positive_in(std::size_t(S), 0),
      rows_in(std::size_t(S), 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 0 || d.member[i] != d.member[i - 1]) ++members_in[d.stratum[i]];
    if (d.cost[i] > 0.0) ++positive_in[d.stratum[i]];
    ++rows_in[d.stratum[i]];
  }
  for (int s = 0; s < S; ++s)
    if (members_in[std::size_t(s)] < settings.min_members ||
        positive_in[std::size_t(s)] < settings.min_positive)
      throw DataError(d.path, "stratum '" + d.strata[std::size_t(s)] + "' has " +
                                  std::to_string(members_in[std::size_t(s)]) + " members and " +
                                  std::to_string(positive_in[std::size_t(s)]) +
                                  " rows with a positive cost; fitting a stratum needs at least " +
                                  std::to_string(settings.min_members) + " members and " +
                                  std::to_string(settings.min_positive) +
                                  " positive costs: merge it with a similar stratum (give both "
                                  "the same name in the stratum column) or drop its rows");

  // First stage, full sample: the trend (to put costs in first-year money), each stratum's
  // positive costs, their tail thresholds and histogram ranges.
  std::vector<std::pair<double, double>> no_ranges(std::size_t(S), {0.0, 1.0});
  GroupSums first(S, T, no_ranges);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = std::size_t(d.stratum[i]) * T + std::size_t(k_of(i));
    first.cell_cost[c] += d.cost[i];
    first.cell_weight[c] += risk_exposure(i);
  }
  const double trend_full = trend_of(first);
  std::vector<double> cell_mean(first.cell_cost.size());
  for (std::size_t c = 0; c < cell_mean.size(); ++c)
    cell_mean[c] = first.cell_weight[c] > 0.0 ? first.cell_cost[c] / first.cell_weight[c] : 0.0;
  std::vector<double> deflator(static_cast<std::size_t>(T));
  for (int t = 0; t < T; ++t) deflator[std::size_t(t)] = std::pow(1.0 + trend_full, -t);
  std::vector<double> x(n, 0.0);  // positive annual cost in first-year money; 0 otherwise
  // Each stratum's positive costs sorted once (contiguous pairs of cost and row): its weighted
  // sample, its normal scores, and the two halves' samples all come from this order.
  std::vector<std::vector<std::pair<double, std::uint32_t>>> sorted(static_cast<std::size_t>(S));
  for (std::size_t i = 0; i < n; ++i) {
    if (d.cost[i] <= 0.0) continue;
    x[i] = annual(i) * deflator[std::size_t(k_of(i))];
    sorted[d.stratum[i]].emplace_back(x[i], static_cast<std::uint32_t>(i));
  }
  std::vector<WeightedSample> samples(static_cast<std::size_t>(S));
  std::vector<double> thresholds(static_cast<std::size_t>(S)), far(static_cast<std::size_t>(S));
  std::vector<std::pair<double, double>> ranges(static_cast<std::size_t>(S));
  std::vector<double> score(n, 0.0);  // normal score of a positive cost within its stratum
  for (int s = 0; s < S; ++s) {
    auto& rows = sorted[std::size_t(s)];
    std::sort(rows.begin(), rows.end());
    WeightedSample& w = samples[std::size_t(s)];
    w.cost.reserve(rows.size());
    w.weight.reserve(rows.size());
    for (const auto& [cost, i] : rows) {
      w.cost.push_back(cost);
      w.weight.push_back(weight(i));
    }
    w.prepare();
    thresholds[std::size_t(s)] = w.quantile(1.0 - settings.tail_fraction);
    far[std::size_t(s)] = w.quantile(1.0 - settings.tail_fraction / 10.0);
    ranges[std::size_t(s)] = {std::log(w.cost.front()), std::log(w.cost.back()) + 1e-9};
    // Mid-ranks, ties averaged.
    const double total = w.total();
    double below = 0.0;
    for (std::size_t a = 0; a < rows.size();) {
      std::size_t b = a;
      double tied = 0.0;
      while (b < rows.size() && rows[b].first == rows[a].first) tied += weight(rows[b++].second);
      const double z = stats::normal_quantile((below + tied / 2.0) / total);
      for (std::size_t j = a; j < b; ++j) score[rows[j].second] = z;
      below += tied;
      a = b;
    }
  }

  std::vector<double> log_thresholds;
  for (double t : thresholds) log_thresholds.push_back(std::log(t));

  // Group sums.
  std::vector<GroupSums> groups(std::size_t(G), GroupSums(S, T, ranges));
  for (std::size_t i = 0; i < n; ++i) {
    GroupSums& g = groups[group[i]];
    const int s = d.stratum[i];
    const bool entry = i == 0 || d.member[i] != d.member[i - 1];
    if (entry) g.entry[std::size_t(s)] += weight(i);
    g.weight[std::size_t(s)] += weight(i);
    if (d.cost[i] > 0.0) g.positive[std::size_t(s)] += weight(i);
    g.risk[std::size_t(s)] += weight(i) * d.risk_score[i];
    const std::size_t c = std::size_t(s) * T + std::size_t(k_of(i));
    g.cell_cost[c] += d.cost[i];
    g.cell_weight[c] += risk_exposure(i);
    const bool has_next = i + 1 < n && d.member[i + 1] == d.member[i];
    if (k_of(i) < T - 1) {
      g.churn_at_risk += 1.0;
      if (has_next && d.year[i + 1] == d.year[i] + 1) {
        g.churn_stayed += 1.0;
        g.moves[std::size_t(s * S + d.stratum[i + 1])] += 1.0;
      }
    }
    if (x[i] > 0.0) {
      SeverityStats& v = g.severity[std::size_t(s)];
      const double w = weight(i);
      v.weight += w;
      v.sum += w * x[i];
      v.sum_squares += w * x[i] * x[i];
      const double log_x = std::log(x[i]);
      v.histogram.add(log_x, w);
      if (x[i] > thresholds[std::size_t(s)]) {
        v.tail_weight += w;
        v.tail_log += w * (log_x - log_thresholds[std::size_t(s)]);
      }
      if (x[i] > far[std::size_t(s)]) v.far_weight += w;
    }
  }
  GroupSums total(S, T, ranges);
  for (const GroupSums& g : groups) total += g;

  // The parametric fit's robust log-cost sd per stratum scales the normal scores into log-cost
  // residuals; those are centred within their provider-year, then paired over members' years.
  const Point full_pre = estimate(total, thresholds, far);
  {
    // What a pair of positive years tells of frailty, per stratum: the add-on's units none (they
    // are independent of it: their share 1 - pi dilutes the covariance), and the body's scores
    // S h(W), h(w) = Phi^-1(F(e^(mu + S w))) with F the fitted distribution of positive costs,
    // carry it scaled by c_1 = E[W h(W)] (to first order in the year-to-year correlation). Each
    // pair counts for (1 - pi)(1 - pi') c_1 c_1' in the denominator.
    std::vector<double> signal;
    for (const ParametricSeverity& f : full_pre.severity) signal.push_back((1.0 - f.pi) * score_signal(f));
    std::vector<double> residual(n, 0.0);
    std::vector<double> cell_sum(d.providers.size() * std::size_t(T), 0.0),
        cell_count(cell_sum.size(), 0.0);
    const auto cell = [&](std::size_t i) { return std::size_t(d.provider[i]) * T + std::size_t(k_of(i)); };
    for (std::size_t i = 0; i < n; ++i) {
      if (x[i] <= 0.0) continue;
      residual[i] = score[i] * full_pre.severity[d.stratum[i]].log_sd;
      cell_sum[cell(i)] += residual[i];
      cell_count[cell(i)] += 1.0;
    }
    for (std::size_t i = 0; i < n; ++i)
      if (x[i] > 0.0) residual[i] -= cell_sum[cell(i)] / cell_count[cell(i)];
    for (std::size_t i = 0; i + 1 < n; ++i) {
      if (d.member[i + 1] != d.member[i] || d.year[i + 1] != d.year[i] + 1) continue;
      GroupSums& g = groups[group[i]];
      if (x[i] > 0.0 && x[i + 1] > 0.0) {
        g.lag1 += residual[i] * residual[i + 1];
        g.pairs1 += signal[d.stratum[i]] * signal[d.stratum[i + 1]];
      }
      if (i + 2 < n && d.member[i + 2] == d.member[i] && d.year[i + 2] == d.year[i] + 2 &&
          x[i] > 0.0 && x[i + 2] > 0.0) {
        g.lag2 += residual[i] * residual[i + 2];
        g.pairs2 += signal[d.stratum[i]] * signal[d.stratum[i + 2]];
      }
    }
  }
  total = GroupSums(S, T, ranges);
  for (const GroupSums& g : groups) total += g;
  const Point full = estimate(total, thresholds, far);
  out.rho_identified = total.pairs2 > 0.0;
  if (!out.rho_identified)
    out.notes.push_back(
        "frailty_rho is not identified with fewer than three consecutive years per member: "
        "frailty is taken as permanent (rho = 1)");

  // Efficiency: ln(observed / expected) per provider, net of its members' sampling noise.
  const std::size_t P = d.providers.size();
  std::vector<double> observed(P, 0.0), expected(P, 0.0), noise(P, 0.0);
  {
    double member_gap = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t c = std::size_t(d.stratum[i]) * T + std::size_t(k_of(i));
      const double e = risk_exposure(i) * cell_mean[c];
      observed[d.provider[i]] += d.cost[i];
      expected[d.provider[i]] += e;
      member_gap += d.cost[i] - e;
      if (i + 1 == n || d.member[i + 1] != d.member[i]) {
        noise[d.provider[i]] += member_gap * member_gap;
        member_gap = 0.0;
      }
    }
  }
  std::vector<double> log_ratio(P), variance(P);
  for (std::size_t p = 0; p < P; ++p) {
    log_ratio[p] = observed[p] > 0.0 && expected[p] > 0.0 ? std::log(observed[p] / expected[p])
                                                          : std::nan("");
    // The delta method around the expected cost (the observed one correlates with the noise).
    variance[p] = expected[p] > 0.0 ? noise[p] / (expected[p] * expected[p]) : 0.0;
  }
  const auto efficiency_of = [&](const std::vector<bool>& use) {
    return random_effects_variance(log_ratio, variance, use);
  };
  const double tau2_efficiency = efficiency_of(std::vector<bool>(P, true));
  std::vector<double> efficiency_replicates;
  if (P >= 3) {
    const std::size_t provider_groups = P >= std::size_t(2 * G) ? std::size_t(G) : P;
    for (std::size_t g = 0; g < provider_groups; ++g) {
      std::vector<bool> use(P, true);
      for (std::size_t p = 0; p < P; ++p)
        if ((provider_groups == P ? p : (p * 0x9E3779B97F4A7C15ull >> 32) % std::uint64_t(G)) == g)
          use[p] = false;
      efficiency_replicates.push_back(efficiency_of(use));
    }
  }
  // Efficiency scales the body only: divide by the body's share of cost under each form.
  double body = 0.0, all = 0.0;
  for (int s = 0; s < S; ++s) {
    const ParametricSeverity& f = full.severity[std::size_t(s)];
    const double w = total.weight[std::size_t(s)] * full.p_positive[std::size_t(s)];
    const double m = f.body_mean();
    const double addon = f.pi > 0.0 ? f.cat_scale * f.cat_shape / (f.cat_shape - 1.0) : 0.0;
    body += w * ((1.0 - f.pi) * m + f.pi * f.p_any * m);
    all += w * ((1.0 - f.pi) * m + f.pi * (f.p_any * m + addon));
  }
  const double body_share = all > 0.0 ? body / all : 1.0;
  const auto sd_of = [](double tau2, double share) { return std::sqrt(tau2) / share; };
  const std::vector<double> efficiency_se = [&] {
    std::vector<std::vector<double>> r;
    for (double t : efficiency_replicates) r.push_back({sd_of(t, body_share), sd_of(t, 1.0)});
    return jackknife(r);
  }();
  out.efficiency_parametric = {sd_of(tau2_efficiency, body_share),
                               efficiency_se.empty() ? -1.0 : efficiency_se[0]};
  out.efficiency_empirical = {sd_of(tau2_efficiency, 1.0),
                              efficiency_se.empty() ? -1.0 : efficiency_se[1]};
  if (!d.has_provider)
    out.notes.push_back("no provider column: provider efficiency is not estimated (0)");

  // Jackknife replicates of everything that comes from sums, flattened.
  const auto flatten = [&](const Point& p) {
    std::vector<double> v;
    for (int s = 0; s < S; ++s) {
      const ParametricSeverity& f = p.severity[std::size_t(s)];
      v.insert(v.end(), {p.share[std::size_t(s)], p.p_positive[std::size_t(s)],
                         p.risk[std::size_t(s)], f.p_any, f.body_mean(), f.log_sd,
                         f.pi * p.p_positive[std::size_t(s)], f.cat_scale, f.cat_shape});
    }
    v.insert(v.end(), {p.trend, p.churn, std::sqrt(p.tau2), p.rho});
    v.insert(v.end(), p.moves.begin(), p.moves.end());
    return v;
  };
  std::vector<std::vector<double>> replicates;
  for (const GroupSums& g : groups) {
    GroupSums rest = total;
    rest -= g;
    replicates.push_back(flatten(estimate(rest, thresholds, far, &full)));
  }
  const std::vector<double> se = jackknife(replicates);
  const std::vector<double> value = flatten(full);
  std::size_t at = 0;
  const auto next = [&]() {
    const Estimate e{value[at], se.empty() ? -1.0 : se[at]};
    ++at;
    return e;
  };

  // Report thresholds: percentiles of all positive costs, and typical stop-loss attachments.
  // Pooled percentiles by bisection on the strata's weighted CDFs (no pooled sort).
  const auto pooled_cdf = [&](double c) {
    double below = 0.0, all = 0.0;
    for (const WeightedSample& w : samples) {
      below += w.weight_below(c);
      all += w.total();
    }
    return below / all;
  };
  double smallest = samples.front().cost.front(), largest = samples.front().cost.back();
  for (const WeightedSample& w : samples) {
    smallest = std::min(smallest, w.cost.front());
    largest = std::max(largest, w.cost.back());
  }
  for (double p : {0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999}) {
    double lo = smallest, hi = largest;
    for (int k = 0; k < 100 && hi - lo > 1e-9 * hi; ++k) {
      const double mid = 0.5 * (lo + hi);
      (pooled_cdf(mid) < p ? lo : hi) = mid;
    }
    out.thresholds.push_back(round3(hi));
  }
  for (double a : {100000.0, 250000.0}) out.thresholds.push_back(a);
  std::sort(out.thresholds.begin(), out.thresholds.end());
  out.thresholds.erase(std::unique(out.thresholds.begin(), out.thresholds.end()), out.thresholds.end());
  out.percentile_levels = {0.5, 0.75, 0.9, 0.95, 0.99, 0.995};
  for (int k = 1; k < 100; ++k) out.qq_levels.push_back(k / 100.0);
  for (double p : {0.995, 0.999, 0.9995}) out.qq_levels.push_back(p);

  const double tau2 = full.tau2, sigma_e2 = out.efficiency_parametric.value * out.efficiency_parametric.value;
  double parametric_error = 0.0, empirical_error = 0.0;
  for (int s = 0; s < S; ++s) {
    StratumFit f;
    f.name = d.strata[std::size_t(s)];
    f.members = members_in[std::size_t(s)];
    f.positive = positive_in[std::size_t(s)];
    f.share = next();
    f.p_positive = next();
    f.risk_score = next();
    f.p_any = next();
    f.mean = next();
    const Estimate log_sd = next();
    f.cat_prob = next();
    f.cat_scale = next();
    f.cat_shape = next();
    const ParametricSeverity& ps = full.severity[std::size_t(s)];
    const SeverityStats& tail = total.severity[std::size_t(s)];
    if (tail.tail_log > 0.0) {
      const double a = tail.tail_weight / tail.tail_log;
      f.hill = {a, a / std::sqrt(tail.tail_weight)};
    }
    f.hill_threshold = thresholds[std::size_t(s)];
    if (ps.pi <= 0.0) f.cat_prob = f.cat_scale = f.cat_shape = Estimate{0.0, -1.0};
    // The scenario's cv is the body's within a patient: frailty and efficiency removed.
    f.log_sd = log_sd.value;
    const double body_var = std::max(log_sd.value * log_sd.value - tau2 - sigma_e2, 1e-6);
    f.cv = {std::sqrt(std::expm1(body_var)),
            log_sd.se < 0 ? -1.0
                          : log_sd.se * log_sd.value * std::exp(body_var) /
                                std::sqrt(std::expm1(body_var))};
    f.score_sd = std::sqrt(std::max(log_sd.value * log_sd.value - tau2 -
                                        out.efficiency_empirical.value * out.efficiency_empirical.value,
                                    1e-6));
    // The empirical form from the whole stratum.
    const EmpiricalSeverity e = fit_empirical(samples[std::size_t(s)], settings.knots,
                                              settings.tail_fraction);
    f.probabilities = e.table.probabilities();
    f.quantiles = e.table.quantiles();
    f.tail_scale = {e.table.tail_scale(), e.tail_scale_se};
    f.tail_shape = {e.table.tail_shape(), e.tail_shape_se};
    f.tail_threshold = e.tail_threshold;
    f.tail_count = e.tail_count;
    f.rows = rows_in[std::size_t(s)];
    f.observed = summarize(samples[std::size_t(s)], out.thresholds, out.percentile_levels);
    f.parametric = summarize(ps, out.thresholds, out.percentile_levels);
    f.empirical = summarize(e.table, out.thresholds, out.percentile_levels);
    for (double p : out.qq_levels) {
      f.qq_observed.push_back(std::log(samples[std::size_t(s)].quantile(p)));
      f.qq_parametric.push_back(std::log(parametric_quantile(ps, p)));
      f.qq_empirical.push_back(std::log(std::max(e.table.quantile(p), 1e-300)));
    }
    // Out of sample: each form fitted on one half of the groups, judged on the other.
    for (int half = 0; half < 2; ++half) {
      WeightedSample fit_on, judge_on;
      SeverityStats stats;
      stats.histogram = LogHistogram(ranges[std::size_t(s)].first, ranges[std::size_t(s)].second,
                                     kHistogramBins);
      double pos_w = 0.0, all_w = 0.0;
      for (const auto& [cost, i] : sorted[std::size_t(s)]) {  // already in cost order
        WeightedSample& target = (group[i] < G / 2) == (half == 0) ? fit_on : judge_on;
        target.cost.push_back(cost);
        target.weight.push_back(weight(i));
      }
      for (int g = 0; g < G; ++g)
        if ((g < G / 2) == (half == 0)) {
          const GroupSums& sums = groups[std::size_t(g)];
          stats += sums.severity[std::size_t(s)];
          all_w += sums.weight[std::size_t(s)];
          pos_w += sums.positive[std::size_t(s)];
        }
      if (fit_on.cost.size() < 100 || judge_on.cost.size() < 100) continue;
      fit_on.prepare();
      judge_on.prepare();
      const CostSummary judged = summarize(judge_on, out.thresholds, {});
      const ParametricSeverity half_ps =
          fit_parametric(stats, thresholds[std::size_t(s)], far[std::size_t(s)],
                         all_w > 0.0 ? pos_w / all_w : 1.0);
      const EmpiricalSeverity half_e = fit_empirical(fit_on, settings.knots, settings.tail_fraction);
      f.parametric_error += 0.5 * relative_error(summarize(half_ps, out.thresholds, {}), judged);
      f.empirical_error += 0.5 * relative_error(summarize(half_e.table, out.thresholds, {}), judged);
    }
    parametric_error += f.parametric_error * total.weight[std::size_t(s)];
    empirical_error += f.empirical_error * total.weight[std::size_t(s)];
    out.strata.push_back(std::move(f));
  }
  out.better = empirical_error < parametric_error ? "empirical" : "parametric";
  out.trend = next();
  out.churn = next();
  out.frailty_sd = next();
  out.frailty_rho = next();
  if (!out.rho_identified) out.frailty_rho = Estimate{1.0, -1.0};
  out.transitions = d.has_stratum && total.churn_stayed > 0.0;
  out.transition.assign(std::size_t(S), std::vector<Estimate>(static_cast<std::size_t>(S)));
  for (int a = 0; a < S; ++a)
    for (int b = 0; b < S; ++b) out.transition[std::size_t(a)][std::size_t(b)] = next();
  if (out.years < 2) out.notes.push_back("one year of data: no trend, churn, frailty or transitions");

  // Provider groups: count, members per provider-year, the most common region.
  out.regions = d.regions;
  out.groups = d.groups;
  out.group_providers.assign(d.groups.size(), 0);
  std::vector<double> group_weight(d.groups.size(), 0.0);
  std::vector<std::vector<std::uint32_t>> region_count(d.groups.size(),
                                                       std::vector<std::uint32_t>(d.regions.size()));
  for (std::size_t p = 0; p < P; ++p) {
    ++out.group_providers[d.provider_group[p]];
    ++region_count[d.provider_group[p]][d.provider_region[p]];
  }
  for (std::size_t i = 0; i < n; ++i) group_weight[d.provider_group[d.provider[i]]] += weight(i);
  for (std::size_t g = 0; g < d.groups.size(); ++g) {
    out.group_panel.push_back(out.group_providers[g] ? group_weight[g] / (out.group_providers[g] * double(T)) : 0.0);
    out.group_region.push_back(static_cast<std::uint32_t>(
        std::max_element(region_count[g].begin(), region_count[g].end()) - region_count[g].begin()));
  }
  return out;
}

}  // namespace apmsim::calibrate
