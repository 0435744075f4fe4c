#include "calibrate/continuance.hpp"

#include "calibrate/csv_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include "calibrate/calibration.hpp"
#include "calibrate/claims.hpp"
#include "calibrate/csv_file.hpp"
#include "calibrate/outliers.hpp"
#include "calibrate/empirical_severity.hpp"
#include "model/params.hpp"

namespace apmsim::calibrate {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double parse(const std::string& path, std::uint64_t line, int column, const char* name,
             const char* text, bool allow_infinite) {
  const std::string_view v = text ? std::string_view(text) : std::string_view();
  if (allow_infinite && (v.empty() || v == "inf" || v == "Inf" || v == "INF")) return kInf;
  if (v.empty()) throw DataError(path, line, column, name, "empty");
  double x = 0.0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size())
    throw DataError(path, line, column, name, "'" + shown(v) + "' is not a number");
  if (!std::isfinite(x)) throw DataError(path, line, column, name, "'" + shown(v) + "' is not finite");
  if (std::fabs(x) > kMaxAnnualCost)
    throw DataError(path, line, column, name,
                    shown(v) + " is beyond the plausibility limit of 1e+09 (a cost per member-year)");
  return x;
}

}  // namespace

std::vector<ContinuanceBand> read_continuance(const std::string& path) {
  std::vector<ContinuanceBand> bands;
  std::vector<double> lev;
  bool has_average = false, has_lev = false;
  int col_upper = 0, col_share = 0, col_value = 0;
  check_csv_file(path);  // a regular file of comma-separated UTF-8 text
  try {
    io::CSVReader<4, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>> in(path);
    in.read_header(io::ignore_extra_column | io::ignore_missing_column, "upper", "share", "average", "lev");
    has_average = in.has_column("average");
    has_lev = in.has_column("lev");
    if (!in.has_column("upper") || !in.has_column("share") || has_average == has_lev)
      throw DataError(path, 1, 0, "",
                      "a continuance table needs columns 'upper', 'share' and one of 'average' "
                      "or 'lev'");
    col_upper = 1;
    col_share = 2;
    col_value = 3;
    char *upper = nullptr, *share = nullptr, *average = nullptr, *limited = nullptr;
    while (in.read_row(upper, share, average, limited)) {
      const std::uint64_t at = in.get_file_line();
      ContinuanceBand b;
      b.line = at;
      b.upper = parse(path, at, col_upper, "upper", upper, true);
      b.share = parse(path, at, col_share, "share", share, false);
      if (b.share < 0.0) throw DataError(path, at, col_share, "share", "negative share");
      if (has_average) b.average = parse(path, at, col_value, "average", average, false);
      if (has_lev) lev.push_back(parse(path, at, col_value, "lev", limited, false));
      if (!bands.empty() && !(b.upper > bands.back().upper))
        throw DataError(path, at, col_upper, "upper", "bands must be in increasing order of 'upper'");
      if (b.upper < 0.0) throw DataError(path, at, col_upper, "upper", "negative bound");
      if (!bands.empty() && std::isinf(bands.back().upper))
        throw DataError(path, at, col_upper, "upper", "a band after the open band");
      b.lower = bands.empty() ? 0.0 : bands.back().upper;
      bands.push_back(b);
      upper = share = average = limited = nullptr;
    }
  } catch (const DataError&) {
    throw;
  } catch (const io::error::escaped_string_not_closed& e) {
    throw DataError(path, e.file_line, 0, "", "a quoted field is not closed (unbalanced quotes)");
  } catch (const io::error::base& e) {
    throw DataError(path, shown(e.what(), 300));  // it may quote the file
  }
  if (bands.empty()) throw DataError(path, "has no bands");
  double total = 0.0;
  for (const ContinuanceBand& b : bands) total += b.share;
  const double scale = std::fabs(total - 100.0) < 1e-3 ? 0.01 : 1.0;
  if (std::fabs(total * scale - 1.0) > 1e-4)
    throw DataError(path, "shares sum to " + std::to_string(total) + ", not 1 (or 100)");
  for (ContinuanceBand& b : bands) b.share *= scale / (total * scale);
  if (std::isinf(bands.back().upper)) {
    // The open band's tail starts where the closed bands' knots end: it needs one below it.
    const bool closed_below = std::any_of(bands.begin(), bands.end() - 1, [](const ContinuanceBand& b) {
      return b.upper > 0.0 && b.share > 1e-9;
    });
    if (!closed_below)
      throw DataError(path, bands.back().line, col_upper, "upper",
                      "the open band (upper empty or inf) needs a closed band with members below "
                      "it: the table's severity runs through the closed bands' bounds and puts "
                      "the open band's tail above them; split it, e.g. a band up to its median");
  }
  if (has_lev) {
    // Band averages from the limited expected values: E[X; X <= b] = LEV(b) - b S(b).
    double below = 0.0, previous_partial = 0.0;
    for (std::size_t i = 0; i < bands.size(); ++i) {
      below += bands[i].share;
      const double survival = std::max(0.0, 1.0 - below);
      const double partial = std::isinf(bands[i].upper) ? lev[i] : lev[i] - bands[i].upper * survival;
      bands[i].average = bands[i].share > 0.0 ? (partial - previous_partial) / bands[i].share : 0.0;
      previous_partial = partial;
    }
  }
  for (const ContinuanceBand& b : bands) {
    if (b.share <= 0.0) continue;
    const bool zero = b.upper == 0.0;
    if (!zero && !(b.average > b.lower && (b.average < b.upper || std::isinf(b.upper))))
      throw DataError(path, b.line, col_value, has_lev ? "lev" : "average",
                      "the band's average cost " + std::to_string(b.average) +
                          " must lie inside the band (" + std::to_string(b.lower) + ", " +
                          std::to_string(b.upper) + ")");
  }
  return bands;
}

