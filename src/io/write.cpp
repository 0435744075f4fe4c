// Writes a results file (layout: docs/output-format.md). The file is built under a temporary name
// in the target folder and renamed when complete, so a reader never sees a half-written file and
// an interrupted run leaves the previous results in place.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "io/hdf5_io.hpp"
#include "io/output_file.hpp"
#include "io/publish.hpp"
#include "io/results_file.hpp"
#include "io/temporary.hpp"
#include "scenario/error.hpp"
#include "scenario/sha256.hpp"

namespace apmsim::io {
namespace {

namespace fs = std::filesystem;
using analysis::EstimateTable;
using analysis::Results;

//! Target size of one tally chunk: large enough to compress well, small enough for HDF5's
//! default 1 MiB chunk cache.
constexpr hsize_t kChunkBytes = 1 << 20;

//! Names become HDF5 link names: non-empty, no '/', not "." (a sweep could produce odd ones).
void check_name(const std::string& name, const std::string& what) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    throw std::invalid_argument("cannot store " + what + " named '" + name +
                                "' in HDF5 (empty, '.' or containing '/')");
}

void write_run_info(const h5::Node& root, const analysis::RunInfo& info) {
  h5::write_attribute(root, "format", std::string(kFormatName));
  h5::write_attribute(root, "format_version",
                      std::vector<std::int32_t>{kFormatMajor, kFormatMinor});
  h5::write_attribute(root, "apmsim_version", info.apmsim_version);
  h5::write_attribute(root, "git_commit", info.git_commit);
  h5::write_attribute(root, "seed", info.seed);
  h5::write_attribute(root, "replications", info.replications);
  h5::write_attribute(root, "batch_size", info.batch_size);
  h5::write_attribute(root, "baseline_years", static_cast<std::int32_t>(info.baseline_years));
  h5::write_attribute(root, "performance_years", static_cast<std::int32_t>(info.performance_years));
  h5::write_attribute(root, "backend", info.backend);
  h5::write_attribute(root, "device", info.device);
  h5::write_attribute(root, "command_line", info.command_line);
  h5::write_attribute(root, "elapsed_seconds", info.elapsed_seconds);
  h5::write_attribute(root, "unit_years", info.unit_years);
  if (info.shard_count > 0) {
    h5::write_attribute(root, "shard_index", static_cast<std::int32_t>(info.shard_index));
    h5::write_attribute(root, "shard_count", static_cast<std::int32_t>(info.shard_count));
    h5::write_attribute(root, "first_replication", info.first_replication);
    h5::write_attribute(root, "total_replications", info.total_replications);
  }
  if (!info.currency.empty()) h5::write_attribute(root, "currency", info.currency);
  if (!info.parameter_risk.empty())
    h5::write_attribute(root, "parameter_risk", info.parameter_risk);
  if (!info.target_se.empty()) {
    h5::write_attribute(root, "target_se", info.target_se);
    h5::write_attribute(root, "achieved_relative_se", info.achieved_relative_se);
  }
}

void write_scenario(const h5::Node& root, const Results& results) {
  h5::Node scenario = h5::create_group(root, "scenario");
  h5::Node text = h5::write_string(scenario, "text", results.scenario_text);
  // Computed here rather than trusted, so the digest always matches the stored text.
  h5::write_attribute(text, "sha256", sha256_hex(results.scenario_text));
  h5::write_attribute(text, "path", results.scenario_path);
}

void describe(const h5::Node& dataset, const std::string& unit, const std::string& description) {
  h5::write_attribute(dataset, "unit", unit);
  h5::write_attribute(dataset, "description", description);
}

void write_providers(const h5::Node& variant,
                     const std::vector<analysis::ProviderInfo>& providers) {
  h5::Node group = h5::create_group(variant, "providers");
  std::vector<std::string> name, provider_group, region, unit;
  std::vector<std::uint8_t> participant;
  for (const analysis::ProviderInfo& p : providers) {
    name.push_back(p.name);
    provider_group.push_back(p.group);
    region.push_back(p.region);
    unit.push_back(p.unit);
    participant.push_back(p.participant ? 1 : 0);
  }
  h5::write_strings(group, "name", name);
  h5::write_strings(group, "group", provider_group);
  h5::write_strings(group, "region", region);
  h5::write_strings(group, "unit", unit);
  h5::write_array(group, "participant", participant.data(), {participant.size()});
}

void write_table(const h5::Node& variant, const std::string& name, const EstimateTable& table) {
  const std::size_t slice = table.rows.size() * static_cast<std::size_t>(std::max(table.years, 0));
  const std::size_t cells = table.quantities.size() * slice;
  if (table.years < 0 || table.mean.size() != cells || table.se.size() != cells)
    throw std::invalid_argument("estimate table '" + name + "' has " +
                                std::to_string(table.mean.size()) + " estimates and " +
                                std::to_string(table.se.size()) + " standard errors; expected " +
                                std::to_string(cells));
  if (!table.columns.empty() && table.columns.size() != static_cast<std::size_t>(table.years))
    throw std::invalid_argument("estimate table '" + name + "' has " +
                                std::to_string(table.columns.size()) + " column names for " +
                                std::to_string(table.years) + " columns");
  h5::Node group = h5::create_group(variant, name);
  h5::write_attribute(group, "years", static_cast<std::int32_t>(table.years));
  h5::write_attribute(group, "ci_multiplier", table.ci_multiplier);
  h5::write_strings(group, "rows", table.rows);
  if (!table.columns.empty()) h5::write_strings(group, "columns", table.columns);
  std::vector<std::string> names;
  for (const analysis::Quantity& q : table.quantities) {
    check_name(q.name, "a quantity");
    if (q.name == "rows" || q.name == "quantities" || q.name == "columns")
      throw std::invalid_argument("quantity name '" + q.name + "' is reserved in the results file");
    names.push_back(q.name);
  }
  h5::write_strings(group, "quantities", names);
  const std::vector<hsize_t> dims{table.rows.size(), static_cast<hsize_t>(table.years)};
  for (std::size_t q = 0; q < table.quantities.size(); ++q) {
    const analysis::Quantity& quantity = table.quantities[q];
    const h5::Node estimate =
        h5::write_array(group, quantity.name, table.mean.data() + q * slice, dims);
    describe(estimate, quantity.unit, quantity.description);
    const double multiplier = table.multiplier(q);
    h5::write_attribute(estimate, "ci_multiplier", multiplier);  // format 2.5
    describe(h5::write_array(group, quantity.name + "_se", table.se.data() + q * slice, dims),
             quantity.unit, "Monte Carlo standard error of " + quantity.name);
    std::vector<double> low(slice), high(slice);
    for (std::size_t i = 0; i < slice; ++i) {
      low[i] = table.mean[q * slice + i] - multiplier * table.se[q * slice + i];
      high[i] = table.mean[q * slice + i] + multiplier * table.se[q * slice + i];
    }
    describe(h5::write_array(group, quantity.name + "_ci_low", low.data(), dims), quantity.unit,
             "lower end of the 95% interval of " + quantity.name);
    describe(h5::write_array(group, quantity.name + "_ci_high", high.data(), dims), quantity.unit,
             "upper end of the 95% interval of " + quantity.name);
  }
}

void write_summary(const h5::Node& root, const std::vector<analysis::VariantSummary>& variants) {
  // Creation order is tracked so that readers list the variants in the order the run made them.
  h5::Node summary = h5::create_group(root, "summary", true);
  for (const analysis::VariantSummary& v : variants) {
    check_name(v.name, "a variant");
    h5::Node variant = h5::create_group(summary, v.name);
    write_providers(variant, v.providers);
    write_table(variant, "provider", v.provider);
    write_table(variant, "portfolio", v.portfolio);
    write_table(variant, "region", v.region);
    if (!v.parameters.empty()) h5::write_strings(variant, "parameters", v.parameters);
    if (v.has_contract) {
      write_table(variant, "contract_provider", v.contract_provider);
      write_table(variant, "contract_portfolio", v.contract_portfolio);
      write_table(variant, "headline", v.headline);
    }
  }
}

//! /analysis/<analysis>/<variant>/<table>, in the order the analyses made them.
void write_analyses(const h5::Node& root, const std::vector<analysis::VariantSummary>& variants) {
  bool any = false;
  for (const auto& v : variants) any = any || !v.analyses.empty();
  if (!any) return;
  h5::Node top = h5::create_group(root, "analysis", true);
  for (const char* name : {"withhold", "benchmark", "threshold", "risk", "cash"}) {
    bool has = false;
    for (const auto& v : variants)
      for (const auto& t : v.analyses) has = has || t.analysis == name;
    if (!has) continue;
    h5::Node group = h5::create_group(top, name, true);
    for (const auto& v : variants) {
      h5::Node variant = h5::create_group(group, v.name, true);
      for (const auto& t : v.analyses) {
        if (t.analysis != name) continue;
        check_name(t.name, "an analysis table");
        write_table(variant, t.name, t.table);
        h5::write_attribute(h5::open_group(variant, t.name), "description", t.description);
      }
    }
  }
}

//! Chunks of whole replications (about kChunkBytes), or part of one replication when a single
//! replication is larger; deflate level 4 after byte shuffling where the library has the filters,
//! and a Fletcher-32 checksum per chunk so a damaged file fails to read instead of reading wrong.
//! `dims`: (replications, ...) of rank 2 or more.
h5::Handle tally_layout(const std::vector<hsize_t>& dims, const std::string& where) {
  h5::Handle dcpl(h5::check(H5Pcreate(H5P_DATASET_CREATE), where, "create dataset properties"),
                  H5Pclose);
  if (std::find(dims.begin(), dims.end(), hsize_t{0}) != dims.end()) return dcpl;  // contiguous
  std::vector<hsize_t> chunk = dims;
  hsize_t row_bytes = sizeof(double);  // the dimensions after the first two
  for (std::size_t d = 2; d < dims.size(); ++d) row_bytes *= dims[d];
  const hsize_t replication_bytes = dims[1] * row_bytes;
  if (replication_bytes <= kChunkBytes) {
    chunk[0] = std::min(dims[0], std::max<hsize_t>(1, kChunkBytes / replication_bytes));
  } else {
    chunk[0] = 1;
    chunk[1] = std::max<hsize_t>(1, kChunkBytes / row_bytes);
  }
  h5::check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), where,
            "set chunking");
  if (h5::check(H5Zfilter_avail(H5Z_FILTER_DEFLATE), where, "query deflate filter") > 0) {
    if (h5::check(H5Zfilter_avail(H5Z_FILTER_SHUFFLE), where, "query shuffle filter") > 0)
      h5::check(H5Pset_shuffle(dcpl.get()), where, "set shuffle filter");
    h5::check(H5Pset_deflate(dcpl.get(), 4), where, "set deflate filter");
  }
  if (h5::check(H5Zfilter_avail(H5Z_FILTER_FLETCHER32), where, "query checksum filter") > 0)
    h5::check(H5Pset_fletcher32(dcpl.get()), where, "set checksum filter");
  return dcpl;
}

