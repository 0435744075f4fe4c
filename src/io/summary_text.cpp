// The human summary of a run: a few header lines, then per variant the portfolio estimates by
// year and one line per region. Everything else (per-provider tables, tallies) stays in the file.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "contract/records.hpp"
#include "io/results_file.hpp"

namespace apmsim::io {
namespace {

using analysis::EstimateTable;

//! The cost table's columns (when present); measure rates get a table of their own.
const char* const kCostColumns[] = {"units", "cost_per_unit", "counterfactual_per_unit",
                                    "true_savings_rate", "risk_score_per_unit"};
//! Rates that are not outcome measures.
const char* const kNotMeasures[] = {"true_savings_rate", "any_cost_rate", "catastrophic_rate"};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

//! An outcome measure's contract-visible rate: "<measure>_rate".
bool is_measure_rate(const std::string& n) {
  if (!ends_with(n, "_rate") || ends_with(n, "_true_rate") || ends_with(n, "_response_rate"))
    return false;
  return std::none_of(std::begin(kNotMeasures), std::end(kNotMeasures),
                      [&](const char* x) { return n == x; });
}

std::string printf_string(const char* format, int decimals, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, decimals, value);
  return buffer;
}

//! `value` to `decimals` places; trailing zeros dropped when `trim`.
std::string fixed(double value, int decimals, bool trim) {
  std::string text = printf_string("%.*f", decimals, value);
  if (trim && text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

//! "estimate ± se", both rounded to the standard error's second significant digit; an exact
//! value (se 0 or unknown) to about six significant digits; NaN as "-".
std::string estimate_text(double mean, double se) {
  if (std::isnan(mean)) return "-";
  if (!std::isfinite(mean)) return mean > 0 ? "inf" : "-inf";
  if (std::isfinite(se) && se > 1e-12 * std::fabs(mean)) {
    const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(se))), 0, 10);
    return fixed(mean, decimals, false) + " ± " + fixed(se, decimals, false);
  }
  const int magnitude = mean == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::fabs(mean))));
  return fixed(mean, std::clamp(5 - magnitude, 0, 6), true);
}

//! Display width of UTF-8 text (continuation bytes take no column).
std::size_t columns(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

//! Aligns a table: first column left, the others right, two spaces apart.
void render(std::ostringstream& out, const std::vector<std::vector<std::string>>& table,
            const std::string& indent) {
  std::vector<std::size_t> width;
  for (const auto& row : table) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], columns(row[c]));
  }
  for (const auto& row : table) {
    std::string line = indent;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - columns(row[c]), ' ');
      line += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  }
}

//! "B1".."B<n>" for baseline and "P1".. for performance years when the table covers both.
std::vector<std::string> year_labels(const analysis::RunInfo& info, int years) {
  std::vector<std::string> labels;
  const bool split =
      info.baseline_years >= 0 && info.baseline_years + info.performance_years == years;
  for (int y = 0; y < years; ++y) {
    if (!split)
      labels.push_back("year " + std::to_string(y));
    else if (y < info.baseline_years)
      labels.push_back("B" + std::to_string(y + 1));
    else
      labels.push_back("P" + std::to_string(y - info.baseline_years + 1));
  }
  return labels;
}

std::vector<std::size_t> quantities_where(const EstimateTable& table,
                                          bool (*wanted)(const std::string&)) {
  std::vector<std::size_t> chosen;
  for (std::size_t q = 0; q < table.quantities.size(); ++q)
    if (wanted(table.quantities[q].name)) chosen.push_back(q);
  return chosen;
}

bool is_cost_column(const std::string& n) {
  return std::any_of(std::begin(kCostColumns), std::end(kCostColumns),
                     [&](const char* x) { return n == x; });
}