ContinuanceFit fit_continuance(const std::vector<ContinuanceBand>& bands, const std::string& path) {
  ContinuanceFit fit;
  double zero = 0.0;
  std::vector<ContinuanceBand> positive;
  for (const ContinuanceBand& b : bands) {
    if (b.upper == 0.0)
      zero += b.share;
    else if (b.share > 1e-9)  // smaller shares change nothing and would tie the knots
      positive.push_back(b);
  }
  if (positive.empty()) throw DataError(path, "no band has members with a positive cost");
  fit.p_any = 1.0 - zero;
  const double pos_total = fit.p_any;
  std::vector<double> p{0.0}, q{positive.front().lower};
  double cumulative = 0.0;
  double tail_scale = 0.0, tail_shape = 0.0;
  for (std::size_t i = 0; i < positive.size(); ++i) {
    const ContinuanceBand& b = positive[i];
    const double s = b.share / pos_total;
    if (std::isinf(b.upper)) {
      // Open band: a generalised Pareto tail above b.lower with mean excess average - lower;
      // xi from the survival curve's log-log slope over the two bands below.
      if (i >= 2 && positive[i - 1].lower > 0.0) {
        const double s_top = s, s_below = s + positive[i - 1].share / pos_total;
        const double slope = std::log(s_below / s_top) / std::log(positive[i - 1].upper / positive[i - 1].lower);
        tail_shape = slope > 0.0 ? std::clamp(1.0 / slope, 0.0, 0.9) : 0.0;
      }
      tail_scale = (b.average - b.lower) * (1.0 - tail_shape);
      fit.tail_shape_slope = tail_shape;
      break;
    }
    // Two pieces through (lower, m, upper), the knot at fraction f of the band's probability.
    const double b0 = b.lower, b1 = b.upper, x = (b.average - b0) / (b1 - b0);
    const double f = std::clamp(0.5, std::max(1.0 - 2.0 * x, 0.01), std::min(2.0 * (1.0 - x), 0.99));
    const double m = 2.0 * b.average - f * b0 - (1.0 - f) * b1;
    if (q.back() < b0) {  // a gap below the band (an empty band): jump there
      p.push_back(cumulative + 1e-12);
      q.push_back(b0);
    }
    p.push_back(cumulative + f * s);
    q.push_back(std::clamp(m, b0, b1));
    cumulative += s;
    p.push_back(std::min(cumulative, 1.0));
    q.push_back(b1);
  }
  if (tail_scale <= 0.0) p.back() = 1.0;
  fit.table = stats::QuantileTable(p, q, tail_scale, tail_shape);

  // How closely the table and the engine's grid reproduce each band.
  const stats::ScoreGrid grid(fit.table, model::kScoreCells, model::kScoreLimit);
  const auto partial = [&](auto limited, double b) {
    // E[X; X <= b] from the limited mean: LEV(b) - b P(X > b).
    return limited(b) - b * (1.0 - fit.table.cdf(b));
  };
  double previous_table = 0.0, previous_grid = 0.0, below = 0.0;
  for (const ContinuanceBand& b : positive) {
    const double s = b.share / pos_total;
    below += s;
    if (std::isinf(b.upper)) {
      const double mean_table = (fit.table.mean() - previous_table) / s;
      const double mean_grid = (grid.mean() - previous_grid) / s;
      fit.max_average_error = std::max(fit.max_average_error, std::fabs(mean_table / b.average - 1.0));
      fit.grid_max_average_error = std::max(fit.grid_max_average_error, std::fabs(mean_grid / b.average - 1.0));
      continue;
    }
    const double share_table = fit.table.cdf(b.upper) - (below - s);
    fit.max_share_error = std::max(fit.max_share_error, std::fabs(share_table / s - 1.0));
    const double t = partial([&](double a) { return fit.table.limited_mean(a); }, b.upper);
    const double g = partial([&](double a) { return grid.limited_mean(a); }, b.upper);
    fit.max_average_error = std::max(fit.max_average_error, std::fabs((t - previous_table) / s / b.average - 1.0));
    fit.grid_max_average_error = std::max(fit.grid_max_average_error, std::fabs((g - previous_grid) / s / b.average - 1.0));
    previous_table = t;
    previous_grid = g;
  }
  return fit;
}

