#include "io/export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "analysis/quantity_table.hpp"
#include "io/csv_text.hpp"
#include "io/number_text.hpp"
#include "io/temporary.hpp"
#include "io/typed_keys.hpp"
#include "scenario/error.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::io {
namespace {

namespace fs = std::filesystem;
using analysis::EstimateTable;
using analysis::Results;
using analysis::VariantSummary;

//! One estimate table of one variant, with the name of its table kind.
struct NamedTable {
  std::string kind;  //!< file stem and `table` column: "portfolio", "risk_net_result", ...
  std::string path;  //!< its path in the results file below the variant: "summary/portfolio"
  const EstimateTable* table;
};

//! A table of a variant.
using VariantTable = std::pair<const VariantSummary*, NamedTable>;

std::vector<NamedTable> tables_of(const VariantSummary& v) {
  std::vector<NamedTable> out{{"provider", "summary/provider", &v.provider},
                              {"portfolio", "summary/portfolio", &v.portfolio},
                              {"region", "summary/region", &v.region}};
  if (v.has_contract) {
    out.push_back({"contract_provider", "summary/contract_provider", &v.contract_provider});
    out.push_back({"contract_portfolio", "summary/contract_portfolio", &v.contract_portfolio});
    out.push_back({"headline", "summary/headline", &v.headline});
  }
  for (const auto& a : v.analyses)
    out.push_back({a.analysis + "_" + a.name, "analysis/" + a.analysis + "/" + a.name, &a.table});
  return out;
}

//! A number that reads back to the same double; "" for NaN (R: NA, pandas: NaN), Inf / -Inf.
std::string csv_number(double x) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + fields[i];
  return line + "\n";
}

//! Column labels: the table's own, or calendar years B1.. P1.. for by-year summary tables.
std::vector<std::string> column_labels(const EstimateTable& t, const analysis::RunInfo& info) {
  if (!t.columns.empty()) return t.columns;
  std::vector<std::string> labels;
  for (int y = 0; y < t.years; ++y)
    labels.push_back(y < info.baseline_years ? "B" + std::to_string(y + 1)
                                             : "P" + std::to_string(y - info.baseline_years + 1));
  return labels;
}

//! The calendar year (0 = first simulated) of column c, or "" when it is not a year.
std::string column_year(const EstimateTable& t, std::size_t c, const analysis::RunInfo& info) {
  if (t.columns.empty()) return std::to_string(c);
  const int k = analysis::performance_year_of(t.columns[c]);
  return k > 0 ? std::to_string(info.baseline_years + k - 1) : "";
}

//! Writes text files into the export's temporary folder, each flushed before it is published.
class Folder {
 public:
  explicit Folder(TemporaryFolder& staging) : staging_(staging) {}
  void write(const std::string& name, const std::string& text) {
    staging_.write(name, text);
    written_.push_back(name);
  }
  const std::vector<std::string>& written() const { return written_; }

 private:
  TemporaryFolder& staging_;
  std::vector<std::string> written_;
};

//! csv_text of each of `names`.
std::vector<std::string> csv_texts(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) out.push_back(csv_text(name));
  return out;
}

//! `fields` with `more` appended.
std::vector<std::string> joined(std::vector<std::string> fields,
                                const std::vector<std::string>& more) {
  fields.insert(fields.end(), more.begin(), more.end());
  return fields;
}

//! A typed value's field: text without TOML's quotes, a number in the shortest form that reads
//! back exactly (0.1, 5000, 3.0), true / false, an array or a table as its TOML text; "" for none.
std::string csv_value(const TypedValue* v) {
  if (!v || v->value.is_null()) return "";
  const nlohmann::json& x = v->value;
  if (x.is_string()) return csv_text(x.get<std::string>());
  if (x.is_boolean()) return x.get<bool>() ? "true" : "false";
  if (x.is_number_integer()) return std::to_string(x.get<std::int64_t>());
  if (x.is_number_float())
    return std::isfinite(x.get<double>()) ? scenario::toml_float(x.get<double>())
                                          : csv_number(x.get<double>());
  return csv_text(v->text);
}

//! The typed columns of every table in `all` (their variants' parameters, their row keys).
TypedColumns typed_columns(const std::vector<VariantTable>& all) {
  std::vector<LabelledTable> tables;
  for (const auto& [v, t] : all) tables.push_back({&v->parameters, &t.table->rows});
  return TypedColumns(tables);
}

