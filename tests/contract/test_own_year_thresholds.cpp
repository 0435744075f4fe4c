// A truncate_percentile amount of calendar year c is summed by the engine in year c only
// (scenario::Tallies::years, ModelParams::threshold_years); its fields are NaN in the other years.
// Checked against a second computation: the same world with every threshold summed in every year
// (the layout before this rule). The tallies agree bit for bit wherever both are summed, and the
// contract records agree bit for bit except the excess and claimant fields of another year's
// amount, which are NaN.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../support/reference_scenario.hpp"
#include "../support/shipped_scenario.hpp"
#include "contract/evaluate.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/model.hpp"
#include "engine/truncation.hpp"

namespace apmsim {
namespace {

using testing_support::same_bits;

//! Four providers and a comparison population, 2 baseline + 2 performance years, truncation at
//! the 95th percentile, a stop-loss layer at 20,000 (read in every performance year) and a
//! [tallies] threshold of 1,000,000 (every year).
scenario::Scenario percentile_world() {
  scenario::Scenario s = testing::truncating_stop_loss_world(0.95, 20000.0, 1.0e6);
  s.provider_groups[0].count = 4;
  s.provider_groups[0].panel_size = 1500;
  s.provider_groups[0].effect_mean = 0.03;
  s.regions[0].comparison_size = 3000;
  for (scenario::ContractTerms& terms : s.contract.years) terms.stop_loss.premium = 50.0;
  return s;
}

TEST(OwnYearThresholds, EachYearsAmountIsSummedInItsYearOnly) {
  scenario::Scenario own = percentile_world();
  engine::resolve_truncation(own, 42);
  const std::vector<double>& amounts = own.contract.years[0].benchmark.truncate_by_year;
  ASSERT_EQ(amounts.size(), 4u);
  ASSERT_EQ(own.tallies.thresholds.size(), 6u);
  // The years of each threshold: the 1e6 and 20,000 in every year, each amount in its own.
  for (std::size_t t = 0; t < own.tallies.thresholds.size(); ++t) {
    const double a = own.tallies.thresholds[t];
    const auto c = std::find(amounts.begin(), amounts.end(), a);
    if (c == amounts.end())
      EXPECT_EQ(own.tallies.years_of(t), scenario::kEveryYear) << a;
    else
      EXPECT_EQ(own.tallies.years_of(t), scenario::only_year(static_cast<int>(c - amounts.begin())))
          << a;
  }
  scenario::Scenario every = own;
  every.tallies.years.clear();  // every threshold in every year

  const engine::Model mo = engine::build_model(own, 42), me = engine::build_model(every, 42);
  engine::BatchTallies to, te;
  engine::CpuEngine(mo, 2).run_batch(0, 6, to);
  engine::CpuEngine(me, 2).run_batch(0, 6, te);
  engine::mark_unsummed(mo, to);
  engine::mark_unsummed(me, te);  // nothing to mark
  ASSERT_EQ(to.values.size(), te.values.size());
  const model::TallyLayout& L = mo.layout;
  std::size_t nan = 0;
  for (std::uint64_t r = 0; r < to.replications; ++r)
    for (std::uint32_t e = 0; e < to.entities; ++e)
      for (int y = 0; y < to.years; ++y) {
        const double* a = to.record(r, e, y);
        const double* b = te.record(r, e, y);
        for (int f = 0; f < L.fields(); ++f) {
          int threshold = -1;
          for (int t = 0; t < L.thresholds; ++t)
            if (f == L.capped_field(t) || f == L.capped_squared_field(t) || f == L.above_field(t))
              threshold = t;
          const bool summed =
              threshold < 0 || ((mo.params.threshold_years[threshold] >> y) & 1u) != 0;
          if (summed) {
            ASSERT_TRUE(same_bits(a[f], b[f])) << "rep " << r << " entity " << e << " year " << y
                                               << " field " << f;
            ASSERT_FALSE(std::isnan(b[f]));
          } else {
            ASSERT_TRUE(std::isnan(a[f]));
            ++nan;
          }
        }
      }
  // 4 amounts x 3 other years x 3 fields per record.
  EXPECT_EQ(nan, to.replications * to.entities * 4 * 3 * 3);

  // The contract reads each year's amount in its year: the same records, bit for bit, but for
  // the excess and claimants over another year's amount.
  const contract::Evaluator eo(mo, own.contract, 2, 0.05), ee(me, every.contract, 2, 0.05);
  contract::Records ro = eo.make_records(), re = ee.make_records();
  eo.add(to, ro);
  ee.add(te, re);
  ASSERT_EQ(ro.values.size(), re.values.size());
  ASSERT_EQ(ro.names, re.names);
  std::size_t checked = 0;
  ASSERT_EQ(ro.values.size(), to.replications * ro.providers.size() *
                                 static_cast<std::size_t>(ro.years * ro.fields));
  for (std::uint64_t r = 0; r < to.replications; ++r)
    for (std::size_t p = 0; p < ro.providers.size(); ++p)
      for (int y = 0; y < ro.years; ++y) {
        const double* a = ro.record(r, p, y);
        const double* b = re.record(r, p, y);
        const int calendar = 2 + y;
        for (int f = 0; f < ro.fields; ++f) {
          const int t = f - contract::kFixedFields;
          const int threshold = t < 0 ? -1 : t % static_cast<int>(ro.thresholds.size());
          if (threshold >= 0 &&
              !((mo.params.threshold_years[threshold] >> calendar) & 1u)) {
            EXPECT_TRUE(std::isnan(a[f])) << ro.names[static_cast<std::size_t>(f)];
            continue;
          }
          ASSERT_TRUE(same_bits(a[f], b[f]) || (std::isnan(a[f]) && std::isnan(b[f])))
              << ro.names[static_cast<std::size_t>(f)] << " rep " << r << " year " << y;
          ++checked;
        }
      }
  EXPECT_GT(checked, 0u);
  // The stop-loss paid something, so the layer's threshold was read.
  const auto recovery = std::find(ro.names.begin(), ro.names.end(), "stop_loss_recovery");
  ASSERT_NE(recovery, ro.names.end());
  double paid = 0.0;
  for (std::uint64_t r = 0; r < to.replications; ++r)
    paid += ro.record(r, 0, 0)[recovery - ro.names.begin()];
  EXPECT_GT(paid, 0.0);
}

// Sweeps join their variants' thresholds: an amount another variant reads in every year (a fixed
// truncate_at or a layer boundary) is summed in every year.
TEST(OwnYearThresholds, AnAmountReadInEveryYearElsewhereIsSummedInEveryYear) {
  scenario::Tallies t;
  t.add(5000.0, scenario::only_year(2));
  t.add(1000.0);
  t.add(5000.0, scenario::only_year(0));
  ASSERT_EQ(t.thresholds, (std::vector<double>{1000.0, 5000.0}));
  EXPECT_EQ(t.years_of(0), scenario::kEveryYear);
  EXPECT_EQ(t.years_of(1), scenario::only_year(0) | scenario::only_year(2));
  scenario::Tallies other;
  other.add(5000.0);
  t.add(other);
  EXPECT_EQ(t.years_of(1), scenario::kEveryYear);
  // Thresholds set without years (a [tallies] list) are summed in every year.
  scenario::Tallies plain;
  plain.thresholds = {10.0, 20.0};
  plain.add(15.0, scenario::only_year(1));
  EXPECT_EQ(plain.years_of(0), scenario::kEveryYear);
  EXPECT_EQ(plain.years_of(1), scenario::only_year(1));
  EXPECT_EQ(plain.years_of(2), scenario::kEveryYear);
}

}  // namespace
}  // namespace apmsim
