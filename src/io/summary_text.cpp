// The human summary of a run (what `apmsim run` prints and `apmsim summary` prints back): a few
// header lines saying how to read it, then for every variant the population by year, the contract's
// money flows, the key figures with intervals and the four analyses; with a sweep, the variants'
// key figures side by side. Per-provider tables stay in the file. Digits follow
// io/number_text.hpp; the intervals are the ones stored (each table's ci_multiplier).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "contract/records.hpp"
#include "io/number_text.hpp"
#include "io/results_file.hpp"

namespace apmsim::io {
namespace {

using analysis::EstimateTable;
using Cells = std::vector<std::vector<std::string>>;

//! The population table's columns (when present); measure rates get a table of their own.
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

bool is_cost_column(const std::string& n) {
  return std::any_of(std::begin(kCostColumns), std::end(kCostColumns),
                     [&](const char* x) { return n == x; });
}

//! Display width of UTF-8 text (continuation bytes take no column).
std::size_t columns(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

//! The widest line the summary prints, and its format (format_summary sets them for the call).
thread_local std::size_t g_width = kSummaryWidth;
thread_local SummaryFormat g_format = SummaryFormat::kText;

std::string trimmed(const std::string& text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

//! A table cell for Markdown: without its indentation, `|` escaped.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : trimmed(text)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

//! A table as a GitHub Markdown table: the title (the first header cell) in bold above it, the
//! first column left-aligned, the others right-aligned; never cut into blocks.
void render_markdown(std::ostringstream& out, const Cells& table) {
  std::size_t width = 0;
  for (const auto& row : table) width = std::max(width, row.size());
  if (width == 0) return;
  const std::string title = markdown_cell(table[0][0]);
  out << "\n";
  if (!title.empty()) out << "**" << title << "**\n\n";
  for (std::size_t r = 0; r < table.size(); ++r) {
    out << '|';
    for (std::size_t c = 0; c < width; ++c)
      out << ' ' << (c < table[r].size() && (r > 0 || c > 0) ? markdown_cell(table[r][c]) : "")
          << " |";
    out << '\n';
    if (r == 0) {
      out << "| :---";
      for (std::size_t c = 1; c < width; ++c) out << " | ---:";
      out << " |\n";
    }
  }
  out << "\n";
}

//! The text summary's prose as Markdown, its tables (already Markdown) kept: a variant's line
//! becomes a heading, indentation goes, and consecutive lines keep their breaks.
std::string markdown_text(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const bool prose = !line.empty() && line[0] != '|' && line.rfind("**", 0) != 0;
    if (!prose) {
      if (!(line.empty() && (out.empty() || ends_with(out, "\n\n")))) out += line + "\n";
      continue;
    }
    if (line.rfind("variant ", 0) == 0) {
      if (!out.empty() && !ends_with(out, "\n\n")) out += "\n";
      out += "## " + line + "\n\n";
      continue;
    }
    const bool next_prose = i + 1 < lines.size() && !lines[i + 1].empty() &&
                            lines[i + 1][0] != '|' && lines[i + 1].rfind("**", 0) != 0 &&
                            lines[i + 1].rfind("variant ", 0) != 0;
    out += trimmed(line) + (next_prose ? "  \n" : "\n\n");
  }
  while (ends_with(out, "\n\n")) out.pop_back();
  return out;
}

//! Aligns a table: first column left, the others right, two spaces apart. A table wider than
//! the page is cut into blocks of columns that fit, each with the first column (and the header
//! row) again, so no line is wider than the page unless one column alone is.
void render(std::ostringstream& out, const Cells& given, const std::string& indent,
            std::size_t lead = 1) {
  if (g_format == SummaryFormat::kMarkdown) return render_markdown(out, given);
  // A title far wider than the row labels goes on a line of its own, above the table.
  Cells table = given;
  std::size_t labels = 0;
  for (std::size_t r = 1; r < table.size(); ++r)
    if (!table[r].empty()) labels = std::max(labels, columns(table[r][0]));
  if (!table.empty() && !table[0].empty() && columns(table[0][0]) > labels + 16) {
    out << indent << table[0][0] << '\n';
    table[0][0].clear();
  }
  std::vector<std::size_t> width;
  for (const auto& row : table) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], columns(row[c]));
  }
  if (width.empty()) return;
  // Blocks of columns [first, last) after the `lead` columns every block repeats.
  lead = std::min(std::max<std::size_t>(lead, 1), width.size());
  std::size_t lead_width = columns(indent);
  for (std::size_t c = 0; c < lead; ++c) lead_width += width[c] + (c ? 2 : 0);
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  std::size_t used = lead_width;
  for (std::size_t c = lead; c < width.size(); ++c) {
    if (blocks.empty() || used + 2 + width[c] > g_width) {
      blocks.emplace_back(c, c);
      used = lead_width;
    }
    blocks.back().second = c + 1;
    used += 2 + width[c];
  }
  if (blocks.empty()) blocks.emplace_back(lead, lead);
  for (const auto& [first, last] : blocks) {
    for (const auto& row : table) {
      std::string line = indent;
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c >= lead && (c < first || c >= last)) continue;
        const std::string pad(width[c] - columns(row[c]), ' ');
        line += c == 0 ? row[c] + pad : "  " + pad + row[c];
      }
      line.erase(line.find_last_not_of(' ') + 1);
      out << line << '\n';
    }
  }
}