//! The typed columns of the variants alone (tables without rows): the sweep's parameters.
TypedColumns parameter_columns(const Results& r) {
  static const std::vector<std::string> none;
  std::vector<LabelledTable> tables;
  for (const auto& v : r.variants) tables.push_back({&v.parameters, &none});
  return TypedColumns(tables);
}

//! The `table`-th table's (or variant's) fields under the parameter columns.
std::vector<std::string> parameter_fields(const TypedColumns& typed, std::size_t table) {
  std::vector<std::string> fields;
  for (const std::string& path : typed.parameters())
    fields.push_back(csv_value(typed.parameter(table, path)));
  return fields;
}

//! "group" and the key columns' names; none when no label carries a key.
std::vector<std::string> key_header(const TypedColumns& typed) {
  if (typed.keys().empty()) return {};
  return joined({"group"}, csv_texts(typed.keys()));
}

//! A row's fields under key_header(): empty where its table has no such column.
std::vector<std::string> key_fields(const TypedColumns& typed, std::size_t table, std::size_t row) {
  if (typed.keys().empty()) return {};
  const std::string* group = typed.group(table, row);
  std::vector<std::string> fields{group ? csv_text(*group) : ""};
  for (const std::string& key : typed.keys())
    fields.push_back(csv_value(typed.key(table, row, key)));
  return fields;
}

//! One CSV per table kind: a row per (variant, row, column), the typed columns, four columns per
//! quantity.
std::string table_csv(const Results& r, const std::vector<VariantTable>& all) {
  std::vector<analysis::Quantity> quantities;  // the union, in first-seen order
  for (const auto& [variant, t] : all)
    for (const auto& q : t.table->quantities)
      if (std::none_of(quantities.begin(), quantities.end(),
                       [&](const auto& known) { return known.name == q.name; }))
        quantities.push_back(q);
  const TypedColumns typed = typed_columns(all);
  std::vector<std::string> header = joined({"variant"}, csv_texts(typed.parameters()));
  header.push_back("row");
  header = joined(header, key_header(typed));
  header.insert(header.end(), {"column", "year"});
  for (const auto& q : quantities) {
    const std::string unit = " [" + money_unit(q.unit, r.info.currency) + "]";
    for (const char* part : {"", "_se", "_ci_low", "_ci_high"})
      header.push_back(csv_text(q.name + part + unit));
  }
  std::string text = csv_line(header);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const VariantSummary& v = *all[i].first;
    const EstimateTable& t = *all[i].second.table;
    const std::vector<std::string> labels = column_labels(t, r.info);
    const std::vector<std::string> parameters = parameter_fields(typed, i);
    for (std::size_t row = 0; row < t.rows.size(); ++row)
      for (std::size_t c = 0; c < static_cast<std::size_t>(t.years); ++c) {
        std::vector<std::string> line = joined({csv_text(v.name)}, parameters);
        line.push_back(csv_text(t.rows[row]));
        line = joined(line, key_fields(typed, i, row));
        line.insert(line.end(), {csv_text(labels[c]), column_year(t, c, r.info)});
        for (const auto& q : quantities) {
          std::size_t k = 0;
          while (k < t.quantities.size() && t.quantities[k].name != q.name) ++k;
          if (k == t.quantities.size()) {
            line.insert(line.end(), 4, "");
            continue;
          }
          const double mean = t.mean[t.index(k, row, c)], se = t.se[t.index(k, row, c)];
          line.push_back(csv_number(mean));
          line.push_back(csv_number(se));
          line.push_back(csv_number(mean - t.multiplier(k) * se));
          line.push_back(csv_number(mean + t.multiplier(k) * se));
        }
        text += csv_line(line);
      }
  }
  return text;
}