//! Row r's values by year for the chosen quantities, as one aligned table.
void row_table(std::ostringstream& out, const EstimateTable& table, std::size_t r,
               const std::vector<std::size_t>& chosen, const std::string& title,
               const std::vector<std::string>& labels) {
  if (chosen.empty()) return;
  std::vector<std::vector<std::string>> cells{{title}};
  for (std::size_t q : chosen) cells[0].push_back(table.quantities[q].name);
  for (int y = 0; y < table.years; ++y) {
    std::vector<std::string> line{"  " + labels[static_cast<std::size_t>(y)]};
    for (std::size_t q : chosen) {
      const std::size_t i = table.index(q, r, static_cast<std::size_t>(y));
      line.push_back(estimate_text(table.mean[i], table.se[i]));
    }
    cells.push_back(std::move(line));
  }
  render(out, cells, "  ");
}

//! True if rows a and b hold the same numbers (e.g. "all" when every provider participates).
bool same_rows(const EstimateTable& t, std::size_t a, std::size_t b) {
  for (std::size_t q = 0; q < t.quantities.size(); ++q)
    for (int y = 0; y < t.years; ++y) {
      const double x = t.mean[t.index(q, a, y)], z = t.mean[t.index(q, b, y)];
      if (!(x == z || (std::isnan(x) && std::isnan(z)))) return false;
    }
  return true;
}

void portfolio_tables(std::ostringstream& out, const EstimateTable& table,
                      const std::vector<std::string>& labels) {
  const std::vector<std::size_t> cost = quantities_where(table, is_cost_column);
  const std::vector<std::size_t> measures = quantities_where(table, is_measure_rate);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (r > 0 && same_rows(table, 0, r)) {
      out << "  portfolio: " << table.rows[r] << ": same as " << table.rows[0] << "\n";
      continue;
    }
    row_table(out, table, r, cost, "portfolio: " + table.rows[r], labels);
    row_table(out, table, r, measures, "  measures (achieved / measured)", labels);
  }
}

void region_table(std::ostringstream& out, const EstimateTable& table,
                  const std::vector<std::string>& labels) {
  if (table.rows.empty() || table.quantities.empty()) return;
  std::size_t q = 0;
  for (std::size_t i = 0; i < table.quantities.size(); ++i)
    if (table.quantities[i].name == "cost_per_unit") q = i;
  std::vector<std::vector<std::string>> cells{{"regions: " + table.quantities[q].name}};
  cells[0].insert(cells[0].end(), labels.begin(), labels.end());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    std::vector<std::string> line{"  " + table.rows[r]};
    for (int y = 0; y < table.years; ++y) {
      const std::size_t i = table.index(q, r, static_cast<std::size_t>(y));
      line.push_back(estimate_text(table.mean[i], table.se[i]));
    }
    cells.push_back(std::move(line));
  }
  render(out, cells, "  ");
}

