#include "run/solve.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "scenario/error.hpp"
#include "scenario/sweep.hpp"
#include "scenario/toml_text.hpp"

namespace apmsim::run {

namespace {

std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

//! The column names of a table: its own, or the calendar years' indices.
std::vector<std::string> columns_of(const analysis::EstimateTable& t) {
  if (!t.columns.empty()) return t.columns;
  std::vector<std::string> c;
  for (int y = 0; y < t.years; ++y) c.push_back(std::to_string(y));
  return c;
}

//! The scenario with the term at x.
scenario::Scenario at(const scenario::Scenario& base, const SolveSpec& spec, double x) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& [path, factor] : spec.vary)
    values.emplace_back(path, scenario::toml_float(factor * x));
  return scenario::with_values(base, values, "--vary at " + scenario::format_number(x));
}

}  // namespace

Figure parse_figure(const std::string& text, const std::string& option) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t colon; (colon = text.find(':', begin)) != std::string::npos; begin = colon + 1)
    parts.push_back(text.substr(begin, colon - begin));
  parts.push_back(text.substr(begin));
  if (parts.size() != 4 ||
      std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
    throw InputError(option + ": expected TABLE:ROW:COLUMN:QUANTITY, e.g. "
                              "risk/net_result:portfolio:agreement:var_99, got '" + text + "'");
  return {parts[0], parts[1], parts[2], parts[3]};
}

std::pair<double, double> figure_value(const analysis::Results& results, const Figure& f) {
  if (results.variants.empty()) throw InputError("solve: the results have no variants");
  const analysis::VariantSummary& v = results.variants.front();
  const analysis::EstimateTable* table = nullptr;
  std::vector<std::string> tables{"headline", "contract_portfolio", "portfolio"};
  if (f.table == "headline") table = &v.headline;
  if (f.table == "contract_portfolio") table = &v.contract_portfolio;
  if (f.table == "portfolio") table = &v.portfolio;
  for (const analysis::AnalysisTable& a : v.analyses) {
    tables.push_back(a.analysis + "/" + a.name);
    if (f.table == a.analysis + "/" + a.name) table = &a.table;
  }
  if (!table) throw InputError("solve: no table '" + f.table + "'; the results have " + names(tables));
  const auto find = [](const std::vector<std::string>& list, const std::string& name,
                       const std::string& what) {
    const auto it = std::find(list.begin(), list.end(), name);
    if (it == list.end())
      throw InputError("solve: no " + what + " '" + name + "'; there are " + names(list));
    return static_cast<std::size_t>(it - list.begin());
  };
  const std::size_t row = find(table->rows, f.row, "row");
  const std::size_t column = find(columns_of(*table), f.column, "column");
  std::vector<std::string> quantities;
  for (const auto& q : table->quantities) quantities.push_back(q.name);
  const std::size_t q = find(quantities, f.quantity, "quantity");
  const std::size_t i = table->index(q, row, column);
  return {table->mean[i], table->se[i]};
}

Solution solve(const scenario::Scenario& base, const SolveSpec& spec, const Evaluate& evaluate) {
  if (!(spec.high > spec.low))
    throw InputError("solve: --between LOW,HIGH needs LOW < HIGH");
  Solution out;
  // The first candidate and the answer in full; the rest only the figure's table.
  const analysis::TablesNeeded figure_table{spec.figure.table, spec.figure.quantity};
  const auto value = [&](double x, analysis::Results* keep) {
    const bool full = keep || out.evaluations.empty();
    analysis::Results r = evaluate(at(base, spec, x), full ? analysis::TablesNeeded{} : figure_table);
    const auto [estimate, se] = figure_value(r, spec.figure);
    if (!std::isfinite(estimate))
      throw InputError("solve: " + spec.figure.quantity + " is not defined at " +
                       scenario::format_number(x));
    out.evaluations.push_back({x, estimate, se});
    if (keep) *keep = std::move(r);
    return estimate - spec.target;
  };
  double lo = spec.low, hi = spec.high;
  double f_lo = value(lo, nullptr), f_hi = value(hi, nullptr);
  if (f_lo == 0) hi = lo, f_hi = f_lo;
  if (f_hi == 0) lo = hi, f_lo = f_hi;
  if ((f_lo > 0) == (f_hi > 0) && f_lo != 0 && f_hi != 0)
    throw InputError("solve: the target " + scenario::format_number(spec.target) +
                     " is not between the figure at " + scenario::format_number(spec.low) + " (" +
                     scenario::format_approx(f_lo + spec.target) + ") and at " +
                     scenario::format_number(spec.high) + " (" +
                     scenario::format_approx(f_hi + spec.target) + "): widen --between");
  const double width = spec.high - spec.low;
  while (hi - lo > spec.tolerance * width &&
         static_cast<int>(out.evaluations.size()) < spec.max_evaluations) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;  // no double between them
    const double f_mid = value(mid, nullptr);
    if (f_mid == 0) {
      lo = hi = mid;
      break;
    }
    ((f_mid > 0) == (f_lo > 0) ? lo : hi) = mid;
    if (lo == mid) f_lo = f_mid;
  }
  // The answer: the bracket's end nearer the target, evaluated (its results are the output).
  out.x = 0.5 * (lo + hi);
  value(out.x, &out.results);
  out.estimate = out.evaluations.back().estimate;
  out.estimate_se = out.evaluations.back().se;
  // Slope on the same draws: a central difference, clipped to [low, high].
  const double step = std::max(1e-2 * width, hi - lo);
  const double a = std::max(spec.low, out.x - step), b = std::min(spec.high, out.x + step);
  const double f_a = value(a, nullptr) + spec.target, f_b = value(b, nullptr) + spec.target;
  out.slope = (f_b - f_a) / (b - a);
  out.se = out.slope != 0 ? out.estimate_se / std::fabs(out.slope)
                          : std::numeric_limits<double>::infinity();
  return out;
}

}  // namespace apmsim::run