//! Every table of every variant in one long file.
std::string estimates_csv(const Results& r) {
  std::vector<VariantTable> all;
  for (const auto& v : r.variants)
    for (const NamedTable& named : tables_of(v)) all.emplace_back(&v, named);
  const TypedColumns typed = typed_columns(all);
  std::vector<std::string> header = joined({"variant"}, csv_texts(typed.parameters()));
  header.insert(header.end(), {"table", "row"});
  header = joined(header, key_header(typed));
  std::string text = csv_line(joined(
      header, {"column", "year", "quantity", "unit", "estimate", "se", "ci_low", "ci_high"}));
  for (std::size_t i = 0; i < all.size(); ++i) {
    const VariantSummary& v = *all[i].first;
    const NamedTable& named = all[i].second;
    const EstimateTable& t = *named.table;
    const std::vector<std::string> labels = column_labels(t, r.info);
    const std::vector<std::string> parameters = parameter_fields(typed, i);
    for (std::size_t q = 0; q < t.quantities.size(); ++q)
      for (std::size_t row = 0; row < t.rows.size(); ++row) {
        std::vector<std::string> head = joined({csv_text(v.name)}, parameters);
        head.insert(head.end(), {csv_text(named.kind), csv_text(t.rows[row])});
        head = joined(head, key_fields(typed, i, row));
        for (std::size_t c = 0; c < static_cast<std::size_t>(t.years); ++c) {
          const double mean = t.mean[t.index(q, row, c)], se = t.se[t.index(q, row, c)];
          text += csv_line(joined(
              head,
              {csv_text(labels[c]), column_year(t, c, r.info), csv_text(t.quantities[q].name),
               csv_text(money_unit(t.quantities[q].unit, r.info.currency)), csv_number(mean),
               csv_number(se),
               csv_number(mean - t.multiplier(q) * se), csv_number(mean + t.multiplier(q) * se)}));
        }
      }
  }
  return text;
}

std::string providers_csv(const Results& r) {
  const TypedColumns typed = parameter_columns(r);
  std::string text = csv_line(joined(joined({"variant"}, csv_texts(typed.parameters())),
                                     {"name", "group", "region", "unit", "participant"}));
  for (std::size_t i = 0; i < r.variants.size(); ++i)
    for (const auto& p : r.variants[i].providers)
      text += csv_line(joined(joined({csv_text(r.variants[i].name)}, parameter_fields(typed, i)),
                              {csv_text(p.name), csv_text(p.group), csv_text(p.region), csv_text(p.unit),
                               p.participant ? "1" : "0"}));
  return text;
}

//! Long: a row per (variant, parameter), the value typed as in the wide columns.
std::string parameters_csv(const Results& r) {
  std::string text = csv_line({"variant", "parameter", "value"});
  for (const auto& v : r.variants)
    for (const auto& [path, value] : parameter_keys(v.parameters))
      text += csv_line({csv_text(v.name), csv_text(path), csv_value(&value)});
  return text;
}

//! The run's facts as (attribute, value) pairs, named as the results file's root attributes.
std::vector<std::pair<std::string, std::string>> info_pairs(const Results& r) {
  const analysis::RunInfo& i = r.info;
  std::vector<std::pair<std::string, std::string>> out{
      {"apmsim_version", i.apmsim_version}, {"git_commit", i.git_commit},
      {"seed", std::to_string(i.seed)}, {"replications", std::to_string(i.replications)},
      {"batch_size", std::to_string(i.batch_size)},
      {"baseline_years", std::to_string(i.baseline_years)},
      {"performance_years", std::to_string(i.performance_years)}, {"backend", i.backend},
      {"device", i.device}, {"command_line", i.command_line}, {"currency", i.currency},
      {"elapsed_seconds", csv_number(i.elapsed_seconds)}, {"unit_years", csv_number(i.unit_years)},
      {"scenario_path", r.scenario_path}, {"scenario_sha256", r.scenario_sha256}};
  if (!i.parameter_risk.empty()) out.emplace_back("parameter_risk", i.parameter_risk);
  if (!i.target_se.empty()) {
    out.emplace_back("target_se", i.target_se);
    out.emplace_back("achieved_relative_se", csv_number(i.achieved_relative_se));
  }
  return out;
}

std::string info_csv(const Results& r) {
  std::string text = csv_line({"attribute", "value"});
  for (const auto& [key, value] : info_pairs(r)) text += csv_line({csv_text(key), csv_text(value)});
  return text;
}

