//! From a scenario file to a validated Scenario: TOML syntax first, then each section in order.
#include "scenario/load.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "scenario/limits.hpp"
#include "scenario/names.hpp"
#include "scenario/parameter_risk.hpp"
#include "scenario/schema.hpp"
#include "scenario/sections.hpp"
#include "scenario/table_reader.hpp"

namespace apmsim::scenario {

namespace {

//! A section's key written above every header (e.g. `seed = 1` at the top) says where it belongs.
void reject_misplaced_keys(const toml::table& root, const std::string& path) {
  const auto& all = sections();
  for (const auto& [key, node] : root) {
    const auto is_named = [&key = key](const Section& s) {
      return s.name == key.str() && s.name.find('.') == std::string::npos;
    };
    if (std::any_of(all.begin(), all.end(), is_named)) continue;
    std::string homes;
    for (const auto& candidate : all) {
      const auto& keys = candidate.keys;
      if (std::find(keys.begin(), keys.end(), key.str()) == keys.end()) continue;
      homes += (homes.empty() ? "" : " or ") + candidate.header();
    }
    if (homes.empty()) continue;  // not a key of any section: the unknown-section check says so
    throw ScenarioError(
        path, static_cast<int>(key.source().begin.line),
        static_cast<int>(key.source().begin.column), std::string(key.str()),
        "'" + std::string(key.str()) + "' belongs in " + homes + ": write it under that header");
  }
}

//! The top-level keys: the section names.
std::vector<std::string> section_names() {
  std::vector<std::string> names;
  for (const auto& candidate : sections()) {
    if (candidate.name.find('.') == std::string::npos) names.push_back(candidate.name);
  }
  return names;
}

}  // namespace

namespace {

//! TOML allows non-ASCII text only in strings and comments. The toml++ Debian ships reaches
//! undefined behaviour (TOML_UNREACHABLE in is_non_ascii_horizontal_whitespace) on some code
//! points where it expects whitespace, e.g. U+00A1-U+0499 or U+2C0E-U+3007 after a key: such a
//! character is a syntax error, so it is reported here, with its line and column, before the
//! parser sees it. Inside a multi-line basic string, the text after a line-ending backslash is
//! whitespace the parser trims, so a non-ASCII character there is reported too.
void reject_bare_non_ascii(std::string_view text, const std::string& path) {
  enum class In { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral, kTrim };
  In state = In::kCode;
  int line = 1, column = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) != 0x80) ++column;  // a code point starts (UTF-8 continuation bytes don't)
    const auto starts = [&](std::string_view token) { return text.substr(i, token.size()) == token; };
    if (byte >= 0x80 && (byte & 0xC0) != 0x80 && (state == In::kCode || state == In::kTrim)) {
      throw ScenarioError(path, line, column, "",
                          "TOML syntax error: a non-ASCII character outside a string or "
                          "comment (keys and values other than strings are ASCII)");
    }
    const char c = text[i];
    switch (state) {
      case In::kCode:
        if (c == '#') state = In::kComment;
        else if (starts("\"\"\"")) state = In::kMultiBasic, i += 2, column += 2;
        else if (starts("'''")) state = In::kMultiLiteral, i += 2, column += 2;
        else if (c == '"') state = In::kBasic;
        else if (c == '\'') state = In::kLiteral;
        break;
      case In::kComment:
        if (c == '\n') state = In::kCode;
        break;
      case In::kBasic:
        if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
          ++i, ++column;  // the escaped character (ASCII in any valid escape)
        } else if (c == '"' || c == '\n') {
          state = In::kCode;
        }
        break;
      case In::kLiteral:
        if (c == '\'' || c == '\n') state = In::kCode;
        break;
      case In::kTrim:
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
        state = In::kMultiBasic;
        [[fallthrough]];
      case In::kMultiBasic:
        if (c == '\\') {
          std::size_t j = i + 1;
          while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
          if (j < text.size() && text[j] == '\n') state = In::kTrim;
          else ++i, ++column;
        } else if (starts("\"\"\"")) {
          state = In::kCode, i += 2, column += 2;
        }
        break;
      case In::kMultiLiteral:
        if (starts("'''")) state = In::kCode, i += 2, column += 2;
        break;
    }
    if (c == '\n') ++line, column = 0;
  }
}

}  // namespace

toml::table parse_toml(std::string_view text, const std::string& path) {
  reject_bare_non_ascii(text, path);
  try {
    return toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw ScenarioError(path, static_cast<int>(begin.line), static_cast<int>(begin.column), "",
                        "TOML syntax error: " + std::string(error.description()));
  }
}

