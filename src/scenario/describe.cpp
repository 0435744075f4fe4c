//! The resolved scenario as TOML: what `apmsim validate` prints, and what parse_scenario reads
//! back.
#include <sstream>

#include "scenario/keywords.hpp"
#include "scenario/load.hpp"
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

void describe_simulation(TomlWriter& out, const Simulation& simulation) {
  out.header("[simulation]");
  out.integer("replications", simulation.replications);
  out.integer("seed", simulation.seed);
  out.integer("baseline_years", static_cast<unsigned long long>(simulation.baseline_years));
  out.integer("performance_years", static_cast<unsigned long long>(simulation.performance_years));
  out.integer("batch_size", simulation.batch_size);
  out.text("backend", backend_keywords().at(static_cast<std::size_t>(simulation.backend)));
  out.number("trend", simulation.trend);
}

void describe_region(TomlWriter& out, const Region& region) {
  out.header("[[region]]");
  out.text("name", region.name);
  out.number("shock_sd", region.shock_sd);
  out.number("shock_rho", region.shock_rho);
  out.number("initial_sd", region.initial_sd);
  out.integer("comparison_size", region.comparison_size);
}

void describe_stratum(TomlWriter& out, const Stratum& stratum, std::size_t index,
                      const std::vector<std::string>& names) {
  out.header("[[stratum]]");
  out.text("name", stratum.name);
  out.number("share", stratum.share);
  out.number("p_any", stratum.p_any);
  out.number("mean", stratum.mean);
  out.number("cv", stratum.cv);
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
  out.number("frailty_sd", patients.frailty_sd);
  out.number("frailty_rho", patients.frailty_rho);
  out.number("churn", patients.churn);
  out.number("adherence_mean", patients.adherence_mean);
  out.number("adherence_sd", patients.adherence_sd);
  out.number("adherence_cost", patients.adherence_cost);
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

}  // namespace

std::string describe(const Scenario& scenario) {
  std::vector<std::string> strata;
  for (const auto& stratum : scenario.strata) strata.push_back(stratum.name);

  TomlWriter out;
  out.comment("Resolved scenario: every default filled in (docs/scenario-reference.md).");
  describe_simulation(out, scenario.simulation);
  for (const auto& region : scenario.regions) describe_region(out, region);
  for (std::size_t i = 0; i < scenario.strata.size(); ++i) {
    describe_stratum(out, scenario.strata[i], i, strata);
  }
  describe_patients(out, scenario.patients);
  for (const auto& group : scenario.provider_groups) describe_group(out, group, scenario, strata);
  for (const auto& measure : scenario.measures) describe_measure(out, measure, strata);
  out.header("[tallies]");
  out.numbers("thresholds", scenario.tallies.thresholds);
  return out.str();
}

}  // namespace apmsim::scenario