std::string records_csv(const Results& r) {
  const TypedColumns typed = parameter_columns(r);
  std::string text;
  for (const auto& d : r.records) {
    if (text.empty()) {
      std::vector<std::string> header = joined(joined({"variant"}, csv_texts(typed.parameters())),
                                               {"replication", "provider", "year"});
      for (const auto& f : d.fields) header.push_back(csv_text(f));
      text = csv_line(header);
    }
    const auto variant = std::find_if(r.variants.begin(), r.variants.end(),
                                      [&](const VariantSummary& v) { return v.name == d.variant; });
    const std::vector<std::string> parameters =
        variant == r.variants.end()
            ? std::vector<std::string>(typed.parameters().size())
            : parameter_fields(typed, static_cast<std::size_t>(variant - r.variants.begin()));
    for (std::uint64_t rep = 0; rep < d.replications; ++rep)
      for (std::size_t p = 0; p < d.providers.size(); ++p)
        for (int y = 0; y < d.years; ++y) {
          std::vector<std::string> line = joined(joined({csv_text(d.variant)}, parameters),
                                                 {std::to_string(rep), csv_text(d.providers[p]),
                                                  std::to_string(r.info.baseline_years + y)});
          const std::size_t base =
              ((rep * d.providers.size() + p) * static_cast<std::size_t>(d.years) + y) *
              d.fields.size();
          for (std::size_t f = 0; f < d.fields.size(); ++f) line.push_back(csv_number(d.values[base + f]));
          text += csv_line(line);
        }
  }
  return text;
}

//! Tally entities: the providers, then each region's comparison population.
std::vector<std::string> entity_names(const Results& r) {
  std::vector<std::string> names;
  if (r.variants.empty()) return names;
  for (const auto& p : r.variants.front().providers) names.push_back(p.name);
  for (const auto& region : r.variants.front().region.rows) names.push_back("comparison/" + region);
  return names;
}

std::string tallies_csv(const Results& r) {
  const analysis::TallyDump& d = r.tallies;
  std::vector<std::string> header{"replication", "entity", "year"};
  for (const auto& f : d.fields) header.push_back(csv_text(f));
  std::string text = csv_line(header);
  const std::vector<std::string> names = entity_names(r);
  for (std::uint64_t rep = 0; rep < d.replications; ++rep)
    for (std::uint32_t e = 0; e < d.entities; ++e)
      for (int y = 0; y < d.years; ++y) {
        std::vector<std::string> line{std::to_string(rep),
                                      csv_text(e < names.size() ? names[e] : std::to_string(e)),
                                      std::to_string(y)};
        const std::size_t base =
            ((rep * d.entities + e) * static_cast<std::size_t>(d.years) + y) * d.fields.size();
        for (std::size_t f = 0; f < d.fields.size(); ++f) line.push_back(csv_number(d.values[base + f]));
        text += csv_line(line);
      }
  return text;
}

const char* const kCsvReadme =
    "apmsim export (CSV): the tables of one results file.\n\n"
    "<table>.csv       one file per table kind (portfolio, provider, region, contract_portfolio,\n"
    "                  contract_provider, headline, <analysis>_<table>), every variant's rows:\n"
    "                  variant, the sweep parameters, row, group and the row keys (where labels\n"
    "                  have them), column, year, then per quantity four columns named\n"
    "                  '<quantity> [unit]', '<quantity>_se [unit]', '_ci_low', '_ci_high'\n"
    "                  (the 95% interval the results file stores)\n"
    "estimates.csv     all of those in one long (tidy) file: variant, the sweep parameters,\n"
    "                  table, row, group and the row keys, column, year, quantity, unit,\n"
    "                  estimate, se, ci_low, ci_high\n"
    "providers.csv     per variant: the sweep parameters, provider name, group, region, unit,\n"
    "                  participant (1/0)\n"
    "parameters.csv    a sweep's variants: variant, parameter path, value\n"
    "info.csv          the run: seed, replications, backend, currency, command line, ...\n"
    "scenario.toml     the scenario as run\n"
    "records.csv       (when the run stored them) per replication, provider and year, with the\n"
    "                  sweep parameters after variant\n"
    "tallies.csv       (when the run stored them) per replication, entity and year\n\n"
    "Typed columns, the same the Python package's tables have (docs/python.md): after 'variant'\n"
    "one column per sweep parameter, named by its path (contract.withhold.rate = 0.1,\n"
    "contract.benchmark.method = regional_adjustment); where row labels carry key=value words\n"
    "('northeast_small min_units=5000', 'specific attachment=25000'), after 'row' a column 'group' (the\n"
    "label's other words) and one column per key (min_units = 5000, A = 25000), empty where a\n"
    "row has no such key. Text is unquoted, booleans are true/false, lists are TOML text.\n\n"
    "Units: currency (the scenario's, e.g. USD) totals per replication; <currency>/unit per unit-\n"
    "year or episode; fraction = a share in [0, 1] (not a percentage). Empty cell = not defined\n"
    "(NaN). Estimates have 17 significant digits and read back exactly; parameter and key values\n"
    "are in the shortest form that reads back exactly. Columns 'year': calendar year index, 0 =\n"
    "the first simulated (baseline) year; empty where the column is not a year.\n"
    "Text cells (names, labels, headers) that begin with =, +, -, @, a tab or a carriage return\n"
    "are written quoted with a leading ' so that a spreadsheet shows them as text instead of\n"
    "running them as formulas (strip the ' to get the name); numbers are written as they are.\n"
    "See docs/output-format.md and docs/python.md (R and pandas examples).\n";