namespace {

//! The contract's truncation points and its stop-loss layers' attachments and limits join the
//! tally thresholds.
void add_contract_thresholds(const TableReader& top, Scenario& scenario) {
  Tallies& tallies = scenario.tallies;
  const auto& thresholds = tallies.thresholds;
  for (const ContractTerms& terms : scenario.contract.years) {
    if (terms.benchmark.truncate_at > 0.0) tallies.add(terms.benchmark.truncate_at);
    for (const StopLossLayer& layer : terms.stop_loss.specific_layers()) {
      if (layer.attachment > 0.0) tallies.add(layer.attachment);
      if (layer.limit < kNoLimit) tallies.add(layer.limit);
    }
  }
  // truncate_percentile adds one amount per calendar year once the run's pilot resolves them.
  bool percentile = false;
  for (const ContractTerms& terms : scenario.contract.years)
    percentile = percentile || terms.benchmark.truncate_percentile > 0.0;
  const std::size_t years = static_cast<std::size_t>(scenario.simulation.years());
  if (percentile && thresholds.size() + years > kMaxThresholds) {
    top.fail("contract", "truncate_percentile needs one tally threshold per calendar year (" +
                             std::to_string(years) + ") beside the " +
                             std::to_string(thresholds.size()) +
                             " of [tallies] and the contract; at most " +
                             std::to_string(kMaxThresholds) + " are supported");
  }
  if (thresholds.size() > kMaxThresholds) {
    top.fail("contract", "[tallies] thresholds and the contract's truncation and attachment "
                         "points make " +
                             std::to_string(thresholds.size()) + " thresholds; at most " +
                             std::to_string(kMaxThresholds) + " are supported");
  }
}

//! A regional or blended benchmark needs each participant's region to have a comparison population.
void check_regional_benchmark(const TableReader& top, const Scenario& scenario) {
  bool regional = false;
  for (const ContractTerms& t : scenario.contract.years)
    regional = regional || t.benchmark.method != BenchmarkMethod::Historical;
  if (!regional) return;
  for (const ProviderGroup& g : scenario.provider_groups) {
    const Region& r = scenario.regions[static_cast<std::size_t>(g.region)];
    if (g.participant && r.comparison_size == 0)
      top.fail("contract", "a regional or blended benchmark needs a comparison population: region '" +
                               r.name + "' (of provider group '" + g.name +
                               "') has comparison_size = 0");
  }
}

}  // namespace

Scenario parse_root(const toml::table& root, std::string_view text, const std::string& path) {
  reject_misplaced_keys(root, path);
  const TableReader top(root, path, "", "the scenario", section_names());

  Scenario scenario;
  scenario.path = path;
  scenario.name = std::filesystem::path(path).stem().string();
  scenario.text = std::string(text);
  NameRegistry regions("region");
  NameRegistry strata("stratum");
  scenario.simulation = read_simulation(top);
  scenario.regions = read_regions(top, regions);
  scenario.strata = read_strata(top, strata);
  for (const Stratum& st : scenario.strata)
    if (st.enrollment_type == static_cast<int>(scenario.enrollment_types.size()))
      scenario.enrollment_types.push_back(st.enrollment);
  scenario.patients = read_patients(top);
  scenario.provider_groups = read_provider_groups(top, scenario.simulation, regions, strata);
  scenario.measures = read_measures(top, strata);
  scenario.tallies = read_tallies(top);
  scenario.contract = read_contract(top, scenario.simulation, scenario.measures);
  add_contract_thresholds(top, scenario);
  check_regional_benchmark(top, scenario);
  scenario.analysis = read_analysis(top, scenario.contract);
  scenario.sweep = read_sweep(top);
  scenario.parameter_risk = read_parameter_risk(top, scenario.simulation);
  // Every parameter's path and central value, checked as the run's draws will use them.
  if (!scenario.parameter_risk.parameters.empty()) ParameterDraws check(scenario);
  return scenario;
}

Scenario parse_scenario(std::string_view text, const std::string& path) {
  return parse_root(parse_toml(text, path), text, path);
}

std::string read_scenario_text(const std::string& path, const std::string& what) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) throw ScenarioError(path, 0, 0, "", "no such " + what);
  if (std::filesystem::is_directory(path, error))
    throw ScenarioError(path, 0, 0, "", "is a directory, not a " + what);
  // A device or a pipe (/dev/zero) would be read forever: only regular files, of bounded size.
  if (!std::filesystem::is_regular_file(path, error))
    throw ScenarioError(path, 0, 0, "", "not a regular file, so not a " + what);
  const std::string too_big = "larger than " + std::to_string(kMaxScenarioBytes >> 20) +
                              " MiB: not a " + what + " (scenarios are kilobytes)";
  if (std::filesystem::file_size(path, error) > kMaxScenarioBytes)
    throw ScenarioError(path, 0, 0, "", too_big);
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ScenarioError(path, 0, 0, "", "cannot open the " + what);
  std::string text(kMaxScenarioBytes + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (file.bad()) throw ScenarioError(path, 0, 0, "", "cannot read the " + what);
  text.resize(static_cast<std::size_t>(file.gcount()));
  if (text.size() > kMaxScenarioBytes) throw ScenarioError(path, 0, 0, "", too_big);  // it grew
  return text;
}

Scenario load_scenario(const std::string& path) {
  return parse_scenario(read_scenario_text(path, "scenario file"), path);
}

}  // namespace apmsim::scenario
