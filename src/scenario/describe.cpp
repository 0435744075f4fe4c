//! The resolved scenario as TOML: what `apmsim validate` prints, and what parse_scenario reads
//! back.
#include <sstream>

#include "scenario/keywords.hpp"
#include "scenario/load.hpp"
#include "scenario/sections.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::scenario {

namespace {

//! Writes `key = value` lines; numbers are written so that they read back bit for bit.
class TomlWriter {
 public:
  void header(const std::string& header) { out_ << "\n" << header << "\n"; }
  void comment(const std::string& text) { out_ << "# " << text << "\n"; }
  void integer(const std::string& key, unsigned long long value) {
    line(key, std::to_string(value));
  }
  void number(const std::string& key, double value) { line(key, toml_float(value)); }
  void text(const std::string& key, const std::string& value) { line(key, toml_string(value)); }
  void flag(const std::string& key, bool value) { line(key, value ? "true" : "false"); }
  //! `key = text`, the value already TOML.
  void raw(const std::string& key, const std::string& text) { line(key, text); }

  void numbers(const std::string& key, const std::vector<double>& values) {
    array(key, values, toml_float);
  }

  void texts(const std::string& key, const std::vector<std::string>& values) {
    array(key, values, toml_string);
  }

  //! An inline table { name = number, ... } over the entries where `keep(i)` holds.
  template <typename Keep>
  void named_numbers(const std::string& key, const std::vector<std::string>& names,
                     const std::vector<double>& values, Keep keep) {
    std::string list;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!keep(i)) continue;
      list += (list.empty() ? "" : ", ") + toml_key(names[i]) + " = " + toml_float(values[i]);
    }
    line(key, list.empty() ? "{}" : "{ " + list + " }");
  }

  std::string str() const { return out_.str(); }

 private:
  void line(const std::string& key, const std::string& value) {
    out_ << key << " = " << value << "\n";
  }

  template <typename T, typename Format>
  void array(const std::string& key, const std::vector<T>& values, Format format) {
    std::string list;
    for (const auto& value : values) list += (list.empty() ? "" : ", ") + format(value);
    line(key, "[" + list + "]");
  }
  std::ostringstream out_;
};

void describe_simulation(TomlWriter& out, const Simulation& simulation, bool risk) {
  out.header("[simulation]");
  out.integer("replications", simulation.replications);
  out.integer("seed", simulation.seed);
  out.integer("baseline_years", static_cast<unsigned long long>(simulation.baseline_years));
  out.integer("performance_years", static_cast<unsigned long long>(simulation.performance_years));
  out.integer("batch_size", simulation.batch_size);
  out.text("backend", backend_keywords().at(static_cast<std::size_t>(simulation.backend)));
  out.number("trend", simulation.trend);
  if (!simulation.currency.empty()) out.text("currency", simulation.currency);
  if (risk) {
    out.flag("parameter_risk", simulation.parameter_risk);
    out.integer("parameter_block", simulation.parameter_block);
  }
}

void describe_region(TomlWriter& out, const Region& region) {
  out.header("[[region]]");
  out.text("name", region.name);
  out.number("shock_sd", region.shock_sd);
  out.number("shock_rho", region.shock_rho);
  out.number("initial_sd", region.initial_sd);
  out.integer("comparison_size", region.comparison_size);
  if (region.retrospective) out.text("assignment", "retrospective");
}

void describe_stratum(TomlWriter& out, const Stratum& stratum, std::size_t index,
                      const std::vector<std::string>& names) {
  out.header("[[stratum]]");
  out.text("name", stratum.name);
  out.number("share", stratum.share);
  if (!stratum.enrollment.empty()) out.text("enrollment", stratum.enrollment);
  out.number("p_any", stratum.p_any);
  out.text("severity", severity_keywords().at(static_cast<std::size_t>(stratum.severity)));
  if (stratum.severity == Severity::Lognormal) {
    out.number("mean", stratum.mean);
    out.number("cv", stratum.cv);
  } else {
    out.numbers("probabilities", stratum.probabilities);
    out.numbers("quantiles", stratum.quantiles);
    if (stratum.probabilities.back() < 1.0) {
      out.number("tail_scale", stratum.tail_scale);
      out.number("tail_shape", stratum.tail_shape);
    }
    out.number("score_sd", stratum.score_sd);
  }
  out.number("cat_prob", stratum.cat_prob);
  out.number("cat_scale", stratum.cat_scale);
  out.number("cat_shape", stratum.cat_shape);
  out.number("risk_score", stratum.risk_score);
  if (!stratum.transition.empty()) {
    // The diagonal is implied; the reader recomputes it from the others.
    out.named_numbers("transition", names, stratum.transition,
                      [index](std::size_t to) { return to != index; });
  }
}

