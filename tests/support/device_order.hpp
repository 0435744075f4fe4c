#pragma once
// The two engines' summation orders written out on the host, from per-unit values of the scalar
// model (model::ScalarLanes, the code each CUDA thread runs):
// - device order (cuda/cuda_engine.cu, simulate_entities): unit u is lane u % 32 of warp
//   (u % T) / 32 in chunk u / T of a T-thread block; each (year, field) is reduced over the 32
//   lanes by the __shfl_down_sync tree (offsets 16, 8, 4, 2, 1: lane i adds lane i + offset),
//   lane 0 adds the result to its warp's row chunk by chunk (a warp whose lanes are all past the
//   end skips the chunk), and the rows are added in warp order from 0.0;
// - CPU order (engine/kernels/kernel_impl.hpp): unit u is added into lane u % 16 of each sum,
//   the lanes are added in order from 0.0, and counts are kept as integers and added last.
// The CPU kernel must equal cpu_order_tallies bit for bit (which checks the unit values) and the
// device must equal device_order_tallies bit for bit (which checks device arithmetic), while
// the two orders agree to about 1e-15 relative: a test at 1e-12 against the CPU alone would pass
// an error of a few hundred ulps, the exact comparisons pass none.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <utility>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "model/unit.hpp"

namespace apmsim::testing {

//! One unit's tallies: the value of each (year, field) sink call, and which were counts.
class UnitRecord {
 public:
  explicit UnitRecord(int cells) : value_(std::size_t(cells)), calls_(std::size_t(cells)) {}
  void clear() {
    std::fill(value_.begin(), value_.end(), 0.0);
    std::fill(calls_.begin(), calls_.end(), 0);
  }
  double value(int cell) const { return value_[std::size_t(cell)]; }
  bool called(int cell) const { return calls_[std::size_t(cell)] != 0; }

  //! The model's sink interface (ScalarLanes: one unit).
  struct Sink {
    UnitRecord* record;
    int fields;
    void add(int year, int field, double v) { record->put(year * fields + field, v); }
    void count(int year, int field, bool m) { record->put(year * fields + field, m ? 1.0 : 0.0); }
    void patient(int, int, bool, bool) {}
  };

