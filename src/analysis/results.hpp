#pragma once
//! What a run produces, independent of how it is stored: run metadata, estimate tables, tallies.
//! io/ writes and reads this; docs/output-format.md maps each field to its HDF5 path.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace apmsim::analysis {

//! A named statistic with its unit and a one-line description (HDF5 attributes).
struct Quantity {
  std::string name;         //!< dataset name, e.g. "cost_per_unit"
  std::string unit;         //!< e.g. "currency/unit", "fraction", "units"
  std::string description;  //!< one line for humans
};

//! Estimates with Monte Carlo standard errors, for each quantity, row (provider, region or
//! portfolio) and calendar year. Values are NaN where a quantity is undefined (e.g. a true
//! savings rate in a baseline year). Layout: index = (q * rows + r) * years + y.
struct EstimateTable {
  std::vector<std::string> rows;     //!< row names
  int years = 0;                     //!< calendar years (baseline + performance)
  std::vector<Quantity> quantities;  //!< what each table slice holds
  std::vector<double> mean;          //!< estimate
  std::vector<double> se;            //!< Monte Carlo standard error of the estimate
  std::vector<std::string> columns;  //!< names of the year columns (empty: calendar years 0..)
  //! 95% interval = mean +/- ci_multiplier * se (1.96 over replications, or Student t over the
  //! analysis batches for batch means).
  double ci_multiplier = 1.96;
  //! Per quantity, where a table gathers figures of tables with different intervals (the
  //! headline keeps each figure's own); empty when every quantity uses ci_multiplier.
  std::vector<double> ci_multipliers;

  //! The interval multiplier of quantity q.
  double multiplier(std::size_t q) const {
    return ci_multipliers.empty() ? ci_multiplier : ci_multipliers[q];
  }

  std::size_t index(std::size_t q, std::size_t r, std::size_t y) const {
    return (q * rows.size() + r) * static_cast<std::size_t>(years) + y;
  }
  //! Sizes mean and se for the current rows, years and quantities, filled with NaN.
  void resize() {
    const std::size_t n = quantities.size() * rows.size() * static_cast<std::size_t>(years);
    mean.assign(n, std::numeric_limits<double>::quiet_NaN());
    se.assign(n, std::numeric_limits<double>::quiet_NaN());
  }
  //! Index of a quantity by name; throws std::out_of_range when absent.
  std::size_t quantity(const std::string& name) const {
    for (std::size_t q = 0; q < quantities.size(); ++q)
      if (quantities[q].name == name) return q;
    throw std::out_of_range("no quantity named " + name);
  }
};

//! Per-provider facts that do not vary by replication.
struct ProviderInfo {
  std::string name;    //!< "<group>/<k>", k = 0..count-1
  std::string group;   //!< provider group name
  std::string region;  //!< region name
  std::string unit;    //!< "patient_year" or "episode"
  bool participant = true;
};

//! One table of an analysis (DESIGN section 6), e.g. risk / net_result.
struct AnalysisTable {
  std::string analysis;     //!< "withhold", "benchmark", "threshold" or "risk"
  std::string name;         //!< table name within the analysis
  std::string description;  //!< one line for humans
  EstimateTable table;
};

//! Per-replication losses of one variant with a contract, stored in every results file (format
//! 2.3) so that any risk level and any distribution plot can be computed later without the full
//! records. loss = -net provider result, positive when the provider loses money, summed over the
//! participants (portfolio) or per participant, each performance year and over the agreement.
struct ReplicationLosses {
  std::uint64_t replications = 0;
  std::vector<std::string> columns;           //!< P1, ..., agreement
  std::vector<double> portfolio;              //!< [replication][column]
  std::vector<std::string> providers;         //!< participant provider names
  std::vector<std::string> provider_columns;  //!< `columns`, or {"agreement"} when too large
  std::vector<double> provider;               //!< [replication][provider][provider column]
};

//! The summaries of one variant (one set of terms/parameters; "base" without a sweep).
struct VariantSummary {
  std::string name = "base";
  std::vector<std::string> parameters;  //!< "path=value" of a sweep variant
  std::vector<ProviderInfo> providers;
  EstimateTable provider;   //!< rows = providers
  EstimateTable portfolio;  //!< rows = {"participants", "all"}
  EstimateTable region;     //!< rows = regions (comparison populations)
  bool has_contract = false;
  EstimateTable contract_provider;   //!< rows = participant providers, columns = perf. years + agreement
  EstimateTable contract_portfolio;  //!< rows = {"participants"}
  EstimateTable headline;            //!< rows = {"participants"}, one column: the key figures
  std::vector<AnalysisTable> analyses;
  ReplicationLosses losses;  //!< with a contract: /losses/<variant>/ (format 2.3)

  //! The table `name` of `analysis`, or nullptr when the run did not make it.
  const AnalysisTable* analysis_table(const std::string& analysis, const std::string& name) const {
    for (const AnalysisTable& t : analyses)
      if (t.analysis == analysis && t.name == name) return &t;
    return nullptr;
  }
};