void describe_patients(TomlWriter& out, const Patients& patients) {
  out.header("[patients]");
  for (const NumberKey<Patients>& k : patients_keys()) out.number(k.key, patients.*k.field);
}

void describe_group(TomlWriter& out, const ProviderGroup& group, const Scenario& scenario,
                    const std::vector<std::string>& strata) {
  out.header("[[provider_group]]");
  out.text("name", group.name);
  out.integer("count", group.count);
  out.text("region", scenario.regions.at(static_cast<std::size_t>(group.region)).name);
  out.text("unit", unit_keywords().at(static_cast<std::size_t>(group.unit)));
  if (group.unit == UnitKind::PatientYear) {
    out.integer("panel_size", group.panel_size);
  } else {
    out.number("volume", group.volume);
    out.text("volume_model",
             volume_model_keywords().at(static_cast<std::size_t>(group.volume_model)));
    if (group.volume_model == VolumeModel::NegativeBinomial)
      out.number("volume_cv", group.volume_cv);
  }
  out.flag("participant", group.participant);
  out.number("efficiency_sd", group.efficiency_sd);
  out.number("effect_mean", group.effect_mean);
  out.number("effect_sd", group.effect_sd);
  out.numbers("effect_ramp", group.effect_ramp);
  out.number("quality_sd", group.quality_sd);
  out.number("coding_growth", group.coding_growth);
  if (group.assignment_churn != 0.0) out.number("assignment_churn", group.assignment_churn);
  if (group.retrospective) out.text("assignment", "retrospective");
  if (!group.assigned_share.empty()) out.numbers("assigned_share", group.assigned_share);
  if (group.practice_sd > 0.0) {
    out.number("practice_sd", group.practice_sd);
    out.number("practice_size", group.practice_size);
    out.number("practice_rho", group.practice_rho);
  }
  if (group.revenue_share != 1.0) out.number("revenue_share", group.revenue_share);
  if (!group.case_mix.empty()) {
    out.named_numbers("case_mix", strata, group.case_mix, [](std::size_t) { return true; });
  }
}

void describe_measure(TomlWriter& out, const Measure& measure,
                      const std::vector<std::string>& strata) {
  out.header("[[measure]]");
  out.text("name", measure.name);
  std::vector<std::string> eligible;
  for (const int index : measure.strata)
    eligible.push_back(strata.at(static_cast<std::size_t>(index)));
  if (measure.strata.empty()) eligible = strata;  // empty = every stratum
  out.texts("strata", eligible);
  out.number("base_rate", measure.base_rate);
  out.number("frailty_coef", measure.frailty_coef);
  out.number("adherence_coef", measure.adherence_coef);
  out.number("improvement", measure.improvement);
  out.number("response_rate", measure.response_rate);
  out.number("nonresponse_frailty", measure.nonresponse_frailty);
}

std::string tiers_text(const std::vector<QualityTier>& tiers) {
  std::string list;
  for (const QualityTier& t : tiers) {
    std::string fields;
    if (t.at != kNoLimit) fields += "at = " + toml_float(t.at) + ", ";
    if (t.improve != kNoLimit) fields += "improve = " + toml_float(t.improve) + ", ";
    list += (list.empty() ? "" : ", ") + std::string("{ ") + fields + "earn = " +
            toml_float(t.earn) + " }";
  }
  return "[" + list + "]";
}

std::string points_text(const std::vector<PointsTier>& tiers) {
  std::string list;
  for (const PointsTier& p : tiers)
    list += (list.empty() ? "" : ", ") + std::string("{ at = ") + toml_float(p.at) +
            ", points = " + toml_float(p.points) + " }";
  return "[" + list + "]";
}