//! "estimate ± se" for a column of values, sharing the most precise value's decimals.
std::vector<std::string> column_cells(const std::vector<double>& means,
                                      const std::vector<double>& ses, NumberKind kind) {
  const int decimals = shared_decimals(means, ses, kind);
  std::vector<std::string> text;
  for (std::size_t i = 0; i < means.size(); ++i)
    text.push_back(
        estimate_text(means[i], ses[i], cell_decimals(means[i], ses[i], decimals, kind), kind));
  return text;
}

//! One quantity's cells at the given (row, column) positions, lined up.
std::vector<std::string> quantity_cells(const EstimateTable& t, std::size_t q,
                                        const std::vector<std::pair<std::size_t, std::size_t>>& at) {
  std::vector<double> means, ses;
  for (const auto& [r, y] : at) {
    means.push_back(t.mean[t.index(q, r, y)]);
    ses.push_back(t.se[t.index(q, r, y)]);
  }
  return column_cells(means, ses, number_kind(t.quantities[q].unit));
}

//! "name (unit)" for a column header or a row label.
std::string labelled(const analysis::Quantity& q, const std::string& currency) {
  const std::string unit = unit_label(q.unit, currency);
  return unit.empty() || unit == "units" ? q.name : q.name + " (" + unit + ")";
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

//! The table's quantities among `names`, in the order of `names`.
std::vector<std::size_t> chosen(const EstimateTable& t, const std::vector<std::string>& names) {
  std::vector<std::size_t> out;
  for (const auto& name : names)
    for (std::size_t q = 0; q < t.quantities.size(); ++q)
      if (t.quantities[q].name == name) out.push_back(q);
  return out;
}

//! Quantities as columns, the years (or one-column rows) as rows: each column lines up.
void quantities_across(std::ostringstream& out, const EstimateTable& t,
                       const std::vector<std::size_t>& qs, const std::string& title,
                       const std::vector<std::string>& row_labels,
                       const std::vector<std::pair<std::size_t, std::size_t>>& at,
                       const std::string& currency) {
  if (qs.empty() || at.empty()) return;
  Cells cells{{title}};
  std::vector<std::vector<std::string>> by_quantity;
  for (std::size_t q : qs) {
    cells[0].push_back(labelled(t.quantities[q], currency));
    by_quantity.push_back(quantity_cells(t, q, at));
  }
  for (std::size_t i = 0; i < at.size(); ++i) {
    std::vector<std::string> line{"  " + row_labels[i]};
    for (const auto& column : by_quantity) line.push_back(column[i]);
    cells.push_back(std::move(line));
  }
  render(out, cells, "  ");
}

//! Row r of a by-year table, the chosen quantities as columns.
void row_by_year(std::ostringstream& out, const EstimateTable& t, std::size_t r,
                 const std::vector<std::size_t>& qs, const std::string& title,
                 const std::vector<std::string>& labels, const std::string& currency) {
  std::vector<std::pair<std::size_t, std::size_t>> at;
  for (int y = 0; y < t.years; ++y) at.emplace_back(r, static_cast<std::size_t>(y));
  quantities_across(out, t, qs, title, labels, at, currency);
}

//! Every row of a table at one column, the chosen quantities as columns.
void rows_at(std::ostringstream& out, const EstimateTable& t, const std::vector<std::string>& names,
             const std::string& title, std::size_t column, const std::string& currency) {
  std::vector<std::pair<std::size_t, std::size_t>> at;
  for (std::size_t r = 0; r < t.rows.size(); ++r) at.emplace_back(r, column);
  quantities_across(out, t, chosen(t, names), title, t.rows, at, currency);
}

//! Every row of a table at every column (performance years, then the agreement), the chosen
//! quantities as columns: a pricing table by year.
void rows_by_column(std::ostringstream& out, const EstimateTable& t,
                    const std::vector<std::string>& names, const std::string& title,
                    const std::string& currency) {
  std::vector<std::pair<std::size_t, std::size_t>> at;
  std::vector<std::string> labels;
  for (std::size_t r = 0; r < t.rows.size(); ++r)
    for (int y = 0; y < t.years; ++y) {
      at.emplace_back(r, static_cast<std::size_t>(y));
      labels.push_back(t.rows[r] + " " +
                       (t.columns.empty() ? std::to_string(y) : t.columns[y]));
    }
  quantities_across(out, t, chosen(t, names), title, labels, at, currency);
}

//! The chosen quantities as rows (with their unit), the table's columns as columns, one row.
void quantities_down(std::ostringstream& out, const EstimateTable& t, std::size_t row,
                     const std::vector<std::string>& names, const std::string& title,
                     const std::string& currency) {
  Cells cells{{title, ""}};
  for (const auto& c : t.columns) cells[0].push_back(c);
  std::vector<std::pair<std::size_t, std::size_t>> at;
  for (int y = 0; y < t.years; ++y) at.emplace_back(row, static_cast<std::size_t>(y));
  for (std::size_t q : chosen(t, names)) {
    std::vector<std::string> line{"  " + t.quantities[q].name,
                                  unit_label(t.quantities[q].unit, currency)};
    for (auto& cell : quantity_cells(t, q, at)) line.push_back(std::move(cell));
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

//! True if two tables hold the same estimates (a sweep that leaves the population alone).
bool same_values(const EstimateTable& a, const EstimateTable& b) {
  const auto same = [](double x, double z) { return x == z || (std::isnan(x) && std::isnan(z)); };
  return a.rows == b.rows && a.mean.size() == b.mean.size() &&
         std::equal(a.mean.begin(), a.mean.end(), b.mean.begin(), same) &&
         std::equal(a.se.begin(), a.se.end(), b.se.begin(), same);
}

void population_tables(std::ostringstream& out, const EstimateTable& t,
                       const std::vector<std::string>& labels, const std::string& currency) {
  std::vector<std::size_t> cost, measures;
  for (std::size_t q = 0; q < t.quantities.size(); ++q) {
    if (is_cost_column(t.quantities[q].name)) cost.push_back(q);
    if (is_measure_rate(t.quantities[q].name)) measures.push_back(q);
  }
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    if (r > 0 && same_rows(t, 0, r)) {
      out << "  population: " << t.rows[r] << ": same as " << t.rows[0] << "\n";
      continue;
    }
    row_by_year(out, t, r, cost, "population: " + t.rows[r] + " (per unit)", labels, currency);
    row_by_year(out, t, r, measures, "  measures (achieved / measured)", labels, currency);
  }
}

void region_table(std::ostringstream& out, const EstimateTable& t,
                  const std::vector<std::string>& labels, const std::string& currency) {
  const std::vector<std::size_t> q = chosen(t, {"cost_per_unit"});
  if (t.rows.empty() || q.empty()) return;
  Cells cells{{"regions: " + labelled(t.quantities[q[0]], currency)}};
  cells[0].insert(cells[0].end(), labels.begin(), labels.end());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::pair<std::size_t, std::size_t>> at;
    for (int y = 0; y < t.years; ++y) at.emplace_back(r, static_cast<std::size_t>(y));
    std::vector<std::string> line{"  " + t.rows[r]};
    for (auto& cell : quantity_cells(t, q[0], at)) line.push_back(std::move(cell));
    if (std::all_of(line.begin() + 1, line.end(), [](const std::string& c) { return c == "-"; }))
      line = {"  " + t.rows[r] + ": no comparison population"};
    cells.push_back(std::move(line));
  }
  render(out, cells, "  ");
}

std::string batches_text(const analysis::RunInfo& info) {
  if (info.batch_size == 0 || info.batch_size >= info.replications) return "in one batch";
  const std::uint64_t batches = (info.replications + info.batch_size - 1) / info.batch_size;
  return "in " + std::to_string(batches) + " batches of up to " + std::to_string(info.batch_size);
}

std::string years_text(const analysis::RunInfo& info) {
  const auto span = [](const char* letter, int n) {
    return n == 1 ? std::string(letter) + "1"
                  : std::string(letter) + "1-" + letter + std::to_string(n);
  };
  return std::to_string(info.baseline_years) +
         (info.baseline_years == 1 ? " baseline year (" : " baseline years (") +
         span("B", info.baseline_years) + "), " + std::to_string(info.performance_years) +
         (info.performance_years == 1 ? " performance year (" : " performance years (") +
         span("P", info.performance_years) + ")";
}

void header(std::ostringstream& out, const analysis::Results& results) {
  const analysis::RunInfo& info = results.info;
  out << "scenario " << (results.scenario_path.empty() ? "-" : results.scenario_path);
  if (!results.scenario_sha256.empty())
    out << " (sha256 " << results.scenario_sha256.substr(0, 12) << ")";
  out << "\nseed " << info.seed << ", " << number_text(static_cast<double>(info.replications), 0,
                                                       NumberKind::kPlain)
      << " replications " << batches_text(info) << "; " << years_text(info) << "\n";
  if (info.backend == "stored") {  // apmsim price: nothing simulated
    out << "priced on the " << info.device << " (no simulation); evaluation "
        << duration_text(info.elapsed_seconds) << "\n";
  } else {
    out << "backend " << info.backend << " (" << info.device << "); simulation "
        << duration_text(info.elapsed_seconds) << ", "
        << (info.elapsed_seconds > 0 ? si_text(info.unit_years / info.elapsed_seconds) : "-")
        << " unit-years/s\n";
  }
  if (info.shard_count > 0)
    out << "shard " << info.shard_index << " of " << info.shard_count << ": replications "
        << info.first_replication << " to " << info.first_replication + info.replications
        << " of " << info.total_replications << " (estimates of this shard alone; join the "
        << "shards with apmsim merge)\n";
  if (!info.parameter_risk.empty()) out << info.parameter_risk << "\n";
  if (!info.target_se.empty())
    out << "target-se " << info.target_se << ": achieved relative se "
        << number_text(info.achieved_relative_se, 2, NumberKind::kShare) << "%\n";
  out << "reading: mean ± standard error [95% interval] (units and sign conventions at the end)\n";
}

//! How to read the numbers: units, money, signs (the header points here).
void footer(std::ostringstream& out, const analysis::Results& results, bool contract) {
  const std::string money = results.info.currency.empty() ? "currency units" : results.info.currency;
  out << "\nreading: mean over replications ± its standard error (digits set by the SE), [95% "
         "interval],\n  % = percent; money in "
      << money << " per replication: totals over the providers and years named,\n"
      << "  or per unit (patient-year or episode) where marked /unit\n";
  if (contract)
    out << "signs: net_provider_result > 0: the provider gains; payer_net_savings > 0: the payer "
           "saves\n  against no contract; reconciliation > 0: paid to the provider, < 0: paid "
           "back; VaR and TVaR\n  are of the loss (= -net result), so < 0 means a gain even in "
           "that tail\n";
}

//! A note beside a solved withhold rate at its bound of 1, which means different things for the
//! two targets: an expected forfeit the rate cannot reach, or a forfeit limit that every rate
//! keeps (the tail target's rate is the largest that keeps it).
std::string bound_note(const std::string& target, double estimate) {
  if (estimate < 1) return "";
  if (target.rfind("P(", 0) == 0)
    return "at the bound: the limit holds even at a 100% withhold (any rate keeps it)";
  return "not reachable in [0, 1]: even withholding everything misses the target";
}

void key_figures(std::ostringstream& out, const EstimateTable& h, const std::string& currency) {
  Cells cells{{"answers (agreement, participants' totals)", "", "estimate ± se",
               "95% interval"}};
  for (std::size_t q = 0; q < h.quantities.size(); ++q) {
    const double m = h.mean[q], se = h.se[q];
    if (std::isnan(m)) continue;
    const NumberKind kind = number_kind(h.quantities[q].unit);
    const int decimals = decimals_for(m, se, kind);
    cells.push_back({"  " + h.quantities[q].name, unit_label(h.quantities[q].unit, currency),
                     estimate_text(m, se, decimals, kind),
                     interval_text(m - h.multiplier(q) * se, m + h.multiplier(q) * se, se,
                                   decimals, kind)});
  }
  render(out, cells, "  ");
}

void solved_rates(std::ostringstream& out, const EstimateTable& t) {
  Cells cells{{"withhold rate for target", "rate (%)", ""}};
  const std::size_t q = t.quantity("rate");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const double m = t.mean[t.index(q, r, 0)], se = t.se[t.index(q, r, 0)];
    cells.push_back({"  " + t.rows[r],
                     estimate_text(m, se, decimals_for(m, se, NumberKind::kShare), NumberKind::kShare),
                     bound_note(t.rows[r], m)});
  }
  render(out, cells, "  ");
}

