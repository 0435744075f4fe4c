// `--target-se`: the run's relative standard error of a headline, read after every batch from
// the records alone, is the worst over the variants of the headline table's entries, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "analysis/headline.hpp"
#include "run/run.hpp"
#include "scenario/load.hpp"
#include "../support/shipped_scenario.hpp"

namespace apmsim::run {
namespace {

using analysis::headline_quantities;
using analysis::Quantity;
using analysis::Results;
using analysis::VariantSummary;

using testing_support::same_bits;
using testing_support::shipped;

TEST(Headline, RunRelativeErrorIsTheWorstVariantsHeadline) {
  const scenario::Scenario s = shipped("monitor_capitation", 48);
  run::Run run(s, {}, true);
  run.reset(0);
  run.simulate_batch(48);
  const Results results = run.results(0.0);
  ASSERT_GT(results.variants.size(), 1u) << "the scenario's sweep makes several variants";
  for (const Quantity& quantity : headline_quantities()) {
    SCOPED_TRACE(quantity.name);
    double worst = 0.0;
    for (const VariantSummary& v : results.variants) {
      const std::size_t q = v.headline.quantity(quantity.name);
      const double m = v.headline.mean[q], se = v.headline.se[q];
      worst = std::max(worst, m != 0.0 && std::isfinite(se) ? std::fabs(se / m) : INFINITY);
    }
    EXPECT_TRUE(same_bits(run.relative_se(quantity.name), worst));
  }
}

}  // namespace
}  // namespace apmsim::run