//! The terms of one year under `prefix` ("contract" or "contract.year"), top-level keys first.
void describe_terms(TomlWriter& out, const ContractTerms& t, const std::string& prefix,
                    const std::vector<std::string>& measures) {
  out.text("base", base_keywords().at(static_cast<std::size_t>(t.base)));
  out.number("min_units", t.min_units);
  out.number("quality_gate", t.quality_gate);
  out.number("participation_fee", t.participation_fee);
  out.number("delivery_cost", t.delivery_cost);
  const BenchmarkTerms& b = t.benchmark;
  out.header("[" + prefix + ".benchmark]");
  out.text("method", benchmark_keywords().at(static_cast<std::size_t>(b.method)));
  out.number("regional_weight", b.regional_weight);
  out.numbers("baseline_weights", b.baseline_weights);
  out.number("assumed_trend", b.assumed_trend);
  if (b.observed_trend) {
    out.text("trend", "observed");
    out.number("trend_national_weight", b.trend_national_weight);
  }
  if (b.prospective_weight > 0.0) {
    out.number("prospective_trend", b.prospective_trend);
    out.number("prospective_weight", b.prospective_weight);
  }
  if (b.trend_corridor != kNoLimit) out.number("trend_corridor", b.trend_corridor);
  out.flag("risk_adjust", b.risk_adjust);
  if (b.risk_growth_cap != kNoLimit) out.number("risk_growth_cap", b.risk_growth_cap);
  if (b.risk_growth_from_last_year) out.text("risk_growth_reference", "last_baseline_year");
  if (b.method == BenchmarkMethod::RegionalAdjustment) {
    out.number("regional_weight_below", b.regional_weight_below);
    out.number("regional_weight_above", b.regional_weight_above);
    if (b.regional_adjustment_cap != kNoLimit)
      out.number("regional_adjustment_cap", b.regional_adjustment_cap);
    if (b.prior_savings_share > 0.0) out.number("prior_savings_share", b.prior_savings_share);
    if (b.prior_savings_cap != kNoLimit) out.number("prior_savings_cap", b.prior_savings_cap);
  }
  if (b.national_cost_per_unit > 0.0)
    out.number("national_cost_per_unit", b.national_cost_per_unit);
  if (b.truncate_at > 0.0) out.number("truncate_at", b.truncate_at);
  if (b.truncate_percentile > 0.0) out.number("truncate_percentile", b.truncate_percentile);
  out.number("discount", b.discount);
  if (!b.repayment_same) out.number("repayment_discount", b.repayment_discount);
  std::string tiers;
  for (const DiscountTier& d : b.quality_discount)
    tiers += (tiers.empty() ? "" : ", ") + std::string("{ at = ") + toml_float(d.at) +
             ", discount = " + toml_float(d.discount) + " }";
  out.raw("quality_discount", "[" + tiers + "]");
  out.number("efficiency_adjustment", b.efficiency_adjustment);
  if (t.stop_loss.any()) {
    const StopLossTerms& sl = t.stop_loss;
    out.header("[" + prefix + ".stop_loss]");
    if (sl.enabled) {
      out.number("attachment", sl.attachment);
      if (sl.limit < kNoLimit) out.number("limit", sl.limit);
      out.number("coinsurance", sl.coinsurance);
      out.number("premium", sl.premium);
    }
    if (!sl.bands.empty()) out.number("band_premium", sl.band_premium);
    for (const StopLossLayer& layer : sl.layers) {
      out.header("[[" + prefix + ".stop_loss.layer]]");
      out.number("attachment", layer.attachment);
      if (layer.limit < kNoLimit) out.number("limit", layer.limit);
      out.number("coinsurance", layer.coinsurance);
      out.number("premium", layer.premium);
    }
    for (const StopLossBand& band : sl.bands) {
      out.header("[[" + prefix + ".stop_loss.band]]");
      out.number("lower", band.lower);
      if (band.upper < kNoLimit) out.number("upper", band.upper);
      out.number("share", band.share);
    }
    if (sl.aggregate.enabled) {
      const AggregateStopLoss& a = sl.aggregate;
      out.header("[" + prefix + ".stop_loss.aggregate]");
      switch (a.basis) {
        case AggregateStopLoss::Basis::kFactor:
          out.number("attachment_factor", a.attachment_factor);
          break;
        case AggregateStopLoss::Basis::kAmount:
          out.number("attachment", a.attachment);
          break;
        case AggregateStopLoss::Basis::kMonthly:
          out.number("monthly_attachment", a.monthly_attachment);
          out.number("minimum_attachment", a.minimum_attachment);
          break;
      }
      if (a.limit < kNoLimit) out.number("limit", a.limit);
      out.number("coinsurance", a.coinsurance);
      out.number("premium", a.premium);
    }
  }
  if (t.sharing.enabled) {
    const SharingTerms& s = t.sharing;
    out.header("[" + prefix + ".sharing]");
    if (s.msr_rule == MsrRule::Fixed) out.number("minimum_savings_rate", s.minimum_savings_rate);
    if (s.msr_rule == MsrRule::Mssp) out.text("minimum_savings_rate", "mssp");
    if (s.msr_rule == MsrRule::SizeBased) out.text("minimum_savings_rate", "size_based");
    if (s.loss_rate_same) {
      out.text("minimum_loss_rate", "same");
    } else {
      out.number("minimum_loss_rate", s.minimum_loss_rate);
    }
    if (s.confidence_by_size) {
      out.text("confidence", "by_size");
    } else {
      out.number("confidence", s.confidence);
    }
    if (s.size_based_floor > 0.0) out.number("size_based_floor", s.size_based_floor);
    out.flag("first_dollar", s.first_dollar);
    out.number("savings_rate", s.savings_rate);
    if (s.loss_rate_from_sharing) {
      out.text("loss_rate", "from_sharing");
      out.number("loss_rate_min", s.loss_rate_min);
      out.number("loss_rate_max", s.loss_rate_max);
    } else {
      out.number("loss_rate", s.loss_rate);
    }
    out.number("savings_cap", s.savings_cap);
    out.number("loss_cap", s.loss_cap);
    if (s.loss_cap_revenue != kNoLimit) out.number("loss_cap_revenue", s.loss_cap_revenue);
    out.flag("quality_scaled", s.quality_scaled);
    if (s.sequestration > 0.0) out.number("sequestration", s.sequestration);
  }
  for (const CorridorBand& band : t.corridor) {
    out.header("[[" + prefix + ".corridor]]");
    out.number("lower", band.lower);
    out.number("upper", band.upper);
    out.number("share", band.share);
  }
  if (!t.quality_weights.empty()) {
    out.header("[" + prefix + ".quality]");
    out.named_numbers("measures", measures, t.quality_weights, [](std::size_t) { return true; });
    if (!t.quality_points.empty()) out.raw("points", points_text(t.quality_points));
    for (std::size_t m = 0; m < t.measure_points.size() && m < measures.size(); ++m) {
      if (t.measure_points[m].empty()) continue;
      out.header("[" + prefix + ".quality.measure." + toml_key(measures[m]) + "]");
      out.raw("points", points_text(t.measure_points[m]));
    }
  }
  const WithholdTerms& w = t.withhold;
  out.header("[" + prefix + ".withhold]");
  out.number("rate", w.rate);
  out.text("scoring", scoring_keywords().at(static_cast<std::size_t>(w.scoring)));
  out.raw("tiers", tiers_text(w.tiers));
  out.number("floor", w.floor);
  out.number("target", w.target);
  out.number("gate", w.gate);
  for (std::size_t m = 0; m < w.measure_tiers.size() && m < measures.size(); ++m) {
    out.header("[" + prefix + ".withhold.measure." + toml_key(measures[m]) + "]");
    out.raw("tiers", tiers_text(w.measure_tiers[m]));
  }
}

