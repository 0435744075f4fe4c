#pragma once
//! The contract records (contract/records.hpp) as the analyses read them: one provider-year's
//! fields by contract::Field, the provider-years of a selection in a range of replications, and
//! the contiguous replication batches of batch-means standard errors (DESIGN 6). Read-only: every
//! analysis sees the same records.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "contract/records.hpp"
#include "engine/model.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::analysis {

//! A Selection's year for every performance year of the agreement.
inline constexpr int kAllYears = -1;

//! Replications [first, first + count).
struct ReplicationRange {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

//! The provider-years an estimate covers: some participants (indices into Records::providers)
//! in one performance year, or in all of them.
struct Selection {
  std::vector<std::size_t> providers;
  int year = kAllYears;  //!< performance year index, or kAllYears

  bool covers(int y) const { return year == kAllYears || year == y; }
};

//! One provider-year's record, read by field.
class ProviderYear {
 public:
  //! `thresholds`: how many tally thresholds the records carry (Records::thresholds).
  ProviderYear(const double* fields, std::size_t thresholds)
      : fields_(fields), thresholds_(thresholds) {}
  double operator[](contract::Field field) const { return fields_[field]; }
  //! Sum over the units of (cost - A)+ for tally threshold `threshold` (Records::thresholds).
  double excess_over(std::size_t threshold) const {
    return fields_[contract::kFixedFields + threshold];
  }
  //! Units with cost above tally threshold `threshold`: the claimants of a specific layer.
  double claimants_over(std::size_t threshold) const {
    return fields_[contract::kFixedFields + thresholds_ + threshold];
  }

 private:
  const double* fields_;
  std::size_t thresholds_;
};

//! A read-only view of one variant's records with the participants' names and groups.
class RecordView {
 public:
  //! `provider_names` and `provider_groups` follow Records::providers; standard errors come from
  //! `batches` batches of replications.
  RecordView(const contract::Records& records, std::vector<std::string> provider_names,
             std::vector<std::string> provider_groups, int batches);

  std::uint64_t replications() const { return records_.replications; }
  std::size_t providers() const { return names_.size(); }
  int years() const { return records_.years; }
  //! The tally thresholds behind the excess fields, ascending.
  const std::vector<double>& thresholds() const { return records_.thresholds; }
  const std::vector<std::string>& provider_names() const { return names_; }
  const std::vector<std::string>& provider_groups() const { return groups_; }
  //! The batches standard errors come from: the non-empty ones, min(batches, replications); the
  //! interval multiplier uses this count - 1 degrees of freedom.
  int batch_count() const { return static_cast<int>(batch_ranges().size()); }

  //! The same view with standard errors from `batches` batches (the tail checks compare K with
  //! K / 2 batches).
  RecordView with_batches(int batches) const {
    RecordView view = *this;
    view.batches_ = batches;
    return view;
  }

  //! Every replication recorded.
  ReplicationRange all_replications() const { return {0, replications()}; }
  //! Every participant, in performance year `year` (kAllYears: the whole agreement).
  Selection everyone(int year = kAllYears) const;
  //! The batches of batch means: K = min(batches, n) contiguous ranges, batch j covering
  //! [j n / K, (j + 1) n / K); none without replications.
  std::vector<ReplicationRange> batch_ranges() const;

  ProviderYear record(std::uint64_t replication, std::size_t provider, int year) const {
    return ProviderYear(records_.record(replication, provider, year), records_.thresholds.size());
  }

  //! Calls visit(ProviderYear) for the provider-years of `selection` in `range`, replication by
  //! replication, providers in selection order, years ascending. A provider-year after its
  //! provider left the program (`in_program` 0, `[[contract.agreement]] leave_below`) is in no
  //! analysis: the contract no longer covers it.
  template <typename Visit>
  void for_each(const Selection& selection, ReplicationRange range, Visit visit) const {
    for_each_cell(selection, range,
                  [&visit](ProviderYear record, std::uint64_t, std::size_t) { visit(record); });
  }

  //! Provider-year cells, provider p's year y at p x years + y: the same in every replication.
  std::size_t cells() const { return providers() * static_cast<std::size_t>(years()); }

  //! Like for_each, calling visit(ProviderYear, replication, cell).
  template <typename Visit>
  void for_each_cell(const Selection& selection, ReplicationRange range, Visit visit) const {
    for (std::uint64_t rep = range.first; rep < range.first + range.count; ++rep)
      for (std::size_t provider : selection.providers)
        for (int year = 0; year < years(); ++year)
          if (selection.covers(year)) {
            const ProviderYear r = record(rep, provider, year);
            if (r[contract::kInProgram] == 0.0) continue;
            visit(r, rep,
                  provider * static_cast<std::size_t>(years()) + static_cast<std::size_t>(year));
          }
  }

  //! value(ProviderYear) of each provider-year of `selection` in `range`, in for_each order.
  template <typename Value>
  std::vector<double> values(const Selection& selection, ReplicationRange range,
                             Value value) const {
    std::vector<double> out;
    for_each(selection, range, [&](ProviderYear record) { out.push_back(value(record)); });
    return out;
  }

  //! Per replication of `range`, the sum of value(ProviderYear) over the provider-years of
  //! `selection`.
  template <typename Value>
  std::vector<double> replication_totals(const Selection& selection, ReplicationRange range,
                                         Value value) const {
    std::vector<double> out;
    for (std::uint64_t rep = range.first; rep < range.first + range.count; ++rep) {
      double total = 0.0;
      for_each(selection, {rep, 1}, [&](ProviderYear record) { total += value(record); });
      out.push_back(total);
    }
    return out;
  }

 private:
  const contract::Records& records_;
  std::vector<std::string> names_;
  std::vector<std::string> groups_;
  int batches_;
  bool member_years_ = true;

 public:
  //! Whether every participant's units are patient-years (members): per-member-per-month
  //! figures are defined; episodes have none.
  bool member_years() const { return member_years_; }
  void set_member_years(bool member_years) { member_years_ = member_years; }

  //! The tally thresholds the stop-loss tables quote (indices into thresholds()): all of them,
  //! less the truncation pilot's per-year amounts, which are no attachment anyone asked for.
  std::vector<std::size_t> quoted_thresholds() const {
    std::vector<std::size_t> out;
    for (std::size_t t = 0; t < thresholds().size(); ++t)
      if (t >= quoted_.size() || quoted_[t]) out.push_back(t);
    return out;
  }
  void set_quoted(std::vector<bool> quoted) { quoted_ = std::move(quoted); }

  //! The record fields the contract tables total beyond the fixed list, because the contract
  //! has what they measure (several agreements: the ratchet; a run-out: its settlements).
  const std::vector<contract::Field>& extra_fields() const { return extra_fields_; }
  void set_extra_fields(std::vector<contract::Field> fields) { extra_fields_ = std::move(fields); }

 private:
  std::vector<bool> quoted_;
  std::vector<contract::Field> extra_fields_;
};

//! The view of `records` with the participants' names (model entities) and provider groups,
//! batches from `[analysis] batches`.
RecordView make_record_view(const scenario::Scenario& scenario, const engine::Model& model,
                            const contract::Records& records);

}  // namespace apmsim::analysis
