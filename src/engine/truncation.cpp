#include "engine/truncation.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

#include "engine/claims.hpp"
#include "engine/model.hpp"
#include "engine/replication.hpp"
#include "model/random.hpp"
#include "scenario/error.hpp"
#include "scenario/limits.hpp"

namespace apmsim::engine {

namespace {

//! At least one of n, in proportion f (every entity is in the pilot, none beyond its size).
std::uint32_t sampled(double n, double f) {
  if (!(n > 0.0)) return 0;
  return static_cast<std::uint32_t>(std::min(n, std::max(1.0, std::ceil(n * f))));
}

//! The type-7 p-quantile of x (in any order), rounded to single precision; 0 for no data. Its two
//! order statistics by selection on a copy: the sorted sample's values, in linear time.
double quantile(const std::vector<float>& x, double p) {
  if (x.empty()) return 0.0;
  const double h = (static_cast<double>(x.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::vector<float> y(x);
  const auto at = y.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(y.begin(), at, y.end());
  const double x_lo = *at;
  const double x_hi = lo + 1 < y.size() ? *std::min_element(at + 1, y.end()) : x_lo;
  const double q = x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
  return static_cast<double>(static_cast<float>(q));
}

}  // namespace

std::uint64_t pilot_seed(std::uint64_t seed) {
  return model::mix64(seed + 0x70696c6f74ULL /* "pilot" */);
}

TruncationPilot::TruncationPilot(const scenario::Scenario& s, std::uint64_t seed)
    : TruncationPilot(s, seed, {}) {
  const std::lock_guard<std::mutex> lock(memo_->mutex);
  simulate();
}

TruncationPilot::TruncationPilot(const scenario::Scenario& s, std::uint64_t seed,
                                 std::vector<Amounts> known) {
  memo_->scenario = std::make_unique<scenario::Scenario>(s);
  memo_->seed = seed;
  memo_->amounts = std::move(known);
}

void TruncationPilot::simulate() const {
  if (!memo_->scenario) return;  // simulated already
  const scenario::Scenario& s = *memo_->scenario;
  auto& costs = memo_->costs;
  auto& type_costs = memo_->type_costs;
  const Model model = build_model(s, pilot_seed(memo_->seed));
  const int years = model.years();
  costs.assign(static_cast<std::size_t>(years), {});
  const std::size_t types = s.enrollment_types.size();
  type_costs.assign(static_cast<std::size_t>(years), std::vector<std::vector<float>>(types));
  double per_year = 0.0;
  for (const Entity& e : model.entities)
    per_year += e.shape.episodes ? e.volume : static_cast<double>(e.shape.panel_size);
  const double f = per_year > 0.0 ? std::min(1.0, kPilotUnits / kPilotReplications / per_year) : 0.0;
  // One replication's unit costs, by calendar year and enrollment type: replications are
  // independent (their streams come from the replication index), so the first
  // kPilotReplications are simulated in parallel and joined in replication order.
  struct Piece {
    std::vector<std::vector<float>> costs;
    std::vector<std::vector<std::vector<float>>> type_costs;
  };
  const auto simulate_replication = [&](std::uint32_t r, Piece& piece) {
    piece.costs.assign(static_cast<std::size_t>(years), {});
    piece.type_costs.assign(static_cast<std::size_t>(years),
                            std::vector<std::vector<float>>(types));
    ReplicationWorld world;
    std::vector<ClaimRecord> records;
    draw_world(model, r, world);
    for (std::uint32_t e = 0; e < model.entity_count(); ++e) {
      const model::EntityShape& shape = model.entities[e].shape;
      std::vector<ClaimWork> work;
      if (!shape.episodes) {
        work.push_back({e, -1, 0, sampled(static_cast<double>(shape.panel_size), f)});
      } else {
        for (int k = 0; k < years; ++k)
          work.push_back({e, k, 0,
                          sampled(world.episodes[static_cast<std::size_t>(e) * years + k], f)});
      }
      for (const ClaimWork& w : work) {
        if (w.end == 0) continue;
        simulate_claims(model, world, r, w, records);
        for (const ClaimRecord& c : records) {
          piece.costs[static_cast<std::size_t>(c.year)].push_back(c.cost);
          if (types > 0)
            piece.type_costs[static_cast<std::size_t>(c.year)]
                            [static_cast<std::size_t>(s.strata[static_cast<std::size_t>(c.stratum)]
                                                          .enrollment_type)]
                                .push_back(c.cost);
        }
      }
    }
  };
  const auto join = [&](const Piece& piece) {
    for (std::size_t y = 0; y < costs.size(); ++y) {
      costs[y].insert(costs[y].end(), piece.costs[y].begin(), piece.costs[y].end());
      for (std::size_t t = 0; t < type_costs[y].size(); ++t)
        type_costs[y][t].insert(type_costs[y][t].end(), piece.type_costs[y][t].begin(),
                                 piece.type_costs[y][t].end());
    }
  };
  // Enough units of every enrollment type present (after the first replications) in every year.
  const auto enough = [&]() {
    for (const auto& year : type_costs)
      for (const auto& type : year)
        if (!type.empty() && type.size() < kMinTypeUnits) return false;
    return true;
  };
  std::vector<Piece> first(static_cast<std::size_t>(kPilotReplications));
  // Exceptions may not leave an OpenMP region: the first one is kept and rethrown after it.
  std::exception_ptr failed;
#pragma omp parallel for schedule(dynamic, 1)
  for (int r = 0; r < kPilotReplications; ++r) {
    try {
      simulate_replication(static_cast<std::uint32_t>(r), first[static_cast<std::size_t>(r)]);
    } catch (...) {
#pragma omp critical(apmsim_truncation_pilot)
      if (!failed) failed = std::current_exception();
    }
  }
  if (failed) std::rethrow_exception(failed);
  for (const Piece& piece : first) join(piece);
  first.clear();
  for (std::uint32_t r = static_cast<std::uint32_t>(kPilotReplications);
       r < static_cast<std::uint32_t>(kMaxPilotReplications) && !enough(); ++r) {
    Piece piece;
    simulate_replication(r, piece);
    join(piece);
  }
  memo_->scenario.reset();
}

const TruncationPilot::Amounts& TruncationPilot::at(double p) const {
  for (const Amounts& a : memo_->amounts)
    if (a.level == p) return a;
  simulate();
  const auto& costs = memo_->costs;
  const auto& type_costs = memo_->type_costs;
  Amounts a;
  a.level = p;
  a.by_year.resize(costs.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t y = 0; y < costs.size(); ++y) a.by_year[y] = quantile(costs[y], p);
  const std::size_t types = type_costs.empty() ? 0 : type_costs.front().size();
  if (types > 0) {
    a.by_type_year.assign(type_costs.size(), std::vector<double>(types));
#pragma omp parallel for schedule(dynamic, 1)
    for (std::size_t i = 0; i < type_costs.size() * types; ++i)
      a.by_type_year[i / types][i % types] = quantile(type_costs[i / types][i % types], p);
  }
  memo_->amounts.push_back(std::move(a));
  return memo_->amounts.back();
}

std::vector<double> TruncationPilot::percentile(double p) const {
  const std::lock_guard<std::mutex> lock(memo_->mutex);
  return at(p).by_year;
}

std::vector<std::vector<double>> TruncationPilot::percentile_by_type(double p) const {
  const std::lock_guard<std::mutex> lock(memo_->mutex);
  return at(p).by_type_year;
}

std::vector<TruncationPilot::Amounts> TruncationPilot::amounts() const {
  const std::lock_guard<std::mutex> lock(memo_->mutex);
  return memo_->amounts;
}

std::size_t TruncationPilot::units(int year) const {
  const std::lock_guard<std::mutex> lock(memo_->mutex);
  simulate();
  return memo_->costs.at(static_cast<std::size_t>(year)).size();
}

bool needs_truncation_pilot(const scenario::Scenario& s) {
  if (!s.contract.present) return false;
  for (const scenario::ContractTerms& t : s.contract.years)
    if (t.benchmark.truncate_percentile > 0.0) return true;
  return false;
}

void resolve_truncation(scenario::Scenario& s, std::uint64_t seed) {
  if (!needs_truncation_pilot(s)) return;
  resolve_truncation(s, TruncationPilot(s, seed));
}

void resolve_truncation(std::vector<scenario::Variant>& variants, std::uint64_t seed) {
  TruncationPilots pilots;
  resolve_truncation(variants, seed, pilots);
}

void resolve_truncation(std::vector<scenario::Variant>& variants, std::uint64_t seed,
                        TruncationPilots& memo) {
  std::vector<std::unique_ptr<TruncationPilot>>& pilots = memo.by_population;
  for (scenario::Variant& v : variants) {
    if (!needs_truncation_pilot(v.scenario)) continue;
    if (pilots.size() <= v.population) pilots.resize(v.population + 1);
    auto& pilot = pilots[v.population];
    if (!pilot) pilot = std::make_unique<TruncationPilot>(v.scenario, seed);
    resolve_truncation(v.scenario, *pilot);
  }
}

void resolve_truncation(scenario::Scenario& s, const TruncationPilot& pilot) {
  if (!needs_truncation_pilot(s)) return;
  const auto& thresholds = s.tallies.thresholds;
  for (scenario::ContractTerms& t : s.contract.years) {
    scenario::BenchmarkTerms& b = t.benchmark;
    if (!(b.truncate_percentile > 0.0)) continue;
    b.truncate_by_year = pilot.percentile(b.truncate_percentile);
    b.truncate_by_type_year = pilot.percentile_by_type(b.truncate_percentile);
    // Year c's amount truncates year c's costs only (scenario::truncation_in): its tallies are
    // summed in year c alone.
    for (std::size_t c = 0; c < b.truncate_by_year.size(); ++c)
      if (b.truncate_by_year[c] > 0.0)
        s.tallies.add(b.truncate_by_year[c], scenario::only_year(static_cast<int>(c)));
  }
  if (thresholds.size() > scenario::kMaxThresholds)
    throw InputError(s.path + ": [contract.benchmark] truncate_percentile: one truncation amount "
                     "per calendar year and the other tally thresholds make " +
                     std::to_string(thresholds.size()) + " thresholds; at most " +
                     std::to_string(scenario::kMaxThresholds) + " are supported");
}

}  // namespace apmsim::engine
