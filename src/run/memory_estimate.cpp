#include "run/memory_estimate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "contract/records.hpp"
#include "engine/model.hpp"
#include "engine/truncation.hpp"
#include "model/params.hpp"
#include "model/tally_layout.hpp"
#include "run/simulate.hpp"
#include "scenario/error.hpp"
#include "scenario/sweep.hpp"

namespace apmsim::run {
namespace {

// Sizes of what a run allocates per entity, set from measured peaks (docs/robustness.md: the
// estimate is 1.1 to 1.3 times the peak resident size): an estimate cell (exact moments with
// their partials) and the quantities of a provider row.
constexpr double kCellBytes = 160.0;
constexpr double kQuantitiesPerEntity = 16.0;
constexpr double kEntityBytes = sizeof(engine::Entity) + 64.0;  // its name and ramp on the heap
//! Stored per-replication data grows by doubling, and a checkpoint or the results copy it.
constexpr double kStoredFactor = 2.0;

double entities_of(const scenario::Scenario& s) {
  double n = static_cast<double>(s.regions.size());  // one comparison population per region
  for (const scenario::ProviderGroup& g : s.provider_groups) n += g.count;
  return n;
}

double participants_of(const scenario::Scenario& s) {
  double n = 0.0;
  for (const scenario::ProviderGroup& g : s.provider_groups) n += g.participant ? g.count : 0;
  return n;
}

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 6) {
    bytes /= 1024.0;
    ++u;
  }
  char text[32];
  std::snprintf(text, sizeof text, bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return text;
}

//! A number from /proc or /sys (the first field), or -1.
double read_number(const std::string& path, const std::string& key = "") {
  std::ifstream in(path);
  std::string word;
  while (in >> word) {
    if (!key.empty() && word != key) continue;
    if (!key.empty() && !(in >> word)) return -1;
    try {
      return std::stod(word);
    } catch (const std::exception&) {
      return -1;  // "max": no limit
    }
  }
  return -1;
}

}  // namespace

std::uint64_t MemoryEstimate::batch_that_fits(double available) const {
  const double left = available - model_bytes - static_cast<double>(replications) * stored_bytes;
  if (batch_bytes <= 0.0) return batch;
  if (left < batch_bytes) return 0;
  return static_cast<std::uint64_t>(std::min(left / batch_bytes, 4294967295.0));
}

MemoryEstimate estimate_memory(const scenario::Scenario& s, const RunSettings& settings) {
  const RunSettings o = resolved(s, settings);
  MemoryEstimate e;
  const auto [first, end] = o.shard_count > 0
                                ? shard_range(*o.replications, o.shard_index, o.shard_count)
                                : std::pair<std::uint64_t, std::uint64_t>{0, *o.replications};
  e.replications = end - first;
  e.batch = std::min<std::uint64_t>(*o.batch_size, std::max<std::uint64_t>(1, e.replications));
  const double years = s.simulation.years();
  const double performance_years = s.simulation.performance_years;
  const std::vector<scenario::Variant> variants = scenario::expand_sweep(s);
  std::set<std::size_t> populations;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const scenario::Scenario& v = variants[i].scenario;
    const double entities = entities_of(v);
    if (populations.insert(variants[i].population).second) {
      model::TallyLayout layout;
      layout.measures = static_cast<int>(v.measures.size());
      // A truncate_percentile adds one threshold per year, resolved by the run's pilot.
      layout.thresholds = static_cast<int>(std::min<std::size_t>(
          v.tallies.thresholds.size() + (engine::needs_truncation_pilot(v) ? years : 0),
          scenario::kMaxThresholds));
      layout.types = static_cast<int>(v.enrollment_types.size());
      const double record = years * layout.fields() * sizeof(double);
      e.model_bytes += entities * (kEntityBytes + kQuantitiesPerEntity * years * kCellBytes);
      // The batch's tallies, its worlds (entity-years and episode counts) and side arrays.
      e.batch_bytes += entities * (record + years * (sizeof(model::EntityYear) + 4.0) + 16.0);
      if (o.keep_tallies && i == 0) e.stored_bytes += kStoredFactor * entities * record;
    }
    if (v.contract.present)
      e.stored_bytes += kStoredFactor * participants_of(v) * performance_years *
                        (contract::kFixedFields + 2 * v.tallies.thresholds.size()) * sizeof(double);
  }
  return e;
}

double available_memory() {
  double available = read_number("/proc/meminfo", "MemAvailable:") * 1024.0;  // kB
  if (available <= 0) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    available = pages > 0 && page > 0 ? static_cast<double>(pages) * page : 0.0;
  }
  // A container's limit (cgroup v2, then v1) can be far below the machine's.
  const double limit = read_number("/sys/fs/cgroup/memory.max");
  const double used = read_number("/sys/fs/cgroup/memory.current");
  if (limit > 0 && used >= 0) available = std::min(available, std::max(0.0, limit - used));
  const double limit1 = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  const double used1 = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  if (limit1 > 0 && limit1 < 1e18 && used1 >= 0)
    available = std::min(available, std::max(0.0, limit1 - used1));
  return available;
}

void check_memory(const MemoryEstimate& e, double available, const scenario::Scenario& s) {
  if (available <= 0 || e.total() <= available) return;
  std::string message = s.path + ": the run needs " + memory_text(e) + ", but only " +
                        bytes_text(available) + " of memory is available; ";
  const std::uint64_t fits = e.batch_that_fits(available);
  if (fits > 0) {
    message += "it would fit with --batch-size " + std::to_string(fits);
  } else {
    const double fixed = e.model_bytes + e.batch_bytes;
    message += fixed > available
                   ? "its model alone is too large for this machine (fewer providers, or a "
                     "machine with more memory)"
                   : "the per-replication results alone are too large: at most about " +
                         std::to_string(static_cast<std::uint64_t>((available - fixed) /
                                                                   std::max(e.stored_bytes, 1.0))) +
                         " replications fit (or split the run with --shard)";
  }
  throw InputError(message);
}

std::string memory_text(const MemoryEstimate& e) {
  return "about " + bytes_text(e.total()) + " of memory (model " + bytes_text(e.model_bytes) +
         ", " + std::to_string(e.batch) + " x " + bytes_text(e.batch_bytes) + " a batch, " +
         std::to_string(e.replications) + " x " + bytes_text(e.stored_bytes) + " stored)";
}

}  // namespace apmsim::run
