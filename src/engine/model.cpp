#include "engine/model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "model/random.hpp"
#include "stats/severity.hpp"

namespace apmsim::engine {
namespace {

double logit(double p) { return std::log(p / (1.0 - p)); }

// Cumulative shares, the last forced to exactly 1 so rounding never leaves a gap.
void cumulative(const std::vector<double>& shares, float* out) {
  double sum = 0.0;
  for (std::size_t j = 0; j < shares.size(); ++j) {
    sum += shares[j];
    out[j] = static_cast<float>(sum);
  }
  if (!shares.empty()) out[shares.size() - 1] = 1.0f;
}

void fill_strata(const scenario::Scenario& s, model::ModelParams& p) {
  p.strata = static_cast<int>(s.strata.size());
  p.has_transitions = false;
  model::StrataTable& t = p.stratum;
  for (int j = 0; j < p.strata; ++j) {
    const scenario::Stratum& st = s.strata[j];
    const double sigma2 = std::log1p(st.cv * st.cv);  // an empirical body: see fill_severity
    t.p_any[j] = static_cast<float>(st.p_any);
    t.sigma[j] = static_cast<float>(std::sqrt(sigma2));
    t.mu[j] = static_cast<float>(std::log(st.mean) - sigma2 / 2.0);
    t.cat_prob[j] = static_cast<float>(st.cat_prob);
    t.cat_scale[j] = static_cast<float>(st.cat_scale);
    t.neg_inv_cat_shape[j] = static_cast<float>(-1.0 / st.cat_shape);
    t.risk_score[j] = static_cast<float>(st.risk_score);
    t.enrollment[j] = static_cast<float>(std::max(0, st.enrollment_type));
    std::vector<double> row(p.strata, 0.0);
    row[j] = 1.0;
    if (!st.transition.empty()) {
      row = st.transition;
      for (int i = 0; i < p.strata; ++i)
        if (i != j && row[i] > 0.0) p.has_transitions = true;
    }
    float cum[model::kMaxStrata] = {};
    cumulative(row, cum);
    for (int to = 0; to < p.strata; ++to) t.transition_cum[to][j] = cum[to];
  }
}

void fill_measures(const scenario::Scenario& s, model::ModelParams& p) {
  p.measures = static_cast<int>(s.measures.size());
  for (int m = 0; m < p.measures; ++m) {
    const scenario::Measure& ms = s.measures[m];
    model::MeasureParams& mp = p.measure[m];
    mp.eligible_strata = 0;
    if (ms.strata.empty()) {
      mp.eligible_strata = (1u << p.strata) - 1u;
    } else {
      for (int st : ms.strata) mp.eligible_strata |= 1u << st;
    }
    mp.logit_base = static_cast<float>(logit(ms.base_rate));
    mp.frailty_coef = static_cast<float>(ms.frailty_coef);
    mp.adherence_coef = static_cast<float>(ms.adherence_coef);
    // logistic(30) rounds to 1 in float: "always measured" needs no special case.
    mp.logit_response =
        static_cast<float>(ms.response_rate >= 1.0 ? 30.0 : logit(ms.response_rate));
    mp.nonresponse_frailty = static_cast<float>(ms.nonresponse_frailty);
    mp.response_probability = 1.0f / (1.0f + std::exp(-mp.logit_response));
  }
}

void fill_patients(const scenario::Scenario& s, model::ModelParams& p) {
  const scenario::Patients& pt = s.patients;
  const double tau = pt.frailty_sd;
  p.frailty_sd = static_cast<float>(tau);
  p.frailty_rho = static_cast<float>(pt.frailty_rho);
  p.frailty_innovation_sd =
      static_cast<float>(tau * std::sqrt(1.0 - pt.frailty_rho * pt.frailty_rho));
  p.frailty_correction = static_cast<float>(-tau * tau / 2.0);
  const double loc = logit(pt.adherence_mean);
  double abar = 0.0, correction = 0.0;
  adherence_moments(loc, pt.adherence_sd, pt.adherence_cost, abar, correction);
  p.adherence_logit_mean = static_cast<float>(loc);
  p.adherence_logit_sd = static_cast<float>(pt.adherence_sd);
  p.adherence_mean = static_cast<float>(abar);
  p.adherence_cost = static_cast<float>(pt.adherence_cost);
  p.adherence_correction = static_cast<float>(correction);
}

//! Empirical bodies: each one's quantile table on the normal-score grid (docs/model.md,
//! "Empirical severity"), and the per-stratum constants the unit code looks up.
void fill_severity(const scenario::Scenario& s, Model& m) {
  model::ModelParams& p = m.params;
  model::StrataTable& t = p.stratum;
  auto table = std::make_shared<std::vector<float>>();
  const double tau = s.patients.frailty_sd;
  for (int j = 0; j < p.strata; ++j) {
    const scenario::Stratum& st = s.strata[j];
    t.empirical[j] = 0.0f;
    if (st.severity != scenario::Severity::Empirical) continue;
    const stats::QuantileTable q(st.probabilities, st.quantiles, st.tail_scale, st.tail_shape);
    const stats::ScoreGrid grid(q, model::kScoreCells, model::kScoreLimit);
    t.empirical[j] = 1.0f;
    t.mu[j] = 0.0f;
    t.sigma[j] = 0.0f;
    t.score_sd[j] = static_cast<float>(st.score_sd);
    const double total = std::sqrt(st.score_sd * st.score_sd + tau * tau);
    t.inv_score_total[j] = static_cast<float>(total > 0.0 ? 1.0 / total : 0.0);
    t.grid_offset[j] = static_cast<float>(table->size());
    table->insert(table->end(), grid.values().begin(), grid.values().end());
    t.tail_present[j] = q.has_tail() ? 1.0f : 0.0f;
    t.tail_start[j] = static_cast<float>(st.quantiles.back());
    t.tail_scale[j] = static_cast<float>(st.tail_scale);
    t.tail_shape[j] = static_cast<float>(st.tail_shape);
    t.tail_log_width[j] = static_cast<float>(q.has_tail() ? std::log(q.tail_probability()) : 0.0);
    t.grid_top[j] = grid.values().back();
    p.has_empirical = true;
  }
  if (table->size() >= (1u << 24)) throw std::invalid_argument("too many empirical severities");
  m.severity_table = table;
  p.severity = table->empty() ? nullptr : table->data();
}

Entity provider_entity(const scenario::Scenario& s, const scenario::ProviderGroup& g, int group,
                       std::uint32_t k) {
  Entity e;
  e.name = g.name + "/" + std::to_string(k);
  e.group = group;
  e.region = g.region;
  e.participant = g.participant;
  e.shape.episodes = g.unit == scenario::UnitKind::Episode;
  e.shape.panel_size = e.shape.episodes ? 0 : g.panel_size;
  std::vector<double> mix = g.case_mix;
  if (mix.empty())
    for (const auto& st : s.strata) mix.push_back(st.share);
  cumulative(mix, e.shape.case_mix_cum);
  // Written so that assignment_churn = 0 gives churn's own bits (docs/model.md).
  e.shape.replacement = static_cast<float>(s.patients.churn +
                                           (1.0 - s.patients.churn) * g.assignment_churn);
  e.shape.retrospective = g.retrospective && !e.shape.episodes;
  e.assigned_share = g.assigned_share;
  e.volume = g.volume;
  e.volume_cv = g.volume_model == scenario::VolumeModel::NegativeBinomial ? g.volume_cv : 0.0;
  e.efficiency_sd = g.efficiency_sd;
  e.effect_mean = g.effect_mean;
  e.effect_sd = g.effect_sd;
  e.quality_sd = g.quality_sd;
  e.coding_growth = g.coding_growth;
  e.revenue_share = g.revenue_share;
  if (g.practice_sd > 0.0 && !e.shape.episodes) {
    // The mean of n practices' levels: variance practice_sd^2 / n, n at least one practice.
    const double practices = std::max(1.0, double(g.panel_size) / g.practice_size);
    e.practice_drift_sd = g.practice_sd / std::sqrt(practices);
    e.practice_rho = g.practice_rho;
  }
  e.effect_ramp = g.effect_ramp;
  if (e.effect_ramp.empty()) e.effect_ramp.assign(s.simulation.performance_years, 1.0);
  return e;
}

}  // namespace

void adherence_moments(double loc, double sd, double beta, double& mean, double& correction) {
  // Simpson's rule on z in [-12, 12]: the integrands are smooth and bounded, error << 1e-10.
  const int n = 4800;
  const double lo = -12.0, h = 24.0 / n;
  auto integrate = [&](auto f) {
    double sum = 0.0;
    for (int i = 0; i <= n; ++i) {
      const double z = lo + i * h;
      const double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
      sum += w * f(z) * std::exp(-0.5 * z * z);
    }
    return sum * h / 3.0 / std::sqrt(2.0 * M_PI);
  };
  auto a_of = [&](double z) { return 1.0 / (1.0 + std::exp(-(loc + sd * z))); };
  mean = integrate(a_of);
  const double m = mean;
  correction = -std::log(integrate([&](double z) { return std::exp(beta * (a_of(z) - m)); }));
}

double Model::expected_unit_years() const {
  double n = 0.0;
  for (const Entity& e : entities)
    n += e.shape.episodes ? e.volume * years() : double(e.shape.panel_size) * years();
  return n;
}

std::vector<float> type_truncation(const scenario::Scenario& s) {
  const int years = s.simulation.years(), types = static_cast<int>(s.enrollment_types.size());
  std::vector<float> out(static_cast<std::size_t>(years * types), std::numeric_limits<float>::max());
  if (!s.contract.present) return out;
  for (int c = 0; c < years; ++c) {
    const scenario::BenchmarkTerms& b =
        scenario::benchmark_in(s.contract, s.simulation.baseline_years, c);
    for (int t = 0; t < types; ++t) {
      const double a = scenario::truncation_in_type(b, c, t);
      if (a > 0.0) out[static_cast<std::size_t>(c * types + t)] = static_cast<float>(a);
    }
  }
  return out;
}

Model build_model(const scenario::Scenario& s) { return build_model(s, s.simulation.seed); }

Model build_model(const scenario::Scenario& s, std::uint64_t seed) {
  Model m;
  model::ModelParams& p = m.params;
  p.seed = seed;
  p.baseline_years = s.simulation.baseline_years;
  p.years = s.simulation.years();
  if (p.years > model::kMaxYears) throw std::invalid_argument("too many years");
  fill_strata(s, p);
  fill_measures(s, p);
  fill_patients(s, p);
  fill_severity(s, m);
  p.thresholds = static_cast<int>(s.tallies.thresholds.size());
  for (int t = 0; t < p.thresholds; ++t) {
    p.threshold[t] = static_cast<float>(s.tallies.thresholds[t]);
    p.threshold_years[t] = s.tallies.years_of(static_cast<std::size_t>(t));
  }
  p.types = static_cast<int>(s.enrollment_types.size());
  m.layout.measures = p.measures;
  m.layout.thresholds = p.thresholds;
  m.layout.types = p.types;
  m.type_truncation = type_truncation(s);
  m.trend = s.simulation.trend;
  for (const auto& ms : s.measures) m.measure_improvement.push_back(ms.improvement);

  for (std::size_t g = 0; g < s.provider_groups.size(); ++g)
    for (std::uint32_t k = 0; k < s.provider_groups[g].count; ++k)
      m.entities.push_back(provider_entity(s, s.provider_groups[g], static_cast<int>(g), k));
  m.providers = static_cast<std::uint32_t>(m.entities.size());
  std::vector<double> shares;
  for (const auto& st : s.strata) shares.push_back(st.share);
  for (std::size_t r = 0; r < s.regions.size(); ++r) {
    const scenario::Region& rg = s.regions[r];
    Entity e;
    e.name = "comparison/" + rg.name;
    e.region = static_cast<int>(r);
    e.shape.episodes = false;
    e.shape.panel_size = rg.comparison_size;
    e.shape.replacement = static_cast<float>(s.patients.churn);  // the region's whole population
    e.shape.retrospective = rg.retrospective;
    cumulative(shares, e.shape.case_mix_cum);
    m.entities.push_back(e);
    RegionProcess rp{rg.name, rg.initial_sd, rg.shock_sd, rg.shock_rho, {}};
    double var = rg.initial_sd * rg.initial_sd;
    for (int k = 0; k < p.years; ++k) {
      if (k > 0) var = rg.shock_rho * rg.shock_rho * var + rg.shock_sd * rg.shock_sd;
      rp.variance.push_back(var);
    }
    m.regions.push_back(rp);
  }
  if (m.entities.size() >= model::kMaxEntities) throw std::invalid_argument("too many providers");
  return m;
}

std::vector<bool> summed_cells(const Model& model) {
  const model::TallyLayout& layout = model.layout;
  const int fields = layout.fields(), first = layout.capped_field(0);
  std::vector<bool> summed(static_cast<std::size_t>(model.years() * fields), true);
  for (int y = 0; y < model.years(); ++y)
    for (int t = 0; t < layout.thresholds; ++t)
      if (!((model.params.threshold_years[t] >> y) & 1u))
        for (int f = first + t; f < first + 3 * layout.thresholds; f += layout.thresholds)
          summed[static_cast<std::size_t>(y * fields + f)] = false;
  return summed;
}

void mark_unsummed(const Model& model, BatchTallies& b) {
  const std::vector<bool> summed = summed_cells(model);
  std::vector<std::size_t> unsummed;
  for (std::size_t j = 0; j < summed.size(); ++j)
    if (!summed[j]) unsummed.push_back(j);
  if (unsummed.empty()) return;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  // An entity's years x fields at a time (BatchTallies::record).
  for (std::size_t start = 0; start < b.values.size(); start += summed.size())
    for (const std::size_t j : unsummed) b.values[start + j] = kNaN;
}

std::string threshold_label(double threshold) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", threshold);
  return buf;
}