//! Whether `t` has quantity `name` (files of older versions may lack it).
bool has_quantity(const EstimateTable& t, const std::string& name) {
  for (const auto& q : t.quantities)
    if (q.name == name) return true;
  return false;
}

//! Honest tails (docs/analyses.md): the rule-of-three bound beside a P(attach) of 0, and a
//! warning where the net result's tail se is not to be trusted.
void tail_notes(std::ostringstream& out, const EstimateTable& t) {
  if (has_quantity(t, "attach_probability_upper"))
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const double bound = t.mean[t.index(t.quantity("attach_probability_upper"), r, 0)];
      if (std::isfinite(bound))
        out << "  " << t.rows[r] << ": none attached in the run, P(attach) < "
            << number_text(bound, decimals_for(bound, 0, NumberKind::kShare), NumberKind::kShare)
            << "% (95%, 3/N), not 0\n";
    }
  if (!has_quantity(t, "tail_flag")) return;
  const std::size_t last = t.rows.size() - 1, agreement = static_cast<std::size_t>(t.years - 1);
  if (t.mean[t.index(t.quantity("tail_flag"), last, agreement)] != 1) return;
  out << "  tail se not to be trusted: "
      << t.mean[t.index(t.quantity("tail_count_995"), last, agreement)]
      << " replications beyond var_995 (40 wanted)";
  const double kurtosis =  // format 2.3
      has_quantity(t, "kurtosis") ? t.mean[t.index(t.quantity("kurtosis"), last, agreement)] : 0;
  if (kurtosis > 6)
    out << ", kurtosis " << number_text(kurtosis, 1, NumberKind::kPlain)
        << " above 6 (sd's se too)";
  out << " (docs/analyses.md); run more replications\n";
}