std::string duration_text(double seconds) {
  if (!(seconds >= 0)) return "-";
  if (seconds < 60) return fixed(seconds, 1, false) + " s";
  const long total = std::lround(seconds);
  char buffer[32];
  if (total < 3600)
    std::snprintf(buffer, sizeof buffer, "%ldm %02lds", total / 60, total % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%ldh %02ldm", total / 3600, total % 3600 / 60);
  return buffer;
}

//! A rate with an SI prefix, e.g. "4.56 M".
std::string si_text(double value) {
  const char* const prefixes[] = {"", " k", " M", " G", " T"};
  int p = 0;
  while (std::fabs(value) >= 1000 && p < 4) {
    value /= 1000;
    ++p;
  }
  return printf_string("%.*f",
                       std::fabs(value) < 10    ? 2
                       : std::fabs(value) < 100 ? 1
                                                : 0,
                       value) +
         prefixes[p];
}

void header(std::ostringstream& out, const analysis::Results& results) {
  const analysis::RunInfo& info = results.info;
  out << "scenario " << (results.scenario_path.empty() ? "-" : results.scenario_path);
  if (!results.scenario_sha256.empty())
    out << " (sha256 " << results.scenario_sha256.substr(0, 12) << ")";
  out << "\nseed " << info.seed << ", " << info.replications << " replications (batches of "
      << info.batch_size << "), years B1-B" << info.baseline_years << " baseline, P1-P"
      << info.performance_years << " performance\n";
  out << "backend " << info.backend << " (" << info.device << "), "
      << duration_text(info.elapsed_seconds) << ", "
      << (info.elapsed_seconds > 0 ? si_text(info.unit_years / info.elapsed_seconds) : "-")
      << " unit-years/s\n";
  if (info.shard_count > 0)
    out << "shard " << info.shard_index << " of " << info.shard_count << ": replications "
        << info.first_replication << " to " << info.first_replication + info.replications
        << " of " << info.total_replications << " (estimates of this shard alone; join the "
        << "shards with apmsim merge)\n";
  if (!info.target_se.empty())
    out << "target-se " << info.target_se << ": achieved relative se "
        << fixed(info.achieved_relative_se, 4, false) << "\n";
}

//! "P1".. for performance-year columns, the rest as named.
std::string column_label(const std::string& name) {
  const std::string prefix = "performance_year_";
  return name.rfind(prefix, 0) == 0 ? "P" + name.substr(prefix.size()) : name;
}


//! Chosen quantities (rows) by the table's columns for one table row.
void by_column(std::ostringstream& out, const EstimateTable& t, std::size_t row,
               const std::vector<std::string>& names, const std::string& title) {
  std::vector<std::vector<std::string>> cells{{title}};
  for (const auto& c : t.columns) cells[0].push_back(column_label(c));
  for (const auto& name : names) {
    std::size_t q;
    try {
      q = t.quantity(name);
    } catch (const std::out_of_range&) {
      continue;
    }
    std::vector<std::string> line{"  " + name};
    for (int y = 0; y < t.years; ++y) {
      const std::size_t i = t.index(q, row, static_cast<std::size_t>(y));
      line.push_back(estimate_text(t.mean[i], t.se[i]));
    }
    cells.push_back(std::move(line));
  }
  render(out, cells, "  ");
}

//! Chosen quantities (columns) for every row of a one-column table.
void by_row(std::ostringstream& out, const EstimateTable& t, const std::vector<std::string>& names,
            const std::string& title, std::size_t column = 0) {
  std::vector<std::vector<std::string>> cells{{title}};
  std::vector<std::size_t> qs;
  for (const auto& name : names) {
    for (std::size_t q = 0; q < t.quantities.size(); ++q)
      if (t.quantities[q].name == name) {
        qs.push_back(q);
        cells[0].push_back(name);
      }
  }
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::string> line{"  " + t.rows[r]};
    for (std::size_t q : qs) {
      const std::size_t i = t.index(q, r, column);
      line.push_back(estimate_text(t.mean[i], t.se[i]));
    }
    cells.push_back(std::move(line));
  }
  render(out, cells, "  ");
}

void headline_lines(std::ostringstream& out, const EstimateTable& h) {
  std::vector<std::vector<std::string>> cells{
      {"key figures (agreement, all participants)", "estimate ± se", "95% interval"}};
  for (std::size_t q = 0; q < h.quantities.size(); ++q) {
    const double m = h.mean[q], se = h.se[q];
    if (std::isnan(m)) continue;
    std::string interval = "-";
    if (std::isfinite(se) && se > 0)
      interval = "[" + estimate_text(m - h.ci_multiplier * se, 0) + ", " +
                 estimate_text(m + h.ci_multiplier * se, 0) + "]";
    cells.push_back({"  " + h.quantities[q].name, estimate_text(m, se), interval});
  }
  render(out, cells, "  ");
}