void write_csv(const Results& r, Folder& folder) {
  std::vector<std::string> kinds;
  std::map<std::string, std::vector<VariantTable>> by_kind;
  for (const auto& v : r.variants)
    for (const NamedTable& t : tables_of(v)) {
      if (!by_kind.count(t.kind)) kinds.push_back(t.kind);
      by_kind[t.kind].emplace_back(&v, t);
    }
  for (const auto& kind : kinds) folder.write(kind + ".csv", table_csv(r, by_kind[kind]));
  folder.write("estimates.csv", estimates_csv(r));
  folder.write("providers.csv", providers_csv(r));
  folder.write("parameters.csv", parameters_csv(r));
  folder.write("info.csv", info_csv(r));
  folder.write("scenario.toml", r.scenario_text);
  if (r.has_records) folder.write("records.csv", records_csv(r));
  if (r.has_tallies) folder.write("tallies.csv", tallies_csv(r));
  folder.write("README.txt", kCsvReadme);
}

//! A number for JSON: null for NaN and the infinities (JSON has neither).
nlohmann::json json_number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); }

//! Per row: `group` and the table's key columns (null where the row lacks the key), as the CSV's
//! typed columns; null when no label carries a key.
nlohmann::json json_row_keys(const EstimateTable& t, const std::vector<std::string>& parameters) {
  const TypedColumns typed(std::vector<LabelledTable>{{&parameters, &t.rows}});
  if (typed.keys().empty()) return nullptr;
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t row = 0; row < t.rows.size(); ++row) {
    nlohmann::json fields = {{"group", *typed.group(0, row)}};
    for (const std::string& key : typed.keys()) {
      const TypedValue* value = typed.key(0, row, key);
      fields[key] = value ? value->value : nlohmann::json();
    }
    rows.push_back(fields);
  }
  return rows;
}

nlohmann::json json_table(const EstimateTable& t, const analysis::RunInfo& info,
                          const std::string& currency, const std::vector<std::string>& parameters) {
  nlohmann::json quantities = nlohmann::json::object();
  for (std::size_t q = 0; q < t.quantities.size(); ++q) {
    nlohmann::json estimate, se, low, high;
    for (std::size_t row = 0; row < t.rows.size(); ++row) {
      nlohmann::json e, s, l, h;
      for (std::size_t c = 0; c < static_cast<std::size_t>(t.years); ++c) {
        const double mean = t.mean[t.index(q, row, c)], error = t.se[t.index(q, row, c)];
        e.push_back(json_number(mean));
        s.push_back(json_number(error));
        l.push_back(json_number(mean - t.multiplier(q) * error));
        h.push_back(json_number(mean + t.multiplier(q) * error));
      }
      estimate.push_back(e), se.push_back(s), low.push_back(l), high.push_back(h);
    }
    quantities[t.quantities[q].name] = {{"unit", money_unit(t.quantities[q].unit, currency)},
                                        {"description", t.quantities[q].description},
                                        {"ci_multiplier", t.multiplier(q)},
                                        {"estimate", estimate}, {"se", se},
                                        {"ci_low", low}, {"ci_high", high}};
  }
  nlohmann::json table = {{"rows", t.rows},
                          {"columns", column_labels(t, info)},
                          {"ci_multiplier", t.ci_multiplier},
                          {"quantities", quantities}};
  if (nlohmann::json keys = json_row_keys(t, parameters); !keys.is_null()) table["row_keys"] = keys;
  return table;
}