//! The four answers first: the key figures (withhold value, benchmark weight, VaR/TVaR, ...),
//! the solved withhold rate, the MSR for the false-reward level by size, the stop-loss quote.
void answers(std::ostringstream& out, const analysis::VariantSummary& v, const std::string& currency) {
  key_figures(out, v.headline, currency);
  if (const auto* t = v.analysis_table("withhold", "solved_rate")) solved_rates(out, t->table);
  if (const auto* t = v.analysis_table("risk", "specific_layers"))
    rows_at(out, t->table, {"loaded_premium_pmpm", "attach_probability"},
            "stop-loss quote: specific layers (agreement)",
            static_cast<std::size_t>(t->table.years - 1), currency);
  if (const auto* t = v.analysis_table("threshold", "msr"))
    rows_at(out, t->table, {"msr_for_alpha", "msr_normal"},
            "MSR keeping false reward <= alpha, by size (agreement)",
            static_cast<std::size_t>(t->table.years - 1), currency);
}

//! A section of variant `v` that is the same in `first` (a sweep of contract terms leaves the
//! analyses of the population alone) is named, not printed again.
bool as_in_first(std::ostringstream& out, const analysis::VariantSummary& v,
                 const analysis::VariantSummary& first, const char* analysis, const char* name,
                 const std::string& title) {
  if (&v == &first) return false;
  const auto* a = v.analysis_table(analysis, name);
  const auto* b = first.analysis_table(analysis, name);
  if (a == nullptr || b == nullptr || !same_values(a->table, b->table)) return false;
  out << "  " << title << ": as in variant 1\n";
  return true;
}

