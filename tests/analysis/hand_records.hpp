#pragma once
// Contract records written by hand, field by field, for the analyses' tests: what the evaluator
// would have recorded, without simulating anything.

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"
#include "contract/records.hpp"

namespace apmsim::analysis::handmade {

//! Records of `providers` participants ("p/0", "p/1", ... in group "p" unless regrouped) over
//! `years` performance years and `replications` replications, every field 0.
struct HandRecords {
  contract::Records records;
  std::vector<std::string> names, groups;

  HandRecords(std::uint64_t replications, std::size_t providers, int years,
              std::vector<double> thresholds = {}) {
    records.thresholds = std::move(thresholds);
    records.years = years;
    records.fields = contract::kFixedFields + 2 * static_cast<int>(records.thresholds.size());
    records.replications = replications;
    for (std::size_t p = 0; p < providers; ++p) {
      records.providers.push_back(static_cast<std::uint32_t>(p));
      names.push_back("p/" + std::to_string(p));
      groups.push_back("p");
    }
    records.values.assign(replications * providers * static_cast<std::size_t>(years) *
                              static_cast<std::size_t>(records.fields),
                          0.0);
    // Every provider-year in the program (a left provider's years are in no analysis).
    for (std::size_t i = contract::kInProgram; i < records.values.size();
         i += static_cast<std::size_t>(records.fields))
      records.values[i] = 1.0;
  }

  double* record(std::uint64_t rep, std::size_t p, int y) {
    return &records.values[((rep * records.providers.size() + p) * records.years + y) *
                           records.fields];
  }
  double& at(std::uint64_t rep, std::size_t p, int y, contract::Field field) {
    return record(rep, p, y)[field];
  }
  //! The excess over tally threshold `t`, sum over units of (cost - A_t)+.
  double& claimants(std::uint64_t rep, std::size_t p, int y, std::size_t t) {
    return record(rep, p, y)[contract::kFixedFields + records.thresholds.size() + t];
  }
  double& excess(std::uint64_t rep, std::size_t p, int y, std::size_t t) {
    return record(rep, p, y)[contract::kFixedFields + t];
  }
  //! Sets `field` of every replication, provider and year to `value`.
  void fill(contract::Field field, double value) {
    for (std::uint64_t rep = 0; rep < records.replications; ++rep)
      for (std::size_t p = 0; p < records.providers.size(); ++p)
        for (int y = 0; y < records.years; ++y) at(rep, p, y, field) = value;
  }

  RecordView view(int batches) const { return RecordView(records, names, groups, batches); }
};

//! The table `name` among `tables`; fails the test (nullptr) when absent.
inline const EstimateTable* find_table(const std::vector<AnalysisTable>& tables,
                                       const std::string& name) {
  for (const AnalysisTable& t : tables)
    if (t.name == name) return &t.table;
  return nullptr;
}

//! The mean of `quantity` at (`row`, `column`) of `table`.
inline double mean_of(const EstimateTable& table, const std::string& quantity, std::size_t row,
                      std::size_t column = 0) {
  return table.mean[table.index(table.quantity(quantity), row, column)];
}
//! Its standard error.
inline double se_of(const EstimateTable& table, const std::string& quantity, std::size_t row,
                    std::size_t column = 0) {
  return table.se[table.index(table.quantity(quantity), row, column)];
}

}  // namespace apmsim::analysis::handmade