void contract_sections(std::ostringstream& out, const analysis::VariantSummary& v) {
  if (!v.has_contract) return;
  out << "  contract (portfolio of participants; money totals per replication):\n";
  namespace c = contract;
  by_column(out, v.contract_portfolio, 0,
            {c::field_name(c::kBenchmark), c::field_name(c::kAccountableCost),
             c::field_name(c::kSavingsRate), c::field_name(c::kTrueSavingsRate), "eligible_share",
             c::field_name(c::kQualityScore), c::field_name(c::kReconciliation),
             c::field_name(c::kWithheld), c::field_name(c::kForfeited),
             c::field_name(c::kStopLossRecovery), c::field_name(c::kNetProviderResult),
             c::field_name(c::kPayerNetSavings)},
            "contract");
  headline_lines(out, v.headline);
  if (const auto* t = v.analysis_table("withhold", "forfeit"))
    by_column(out, t->table, 0,
              {"forfeited", "forfeit_share", "forfeit_probability", "shortfall_forfeit",
               "noise_forfeit", "noise_forfeit_probability"},
              "withhold pricing");
  if (const auto* t = v.analysis_table("withhold", "solved_rate"))
    by_row(out, t->table, {"rate"}, "withhold rate for target");
  if (const auto* t = v.analysis_table("benchmark", "methods"))
    by_row(out, t->table, {"bias", "sd", "rmse", "corr_efficiency", "corr_region_shock"},
           "benchmark error vs counterfactual (all years)",
           static_cast<std::size_t>(t->table.years - 1));
  if (const auto* t = v.analysis_table("threshold", "rates"))
    by_row(out, t->table,
           {"mean_units", "excluded_share", "false_reward", "false_penalty", "false_negative"},
           "minimum-threshold test");
  if (const auto* t = v.analysis_table("threshold", "msr"))
    by_row(out, t->table, {"null_savings_rate_sd", "msr_for_alpha", "msr_normal"},
           "MSR keeping false reward <= alpha");
  if (const auto* t = v.analysis_table("risk", "net_result"))
    by_column(out, t->table, t->table.rows.size() - 1,
              {"mean", "sd", "loss_probability", "var_95", "var_99", "var_995", "tvar_95",
               "tvar_99", "tvar_995", "capital_995"},
              "downside risk: portfolio net result (VaR/TVaR of the loss)");
  if (const auto* t = v.analysis_table("risk", "specific_layers"))
    by_row(out, t->table, {"pure_premium", "loaded_premium", "attach_probability"},
           "specific stop-loss layers (per unit)");
  if (const auto* t = v.analysis_table("risk", "aggregate_layers"))
    by_row(out, t->table, {"pure_premium", "loaded_premium", "attach_probability"},
           "aggregate stop-loss layers (per provider-year)");
  if (const auto* t = v.analysis_table("risk", "corridor_bands"))
    by_row(out, t->table, {"expected_payer_cost", "var_99", "tvar_99"},
           "corridor bands: payer cost per provider-year");
}

//! With a sweep: the headline figures of every variant side by side.
void variant_comparison(std::ostringstream& out, const analysis::Results& results) {
  if (results.variants.size() < 2 || !results.variants.front().has_contract) return;
  const EstimateTable& first = results.variants.front().headline;
  std::vector<std::vector<std::string>> cells{{"variants"}};
  for (const auto& q : first.quantities) cells[0].push_back(q.name);
  for (const auto& v : results.variants) {
    std::vector<std::string> line{"  " + v.name};
    for (std::size_t q = 0; q < v.headline.quantities.size(); ++q)
      line.push_back(estimate_text(v.headline.mean[q], v.headline.se[q]));
    cells.push_back(std::move(line));
  }
  out << "\n";
  render(out, cells, "");
}

}  // namespace

std::string format_summary(const analysis::Results& results) {
  std::ostringstream out;
  header(out, results);
  for (const analysis::VariantSummary& variant : results.variants) {
    const auto participants = std::count_if(variant.providers.begin(), variant.providers.end(),
                                            [](const auto& p) { return p.participant; });
    const std::size_t providers = variant.providers.size();
    out << "\nvariant " << variant.name << ": " << providers
        << (providers == 1 ? " provider (" : " providers (") << participants
        << (participants == 1 ? " participant" : " participants")
        << "); per-provider estimates are in the results file\n";
    if (&variant != &results.variants.front() && variant.has_contract) {
      headline_lines(out, variant.headline);  // populations and analyses: see the first variant
      continue;
    }
    portfolio_tables(out, variant.portfolio, year_labels(results.info, variant.portfolio.years));
    region_table(out, variant.region, year_labels(results.info, variant.region.years));
    contract_sections(out, variant);
  }
  variant_comparison(out, results);
  return out.str();
}

}  // namespace apmsim::io