//! The money flows and the analyses' tables in full.
void contract_sections(std::ostringstream& out, const analysis::VariantSummary& v,
                       const analysis::VariantSummary& first, const std::string& currency,
                       const SummaryOptions& options) {
  namespace c = contract;
  if (options.shows("money"))
    quantities_down(out, v.contract_portfolio, 0,
                  {c::field_name(c::kBenchmark), c::field_name(c::kAccountableCost),
                   c::field_name(c::kSavingsRate), c::field_name(c::kTrueSavingsRate),
                   "eligible_share", c::field_name(c::kQualityScore),
                   c::field_name(c::kReconciliation),
                   // Only with [contract.run_out] (contract_quantities): absent rows show nothing.
                   c::field_name(c::kInitialReconciliation), c::field_name(c::kTrueUp),
                   c::field_name(c::kCompletionError), c::field_name(c::kWithheld),
                   c::field_name(c::kForfeited), c::field_name(c::kStopLossRecovery),
                   c::field_name(c::kStopLossPremium), c::field_name(c::kTruncationExcess),
                   c::field_name(c::kNetProviderResult), c::field_name(c::kPayerNetSavings),
                   // With several agreements (absent otherwise).
                   "provider_years", c::field_name(c::kRatchet), c::field_name(c::kRatchetCost)},
                  "contract: participants' totals", currency);
  if (const auto* t = v.analysis_table("withhold", "forfeit"); t && options.shows("withhold"))
    quantities_down(out, t->table, 0,
                    {"forfeited", "forfeit_share", "forfeit_probability", "shortfall_forfeit",
                     "noise_forfeit", "noise_forfeit_probability"},
                    "withhold pricing", currency);
  const std::string benchmark_title = "benchmark error vs counterfactual (all years)";
  if (const auto* t = v.analysis_table("benchmark", "methods");
      t && options.shows("benchmark") && !as_in_first(out, v, first, "benchmark", "methods", benchmark_title))
    rows_at(out, t->table, {"bias", "sd", "rmse", "corr_efficiency", "corr_region_shock"},
            benchmark_title, static_cast<std::size_t>(t->table.years - 1), currency);
  const std::string threshold_title = "minimum-threshold test (agreement)";
  if (const auto* t = v.analysis_table("threshold", "rates");
      t && options.shows("threshold") && !as_in_first(out, v, first, "threshold", "rates", threshold_title)) {
    out << "  minimum-threshold test: rates given eligibility (units >= min_units), the excluded\n"
           "  share apart; two null worlds (docs/analyses.md):\n"
           "    as designed: true effect 0, with the contract's coding growth, risk-adjustment\n"
           "      credit and benchmark drift kept;\n"
           "    noise only (noise_*): no true effect, no coding growth, no benchmark drift (the null\n"
           "      savings rate less its mean for the provider and year)\n";
    rows_at(out, t->table,
            {"mean_units", "excluded_share", "false_reward", "false_penalty", "false_negative",
             "noise_false_reward", "noise_false_penalty", "noise_false_negative"},
            threshold_title, static_cast<std::size_t>(t->table.years - 1), currency);
  }
  const std::string msr_title = "MSR keeping false reward <= alpha (agreement)";
  if (const auto* t = v.analysis_table("threshold", "msr");
      t && options.shows("threshold") && !as_in_first(out, v, first, "threshold", "msr", msr_title))
    rows_at(out, t->table,
            {"null_savings_rate_mean", "null_savings_rate_sd", "msr_for_alpha", "msr_normal",
             "noise_savings_rate_sd", "noise_msr_normal"},
            msr_title, static_cast<std::size_t>(t->table.years - 1), currency);
  if (!options.shows("risk")) return;
  if (const auto* t = v.analysis_table("risk", "net_result")) {
    quantities_down(out, t->table, t->table.rows.size() - 1,
                    {"mean", "sd", "loss_probability", "var_95", "var_99", "var_995", "tvar_95",
                     "tvar_99", "tvar_995", "capital_995", "tail_count_995"},
                    "downside risk: portfolio net result (VaR/TVaR of the loss)", currency);
    tail_notes(out, t->table);
  }
  const std::string layers_title = "specific stop-loss layers, by performance year";
  if (const auto* t = v.analysis_table("risk", "specific_layers");
      t && !as_in_first(out, v, first, "risk", "specific_layers", layers_title)) {
    rows_by_column(out, t->table,
                   {"pure_premium", "loaded_premium", "loaded_premium_pmpm", "claimants_per_1000",
                    "excess_per_claimant", "attach_probability"},
                   layers_title, currency);
    tail_notes(out, t->table);
  }
  const std::string aggregate_title =
      "aggregate stop-loss layers (per provider-year), by performance year";
  if (const auto* t = v.analysis_table("risk", "aggregate_layers");
      t && !as_in_first(out, v, first, "risk", "aggregate_layers", aggregate_title)) {
    rows_by_column(out, t->table,
                   {"pure_premium", "loaded_premium", "attach_probability", "attach_count"},
                   aggregate_title, currency);
    tail_notes(out, t->table);
  }
  const std::string exhibit_title =
      "stop-loss exhibit (per provider-year; aggregate net of specific), by performance year";
  if (const auto* t = v.analysis_table("risk", "stop_loss_exhibit");
      t && !as_in_first(out, v, first, "risk", "stop_loss_exhibit", exhibit_title)) {
    rows_by_column(out, t->table,
                   {"attachment_factor", "expected_recoveries", "premium", "loss_ratio",
                    "expected_retained", "attach_probability", "attach_count", "retained_p90",
                    "retained_p99", "epd"},
                   exhibit_title, currency);
    tail_notes(out, t->table);
  }
  const std::string bands_title = "corridor bands: payer cost per provider-year, by performance year";
  if (const auto* t = v.analysis_table("risk", "corridor_bands");
      t && !as_in_first(out, v, first, "risk", "corridor_bands", bands_title))
    rows_by_column(out, t->table, {"expected_payer_cost", "var_99", "tvar_99"}, bands_title,
                   currency);
}