//! Per-replication tallies, optionally stored (`--write-tallies`).
//! Layout: index = ((rep * entities + e) * years + y) * fields.size() + f;
//! entities = providers, then one comparison population per region.
//! With them, the draws the contract records read beside the tallies (efficiency per
//! (rep, entity), region shock per (rep, region, year)) and the tally thresholds: all `apmsim
//! price` needs to evaluate contract terms as a run would.
struct TallyDump {
  std::vector<std::string> fields;  //!< tally field names (engine/tallies.hpp)
  std::uint64_t replications = 0;
  std::uint32_t entities = 0;
  int years = 0;
  std::vector<double> values;
  std::vector<double> thresholds;    //!< the tally thresholds, ascending (format 2.2)
  //! Per threshold, the calendar years that sum it (bit y: year y; scenario::Tallies::years):
  //! its fields are NaN in the others (format 2.7; empty: every year, as older files were).
  std::vector<std::uint32_t> threshold_years;
  std::uint32_t regions = 0;         //!< regions (format 2.2)
  std::vector<double> efficiency;    //!< e(p) per (rep, entity) (format 2.2)
  std::vector<double> region_shock;  //!< v(r, k) per (rep, region, year) (format 2.2)
  //! Per (calendar year, enrollment type): the truncation amount applied in the simulation
  //! (engine::Model::type_truncation; empty without enrollment types) (format 2.2).
  std::vector<double> type_truncation;
  bool has_draws = false;            //!< thresholds, efficiency and region_shock present
  //! The truncation pilot's amounts at each truncate_percentile level the run asked for
  //! (engine::TruncationPilot::Amounts), so `price` and `solve` read them instead of simulating
  //! the pilot again (format 2.6; empty: no pilot, or an older file, whose pilot is simulated).
  std::vector<double> truncation_levels;
  std::vector<double> truncation_amounts;       //!< [level][calendar year]
  std::vector<double> truncation_type_amounts;  //!< [level][calendar year][type]; none without types
};

//! Per-replication contract records of one variant, optionally stored (`--write-records`).
//! Layout: index = ((rep * providers + p) * years + y) * fields.size() + f; providers = the
//! participants, years = the performance years (contract/records.hpp, Records).
struct RecordDump {
  std::string variant;
  std::vector<std::string> fields;     //!< field names, e.g. "net_provider_result"
  std::vector<std::string> providers;  //!< participant provider names
  int years = 0;
  std::uint64_t replications = 0;
  std::vector<double> values;
};

//! How a run was made: root attributes of the results file.
struct RunInfo {
  std::string apmsim_version;
  std::string git_commit;
  std::uint64_t seed = 0;
  std::uint64_t replications = 0;
  std::uint32_t batch_size = 0;
  int baseline_years = 0;
  int performance_years = 0;
  std::string backend;       //!< "cpu" or "cuda"
  std::string device;        //!< e.g. "cpu: 2 threads, avx2" or the GPU's name
  std::string command_line;  //!< as typed
  double elapsed_seconds = 0.0;
  double unit_years = 0.0;  //!< patient-years + episodes simulated, over all replications
  std::string target_se;    //!< "NAME=REL" when the run stopped at a tolerance, else ""
  double achieved_relative_se = 0.0;  //!< the named estimate's relative SE at the stop
  // A shard (`run --shard i/N`) holds replications [first_replication, first_replication +
  // replications) of `total_replications`; shard_count = 0 for a complete run.
  int shard_index = 0;
  int shard_count = 0;
  std::uint64_t first_replication = 0;
  std::uint64_t total_replications = 0;
  int shards_merged = 0;  //!< how many shards `apmsim merge` joined (0: not merged)
  std::string currency = "";  //!< [simulation] currency, e.g. "USD" ("" when not given; format 1.3)
  //! What the run did with the population's parameters: "parameter risk: N draws ..." or
  //! "parameters fixed at their estimates ..."; "" when the scenario has no [parameter_risk].
  std::string parameter_risk = "";
};

//! Everything a run writes.
struct Results {
  RunInfo info;
  std::string scenario_path;
  std::string scenario_text;
  std::string scenario_sha256;  //!< hex digest of scenario_text
  std::vector<VariantSummary> variants;
  bool has_tallies = false;
  TallyDump tallies;
  //! With `--write-records`: one per variant with a contract, in variant order.
  bool has_records = false;
  std::vector<RecordDump> records;
  //! The run state (run/run.hpp) of a shard, which `apmsim merge` joins; empty otherwise.
  std::string state;
  //! The run stopped at a signal and saved a checkpoint; nothing is to be written.
  bool interrupted = false;
  //! An MPI rank other than 0: rank 0 writes the results.
  bool written_elsewhere = false;
};

}  // namespace apmsim::analysis