//! `[contract.timing]`, when the scenario gives it (without it the cash analysis is off).
void describe_timing(TomlWriter& out, const CashTiming& t) {
  if (!t.present) return;
  out.header("[contract.timing]");
  out.number("discount_rate", t.discount_rate);
  out.flag("payments_in_advance", t.payments_in_advance);
  out.integer("reconciliation_month", static_cast<unsigned long long>(t.reconciliation_month));
  out.integer("true_up_month", static_cast<unsigned long long>(t.true_up_month));
  out.integer("earn_back_month", static_cast<unsigned long long>(t.earn_back_month));
  out.integer("stop_loss_month", static_cast<unsigned long long>(t.stop_loss_month));
  out.integer("repayment_months", static_cast<unsigned long long>(t.repayment_months));
  out.number("mechanism_expenditure_share", t.mechanism_expenditure_share);
  out.number("mechanism_revenue_share", t.mechanism_revenue_share);
}

void describe_contract(TomlWriter& out, const Contract& contract,
                       const std::vector<std::string>& measures) {
  if (!contract.present) return;
  out.header("[contract]");
  describe_terms(out, contract.years.front(), "contract", measures);
  if (const RunOut& r = contract.run_out; r.enabled) {
    out.header("[contract.run_out]");
    out.integer("months", static_cast<unsigned long long>(r.months));
    out.numbers("lag", r.lag);
    if (r.completion_factor > 0.0) out.number("completion_factor", r.completion_factor);
    if (r.true_up()) out.integer("true_up_months", static_cast<unsigned long long>(r.true_up_months));
  }
  describe_timing(out, contract.timing);
  TomlWriter first;
  describe_terms(first, contract.years.front(), "contract.year", measures);
  for (std::size_t y = 1; y < contract.years.size(); ++y) {
    TomlWriter year;
    describe_terms(year, contract.years[y], "contract.year", measures);
    if (year.str() == first.str()) continue;  // the glide path leaves this year as the base
    out.header("[[contract.year]]");
    out.integer("year", y + 1);
    describe_terms(out, contract.years[y], "contract.year", measures);
  }
  // The agreements' spans and renewal rules; their terms are in the years above.
  if (contract.agreements.size() > 1)
    for (const Agreement& a : contract.agreements) {
      out.header("[[contract.agreement]]");
      out.integer("years", static_cast<unsigned long long>(a.years));
      if (a.leave_below > 0.0) out.number("leave_below", a.leave_below);
    }
}

