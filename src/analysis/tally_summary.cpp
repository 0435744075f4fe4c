#include "analysis/tally_summary.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "model/tally_layout.hpp"

namespace apmsim::analysis {
namespace {

using model::TallyLayout;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double num, double den) { return den > 0.0 ? num / den : kNaN; }

const char* unit_name(scenario::UnitKind u) {
  return u == scenario::UnitKind::Episode ? "episode" : "patient_year";
}

}  // namespace

TallySummary::TallySummary(const scenario::Scenario& s, const engine::Model& m)
    : model_(m), years_(m.years()), fields_(m.layout.fields()) {
  quantities_ = {
      {"units", "units", "units per year (patient-years or episodes)"},
      {"cost_per_unit", "currency/unit", "mean cost per unit"},
      {"counterfactual_per_unit", "currency/unit",
       "mean cost per unit without the intervention effect (same draws)"},
      {"true_savings_rate", "fraction", "(counterfactual - cost) / counterfactual"},
      {"cost_sd", "currency/unit", "standard deviation of unit cost within the entity-year"},
      {"risk_score_per_unit", "score", "mean observed risk score (with coding intensity)"},
      {"any_cost_rate", "fraction", "share of units with any cost"},
      {"catastrophic_rate", "fraction", "share of units with a catastrophic add-on"},
      {"catastrophic_share", "fraction", "catastrophic add-ons / total cost"},
  };
  for (double a : s.tallies.thresholds)
    quantities_.push_back({"capped_cost_per_unit_" + engine::threshold_label(a), "currency/unit",
                           "mean of min(cost, " + engine::threshold_label(a) + ") per unit"});
  for (const auto& ms : s.measures) {
    quantities_.push_back(
        {ms.name + "_rate", "fraction", "achieved / measured: the rate a contract sees"});
    quantities_.push_back(
        {ms.name + "_true_rate", "fraction", "achieved / eligible, measured or not"});
    quantities_.push_back({ms.name + "_response_rate", "fraction", "measured / eligible"});
  }
  for (const engine::Entity& e : m.entities) {
    if (e.group < 0) continue;
    const auto& g = s.provider_groups[e.group];
    providers_.push_back(
        {e.name, g.name, s.regions[e.region].name, unit_name(g.unit), e.participant});
    provider_.rows.push_back(e.name);
  }
  portfolio_.rows = {"participants", "all"};
  for (const auto& r : s.regions) region_.rows.push_back(r.name);
  for (Table* t : {&provider_, &portfolio_, &region_})
    t->cells.resize(quantities_.size() * t->rows.size() * years_);
  scratch_.resize(quantities_.size());
}

void TallySummary::evaluate(const double* rec, double* out) const {
  const TallyLayout& L = model_.layout;
  const double n = rec[TallyLayout::kUnits];
  const double cost = rec[TallyLayout::kCost];
  const double cf = rec[TallyLayout::kCounterfactual];
  std::size_t q = 0;
  out[q++] = n;
  out[q++] = ratio(cost, n);
  out[q++] = ratio(cf, n);
  out[q++] = cf > 0.0 ? (cf - cost) / cf : kNaN;
  const double mean = ratio(cost, n);
  out[q++] =
      n > 0.0 ? std::sqrt(std::max(0.0, rec[TallyLayout::kCostSquared] / n - mean * mean)) : kNaN;
  out[q++] = ratio(rec[TallyLayout::kRiskScore], n);
  out[q++] = ratio(rec[TallyLayout::kAnyCost], n);
  out[q++] = ratio(rec[TallyLayout::kCatastrophic], n);
  out[q++] = ratio(rec[TallyLayout::kCatastrophicCost], cost);
  for (int t = 0; t < L.thresholds; ++t) out[q++] = ratio(rec[L.capped_field(t)], n);
  for (int m = 0; m < L.measures; ++m) {
    const double eligible = rec[L.measure_field(m, TallyLayout::kEligible)];
    const double measured = rec[L.measure_field(m, TallyLayout::kMeasured)];
    out[q++] = ratio(rec[L.measure_field(m, TallyLayout::kAchieved)], measured);
    out[q++] = ratio(rec[L.measure_field(m, TallyLayout::kAchievedTrue)], eligible);
    out[q++] = ratio(measured, eligible);
  }
}