void write_tallies(const h5::Node& root, const analysis::TallyDump& tallies) {
  const std::vector<hsize_t> dims{tallies.replications, tallies.entities,
                                  static_cast<hsize_t>(std::max(tallies.years, 0)),
                                  tallies.fields.size()};
  if (tallies.years < 0 || tallies.values.size() != dims[0] * dims[1] * dims[2] * dims[3])
    throw std::invalid_argument("tally dump has " + std::to_string(tallies.values.size()) +
                                " values, which does not match its shape");
  h5::Node group = h5::create_group(root, "tallies");
  h5::write_strings(group, "fields", tallies.fields);
  h5::Handle dcpl = tally_layout(dims, group.child("values"));
  h5::Node values = h5::write_array(group, "values", tallies.values.data(), dims, dcpl.get());
  describe(values, "mixed (see fields)",
           "engine tallies per (replication, entity, calendar year, field); entities are the "
           "providers, then one comparison population per region");
  if (!tallies.has_draws) return;
  h5::write_array(group, "thresholds", tallies.thresholds.data(), {tallies.thresholds.size()});
  // Format 2.7: which calendar years sum each threshold (1) and which hold NaN (0).
  const auto calendar_years = static_cast<std::size_t>(std::max(tallies.years, 0));
  std::vector<std::uint8_t> summed(tallies.thresholds.size() * calendar_years, 1);
  for (std::size_t t = 0; t < tallies.threshold_years.size() && t < tallies.thresholds.size(); ++t)
    for (std::size_t y = 0; y < calendar_years; ++y)
      summed[t * calendar_years + y] = (tallies.threshold_years[t] >> y) & 1u;
  describe(h5::write_array(group, "threshold_years", summed.data(),
                           {tallies.thresholds.size(), calendar_years}),
           "flag", "per (threshold, calendar year): 1 where the tallies sum the threshold, 0 "
                   "where its fields are NaN (a truncate_percentile amount is summed in its own "
                   "year only)");
  h5::write_array(group, "type_truncation", tallies.type_truncation.data(),
                  {tallies.type_truncation.size()});
  const std::vector<hsize_t> per_entity{tallies.replications, tallies.entities};
  const std::vector<hsize_t> per_shock{tallies.replications, tallies.regions,
                                       static_cast<hsize_t>(std::max(tallies.years, 0))};
  if (tallies.efficiency.size() != per_entity[0] * per_entity[1] ||
      tallies.region_shock.size() != per_shock[0] * per_shock[1] * per_shock[2])
    throw std::invalid_argument("tally dump's draws do not match its shape");
  h5::Handle entity_layout = tally_layout(per_entity, group.child("efficiency"));
  describe(h5::write_array(group, "efficiency", tallies.efficiency.data(), per_entity,
                           entity_layout.get()),
           "log cost", "each entity's efficiency draw e(p) per replication");
  h5::Handle shock_layout = tally_layout(per_shock, group.child("region_shock"));
  describe(h5::write_array(group, "region_shock", tallies.region_shock.data(), per_shock,
                           shock_layout.get()),
           "log cost", "each region's shock v(r, k) per replication and calendar year");
  // Format 2.6: the truncation pilot's amounts, for price and solve to read, not to simulate.
  const std::size_t levels = tallies.truncation_levels.size();
  if (levels == 0) return;
  const auto years = static_cast<hsize_t>(calendar_years);
  const hsize_t types = years > 0 ? tallies.truncation_type_amounts.size() / levels / years : 0;
  if (tallies.truncation_amounts.size() != levels * years ||
      tallies.truncation_type_amounts.size() != levels * years * types)
    throw std::invalid_argument("tally dump's truncation amounts do not match its shape");
  h5::write_array(group, "truncation_levels", tallies.truncation_levels.data(), {levels});
  describe(h5::write_array(group, "truncation_amounts", tallies.truncation_amounts.data(),
                           {levels, years}),
           "currency/unit", "the truncation pilot's percentile of each calendar year's costs");
  describe(h5::write_array(group, "truncation_type_amounts",
                           tallies.truncation_type_amounts.data(), {levels, years, types}),
           "currency/unit", "the same within each enrollment type");
}