void describe_analysis(TomlWriter& out, const AnalysisSettings& a) {
  out.header("[analysis]");
  out.integer("batches", static_cast<unsigned long long>(a.batches));
  if (a.target_forfeit > 0.0 || a.forfeit_probability > 0.0) {
    out.header("[analysis.withhold]");
    if (a.target_forfeit > 0.0) out.number("target_forfeit", a.target_forfeit);
    if (a.forfeit_probability > 0.0) {
      out.number("forfeit_limit", a.forfeit_limit);
      out.number("forfeit_probability", a.forfeit_probability);
    }
  }
  out.header("[analysis.threshold]");
  out.numbers("min_units", a.threshold_min_units);
  out.number("alpha", a.threshold_alpha);
  out.number("target_effect", a.threshold_target_effect);
  out.header("[analysis.risk]");
  out.number("loading", a.risk_loading);
  out.number("sd_loading", a.risk_sd_loading);
  std::string layers;
  for (const AggregateLayer& l : a.aggregate_layers)
    layers += (layers.empty() ? "" : ", ") + std::string("{ attach = ") + toml_float(l.attach) +
              ", limit = " + toml_float(l.limit) + " }";
  out.raw("aggregate_layers", "[" + layers + "]");
  out.numbers("aggregate_attachment_factors", a.aggregate_attachment_factors);
  out.number("aggregate_monthly_factor", a.aggregate_monthly_factor);
  out.number("aggregate_minimum_attachment", a.aggregate_minimum_attachment);
}

void describe_sweep(TomlWriter& out, const std::vector<SweepAxis>& sweep) {
  if (sweep.empty()) return;
  out.header("[sweep]");
  for (const SweepAxis& axis : sweep) {
    std::string list;
    for (const auto& v : axis.values) list += (list.empty() ? "" : ", ") + v;
    out.raw(toml_string(axis.path), "[" + list + "]");
  }
}

void describe_parameter_risk(TomlWriter& out, const ParameterRisk& risk) {
  if (risk.parameters.empty()) return;
  out.header("[parameter_risk]");
  out.integer("groups", static_cast<unsigned long long>(risk.groups));
  for (const RiskParameter& p : risk.parameters) {
    out.header("[[parameter_risk.parameter]]");
    out.text("key", p.key);
    out.text("scale", risk_scale_keywords().at(static_cast<std::size_t>(p.scale)));
    out.numbers("deviations", p.deviations);
  }
}

}  // namespace

std::string describe(const Scenario& scenario) {
  std::vector<std::string> strata;
  for (const auto& stratum : scenario.strata) strata.push_back(stratum.name);

  TomlWriter out;
  out.comment("Resolved scenario: every default filled in (docs/scenario-reference.md).");
  describe_simulation(out, scenario.simulation, !scenario.parameter_risk.parameters.empty());
  for (const auto& region : scenario.regions) describe_region(out, region);
  for (std::size_t i = 0; i < scenario.strata.size(); ++i) {
    describe_stratum(out, scenario.strata[i], i, strata);
  }
  describe_patients(out, scenario.patients);
  for (const auto& group : scenario.provider_groups) describe_group(out, group, scenario, strata);
  for (const auto& measure : scenario.measures) describe_measure(out, measure, strata);
  out.header("[tallies]");
  out.numbers("thresholds", scenario.tallies.thresholds);
  std::vector<std::string> measures;
  for (const auto& measure : scenario.measures) measures.push_back(measure.name);
  describe_contract(out, scenario.contract, measures);
  describe_analysis(out, scenario.analysis);
  describe_sweep(out, scenario.sweep);
  describe_parameter_risk(out, scenario.parameter_risk);
  return out.str();
}

}  // namespace apmsim::scenario