void TallySummary::add_record(Table& table, std::size_t row, int year, const double* record) {
  evaluate(record, scratch_.data());
  const std::size_t rows = table.rows.size();
  for (std::size_t q = 0; q < quantities_.size(); ++q) {
    if (std::isinf(scratch_[q]))
      throw stats::OverflowError("numeric overflow: " + quantities_[q].name + " of " +
                                 table.rows[row] + " in year " + std::to_string(year) +
                                 " is infinite");
    table.cells[(q * rows + row) * years_ + year].add(scratch_[q]);
  }
}

void TallySummary::clear() {
  for (Table* t : {&provider_, &portfolio_, &region_})
    for (stats::ExactMoments& m : t->cells) m = stats::ExactMoments();
}

void TallySummary::save(ByteWriter& out) const {
  for (const Table* t : {&provider_, &portfolio_, &region_}) {
    out.u64(t->cells.size());
    for (const stats::ExactMoments& m : t->cells) {
      out.u64(m.count());
      out.f64(m.min());
      out.f64(m.max());
      out.doubles(m.sum().partials());
      out.doubles(m.sum_squares().partials());
    }
  }
}

void TallySummary::add_saved(ByteReader& in) {
  // Partials of a sum of doubles number at most about 40 (the exponent range / 53 bits).
  constexpr std::size_t kMaxPartials = 64;
  for (Table* t : {&provider_, &portfolio_, &region_}) {
    if (in.u64() != t->cells.size()) in.fail("the tally summary has a different shape");
    for (stats::ExactMoments& m : t->cells) {
      const std::uint64_t n = in.u64();
      const double lo = in.f64(), hi = in.f64();
      std::vector<double> sum, squares;
      in.doubles(sum, kMaxPartials);
      in.doubles(squares, kMaxPartials);
      stats::ExactMoments saved;
      try {
        saved.assign(n, lo, hi, std::move(sum), std::move(squares));
        m.add(saved);
      } catch (const std::exception& e) {
        in.fail(std::string("a tally summary cell is invalid (") + e.what() + ")");
      }
    }
  }
}

void TallySummary::add(const engine::BatchTallies& b) {
  const std::uint32_t providers = model_.providers;
  std::vector<double> participants(fields_), all(fields_);
  for (std::uint64_t r = 0; r < b.replications; ++r) try {
      for (int y = 0; y < years_; ++y) {
        std::fill(participants.begin(), participants.end(), 0.0);
        std::fill(all.begin(), all.end(), 0.0);
        for (std::uint32_t e = 0; e < b.entities; ++e) {
          const double* rec = b.record(r, e, y);
          if (e < providers) {
            add_record(provider_, e, y, rec);
            const bool participant = model_.entities[e].participant;
            for (int f = 0; f < fields_; ++f) {
              all[f] += rec[f];
              if (participant) participants[f] += rec[f];
            }
          } else {
            add_record(region_, e - providers, y, rec);
          }
        }
        add_record(portfolio_, 0, y, participants.data());
        add_record(portfolio_, 1, y, all.data());
      }
    } catch (const stats::OverflowError& e) {
      throw stats::OverflowError(std::string(e.what()) + " in replication " +
                                 std::to_string(b.first_replication + r));
    }
}

EstimateTable TallySummary::estimates(const Table& t) const {
  EstimateTable out;
  out.rows = t.rows;
  out.years = years_;
  out.quantities = quantities_;
  out.resize();
  for (std::size_t i = 0; i < t.cells.size(); ++i) {
    out.mean[i] = t.cells[i].mean();
    out.se[i] = t.cells[i].standard_error();
  }
  return out;
}

VariantSummary TallySummary::summary(const std::string& variant_name) const {
  VariantSummary v;
  v.name = variant_name;
  v.providers = providers_;
  v.provider = estimates(provider_);
  v.portfolio = estimates(portfolio_);
  v.region = estimates(region_);
  return v;
}

}  // namespace apmsim::analysis
