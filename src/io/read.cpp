// Reads a results file back into analysis::Results (layout: docs/output-format.md). Everything
// that can be wrong with the file is the user's to fix (wrong file, newer format, truncated
// copy), so every failure becomes an InputError that names the file.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

#include "analysis/quantity_table.hpp"
#include "io/hdf5_io.hpp"
#include "io/results_file.hpp"
#include "scenario/error.hpp"
#include "scenario/limits.hpp"
#include "scenario/sha256.hpp"

namespace apmsim::io {
namespace {

//! Column labels as this version spells them: the `performance_year_k` of files before format
//! 2.5 become `Pk`.
std::vector<std::string> year_labels(std::vector<std::string> labels) {
  for (std::string& label : labels) label = analysis::year_label(label);
  return labels;
}

namespace fs = std::filesystem;
using analysis::EstimateTable;
using analysis::Results;

//! A structural problem found by the reader (as opposed to a failed HDF5 call).
[[noreturn]] void malformed(const std::string& message) { throw h5::Error(message); }

//! Refuses anything but an apmsim results file of a major version this build knows.
void check_format(const h5::Node& root, const std::string& path) {
  std::string format;
  try {
    if (h5::has_attribute(root, "format")) format = h5::read_string_attribute(root, "format");
  } catch (const h5::Error& e) {
    throw InputError(path +
                     ": cannot read the 'format' attribute, so this is a damaged file or "
                     "not an apmsim results file (" +
                     e.what() + ")");
  }
  if (format != kFormatName)
    throw InputError(
        path + ": not an apmsim results file (" +
        (format.empty() ? std::string("no 'format' attribute") : "format is '" + format + "'") +
        ")");
  if (!h5::has_attribute(root, "format_version"))
    throw InputError(path + ": apmsim results file without a 'format_version' attribute");
  const std::vector<std::int32_t> version =
      h5::read_array_attribute<std::int32_t>(root, "format_version");
  if (version.size() != 2) malformed("format_version must hold two numbers (major, minor)");
  const std::string found = std::to_string(version[0]) + "." + std::to_string(version[1]);
  const std::string known = std::to_string(kFormatMajor) + ".x";
  if (version[0] > kFormatMajor)
    throw InputError(path + ": format version " + found + " is newer than this apmsim reads (" +
                     known + "); use a newer apmsim");
  if (version[0] < kFormatMajor)
    throw InputError(path + ": format version " + found + " is older than this apmsim reads (" +
                     known + ")");
}

analysis::RunInfo read_run_info(const h5::Node& root) {
  analysis::RunInfo info;
  info.apmsim_version = h5::read_string_attribute(root, "apmsim_version");
  info.git_commit = h5::read_string_attribute(root, "git_commit");
  info.seed = h5::read_attribute<std::uint64_t>(root, "seed");
  info.replications = h5::read_attribute<std::uint64_t>(root, "replications");
  info.batch_size = h5::read_attribute<std::uint32_t>(root, "batch_size");
  info.baseline_years = h5::read_attribute<std::int32_t>(root, "baseline_years");
  info.performance_years = h5::read_attribute<std::int32_t>(root, "performance_years");
  info.backend = h5::read_string_attribute(root, "backend");
  info.device = h5::read_string_attribute(root, "device");
  info.command_line = h5::read_string_attribute(root, "command_line");
  info.elapsed_seconds = h5::read_attribute<double>(root, "elapsed_seconds");
  info.unit_years = h5::read_attribute<double>(root, "unit_years");
  if (info.baseline_years < 1 || info.performance_years < 1 ||
      info.baseline_years > scenario::kMaxYears - info.performance_years)
    malformed("/ attributes 'baseline_years' and 'performance_years': " +
              std::to_string(info.baseline_years) + " and " +
              std::to_string(info.performance_years) + " years (each at least 1, together at most " +
              std::to_string(scenario::kMaxYears) + ")");
  info.total_replications = info.replications;
  if (h5::has_attribute(root, "shard_count")) {
    info.shard_index = h5::read_attribute<std::int32_t>(root, "shard_index");
    info.shard_count = h5::read_attribute<std::int32_t>(root, "shard_count");
    info.first_replication = h5::read_attribute<std::uint64_t>(root, "first_replication");
    info.total_replications = h5::read_attribute<std::uint64_t>(root, "total_replications");
    if (info.shard_count < 1 || info.shard_index < 0 || info.shard_index >= info.shard_count ||
        info.first_replication > info.total_replications ||
        info.replications > info.total_replications - info.first_replication)
      malformed("the shard attributes are inconsistent");
  }
  if (h5::has_attribute(root, "currency"))  // format 1.3
    info.currency = h5::read_string_attribute(root, "currency");
  if (h5::has_attribute(root, "parameter_risk"))  // format 2.4
    info.parameter_risk = h5::read_string_attribute(root, "parameter_risk");
  if (h5::has_attribute(root, "target_se")) {
    info.target_se = h5::read_string_attribute(root, "target_se");
    info.achieved_relative_se = h5::read_attribute<double>(root, "achieved_relative_se");
  }
  return info;
}

void read_scenario(const h5::Node& root, Results& results) {
  h5::Node scenario = h5::open_group(root, "scenario");
  results.scenario_text = h5::read_string(scenario, "text");
  h5::Node text = h5::open_dataset(scenario, "text");
  results.scenario_sha256 = h5::read_string_attribute(text, "sha256");
  results.scenario_path = h5::read_string_attribute(text, "path");
  if (sha256_hex(results.scenario_text) != results.scenario_sha256)
    malformed(text.path + ": the scenario text does not match its sha256 attribute");
}

std::vector<analysis::ProviderInfo> read_providers(const h5::Node& variant) {
  h5::Node group = h5::open_group(variant, "providers");
  const std::vector<std::string> name = h5::read_strings(group, "name");
  const std::vector<std::string> provider_group = h5::read_strings(group, "group");
  const std::vector<std::string> region = h5::read_strings(group, "region");
  const std::vector<std::string> unit = h5::read_strings(group, "unit");
  const h5::Array<std::uint8_t> participant = h5::read_array<std::uint8_t>(group, "participant", 1);
  const std::size_t n = name.size();
  if (provider_group.size() != n || region.size() != n || unit.size() != n ||
      participant.values.size() != n)
    malformed(group.path + ": name, group, region, unit and participant differ in length");
  std::vector<analysis::ProviderInfo> providers(n);
  for (std::size_t i = 0; i < n; ++i)
    providers[i] = {name[i], provider_group[i], region[i], unit[i], participant.values[i] != 0};
  return providers;
}

//! One (rows, years) slice of a table: the estimates or their standard errors.
void read_slice(const h5::Node& group, const std::string& name, const EstimateTable& table,
                std::vector<double>& out) {
  const h5::Array<double> slice = h5::read_array<double>(group, name, 2);
  if (slice.dims[0] != table.rows.size() || slice.dims[1] != static_cast<hsize_t>(table.years))
    malformed(group.child(name) + ": shape (" + std::to_string(slice.dims[0]) + ", " +
              std::to_string(slice.dims[1]) + ") does not match (rows, years) = (" +
              std::to_string(table.rows.size()) + ", " + std::to_string(table.years) + ")");
  out.insert(out.end(), slice.values.begin(), slice.values.end());
}

EstimateTable read_table(const h5::Node& variant, const std::string& name) {
  h5::Node group = h5::open_group(variant, name);
  EstimateTable table;
  table.years = h5::read_attribute<std::int32_t>(group, "years");
  if (table.years < 0) malformed(group.path + ": negative 'years' attribute");
  table.rows = h5::read_strings(group, "rows");
  if (h5::has_attribute(group, "ci_multiplier"))  // format 1.1: the interval the writer used
    table.ci_multiplier = h5::read_attribute<double>(group, "ci_multiplier");
  if (h5::has_member(group, "columns")) {  // format 1.1
    table.columns = year_labels(h5::read_strings(group, "columns"));
    if (table.columns.size() != static_cast<std::size_t>(table.years))
      malformed(group.child("columns") + ": one name per column expected");
  }
  std::vector<double> multipliers;
  for (const std::string& quantity : h5::read_strings(group, "quantities")) {
    h5::Node dataset = h5::open_dataset(group, quantity);
    table.quantities.push_back({quantity, h5::read_string_attribute(dataset, "unit"),
                                h5::read_string_attribute(dataset, "description")});
    multipliers.push_back(h5::has_attribute(dataset, "ci_multiplier")  // format 2.5
                              ? h5::read_attribute<double>(dataset, "ci_multiplier")
                              : table.ci_multiplier);
    read_slice(group, quantity, table, table.mean);
    read_slice(group, quantity + "_se", table, table.se);
  }
  if (std::any_of(multipliers.begin(), multipliers.end(),
                  [&](double m) { return m != table.ci_multiplier; }))
    table.ci_multipliers = std::move(multipliers);
  return table;
}

std::vector<analysis::VariantSummary> read_summary(const h5::Node& root) {
  h5::Node summary = h5::open_group(root, "summary");
  std::vector<analysis::VariantSummary> variants;
  for (const std::string& name : h5::member_groups(summary)) {
    h5::Node group = h5::open_group(summary, name);
    analysis::VariantSummary variant;
    variant.name = name;
    variant.providers = read_providers(group);
    variant.provider = read_table(group, "provider");
    variant.portfolio = read_table(group, "portfolio");
    variant.region = read_table(group, "region");
    if (h5::has_member(group, "parameters"))
      variant.parameters = h5::read_strings(group, "parameters");
    variant.has_contract = h5::has_member(group, "contract_provider");
    if (variant.has_contract) {
      variant.contract_provider = read_table(group, "contract_provider");
      variant.contract_portfolio = read_table(group, "contract_portfolio");
      variant.headline = read_table(group, "headline");
    }
    variants.push_back(std::move(variant));
  }
  return variants;
}

//! /analysis/<analysis>/<variant>/<table> into the variants' analyses (format 1.1).
void read_analyses(const h5::Node& root, std::vector<analysis::VariantSummary>& variants) {
  if (!h5::has_member(root, "analysis")) return;
  h5::Node top = h5::open_group(root, "analysis");
  for (const std::string& name : h5::member_groups(top)) {
    h5::Node group = h5::open_group(top, name);
    for (analysis::VariantSummary& v : variants) {
      if (!h5::has_member(group, v.name)) continue;
      h5::Node variant = h5::open_group(group, v.name);
      for (const std::string& table : h5::member_groups(variant)) {
        analysis::AnalysisTable t;
        t.analysis = name;
        t.name = table;
        t.description = h5::read_string_attribute(h5::open_group(variant, table), "description");
        t.table = read_table(variant, table);
        v.analyses.push_back(std::move(t));
      }
    }
  }
}

//! /losses/<variant>/ into the variants with a contract (format 2.3; absent before).
void read_losses(const h5::Node& root, std::vector<analysis::VariantSummary>& variants) {
  if (!h5::has_member(root, "losses")) return;
  h5::Node top = h5::open_group(root, "losses");
  for (analysis::VariantSummary& v : variants) {
    if (!h5::has_member(top, v.name)) continue;
    h5::Node group = h5::open_group(top, v.name);
    analysis::ReplicationLosses& l = v.losses;
    l.columns = year_labels(h5::read_strings(group, "columns"));
    l.providers = h5::read_strings(group, "providers");
    l.provider_columns = year_labels(h5::read_strings(group, "provider_columns"));
    h5::Array<double> portfolio = h5::read_array<double>(group, "portfolio", 2);
    h5::Array<double> provider = h5::read_array<double>(group, "provider", 3);
    if (portfolio.dims[1] != l.columns.size() || provider.dims[0] != portfolio.dims[0] ||
        provider.dims[1] != l.providers.size() || provider.dims[2] != l.provider_columns.size())
      malformed(group.child("provider") + ": shape does not match the columns and providers");
    l.replications = portfolio.dims[0];
    l.portfolio = std::move(portfolio.values);
    l.provider = std::move(provider.values);
  }
}

analysis::TallyDump read_tallies(const h5::Node& root) {
  h5::Node group = h5::open_group(root, "tallies");
  analysis::TallyDump tallies;
  tallies.fields = h5::read_strings(group, "fields");
  h5::Array<double> values = h5::read_array<double>(group, "values", 4);
  if (values.dims[3] != tallies.fields.size())
    malformed(group.child("values") + ": last dimension does not match the number of fields");
  if (values.dims[1] > std::numeric_limits<std::uint32_t>::max() ||
      values.dims[2] > static_cast<hsize_t>(std::numeric_limits<int>::max()))
    malformed(group.child("values") + ": implausibly large shape");
  tallies.replications = values.dims[0];
  tallies.entities = static_cast<std::uint32_t>(values.dims[1]);
  tallies.years = static_cast<int>(values.dims[2]);
  tallies.values = std::move(values.values);
  // Format 2.2: the thresholds and the draws the contract records read.
  if (!h5::has_member(group, "thresholds")) return tallies;
  tallies.thresholds = h5::read_array<double>(group, "thresholds", 1).values;
  // Format 2.7: the calendar years that sum each threshold (older files: every year).
  if (h5::has_member(group, "threshold_years")) {
    const h5::Array<std::uint8_t> summed = h5::read_array<std::uint8_t>(group, "threshold_years", 2);
    if (summed.dims[0] != tallies.thresholds.size() || summed.dims[1] != values.dims[2] ||
        summed.dims[1] > static_cast<hsize_t>(scenario::kMaxYears))
      malformed(group.child("threshold_years") + ": shape does not match the thresholds and years");
    for (std::size_t t = 0; t < tallies.thresholds.size(); ++t) {
      std::uint32_t years = 0;
      for (std::size_t y = 0; y < summed.dims[1]; ++y) {
        const std::uint8_t flag = summed.values[t * summed.dims[1] + y];
        if (flag > 1) malformed(group.child("threshold_years") + ": flags must be 0 or 1");
        years |= std::uint32_t{flag} << y;
      }
      tallies.threshold_years.push_back(years);
    }
  }
  tallies.type_truncation = h5::read_array<double>(group, "type_truncation", 1).values;
  h5::Array<double> efficiency = h5::read_array<double>(group, "efficiency", 2);
  h5::Array<double> shock = h5::read_array<double>(group, "region_shock", 3);
  if (efficiency.dims[0] != values.dims[0] || efficiency.dims[1] != values.dims[1] ||
      shock.dims[0] != values.dims[0] || shock.dims[2] != values.dims[2] ||
      shock.dims[1] > values.dims[1])
    malformed(group.child("efficiency") + ": shape does not match the tallies");
  tallies.regions = static_cast<std::uint32_t>(shock.dims[1]);
  tallies.efficiency = std::move(efficiency.values);
  tallies.region_shock = std::move(shock.values);
  tallies.has_draws = true;
  // Format 2.6: the truncation pilot's amounts (older files: price simulates the pilot).
  if (!h5::has_member(group, "truncation_levels")) return tallies;
  tallies.truncation_levels = h5::read_array<double>(group, "truncation_levels", 1).values;
  h5::Array<double> amounts = h5::read_array<double>(group, "truncation_amounts", 2);
  h5::Array<double> by_type = h5::read_array<double>(group, "truncation_type_amounts", 3);
  if (amounts.dims[0] != tallies.truncation_levels.size() || amounts.dims[1] != values.dims[2] ||
      by_type.dims[0] != amounts.dims[0] || by_type.dims[1] != amounts.dims[1])
    malformed(group.child("truncation_amounts") + ": shape does not match the levels and years");
  tallies.truncation_amounts = std::move(amounts.values);
  tallies.truncation_type_amounts = std::move(by_type.values);
  return tallies;
}

std::vector<analysis::RecordDump> read_records(const h5::Node& root) {
  h5::Node group = h5::open_group(root, "replications");
  std::vector<analysis::RecordDump> out;
  for (const std::string& name : h5::member_groups(group)) {
    h5::Node variant = h5::open_group(group, name);
    analysis::RecordDump r;
    r.variant = name;
    r.fields = h5::read_strings(variant, "fields");
    r.providers = h5::read_strings(variant, "providers");
    h5::Array<double> values = h5::read_array<double>(variant, "values", 4);
    if (values.dims[1] != r.providers.size() || values.dims[3] != r.fields.size() ||
        values.dims[2] > static_cast<hsize_t>(std::numeric_limits<int>::max()))
      malformed(variant.child("values") + ": shape does not match providers and fields");
    r.replications = values.dims[0];
    r.years = static_cast<int>(values.dims[2]);
    r.values = std::move(values.values);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Results read_results(const std::string& path, ReadParts parts) {
  std::error_code error;
  if (!fs::exists(path, error)) throw InputError("results file " + path + " does not exist");
  if (fs::is_directory(path, error)) throw InputError(path + " is a folder, not a results file");
  check_integrity_header(path);
  h5::silence_errors();
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 < 0) throw InputError(path + ": cannot read it (" + h5::last_error_message() + ")");
  if (is_hdf5 == 0) throw InputError(path + ": not an HDF5 file, so not an apmsim results file");
  try {
    h5::Node root = h5::open_file(path);
    check_format(root, path);
    h5::refuse_links(root);
    Results results;
    results.info = read_run_info(root);
    read_scenario(root, results);
    const bool all = parts == ReadParts::kAll;
    if (all) {
      results.variants = read_summary(root);
      read_analyses(root, results.variants);
      read_losses(root, results.variants);
    }
    results.has_tallies = h5::has_member(root, "tallies");
    if (results.has_tallies) results.tallies = read_tallies(root);
    if (!all) return results;
    results.has_records = h5::has_member(root, "replications");
    if (results.has_records) results.records = read_records(root);
    if (h5::has_member(root, "state")) {
      h5::Array<std::uint8_t> state = h5::read_array<std::uint8_t>(root, "state", 1);
      results.state.assign(state.values.begin(), state.values.end());
    }
    return results;
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    // h5::Error messages start with the object's path, except a failed open (the file's path).
    const std::string what = e.what();
    throw InputError(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
}

}  // namespace apmsim::io