void write_records(const h5::Node& root, const std::vector<analysis::RecordDump>& records) {
  h5::Node group = h5::create_group(root, "replications", true);
  for (const analysis::RecordDump& r : records) {
    check_name(r.variant, "a variant");
    const std::vector<hsize_t> dims{r.replications, r.providers.size(),
                                    static_cast<hsize_t>(std::max(r.years, 0)), r.fields.size()};
    if (r.years < 0 || r.values.size() != dims[0] * dims[1] * dims[2] * dims[3])
      throw std::invalid_argument("records of " + r.variant + " do not match their shape");
    h5::Node variant = h5::create_group(group, r.variant);
    h5::write_strings(variant, "fields", r.fields);
    h5::write_strings(variant, "providers", r.providers);
    h5::Handle dcpl = tally_layout(dims, variant.child("values"));
    h5::Node values = h5::write_array(variant, "values", r.values.data(), dims, dcpl.get());
    describe(values, "mixed (see fields; money in currency per provider-year)",
             "contract results per (replication, participant provider, performance year, field)");
  }
}

//! /losses/<variant>/ for each variant with a contract (format 2.3).
void write_losses(const h5::Node& root, const std::vector<analysis::VariantSummary>& variants) {
  bool any = false;
  for (const auto& v : variants) any = any || v.has_contract;
  if (!any) return;
  h5::Node group = h5::create_group(root, "losses", true);
  for (const analysis::VariantSummary& v : variants) {
    if (!v.has_contract) continue;
    const analysis::ReplicationLosses& l = v.losses;
    const std::vector<hsize_t> portfolio{l.replications, l.columns.size()};
    const std::vector<hsize_t> provider{l.replications, l.providers.size(),
                                        l.provider_columns.size()};
    if (l.portfolio.size() != portfolio[0] * portfolio[1] ||
        l.provider.size() != provider[0] * provider[1] * provider[2])
      throw std::invalid_argument("losses of " + v.name + " do not match their shape");
    h5::Node variant = h5::create_group(group, v.name);
    h5::write_strings(variant, "columns", l.columns);
    h5::write_strings(variant, "providers", l.providers);
    h5::write_strings(variant, "provider_columns", l.provider_columns);
    describe(h5::write_array(variant, "portfolio", l.portfolio.data(), portfolio,
                             tally_layout(portfolio, variant.child("portfolio")).get()),
             "currency",
             "loss = -net provider result of the participants per (replication, column): positive "
             "when the providers lose money");
    describe(h5::write_array(variant, "provider", l.provider.data(), provider,
                             tally_layout(provider, variant.child("provider")).get()),
             "currency",
             "loss = -net provider result per (replication, participant, provider column): by "
             "performance year and agreement while providers x columns x replications <= "
             "4,000,000, else agreement only");
  }
}