std::vector<std::string> tally_field_names(const model::TallyLayout& layout,
                                           const std::vector<std::string>& measure_names,
                                           const std::vector<double>& thresholds,
                                           const std::vector<std::string>& types) {
  std::vector<std::string> names = {"units",      "cost",     "cost_squared", "counterfactual",
                                    "risk_score", "any_cost", "catastrophic", "catastrophic_cost"};
  const char* per_measure[] = {"eligible", "measured", "achieved", "achieved_true"};
  for (int m = 0; m < layout.measures; ++m)
    for (const char* w : per_measure) names.push_back(measure_names[m] + "." + w);
  for (int t = 0; t < layout.thresholds; ++t) {
    names.push_back("capped_cost." + threshold_label(thresholds[t]));
  }
  for (int t = 0; t < layout.thresholds; ++t) {
    names.push_back("capped_cost_squared." + threshold_label(thresholds[t]));
  }
  for (int t = 0; t < layout.thresholds; ++t)
    names.push_back("units_above." + threshold_label(thresholds[t]));
  for (int t = 0; t < layout.types; ++t)
    for (const char* which : {"units", "cost", "truncated_cost", "risk_score"})
      names.push_back("enrollment." + types[static_cast<std::size_t>(t)] + "." + which);
  return names;
}

}  // namespace apmsim::engine
