#include "scenario/schema.hpp"

#include <stdexcept>

namespace apmsim::scenario {

const std::vector<Section>& sections() {
  static const std::vector<Section> all{
      {"simulation",
       false,
       {"replications", "seed", "baseline_years", "performance_years", "batch_size", "backend",
        "trend", "currency", "parameter_risk", "parameter_block"}},
      {"region", true, {"name", "shock_sd", "shock_rho", "initial_sd", "comparison_size", "assignment"}},
      {"stratum",
       true,
       {"name", "share", "enrollment", "p_any", "severity", "mean", "cv", "probabilities", "quantiles",
        "tail_scale", "tail_shape", "score_sd", "cat_prob", "cat_scale", "cat_shape", "risk_score",
        "transition"}},
      {"patients",
       false,
       {"frailty_sd", "frailty_rho", "churn", "adherence_mean", "adherence_sd", "adherence_cost"}},
      {"provider_group",
       true,
       {"name", "count", "region", "unit", "panel_size", "volume", "volume_model", "volume_cv",
        "participant", "efficiency_sd", "effect_mean", "effect_sd", "effect_ramp", "quality_sd",
        "coding_growth", "case_mix", "revenue_share", "assignment_churn", "practice_sd", "practice_size",
        "practice_rho", "assignment", "assigned_share"}},
      {"measure",
       true,
       {"name", "strata", "base_rate", "frailty_coef", "adherence_coef", "improvement",
        "response_rate", "nonresponse_frailty"}},
      {"tallies", false, {"thresholds"}},
      {"contract",
       false,
       {"base", "min_units", "quality_gate", "participation_fee", "delivery_cost", "benchmark",
        "stop_loss", "sharing", "corridor", "quality", "withhold", "year", "agreement", "timing",
        "run_out"}},
      {"contract.benchmark",
       false,
       {"method", "regional_weight", "baseline_weights", "assumed_trend", "risk_adjust",
        "risk_growth_cap", "risk_growth_reference", "regional_weight_below",
        "regional_weight_above", "regional_adjustment_cap", "national_cost_per_unit", "truncate_at",
        "truncate_percentile", "trend", "trend_national_weight", "prospective_trend",
        "prospective_weight", "trend_corridor", "discount", "repayment_discount", "quality_discount", "efficiency_adjustment",
        "prior_savings_share", "prior_savings_cap"}},
      {"contract.stop_loss",
       false,
       {"attachment", "limit", "coinsurance", "premium", "layer", "band", "band_premium",
        "aggregate"}},
      {"contract.stop_loss.layer", true, {"attachment", "limit", "coinsurance", "premium"}},
      {"contract.stop_loss.band", true, {"lower", "upper", "share"}},
      {"contract.stop_loss.aggregate",
       false,
       {"attachment_factor", "attachment", "monthly_attachment", "minimum_attachment", "limit",
        "coinsurance", "premium"}},
      {"contract.sharing",
       false,
       {"minimum_savings_rate", "minimum_loss_rate", "confidence", "size_based_floor",
        "first_dollar", "savings_rate", "loss_rate", "loss_rate_min", "loss_rate_max",
        "savings_cap", "loss_cap", "loss_cap_revenue", "quality_scaled", "sequestration"}},
      {"contract.corridor", true, {"lower", "upper", "share"}},
      {"contract.quality", false, {"measures", "points", "measure"}},
      {"contract.withhold",
       false,
       {"rate", "scoring", "tiers", "floor", "target", "gate", "measure"}},
      {"contract.run_out", false, {"months", "lag", "completion_factor", "true_up_months"}},
      {"contract.agreement",
       true,
       {"years", "leave_below", "base", "min_units", "quality_gate", "participation_fee",
        "delivery_cost", "benchmark", "stop_loss", "sharing", "corridor", "quality", "withhold"}},
      {"contract.year",
       true,
       {"year", "base", "min_units", "quality_gate", "participation_fee", "delivery_cost",
        "benchmark", "stop_loss", "sharing", "corridor", "quality", "withhold"}},
      {"contract.timing",
       false,
       {"discount_rate", "payments_in_advance", "reconciliation_month", "true_up_month",
        "earn_back_month", "stop_loss_month", "repayment_months", "mechanism_expenditure_share",
        "mechanism_revenue_share"}},
      {"sweep", false, {}},
      {"parameter_risk", false, {"groups", "parameter"}},
      {"parameter_risk.parameter", true, {"key", "scale", "deviations"}},
      {"analysis", false, {"batches", "withhold", "threshold", "risk"}},
      {"analysis.withhold", false, {"target_forfeit", "forfeit_limit", "forfeit_probability"}},
      {"analysis.threshold", false, {"min_units", "alpha", "target_effect"}},
      {"analysis.risk",
       false,
       {"loading", "sd_loading", "aggregate_layers", "aggregate_attachment_factors",
        "aggregate_monthly_factor", "aggregate_minimum_attachment"}},
  };
  return all;
}

const Section& section(std::string_view name) {
  for (const auto& candidate : sections()) {
    if (candidate.name == name) return candidate;
  }
  throw std::out_of_range("no scenario section named " + std::string(name));
}

TableReader open_section(const TableReader& top, const toml::table& table, std::string_view name,
                         std::size_t index) {
  const Section& schema = section(name);
  const std::string path =
      schema.array ? schema.name + "[" + std::to_string(index) + "]" : schema.name;
  return top.child(table, path, schema.header(), schema.keys);
}

std::optional<TableReader> open_section(const TableReader& top, std::string_view name) {
  const toml::table* table = top.section(name);
  if (!table) return std::nullopt;
  return open_section(top, *table, name);
}

std::optional<TableReader> sub_table(const TableReader& parent, std::string_view key,
                                     std::string_view schema) {
  const toml::table* table = parent.section(key);
  if (!table) return std::nullopt;
  const Section& s = section(schema);
  return parent.child(*table, parent.key_path(key), s.header(), s.keys);
}

}  // namespace apmsim::scenario