//! Writes `results` into the new file `root`.
void write_contents(const Results& results, h5::Node& root) {
  write_run_info(root, results.info);
  write_scenario(root, results);
  write_summary(root, results.variants);
  write_analyses(root, results.variants);
  write_losses(root, results.variants);
  if (results.has_tallies) write_tallies(root, results.tallies);
  if (results.has_records) write_records(root, results.records);
  if (!results.state.empty()) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(results.state.data());
    h5::Node state = h5::write_array(root, "state", bytes, {results.state.size()});
    describe(state, "bytes",
             "the shard's run state (exact tally sums and contract records), which apmsim merge "
             "joins");
  }
}

}  // namespace

void write_results(const Results& results, const std::string& path, bool force) {
  // An existing file is publish's to refuse: this run's results are then kept beside it.
  check_output_path(path, true, "results file");
  h5::silence_errors();
  // HDF5 creates the temporary itself, under a fresh unpredictable name, with O_CREAT|O_EXCL:
  // a link planted there is never followed. Everything after goes through its descriptor
  // (docs/robustness.md, "One way to write an output").
  const std::string name = temporary_name(path);
  std::unique_ptr<TemporaryFile> temporary;
  try {
    h5::Node root = h5::create_file(name);
    temporary =
        std::make_unique<TemporaryFile>(path, "results file", name, h5::file_descriptor(root));
    write_contents(results, root);
    root.handle.close(name);
    temporary->lock();  // HDF5 dropped its lock (the same open file) on closing
    stamp_integrity_header(temporary->fd(), name);
    temporary->publish(force);  // never over another run's file
  } catch (const h5::Error& e) {
    std::string why = e.what();  // HDF5's own text of a failed write has a line break in it
    std::replace(why.begin(), why.end(), '\n', ' ');
    throw std::runtime_error("cannot write results file " + path + ": " + why);
  }
}

}  // namespace apmsim::io