void write_json(const Results& r, Folder& folder) {
  nlohmann::json info = nlohmann::json::object();
  for (const auto& [key, value] : info_pairs(r)) info[key] = value;
  nlohmann::json variants = nlohmann::json::array();
  for (const auto& v : r.variants) {
    nlohmann::json parameters = nlohmann::json::object();
    for (const auto& [path, value] : parameter_keys(v.parameters)) parameters[path] = value.value;
    nlohmann::json tables = nlohmann::json::object(), providers = nlohmann::json::array();
    for (const NamedTable& t : tables_of(v))
      tables[t.path] = json_table(*t.table, r.info, r.info.currency, v.parameters);
    for (const auto& p : v.providers)
      providers.push_back({{"name", p.name}, {"group", p.group}, {"region", p.region},
                           {"unit", p.unit}, {"participant", p.participant}});
    variants.push_back({{"name", v.name}, {"parameters", parameters}, {"providers", providers},
                        {"tables", tables}});
  }
  const nlohmann::json document = {{"format", "apmsim-export"},
                                   {"format_version", 2},
                                   {"info", info},
                                   {"scenario", r.scenario_text},
                                   {"variants", variants}};
  folder.write("results.json", document.dump(1) + "\n");
}

//! The marker file every export holds (first line kExportMarker): how --force knows a folder it
//! may replace. Exports older than it are known by their README.txt or results.json.
const char* const kMarkerFile = ".apmsim-export";
const char* const kExportMarker =
    "apmsim export folder: written by apmsim export, replaced by its --force\n";

//! The first `n` bytes of the regular file `path` ("" when it is not one).
std::string file_start(const fs::path& path, std::size_t n) {
  std::error_code error;
  if (!fs::is_regular_file(fs::symlink_status(path, error))) return "";
  std::ifstream in(path, std::ios::binary);
  std::string text(n, '\0');
  in.read(text.data(), static_cast<std::streamsize>(n));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

//! Whether `name` is a file an export writes.
bool export_file_name(const std::string& name) {
  const auto ends = [&](const std::string& tail) {
    return name.size() >= tail.size() &&
           name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
  };
  return ends(".csv") || name == "scenario.toml" || name == "README.txt" ||
         name == "results.json" || name == kMarkerFile;
}

//! Throws InputError unless `out` is an apmsim export holding only an export's files: --force
//! replaces such a folder and nothing else (never a folder of the user's, an input beside it).
void check_export_folder(const std::string& out) {
  const fs::path folder(out);
  const std::string readme = std::string(kCsvReadme).substr(0, std::string(kCsvReadme).find('\n'));
  const std::string json = "{\n \"format\": \"apmsim-export\"";
  const bool marked =
      file_start(folder / kMarkerFile, std::strlen(kExportMarker)) == kExportMarker ||
      file_start(folder / "README.txt", readme.size()) == readme ||
      file_start(folder / "results.json", json.size()) == json;
  if (!marked)
    throw InputError("--out " + out + " is a folder that apmsim export did not write (no " +
                     kMarkerFile + " in it); --force replaces only an export, give another --out");
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (!export_file_name(name) || !fs::is_regular_file(entry.symlink_status(error)))
      throw InputError("--out " + out + " holds " + name +
                       ", which apmsim export does not write; not replacing the folder");
  }
  if (error)
    throw InputError("--out " + out + ": cannot read the folder (" + error.message() + ")");
}

//! Refuses an unusable destination before any work.
void check_destination(const std::string& out, bool force) {
  if (out.empty()) throw InputError("--out: no folder given");
  const fs::path target(out);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(parent, error))
    throw InputError("--out " + out + ": folder " + parent.string() + " does not exist");
  if (const std::string kind = special_kind(out); !kind.empty())
    throw InputError("--out " + out + " is " + kind + "; the export is a folder");
  if (fs::exists(fs::symlink_status(target, error))) {
    if (!fs::is_directory(target, error))
      throw InputError("--out " + out + ": a file is in the way (the export is a folder)");
    if (!force) throw InputError("--out " + out + " already exists; not overwriting it (use --force)");
    check_export_folder(out);
  }
}

}  // namespace

std::vector<std::string> export_results(const Results& results, const std::string& out,
                                        ExportFormat format, bool force) {
  check_destination(out, force);
  TemporaryFolder staging(out, "export", check_export_folder);
  Folder folder(staging);
  if (format == ExportFormat::kCsv)
    write_csv(results, folder);
  else
    write_json(results, folder);
  staging.write(kMarkerFile, kExportMarker);
  // Whole or not at all: a folder that appeared meanwhile is not replaced without --force, and
  // with it an old export is swapped out at once and removed after.
  publish_together({&staging}, force);
  return folder.written();
}

}  // namespace apmsim::io
