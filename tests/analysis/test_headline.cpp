// The headline figures: each computed alone from the records (what `--target-se` reads after
// every batch) equals, bit for bit, its entry in the headline table the results carry
// (tests/run/test_target_se.cpp: the run's relative error is the worst variant's).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>
#include <stdexcept>

#include "analysis/contract_analysis.hpp"
#include "analysis/contract_tables.hpp"
#include "contract/evaluate.hpp"
#include "engine/cpu_engine.hpp"
#include "hand_records.hpp"
#include "scenario/load.hpp"
#include "../support/contract_records.hpp"
#include "../support/shipped_scenario.hpp"

namespace apmsim::analysis {
namespace {

using testing_support::same_bits;
using testing_support::shipped;

// Every headline alone, bit for bit as in the table, NaN included. Monitor's capitation has a
// withhold (outcomes pot) and a corridor but a historical benchmark (no optimal weight); the CJR
// bundle has a blended one: between them every headline is defined somewhere.
TEST(Headline, EachFigureAloneEqualsTheHeadlineTable) {
  std::set<std::string> defined;
  for (const std::string name : {"monitor_capitation", "cjr_bundle"}) {
    SCOPED_TRACE(name);
    const scenario::Scenario s = shipped(name, 64);
    const engine::Model model = engine::build_model(s);
    const contract::Records records = testing_support::contract_records(s, model, 64, 16);
    VariantSummary summary;
    analyse_contract(s, model, records, summary);
    const EstimateTable& table = summary.headline;
    ASSERT_EQ(table.quantities.size(), headline_quantities().size());
    for (std::size_t q = 0; q < table.quantities.size(); ++q) {
      const std::string& figure = table.quantities[q].name;
      SCOPED_TRACE(figure);
      const stats::Estimate alone = headline_of(s, model, records, figure);
      EXPECT_TRUE(same_bits(alone.value, table.mean[q]));
      EXPECT_TRUE(same_bits(alone.se, table.se[q]));
      if (std::isfinite(alone.value) && std::isfinite(alone.se)) defined.insert(figure);
    }
    EXPECT_THROW(headline_of(s, model, records, "no_such_figure"), std::out_of_range);
  }
  for (const Quantity& quantity : headline_quantities())
    EXPECT_EQ(defined.count(quantity.name), 1u) << quantity.name << " never defined";
}

// One figure, one interval: each headline keeps the interval multiplier of the table it comes
// from (Student t over the analysis batches for the analyses' figures, 1.96 over replications
// for the contract totals), so the answers block and the source table print the same interval.
TEST(Headline, EachFigureKeepsItsSourceTablesInterval) {
  const scenario::Scenario s = shipped("cjr_bundle", 64);
  const engine::Model model = engine::build_model(s);
  const contract::Records records = testing_support::contract_records(s, model, 64, 16);
  VariantSummary summary;
  analyse_contract(s, model, records, summary);
  const EstimateTable& headline = summary.headline;
  const auto multiplier = [&](const char* name) { return headline.multiplier(headline.quantity(name)); };
  const AnalysisTable* risk = summary.analysis_table("risk", "net_result");
  ASSERT_NE(risk, nullptr);
  EXPECT_GT(risk->table.ci_multiplier, 1.97);  // 16 batches: t(15) = 2.131
  EXPECT_EQ(multiplier("var_99"), risk->table.ci_multiplier);
  EXPECT_EQ(multiplier("payer_net_savings"), summary.contract_portfolio.ci_multiplier);
  EXPECT_NE(multiplier("var_99"), multiplier("payer_net_savings"));
}

// The contract tables' portfolio: per replication, field totals over the provider-years of the
// column, and the savings rate of those totals (not a mean of rates); mean and se over
// replications.
TEST(ContractTables, PortfolioTotalsAndTheSavingsRateOfTotals) {
  handmade::HandRecords hand(2, 2, 1);
  const double benchmark[2][2] = {{100, 300}, {200, 200}};
  const double cost[2][2] = {{90, 330}, {150, 190}};
  for (std::uint64_t r = 0; r < 2; ++r)
    for (std::size_t p = 0; p < 2; ++p) {
      hand.at(r, p, 0, contract::kBenchmark) = benchmark[r][p];
      hand.at(r, p, 0, contract::kAccountableCost) = cost[r][p];
      hand.at(r, p, 0, contract::kEligible) = p == 0 ? 1 : 0;
    }
  VariantSummary out;
  contract_tables(hand.view(2), out);
  const EstimateTable& t = out.contract_portfolio;
  ASSERT_EQ(t.columns, (std::vector<std::string>{"P1", "agreement"}));
  // Replication 0: 400 vs 420 (-5%); replication 1: 400 vs 340 (+15%).
  EXPECT_EQ(handmade::mean_of(t, "benchmark", 0, 1), 400);
  EXPECT_NEAR(handmade::mean_of(t, "savings_rate", 0, 1), 0.05, 1e-15);
  EXPECT_NEAR(handmade::se_of(t, "savings_rate", 0, 1), 0.1, 1e-15);
  EXPECT_EQ(handmade::mean_of(t, "eligible_share", 0, 1), 0.5);
  EXPECT_NEAR(handmade::mean_of(out.contract_provider, "savings_rate", 1, 1), (-0.1 + 0.05) / 2,
              1e-15);
}

}  // namespace
}  // namespace apmsim::analysis
