#include "io/claims_csv.hpp"

#include <omp.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <future>
#include <vector>

#include "engine/claims.hpp"
#include "engine/replication.hpp"
#include "io/csv_text.hpp"
#include "io/output_file.hpp"

namespace apmsim::io {
namespace {

//! One row's text, built in a fixed buffer with std::to_chars (numbers in the shortest form that
//! reads back as the same double) and appended to the output once.
class RowWriter {
 public:
  explicit RowWriter(std::string& out) : out_(out) {}
  template <class T>
  void number(T value) {
    if (end_ - at_ < 64) flush();
    at_ = std::to_chars(at_, end_, value).ptr;
  }
  void text(const std::string& t) {
    if (t.size() + 64 > static_cast<std::size_t>(end_ - at_)) {
      flush();
      if (t.size() + 64 > sizeof line_) {  // a long name: straight to the output
        out_ += t;
        return;
      }
    }
    std::memcpy(at_, t.data(), t.size());
    at_ += t.size();
  }
  void separator() {
    if (end_ - at_ < 64) flush();
    *at_++ = ',';
  }
  void end() {
    *at_++ = '\n';
    flush();
  }

 private:
  void flush() {
    out_.append(line_, static_cast<std::size_t>(at_ - line_));
    at_ = line_;
  }
  std::string& out_;
  char line_[4096];
  char* at_ = line_;
  char* end_ = line_ + sizeof line_ - 1;
};

//! Each entity's fixed columns (provider, provider_group, region), already CSV, with commas.
std::vector<std::string> entity_columns(const scenario::Scenario& s, const engine::Model& m) {
  std::vector<std::string> columns;
  for (const engine::Entity& e : m.entities) {
    const std::string group =
        e.group >= 0 ? s.provider_groups[static_cast<std::size_t>(e.group)].name : "comparison";
    columns.push_back(csv_text(e.name) + "," + csv_text(group) + "," +
                      csv_text(s.regions[static_cast<std::size_t>(e.region)].name) + ",");
  }
  return columns;
}

}  // namespace

std::string claims_header(const scenario::Scenario& s) {
  std::string header =
      "member,provider,provider_group,region,year,stratum,risk_score,cost,counterfactual_cost";
  for (const scenario::Measure& m : s.measures) header += "," + csv_text(m.name);
  return header + "\n";
}

SampleSummary write_claims_csv(const scenario::Scenario& s, const engine::Model& m,
                               const std::string& path, const SampleOptions& options) {
  AtomicTextFile file(path, options.force, "claims file");
  SampleSummary summary;
  file.write(claims_header(s));
  summary.bytes += claims_header(s).size();

  engine::ReplicationWorld world;
  engine::draw_world(m, options.replication, world);
  const auto replication = static_cast<std::uint32_t>(options.replication);
  const std::uint32_t entities = options.comparisons ? m.entity_count() : m.providers;
  const std::vector<engine::ClaimWork> work = engine::claim_work(m, world, entities, 2048);
  const std::vector<std::string> fixed = entity_columns(s, m);
  std::vector<std::string> strata;
  for (const auto& st : s.strata) strata.push_back("," + csv_text(st.name) + ",");
  const int measures = m.params.measures;

  // Waves of pieces: simulated in parallel, numbered in order, formatted in parallel, written in
  // order by a writer thread while the next wave is made. Memory holds two waves' text, whatever
  // the number of rows.
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const std::size_t wave = std::size_t(threads) * 8;
  std::vector<std::vector<engine::ClaimRecord>> records(wave);
  std::vector<std::uint32_t> members(wave);
  std::vector<std::string> texts[2] = {std::vector<std::string>(wave), std::vector<std::string>(wave)};
  std::future<void> writing;
  int current = 0;
  std::uint64_t next_member = 1;
  for (std::size_t first = 0; first < work.size(); first += wave) {
    const std::size_t n = std::min(wave, work.size() - first);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i)
      members[i] = engine::simulate_claims(m, world, replication, work[first + i], records[i]);
    std::vector<std::uint64_t> base(n);
    for (std::size_t i = 0; i < n; ++i) {
      base[i] = next_member;
      next_member += members[i];
      summary.rows += records[i].size();
    }
    // The writer is writing the other buffer: this one's last wave is on disk already.
    std::vector<std::string>& text = texts[current];
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
      std::string& out = text[i];
      out.clear();
      RowWriter row(out);
      for (const engine::ClaimRecord& r : records[i]) {
        row.number(base[i] + r.member);
        row.separator();
        row.text(fixed[r.entity]);
        row.number(r.year);
        row.text(strata[static_cast<std::size_t>(r.stratum)]);
        // The engine's single-precision values as doubles: their shortest form is their exact
        // value, so a reader's sums are the tallies' (float's shortest form would not be).
        row.number(static_cast<double>(r.risk_score));
        row.separator();
        row.number(static_cast<double>(r.cost));
        row.separator();
        row.number(static_cast<double>(r.counterfactual));
        for (int k = 0; k < measures; ++k) {
          row.separator();
          if (r.measures[static_cast<std::size_t>(k)] >= 0)
            row.number(static_cast<int>(r.measures[static_cast<std::size_t>(k)]));
        }
        row.end();
      }
    }
    for (std::size_t i = 0; i < n; ++i) summary.bytes += text[i].size();
    if (writing.valid()) writing.get();  // one wave at a time, in order
    writing = std::async(std::launch::async, [&file, &text, n] {
      for (std::size_t i = 0; i < n; ++i) file.write(text[i]);
    });
    current ^= 1;
  }
  if (writing.valid()) writing.get();
  summary.members = next_member - 1;
  file.commit();
  return summary;
}

}  // namespace apmsim::io