Calibration continuance_population(const ContinuanceFit& fit, const std::string& path) {
  Calibration c;
  c.source = path;
  char origin[300];
  std::snprintf(origin, sizeof origin,
                "Population built by `apmsim calibrate --continuance` from %s: one stratum whose "
                "cost reproduces the table (band shares within %.2g and averages within %.2g "
                "relative; averages within %.2g as the engine samples it).",
                shown(path, 120).c_str(), fit.max_share_error, fit.max_average_error,
                fit.grid_max_average_error);
  c.origin = origin;
  c.years = 3;
  c.better = "empirical";
  c.jackknife_groups = 0;
  c.grouping = "(none: a table has no sampling error to estimate)";
  c.notes.push_back("a continuance table says nothing of frailty, churn, trend or providers: "
                    "they are set to 0 and one provider group of 10,000 members; edit them");
  c.regions = {"all"};
  c.groups = {"providers"};
  c.group_providers = {1};
  c.group_panel = {10000.0};
  c.group_region = {0};
  c.trend = {0.0, -1.0};
  c.churn = {0.0, -1.0};
  c.frailty_sd = {0.0, -1.0};
  c.frailty_rho = {0.0, -1.0};
  c.efficiency_parametric = c.efficiency_empirical = {0.0, -1.0};
  StratumFit s;
  s.name = "members";
  s.share = {1.0, -1.0};
  s.p_positive = {fit.p_any, -1.0};
  s.p_any = s.p_positive;
  s.risk_score = {1.0, -1.0};
  s.probabilities = fit.table.probabilities();
  s.quantiles = fit.table.quantiles();
  s.tail_scale = {fit.table.tail_scale(), -1.0};
  s.tail_shape = {fit.table.tail_shape(), -1.0};
  s.tail_threshold = fit.table.quantiles().back();
  s.score_sd = 1.0;
  s.observed = s.empirical = summarize(fit.table, {}, {});
  s.parametric = s.empirical;
  c.strata.push_back(s);
  return c;
}

}  // namespace apmsim::calibrate