 private:
  void put(int cell, double v) {
    // The device reduces every call over the warp on its own: a cell called twice per unit
    // would need two trees, which this record (one value a cell) cannot say.
    if (calls_[std::size_t(cell)]++ != 0)
      throw std::logic_error("device_order: a unit added to one tally cell twice");
    value_[std::size_t(cell)] = v;
  }
  std::vector<double> value_;
  std::vector<int> calls_;
};

//! Runs the scalar model for unit `unit` of entity `e` (a panel slot, or an episode of `year`),
//! as a CUDA thread does, into `record` (cleared first). `active` false: a lane past the end.
inline void unit_values(const engine::Model& m, std::uint32_t e, std::uint32_t replication,
                        const model::EntityYear* entity_years, int year, std::uint32_t unit,
                        bool active, UnitRecord& record) {
  record.clear();
  UnitRecord::Sink sink{&record, m.layout.fields()};
  const model::EntityShape& shape = m.entities[e].shape;
  const model::Key key = model::key_from_seed(m.params.seed);
  if (!shape.episodes)
    model::simulate_panel<model::ScalarLanes>(m.params, m.layout, shape, entity_years, key,
                                              replication, e, unit, active, sink);
  else
    model::simulate_episodes<model::ScalarLanes>(m.params, m.layout, shape, entity_years[year],
                                                 key, replication, e, year, unit, active, sink);
}

//! Units of entity e: the panel size for panels (year -1), the year's episodes otherwise.
inline std::vector<std::pair<int, std::uint64_t>> unit_runs(const engine::Model& m,
                                                            std::uint32_t e,
                                                            const std::uint32_t* episodes) {
  std::vector<std::pair<int, std::uint64_t>> runs;
  if (!m.entities[e].shape.episodes)
    runs.emplace_back(-1, m.entities[e].shape.panel_size);
  else
    for (int k = 0; k < m.years(); ++k) runs.emplace_back(k, episodes[k]);
  return runs;
}

//! [years][fields] tallies of entity e in one replication, summed in the CUDA kernel's order
//! with `threads` threads per block. `entity_years` and `episodes` are that entity's [years].
inline std::vector<double> device_order_tallies(const engine::Model& m, std::uint32_t e,
                                                std::uint32_t replication,
                                                const model::EntityYear* entity_years,
                                                const std::uint32_t* episodes, int threads) {
  constexpr int kWarp = 32;
  const int cells = m.years() * m.layout.fields();
  const int warps = threads / kWarp;
  std::vector<double> rows(std::size_t(warps) * cells, 0.0);
  std::vector<UnitRecord> lanes(kWarp, UnitRecord(cells));
  for (const auto& [year, n] : unit_runs(m, e, episodes)) {
    for (std::uint64_t base = 0; base < n; base += std::uint64_t(threads))
      for (int w = 0; w < warps; ++w) {
        const std::uint64_t first = base + std::uint64_t(w) * kWarp;
        if (first >= n) break;  // this warp and the ones after it skip the chunk
        for (int lane = 0; lane < kWarp; ++lane)
          unit_values(m, e, replication, entity_years, year,
                      static_cast<std::uint32_t>(first + lane), first + lane < n, lanes[lane]);
        for (int c = 0; c < cells; ++c) {
          if (!lanes[0].called(c)) continue;  // another year's cell: no call, no tree
          double v[kWarp];
          for (int lane = 0; lane < kWarp; ++lane) v[lane] = lanes[lane].value(c);
          for (int offset = kWarp / 2; offset > 0; offset /= 2)
            for (int lane = 0; lane < offset; ++lane) v[lane] += v[lane + offset];
          rows[std::size_t(w) * cells + c] += v[0];
        }
      }
  }
  std::vector<double> tallies(std::size_t(cells), 0.0);
  for (int c = 0; c < cells; ++c) {
    double total = 0.0;
    for (int w = 0; w < warps; ++w) total += rows[std::size_t(w) * cells + c];
    tallies[std::size_t(c)] = total;
  }
  return tallies;
}

//! True for the tally fields that are counts (exact on every backend).
inline bool is_count_field(const model::TallyLayout& layout, int field) {
  using T = model::TallyLayout;
  if (field == T::kUnits || field == T::kAnyCost || field == T::kCatastrophic) return true;
  return field >= T::kFixedFields && field < layout.capped_field(0);  // every measure field
}

//! The same tallies in the CPU kernel's order (16 lanes; counts exact, added last).
inline std::vector<double> cpu_order_tallies(const engine::Model& m, std::uint32_t e,
                                             std::uint32_t replication,
                                             const model::EntityYear* entity_years,
                                             const std::uint32_t* episodes) {
  constexpr int kLanes = 16;
  const int fields = m.layout.fields();
  const int cells = m.years() * fields;
  std::vector<double> lanes(std::size_t(cells) * kLanes, 0.0);  // counts: exact integers too
  UnitRecord unit(cells);
  for (const auto& [year, n] : unit_runs(m, e, episodes))
    for (std::uint64_t u = 0; u < n; ++u) {
      unit_values(m, e, replication, entity_years, year, static_cast<std::uint32_t>(u), true,
                  unit);
      for (int c = 0; c < cells; ++c)
        if (unit.called(c)) lanes[std::size_t(c) * kLanes + u % kLanes] += unit.value(c);
    }
  std::vector<double> tallies(std::size_t(cells), 0.0);
  for (int c = 0; c < cells; ++c) {
    double total = 0.0;
    std::int64_t count = 0;
    const bool counted = is_count_field(m.layout, c % fields);
    for (int lane = 0; lane < kLanes; ++lane) {
      const double v = lanes[std::size_t(c) * kLanes + lane];
      if (counted)
        count += static_cast<std::int64_t>(v);
      else
        total += v;
    }
    tallies[std::size_t(c)] = total + static_cast<double>(count);
  }
  return tallies;
}

//! device_order_tallies (threads > 0) or cpu_order_tallies (threads 0) of every entity of
//! replications [first, first + count), on worlds laid out as engine::WorldSpan:
//! [count][entities][years][fields].
inline std::vector<double> emulated_batch(const engine::Model& m, std::uint64_t first,
                                          std::uint64_t count,
                                          const model::EntityYear* entity_years,
                                          const std::uint32_t* episodes, int threads) {
  const std::size_t cells = std::size_t(m.years()) * m.layout.fields();
  std::vector<double> all(count * m.entity_count() * cells);
  for (std::uint64_t r = 0; r < count; ++r)
    for (std::uint32_t e = 0; e < m.entity_count(); ++e) {
      const std::size_t at = std::size_t(r) * m.entity_count() + e;
      const auto rep = static_cast<std::uint32_t>(first + r);
      const std::vector<double> t =
          threads > 0 ? device_order_tallies(m, e, rep, entity_years + at * m.years(),
                                             episodes + at * m.years(), threads)
                      : cpu_order_tallies(m, e, rep, entity_years + at * m.years(),
                                          episodes + at * m.years());
      std::copy(t.begin(), t.end(), all.begin() + static_cast<std::ptrdiff_t>(at * cells));
    }
  return all;
}

//! Whether two tally vectors are equal bit for bit.
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

//! How two tallies of the same cells compare: counts must be equal, sums within a relative
//! tolerance; `first_mismatch` describes the first cell that is not.
struct TallyComparison {
  std::size_t cells = 0, differing = 0, mismatches = 0;
  double max_relative = 0.0;  //!< largest |a - b| / |b| over sums (0 where both are 0)
  std::string first_mismatch;
};

//! Compares `actual` with `expected` cell by cell ([...][years][fields] records alike).
inline TallyComparison compare_tallies(const model::TallyLayout& layout,
                                       const std::vector<double>& expected,
                                       const std::vector<double>& actual, double relative) {
  TallyComparison c;
  c.cells = expected.size();
  if (actual.size() != expected.size()) {
    c.mismatches = 1;
    c.first_mismatch = "sizes differ: " + std::to_string(expected.size()) + " and " +
                       std::to_string(actual.size());
    return c;
  }
  const int fields = layout.fields();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double a = actual[i], b = expected[i];
    if (a != b) ++c.differing;
    const bool count = is_count_field(layout, static_cast<int>(i % std::size_t(fields)));
    const double d = a > b ? a - b : b - a;
    const double scale = b < 0 ? -b : b;
    if (!count && scale > 0 && d / scale > c.max_relative) c.max_relative = d / scale;
    const bool ok = count ? a == b : d <= relative * scale;
    if (!ok && c.mismatches++ == 0) {
      char text[160];
      std::snprintf(text, sizeof text, "cell %zu (field %d): expected %.17g, got %.17g", i,
                    static_cast<int>(i % std::size_t(fields)), b, a);
      c.first_mismatch = text;
    }
  }
  return c;
}

}  // namespace apmsim::testing
