// The money flows add up (docs/scenario-reference.md, "Payments per provider-year"): for every
// record of every variant of every shipped scenario with a contract,
//   ffs:        P = claims - W + E + R - Pr
//   capitation: P = Bp - W + E + R + S + X - Pr
//   fee:        P = Bp - W + E + R - Pr
// with Bp the base payment, W withheld, E earned back, R the reconciliation, S the stop-loss
// recovery, X the truncation excess and Pr the stop-loss premium, each read from its own record
// field; and monitor_capitation's premium row is its GBP 670 per patient times the units.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../support/contract_records.hpp"
#include "../support/reference_scenario.hpp"
#include "../support/shipped_scenario.hpp"
#include "analysis/record_view.hpp"
#include "analysis/risk.hpp"
#include "contract/evaluate.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/truncation.hpp"
#include "scenario/load.hpp"
#include "scenario/sweep.hpp"

namespace apmsim::analysis {
namespace {

namespace c = contract;

//! The text of a file.
std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

//! The records of `s`'s contract on `replications` replications of its model.
c::Records records_of(const scenario::Scenario& s, std::uint64_t replications) {
  return testing_support::contract_records(s, engine::build_model(s), replications, 8);
}

TEST(Waterfall, MoneyFlowsAddUpInEveryRecordOfEveryShippedScenario) {
  int scenarios = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(APMSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    const std::string name = entry.path().stem().string();
    scenario::Scenario base = testing_support::shipped(name, 8);
    if (!base.contract.present) continue;
    ++scenarios;
    std::vector<scenario::Variant> variants = scenario::expand_sweep(base);
    engine::resolve_truncation(variants, base.simulation.seed);
    for (const scenario::Variant& v : variants) {
      SCOPED_TRACE(name + " " + v.name);
      const c::Records r = records_of(v.scenario, 8);
      const std::size_t providers = r.providers.size();
      for (std::uint64_t rep = 0; rep < r.replications; ++rep)
        for (std::size_t p = 0; p < providers; ++p)
          for (int y = 0; y < r.years; ++y) {
            const double* f = r.record(rep, p, y);
            const scenario::BasePayment base_kind =
                v.scenario.contract.years[static_cast<std::size_t>(y)].base;
            const double common = -f[c::kWithheld] + f[c::kEarnedBack] + f[c::kReconciliation] -
                                  f[c::kStopLossPremium];
            double expected = 0.0;
            switch (base_kind) {
              case scenario::BasePayment::Ffs:
                expected = f[c::kActualCost] + common;
                break;
              case scenario::BasePayment::Capitation:
                expected = f[c::kBasePayment] + common + f[c::kStopLossRecovery] +
                           f[c::kTruncationExcess];
                break;
              case scenario::BasePayment::Fee:
                expected = f[c::kBasePayment] + common;
                break;
            }
            const double scale = std::fabs(f[c::kBasePayment]) + std::fabs(f[c::kActualCost]) + 1.0;
            ASSERT_NEAR(f[c::kPayment], expected, 1e-12 * scale)
                << "replication " << rep << " provider " << p << " year " << y + 1;
            ASSERT_GE(f[c::kTruncationExcess], 0.0);
            ASSERT_GE(f[c::kStopLossPremium], 0.0);
          }
    }
  }
  EXPECT_GE(scenarios, 8);
}

// Monitor's capitation (seed 003 sec. 7.3): the provider buys specific cover at GBP 670 per
// patient a year, so the premium row is 670 x units in every record.
TEST(Waterfall, MonitorPremiumIsSixHundredSeventyPerUnit) {
  const scenario::Scenario s = testing_support::shipped("monitor_capitation", 8);
  ASSERT_EQ(s.contract.years[0].stop_loss.premium, 670.0);
  const c::Records r = records_of(s, 8);
  for (std::uint64_t rep = 0; rep < r.replications; ++rep)
    for (std::size_t p = 0; p < r.providers.size(); ++p)
      for (int y = 0; y < r.years; ++y) {
        const double* f = r.record(rep, p, y);
        EXPECT_EQ(f[c::kStopLossPremium], 670.0 * f[c::kUnits]);
      }
}

// The stop-loss exhibit by performance year: each year's expected recovery per provider-year at
// monitor's GBP 20,000 attachment (no coinsurance, no truncation) equals the mean of the stop-loss
// recoveries the contract records give in that year, to 1e-12; the agreement column pools them.
TEST(Waterfall, ExhibitRecoveriesByYearEqualTheRecordsRecoveries) {
  const scenario::Scenario s = testing_support::shipped("monitor_capitation", 16);
  ASSERT_EQ(s.contract.years[0].stop_loss.coinsurance, 0.0);
  const engine::Model model = engine::build_model(s);
  const c::Records r = records_of(s, 16);
  const RecordView view = make_record_view(s, model, r);
  const auto tables = risk_analysis(view, s.contract, s.analysis);
  const AnalysisTable* exhibit = nullptr;
  for (const AnalysisTable& t : tables)
    if (t.name == "stop_loss_exhibit") exhibit = &t;
  ASSERT_NE(exhibit, nullptr);
  const EstimateTable& t = exhibit->table;
  std::size_t row = t.rows.size();
  for (std::size_t i = 0; i < t.rows.size(); ++i)
    if (t.rows[i] == "specific attachment=20000") row = i;
  ASSERT_LT(row, t.rows.size());
  const std::size_t q = t.quantity("expected_recoveries");
  double all = 0.0, n_all = 0.0;
  for (int y = 0; y < r.years; ++y) {
    double sum = 0.0, n = 0.0;
    for (std::uint64_t rep = 0; rep < r.replications; ++rep)
      for (std::size_t p = 0; p < r.providers.size(); ++p) {
        sum += r.record(rep, p, y)[c::kStopLossRecovery];
        n += 1.0;
      }
    all += sum;
    n_all += n;
    EXPECT_NEAR(t.mean[t.index(q, row, static_cast<std::size_t>(y))], sum / n, 1e-12 * sum / n)
        << "year " << y + 1;
  }
  EXPECT_NEAR(t.mean[t.index(q, row, static_cast<std::size_t>(r.years))], all / n_all,
              1e-12 * all / n_all);
  // The contract's own layer quoted per member-month as the specific layers quote 20000-inf.
  const AnalysisTable* layers = nullptr;
  for (const AnalysisTable& table : tables)
    if (table.name == "specific_layers") layers = &table;
  ASSERT_NE(layers, nullptr);
  const EstimateTable& l = layers->table;
  const auto at = [](const EstimateTable& e, const std::string& name) {
    for (std::size_t i = 0; i < e.rows.size(); ++i)
      if (e.rows[i] == name) return i;
    return e.rows.size();
  };
  const std::size_t mine = at(t, "contract layer 20000-inf x1 premium=670"), theirs = at(l, "20000-inf");
  ASSERT_LT(mine, t.rows.size());
  ASSERT_LT(theirs, l.rows.size());
  for (std::size_t column = 0; column <= static_cast<std::size_t>(r.years); ++column)
    for (const char* quantity : {"pure_premium_pmpm", "loaded_premium_pmpm"}) {
      const double expected = l.mean[l.index(l.quantity(quantity), theirs, column)];
      EXPECT_NEAR(t.mean[t.index(t.quantity(quantity), mine, column)], expected, 1e-12 * expected)
          << quantity << " column " << column;
    }
}

// Stop-loss as contract terms on monitor_capitation: a specific layer with a limit, a layer above
// it, an aggregate cover on the budget, and in performance year 2 two bands besides. Every cover's
// recoveries are in the records (stop_loss_recovery, aggregate_recovery), the premiums in
// stop_loss_premium; the exhibit's contract rows follow the terms: per year, the layers' and the
// aggregate's expected recoveries add up to the records' mean recovery, the total row equals it,
// and the premiums to the records' mean premium, to 1e-12.
TEST(Waterfall, ExhibitFollowsTheContractsLayersBandsAndAggregate) {
  std::string text = read_text(std::string(APMSIM_SOURCE_DIR) + "/scenarios/monitor_capitation.toml");
  const std::string old = "[contract.stop_loss]\nattachment = 20000.0\ncoinsurance = 0.0\npremium = 670.0\n";
  ASSERT_NE(text.find(old), std::string::npos);
  text.replace(text.find(old), old.size(),
               "[contract.stop_loss]\nattachment = 20000.0\nlimit = 60000.0\ncoinsurance = 0.1\n"
               "premium = 500.0\n[[contract.stop_loss.layer]]\nattachment = 60000.0\n"
               "premium = 90.0\n[contract.stop_loss.aggregate]\nattachment_factor = 0.8\n"
               "limit = 2000000.0\ncoinsurance = 0.05\npremium = 40.0\n");
  const std::string sweep = "[sweep]";
  text = text.substr(0, text.find(sweep)) +
         "[[contract.year]]\nyear = 2\n[contract.year.stop_loss]\nband_premium = 120.0\n"
         "[[contract.year.stop_loss.band]]\nlower = 15000.0\nupper = 40000.0\nshare = 0.5\n"
         "[[contract.year.stop_loss.band]]\nlower = 40000.0\nshare = 0.95\n";
  scenario::Scenario s = scenario::parse_scenario(text, "monitor_layers.toml");
  s.simulation.replications = 16;
  ASSERT_EQ(s.contract.years[1].stop_loss.bands.size(), 2u);
  ASSERT_EQ(s.contract.years[0].stop_loss.bands.size(), 0u);
  const engine::Model model = engine::build_model(s);
  const c::Records r = records_of(s, 16);
  const auto tables = risk_analysis(make_record_view(s, model, r), s.contract, s.analysis);
  const AnalysisTable* exhibit = nullptr;
  for (const AnalysisTable& t : tables)
    if (t.name == "stop_loss_exhibit") exhibit = &t;
  ASSERT_NE(exhibit, nullptr);
  const EstimateTable& t = exhibit->table;
  const std::vector<std::string> contract_rows(t.rows.begin(), t.rows.begin() + 7);
  EXPECT_EQ(contract_rows,
            (std::vector<std::string>{"contract stop-loss",
                                      "contract layer 20000-60000 x0.9 premium=500",
                                      "contract layer 60000-inf x1 premium=90",
                                      "contract band 15000-40000 x0.5",
                                      "contract band 40000-inf x0.95", "contract bands",
                                      "contract aggregate"}));
  const std::size_t recoveries = t.quantity("expected_recoveries"), premium = t.quantity("premium");
  for (int y = 0; y <= r.years; ++y) {  // each year, then the agreement
    double recovery = 0.0, charged = 0.0, aggregate = 0.0, n = 0.0;
    for (std::uint64_t rep = 0; rep < r.replications; ++rep)
      for (std::size_t p = 0; p < r.providers.size(); ++p)
        for (int k = 0; k < r.years; ++k) {
          if (y < r.years && k != y) continue;
          recovery += r.record(rep, p, k)[c::kStopLossRecovery];
          aggregate += r.record(rep, p, k)[c::kAggregateRecovery];
          charged += r.record(rep, p, k)[c::kStopLossPremium];
          n += 1.0;
        }
    ASSERT_GT(aggregate, 0.0);
    const auto column = static_cast<std::size_t>(y);
    const auto cell = [&](std::size_t q, std::size_t row) { return t.mean[t.index(q, row, column)]; };
    EXPECT_NEAR(cell(recoveries, 0), recovery / n, 1e-12 * recovery / n) << "column " << y;
    EXPECT_NEAR(cell(premium, 0), charged / n, 1e-12 * charged / n) << "column " << y;
    // Recoveries: the layers, each band and the aggregate; premiums: the layers, the bands
    // together (their one premium) and the aggregate.
    double parts = 0.0, premiums = 0.0;
    for (std::size_t row : {1, 2, 3, 4, 6}) parts += cell(recoveries, row);
    for (std::size_t row : {1, 2, 5, 6}) premiums += cell(premium, row);
    EXPECT_NEAR(parts, recovery / n, 1e-12 * recovery / n) << "column " << y;
    EXPECT_NEAR(premiums, charged / n, 1e-12 * charged / n) << "column " << y;
    EXPECT_NEAR(cell(recoveries, 5), cell(recoveries, 3) + cell(recoveries, 4),
                1e-12 * cell(recoveries, 5)) << "column " << y;
    EXPECT_NEAR(cell(recoveries, 6), aggregate / n, 1e-12 * aggregate / n) << "column " << y;
  }
}

// The stop-loss tables quote the [tallies] thresholds and the contract's attachments, not the
// truncation pilot's per-year amounts (which are tally thresholds too).
TEST(Waterfall, StopLossTablesQuoteAttachmentsNotPilotAmounts) {
  scenario::Scenario s = testing::truncating_stop_loss_world(0.99, 50000.0, 25000.0);
  s.simulation.replications = 8;
  engine::resolve_truncation(s, s.simulation.seed);
  ASSERT_EQ(s.tallies.thresholds.size(), 6u);  // 2 + one amount per calendar year
  const engine::Model model = engine::build_model(s);
  const c::Records r = records_of(s, 8);
  const auto tables = risk_analysis(make_record_view(s, model, r), s.contract, s.analysis);
  for (const AnalysisTable& t : tables) {
    if (t.name == "specific_layers") {
      EXPECT_EQ(t.table.rows, (std::vector<std::string>{"25000-50000", "50000-inf"}));
    }
    if (t.name == "stop_loss_exhibit") {
      std::vector<std::string> specific;
      for (const std::string& row : t.table.rows)
        if (row.rfind("specific", 0) == 0) specific.push_back(row);
      EXPECT_EQ(specific, (std::vector<std::string>{"specific attachment=25000", "specific attachment=50000"}));
    }
  }
}

}  // namespace
}  // namespace apmsim::analysis