//! Cash timing (`[contract.timing]`): the portfolio's cash position every third month and in the
//! last, the worst point of each row, the present value, the repayment mechanism beside what is
//! owed.
void cash_section(std::ostringstream& out, const analysis::VariantSummary& v,
                  const std::string& currency) {
  if (const auto* t = v.analysis_table("cash", "position")) {
    const EstimateTable& p = t->table;
    std::vector<std::pair<std::size_t, std::size_t>> at;
    std::vector<std::string> labels;
    for (std::size_t m = 0; m < p.columns.size(); ++m)
      if ((m + 1) % 3 == 0 || m + 1 == p.columns.size()) {
        at.emplace_back(p.rows.size() - 1, m);
        labels.push_back(p.columns[m]);
      }
    quantities_across(out, p, chosen(p, {"mean", "p05", "p50", "p95"}),
                      "cash position, portfolio, at the month's end (M1 = first month of P1)",
                      labels, at, currency);
  }
  if (const auto* t = v.analysis_table("cash", "worst_point"))
    rows_at(out, t->table, {"worst_mean", "worst_p05", "worst_month_p50", "worst_month_of_mean"},
            "worst cash position (lowest month end)", 0, currency);
  if (const auto* t = v.analysis_table("cash", "present_value"))
    quantities_down(out, t->table, t->table.rows.size() - 1, {"pv_net_result", "net_result"},
                    "present value of the portfolio's net result", currency);
  if (const auto* t = v.analysis_table("cash", "repayment_mechanism"))
    rows_at(out, t->table,
            {"mechanism", "owed_mean", "owed_probability", "owed_p95", "owed_p99",
             "beyond_probability", "beyond_mean"},
            "repayment mechanism (MSSP rule) vs owed, per provider-year (agreement)",
            static_cast<std::size_t>(t->table.years - 1), currency);
}

