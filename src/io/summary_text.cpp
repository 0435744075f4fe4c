// The human summary of a run: a few header lines, then per variant the portfolio estimates by
// year and one line per region. Everything else (per-provider tables, tallies) stays in the file.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

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
  if (std::isfinite(se) && se > 0) {
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
    portfolio_tables(out, variant.portfolio, year_labels(results.info, variant.portfolio.years));
    region_table(out, variant.region, year_labels(results.info, variant.region.years));
  }
  return out.str();
}

}  // namespace apmsim::io
