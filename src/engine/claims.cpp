#include "engine/claims.hpp"

#include <algorithm>

#include "model/unit.hpp"

namespace apmsim::engine {
namespace {

//! Keeps each unit-year's values as a record. The model calls patient() first for every
//! unit-year, then the tallies' add() and count() (one unit: model::ScalarLanes).
class RecordSink {
 public:
  RecordSink(std::uint32_t entity, const model::TallyLayout& layout, std::vector<ClaimRecord>& out)
      : entity_(entity), layout_(layout), out_(out) {}

  //! A unit not counted this year (not assigned, or no care under retrospective assignment)
  //! has no record; its patient is still a member (the slot's trajectory goes on).
  void patient(int year, int stratum, bool fresh, bool counted) {
    if (fresh) ++members_;
    skip_ = !counted;
    if (skip_) return;
    ClaimRecord r{};
    r.member = members_ - 1;
    r.entity = entity_;
    r.year = year;
    r.stratum = stratum;
    r.measures.fill(-1);
    out_.push_back(r);
  }
  void add(int, int field, double value) {
    if (skip_) return;
    ClaimRecord& r = out_.back();
    if (field == model::TallyLayout::kCost) r.cost = static_cast<float>(value);
    if (field == model::TallyLayout::kCounterfactual) r.counterfactual = static_cast<float>(value);
    if (field == model::TallyLayout::kRiskScore) r.risk_score = static_cast<float>(value);
  }
  void count(int, int field, bool mask) {
    if (skip_) return;
    const int first = model::TallyLayout::kFixedFields;
    if (field < first || field >= layout_.capped_field(0)) return;
    const int m = (field - first) / model::TallyLayout::kPerMeasure;
    const int which = (field - first) % model::TallyLayout::kPerMeasure;
    std::int8_t& value = out_.back().measures[static_cast<std::size_t>(m)];
    if (which == model::TallyLayout::kMeasured) value = mask ? 0 : -1;
    if (which == model::TallyLayout::kAchieved && mask) value = 1;
  }
  std::uint32_t members() const { return members_; }

 private:
  std::uint32_t entity_;
  model::TallyLayout layout_;
  std::vector<ClaimRecord>& out_;
  std::uint32_t members_ = 0;
  bool skip_ = false;
};

}  // namespace

std::vector<ClaimWork> claim_work(const Model& m, const ReplicationWorld& w,
                                  std::uint32_t entities, std::uint32_t slots) {
  std::vector<ClaimWork> work;
  slots = std::max(1u, slots);
  for (std::uint32_t e = 0; e < entities; ++e) {
    const model::EntityShape& shape = m.entities[e].shape;
    if (!shape.episodes) {
      for (std::uint64_t b = 0; b < shape.panel_size; b += slots)
        work.push_back(ClaimWork{e, -1, static_cast<std::uint32_t>(b),
                                 static_cast<std::uint32_t>(std::min<std::uint64_t>(b + slots, shape.panel_size))});
      continue;
    }
    for (int k = 0; k < m.years(); ++k) {
      const std::uint32_t n = w.episodes[std::size_t(e) * m.years() + k];
      for (std::uint64_t b = 0; b < n; b += slots)
        work.push_back(ClaimWork{e, k, static_cast<std::uint32_t>(b),
                                 static_cast<std::uint32_t>(std::min<std::uint64_t>(b + slots, n))});
    }
  }
  return work;
}

// Compiled twice where the CPU allows (x86-64-v3 has FMA, so the model's fused multiply-adds are
// instructions rather than libm calls) and picked at run time: both round every fma once, so
// both give the same bits.
#if defined(APMSIM_X86_KERNELS) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
std::uint32_t simulate_claims(const Model& m, const ReplicationWorld& w, std::uint32_t replication,
                              const ClaimWork& work, std::vector<ClaimRecord>& out) {
  using L = model::ScalarLanes;
  out.clear();
  const model::ModelParams& p = m.params;
  const model::EntityShape& shape = m.entities[work.entity].shape;
  const model::EntityYear* years = &w.entity_years[std::size_t(work.entity) * m.years()];
  const model::Key key = model::key_from_seed(p.seed);
  RecordSink sink(work.entity, m.layout, out);
  // The lane-uniform Philox prefixes of each year, as the kernels compute them once per entity.
  model::UnitYearPrefix<L> prefixes[model::kMaxYears];
  for (int k = 0; k < m.years(); ++k)
    prefixes[k] = model::unit_year_prefix<L>(key, replication, work.entity, k);
  if (!shape.episodes) {
    out.reserve(std::size_t(work.end - work.begin) * m.years());
    for (std::uint32_t slot = work.begin; slot < work.end; ++slot)
      model::simulate_panel<L>(p, m.layout, shape, years, key, replication, work.entity, slot,
                               true, sink, prefixes);
  } else {
    out.reserve(work.end - work.begin);
    for (std::uint32_t id = work.begin; id < work.end; ++id)
      model::simulate_episodes<L>(p, m.layout, shape, years[work.year], key, replication,
                                  work.entity, work.year, id, true, sink, &prefixes[work.year]);
  }
  return sink.members();
}

}  // namespace apmsim::engine