//! A sweep variant's name "a.b=x,c=y" as its values by key ({b: x, c: y}, the last part of each
//! path); empty when the name is not of that form.
std::vector<std::pair<std::string, std::string>> variant_keys(const std::string& name) {
  std::vector<std::pair<std::string, std::string>> keys;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find(',', start), name.size());
    const std::string part = name.substr(start, end - start);
    const std::size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0) return {};
    const std::string path = part.substr(0, eq);
    keys.emplace_back(path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1),
                      part.substr(eq + 1));
    start = end + 1;
  }
  return keys;
}

//! With a sweep: the key figures of every variant side by side, the swept values as columns of
//! their own, each column lined up (cut into blocks that fit the page).
void variant_comparison(std::ostringstream& out, const analysis::Results& results,
                        const std::string& currency) {
  if (results.variants.size() < 2 || !results.variants.front().has_contract) return;
  const EstimateTable& first = results.variants.front().headline;
  // The swept values as columns when every variant names the same keys; else the names.
  std::vector<std::vector<std::pair<std::string, std::string>>> keys;
  for (const auto& v : results.variants) keys.push_back(variant_keys(v.name));
  bool typed = !keys.front().empty();
  for (const auto& k : keys) {
    typed = typed && k.size() == keys.front().size();
    for (std::size_t i = 0; typed && i < k.size(); ++i) typed = k[i].first == keys.front()[i].first;
  }
  Cells cells{{"variants: key figures (agreement)"}};
  if (typed) {
    cells[0].front() += ": " + keys.front().front().first;
    for (std::size_t i = 1; i < keys.front().size(); ++i) cells[0].push_back(keys.front()[i].first);
  }
  const std::size_t key_columns = cells[0].size();
  for (const auto& q : first.quantities) cells[0].push_back(labelled(q, currency));
  std::vector<std::vector<std::string>> by_quantity;
  for (std::size_t q = 0; q < first.quantities.size(); ++q) {
    std::vector<double> means, ses;
    for (const auto& v : results.variants) {
      means.push_back(v.headline.mean[q]);
      ses.push_back(v.headline.se[q]);
    }
    by_quantity.push_back(column_cells(means, ses, number_kind(first.quantities[q].unit)));
  }
  for (std::size_t k = 0; k < results.variants.size(); ++k) {
    std::vector<std::string> line;
    if (typed) {
      for (const auto& [key, value] : keys[k]) line.push_back(line.empty() ? "  " + value : value);
    } else {
      line.push_back("  " + results.variants[k].name);
    }
    line.resize(key_columns);
    for (const auto& column : by_quantity) line.push_back(column[k]);
    cells.push_back(std::move(line));
  }
  out << "\n";
  render(out, cells, "", key_columns);
}

}  // namespace

