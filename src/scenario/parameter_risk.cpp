//! `[parameter_risk]`: reading the deviations, and the drawn scenarios
//! (scenario/parameter_risk.hpp).
#include "scenario/parameter_risk.hpp"

#include <algorithm>
#include <cmath>

#include "scenario/keywords.hpp"
#include "scenario/load.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"
#include "scenario/toml_text.hpp"
#include "scenario/value_path.hpp"

namespace apmsim::scenario {

namespace {

//! Most jackknife groups and parameters a scenario may list.
constexpr std::int64_t kMaxGroups = 1000;
constexpr std::size_t kMaxParameters = 4096;

//! Sections whose values a draw may move: the population's, not the contract's or the run's.
bool population_section(const std::string& first) {
  for (const char* s : {"simulation", "region", "stratum", "patients", "provider_group", "measure"})
    if (first == s) return true;
  return false;
}

//! Why `path` cannot be drawn ("" when it can, as far as its name tells).
std::string path_problem(const std::string& path) {
  const std::vector<std::string> parts = path_parts(path);
  if (parts.size() < 2 || !population_section(parts[0]) ||
      std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
    return "expected the path of a population value, as [sweep] names it: "
           "\"simulation.trend\", \"stratum.<name>.p_any\", \"patients.frailty_sd\", "
           "\"provider_group.<name>.efficiency_sd\"";
  if (parts[0] == "simulation" && parts[1] != "trend")
    return "'" + path + "' defines the run; of [simulation] only trend can be drawn";
  // The contract stage reads revenue_share from the central model: a draw would not reach it.
  if (parts[0] == "provider_group" && parts.back() == "revenue_share")
    return "revenue_share is a contract term (the loss limit's base), not a population value";
  return "";
}

//! The root the draws edit: the resolved scenario without what a draw keeps central.
toml::table population_root(const Scenario& s) {
  toml::table root = parse_toml(describe(s), s.path);
  for (const char* section : {"contract", "analysis", "tallies", "sweep", "parameter_risk"})
    root.erase(section);
  if (auto* simulation = root.get_as<toml::table>("simulation")) {
    simulation->erase("parameter_risk");
    simulation->erase("parameter_block");
  }
  return root;
}

//! The numbers at a parameter's node: a float, or an array of floats.
bool numbers_of(toml::node& node, std::vector<double>& out) {
  out.clear();
  if (const auto* v = node.as_floating_point()) {
    out.push_back(v->get());
    return true;
  }
  const auto* array = node.as_array();
  if (!array || array->empty()) return false;
  for (const auto& e : *array) {
    const auto* v = e.as_floating_point();
    if (!v) return false;
    out.push_back(v->get());
  }
  return true;
}

//! Whether `x` is a value `scale` can move (an element of an array may be 0 on the log scale:
//! it stays 0).
bool in_domain(double x, RiskScale scale, bool element) {
  switch (scale) {
    case RiskScale::Linear:
      return true;
    case RiskScale::Log:
      return element ? x >= 0.0 : x > 0.0;
    case RiskScale::Logit:
      return x > 0.0 && x < 1.0;
  }
  return false;
}

}  // namespace

double moved(double x, double shift, RiskScale scale) {
  if (shift == 0.0) return x;
  switch (scale) {
    case RiskScale::Linear:
      return x + shift;
    case RiskScale::Log:
      return x * std::exp(shift);
    case RiskScale::Logit:  // x e^s / (1 - x + x e^s), with no overflow for a large |s|
      return shift > 0.0 ? x / ((1.0 - x) * std::exp(-shift) + x)
                         : x * std::exp(shift) / (1.0 - x + x * std::exp(shift));
  }
  return x;
}

ParameterRisk read_parameter_risk(const TableReader& top, const Simulation& simulation) {
  ParameterRisk risk;
  const std::optional<TableReader> found = open_section(top, "parameter_risk");
  if (found) {
    const TableReader& r = *found;
    risk.line = r.where().line;
    risk.column = r.where().column;
    r.require("groups", "");
    risk.groups = static_cast<int>(r.integer("groups", 0, 2, kMaxGroups));
    const Section& schema = section("parameter_risk.parameter");
    const auto tables = r.has("parameter") ? r.table_array("parameter", 1, kMaxParameters)
                                           : std::vector<const toml::table*>{};
    for (std::size_t i = 0; i < tables.size(); ++i) {
      const TableReader p =
          r.child(*tables[i], r.element_path("parameter", i), schema.header(), schema.keys);
      p.require("key", "");
      p.require("deviations", "");
      RiskParameter parameter;
      parameter.key = p.required_text("key");
      parameter.line = p.location("key").line;
      parameter.column = p.location("key").column;
      if (const std::string problem = path_problem(parameter.key); !problem.empty())
        p.fail("key", problem);
      for (const RiskParameter& before : risk.parameters)
        if (before.key == parameter.key) p.fail("key", "'" + parameter.key + "' is listed twice");
      parameter.scale = static_cast<RiskScale>(p.choice("scale", 0, risk_scale_keywords()));
      parameter.deviations = *p.numbers("deviations", any_number());
      if (parameter.deviations.size() != static_cast<std::size_t>(risk.groups))
        p.fail("deviations", "needs one deviation per jackknife group (parameter_risk.groups = " +
                                 std::to_string(risk.groups) + "), got " +
                                 std::to_string(parameter.deviations.size()));
      risk.parameters.push_back(std::move(parameter));
    }
  }
  if (simulation.parameter_risk && risk.parameters.empty()) {
    const std::optional<TableReader> sim = open_section(top, "simulation");
    sim->fail("parameter_risk",
              "parameter_risk = true draws the parameters of [[parameter_risk.parameter]], and the "
              "scenario lists none (apmsim calibrate writes them)");
  }
  return risk;
}

//! The central root and each parameter's place and central values.
struct ParameterDraws::Centre {
  Scenario scenario;
  toml::table root;
  std::vector<std::vector<double>> values;  //!< per parameter: its number(s)
};

ParameterDraws::ParameterDraws(const Scenario& s) {
  auto centre = std::make_unique<Centre>();
  centre->scenario = s;
  centre->root = population_root(s);
  for (std::size_t k = 0; k < s.parameter_risk.parameters.size(); ++k) {
    const RiskParameter& p = s.parameter_risk.parameters[k];
    const auto fail = [&](const std::string& message) {
      throw ScenarioError(s.path, p.line, p.column,
                          "parameter_risk.parameter[" + std::to_string(k) + "].key", message);
    };
    std::string problem;
    toml::node* node = value_at(centre->root, p.key, problem);
    if (!node) fail("names no value of the scenario: " + problem);
    std::vector<double> values;
    if (!numbers_of(*node, values))
      fail("'" + p.key + "' is not a float or an array of floats, so it cannot be drawn");
    const bool array = node->is_array();
    for (double x : values)
      if (!in_domain(x, p.scale, array))
        fail("'" + p.key + "' is " + format_number(x) + ", outside the " +
             risk_scale_keywords()[static_cast<std::size_t>(p.scale)] +
             " scale's range (log: > 0; logit: in (0, 1))");
    centre->values.push_back(std::move(values));
  }
  centre_ = std::move(centre);
}

ParameterDraws::~ParameterDraws() = default;

int ParameterDraws::groups() const { return centre_->scenario.parameter_risk.groups; }

Scenario ParameterDraws::at(const std::vector<double>& z) const {
  const Scenario& central = centre_->scenario;
  const ParameterRisk& risk = central.parameter_risk;
  toml::table root = centre_->root;
  for (std::size_t k = 0; k < risk.parameters.size(); ++k) {
    const RiskParameter& p = risk.parameters[k];
    double shift = 0.0;
    for (std::size_t g = 0; g < p.deviations.size(); ++g) shift += z.at(g) * p.deviations[g];
    std::string problem;
    toml::node* node = value_at(root, p.key, problem);
    const std::vector<double>& values = centre_->values[k];
    if (auto* array = node->as_array()) {
      for (std::size_t i = 0; i < values.size(); ++i)
        *(*array)[i].as_floating_point() = moved(values[i], shift, p.scale);
    } else {
      *node->as_floating_point() = moved(values.front(), shift, p.scale);
    }
  }
  Scenario drawn;
  try {
    drawn = parse_root(root, central.text, central.path);
  } catch (const ScenarioError& e) {
    // The copy's positions are the resolved text's: point at [parameter_risk] and keep the key
    // and message.
    std::string inner = e.what();
    if (const std::size_t at = inner.find("'" + e.key() + "': ");
        !e.key().empty() && at != std::string::npos)
      inner = inner.substr(at);
    throw ScenarioError(central.path, risk.line, risk.column, "parameter_risk",
                        "a draw of the parameters is not a valid scenario (draw a bounded value "
                        "on the log or logit scale): " +
                            inner);
  }
  drawn.simulation.parameter_risk = central.simulation.parameter_risk;
  drawn.simulation.parameter_block = central.simulation.parameter_block;
  drawn.tallies = central.tallies;
  drawn.contract = central.contract;
  drawn.analysis = central.analysis;
  drawn.parameter_risk = risk;
  return drawn;
}

}  // namespace apmsim::scenario