std::string format_summary(const analysis::Results& results, const SummaryOptions& options) {
  // The width and format for this call, restored on the way out (a summary within a summary).
  struct Scope {
    std::size_t width = g_width;
    SummaryFormat format = g_format;
    ~Scope() { g_width = width, g_format = format; }
  } scope;
  g_width = options.width;
  g_format = options.format;
  std::ostringstream out;
  const bool contract = std::any_of(results.variants.begin(), results.variants.end(),
                                    [](const auto& v) { return v.has_contract; });
  const std::string& currency = results.info.currency;
  header(out, results);
  const analysis::VariantSummary& first = results.variants.front();
  for (const analysis::VariantSummary& variant : results.variants) {
    if (!options.variant.empty() && variant.name != options.variant) continue;
    const auto participants = std::count_if(variant.providers.begin(), variant.providers.end(),
                                            [](const auto& p) { return p.participant; });
    const std::size_t providers = variant.providers.size();
    out << "\nvariant " << (&variant - results.variants.data()) + 1 << " of "
        << results.variants.size() << ": " << variant.name << "\n  " << providers
        << (providers == 1 ? " provider (" : " providers (") << participants
        << (participants == 1 ? " participant" : " participants")
        << "); per-provider estimates are in the results file\n";
    if (variant.has_contract && options.shows("answers")) answers(out, variant, currency);
    if (!options.shows("population")) {
    } else if (&variant != &first && options.variant.empty() &&
               same_values(variant.portfolio, first.portfolio) &&
               same_values(variant.region, first.region)) {
      out << "  population and regions: as in variant 1\n";
    } else {
      population_tables(out, variant.portfolio,
                        year_labels(results.info, variant.portfolio.years), currency);
      region_table(out, variant.region, year_labels(results.info, variant.region.years),
                   currency);
    }
    if (variant.has_contract)
      contract_sections(out, variant, options.variant.empty() ? first : variant, currency,
                        options);
    if (variant.has_contract && options.shows("cash")) cash_section(out, variant, currency);
  }
  if (options.variant.empty() && options.shows("variants"))
    variant_comparison(out, results, currency);
  footer(out, results, contract);
  return options.format == SummaryFormat::kMarkdown ? markdown_text(out.str()) + "\n" : out.str();
}

}  // namespace apmsim::io
