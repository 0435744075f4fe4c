#include "calibrate/outliers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "calibrate/csv_file.hpp"

namespace apmsim::calibrate {
namespace {

//! A run of 1% of the rows or more beyond a gap is a gap in the data, not a typo.
constexpr double kStrayShare = 0.01;
//! Values per stratum the robust rules need.
constexpr std::size_t kRobustMinimum = 20;
constexpr double kMadToSd = 1.4826;

std::string figure(double x) {
  char s[32];
  std::snprintf(s, sizeof s, "%.6g", x);
  return s;
}

//! Median and robust scale (kMadToSd x the median absolute deviation) of `v`.
std::pair<double, double> median_scale(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  const double m = *mid;
  for (double& x : v) x = std::fabs(x - m);
  std::nth_element(v.begin(), mid, v.end());
  return {m, kMadToSd * *mid};
}

enum class Kind { Year, Cost, Risk };

//! One outlier: its row, what it is, the value --outliers cap sets (a cost per member-year, a
//! risk score) and why it is one.
struct Found {
  std::size_t row;
  Kind kind;
  double cap;
  std::string why;
};

struct YearRun {
  int first, last;
  std::uint64_t rows;
};

//! The first line (in the file) of a row in `year`.
std::uint64_t first_line(const ClaimsData& d, int year) {
  std::uint64_t line = ~std::uint64_t{0};
  for (std::size_t i = 0; i < d.rows(); ++i)
    if (d.year[i] == year) line = std::min<std::uint64_t>(line, d.line[i]);
  return line;
}

//! Rows in stray years; throws DataError for a gap.
void stray_years(const ClaimsData& d, const OutlierColumns& c, std::vector<Found>& found) {
  std::map<int, std::uint64_t> count;
  for (int y : d.year) ++count[y];
  std::vector<YearRun> runs;
  for (const auto& [y, n] : count)
    if (runs.empty() || y != runs.back().last + 1)
      runs.push_back({y, y, n});
    else
      runs.back().last = y, runs.back().rows += n;
  if (runs.size() == 1) return;
  const std::size_t main = static_cast<std::size_t>(
      std::max_element(runs.begin(), runs.end(),
                       [](const YearRun& a, const YearRun& b) { return a.rows < b.rows; }) -
      runs.begin());
  std::string years;
  for (const auto& [y, n] : count)
    if (years.size() < 120) years += (years.empty() ? "" : ", ") + std::to_string(y);
  if (years.size() >= 120) years += ", ...";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (r == main) continue;
    if (double(runs[r].rows) >= kStrayShare * double(d.rows())) {
      // The gap between this run and its neighbour towards the main run.
      const bool after = r > main;
      const YearRun& near = runs[after ? r - 1 : r + 1];
      const int from = after ? near.last : runs[r].last, to = after ? runs[r].first : near.first;
      throw DataError(
          d.path, first_line(d, after ? to : from), c.year.number, c.year.name,
          "no rows for years " + std::to_string(from + 1) +
              (to - 1 > from + 1 ? " to " + std::to_string(to - 1) : "") + " between year " +
              std::to_string(from) + " and year " + std::to_string(to) + " (this row is in year " +
              std::to_string(after ? to : from) +
              "): calibrate needs consecutive years, since churn, transitions and frailty "
              "compare members' consecutive years and a gap would read as every member "
              "leaving. Fill the gap, or calibrate each run of consecutive years on its own "
              "(years in the file: " +
              years + ")");
    }
    for (std::size_t i = 0; i < d.rows(); ++i)
      if (d.year[i] >= runs[r].first && d.year[i] <= runs[r].last)
        found.push_back(
            {i, Kind::Year, 0.0,
             "year " + std::to_string(d.year[i]) + " is apart from the years " +
                 std::to_string(runs[main].first) + " to " + std::to_string(runs[main].last) +
                 " of the other rows, beyond a gap, with " + std::to_string(runs[r].rows) +
                 " of the file's rows (under 1%: a typo)"});
  }
}

//! Costs far beyond their stratum's (or beyond kMaxAnnualCost per member-year).
void cost_outliers(const ClaimsData& d, std::vector<Found>& found) {
  for (std::size_t s = 0; s < d.strata.size(); ++s) {
    std::vector<double> logs;
    for (std::size_t i = 0; i < d.rows(); ++i)
      if (d.stratum[i] == s && d.cost[i] > 0.0)
        logs.push_back(std::log(d.cost[i] * 12.0 / double(d.exposure[i])));
    double limit = kMaxAnnualCost;
    std::string robust;
    if (logs.size() >= kRobustMinimum) {
      const auto [m, scale] = median_scale(std::move(logs));
      const double robust_limit = std::exp(m + kOutlierScales * std::max(scale, 1.0));
      if (robust_limit < limit) {
        limit = robust_limit;
        robust = "more than " + figure(kOutlierScales) + " robust scales above the median of " +
                 "stratum '" + shown(d.strata[s], 40) + "' (median " + figure(std::exp(m)) +
                 ", limit " + figure(limit) + " per member-year)";
      }
    }
    // --outliers cap: the largest annual cost of the stratum that is no outlier (winsorising;
    // the limit itself, thousands of times the median, would still move the means).
    double cap = 0.0;
    for (std::size_t i = 0; i < d.rows(); ++i) {
      const double annual = d.cost[i] * 12.0 / double(d.exposure[i]);
      if (d.stratum[i] == s && annual <= limit) cap = std::max(cap, annual);
    }
    for (std::size_t i = 0; i < d.rows(); ++i) {
      if (d.stratum[i] != s || !(d.cost[i] > 0.0)) continue;
      const double annual = d.cost[i] * 12.0 / double(d.exposure[i]);
      if (!(annual > limit)) continue;
      std::string why = "cost " + figure(d.cost[i]);
      if (d.exposure[i] != 12.0f) why += " (" + figure(annual) + " per member-year)";
      why += " is " + (annual > kMaxAnnualCost || robust.empty()
                           ? "beyond the plausibility limit of " + figure(kMaxAnnualCost) +
                                 " per member-year"
                           : robust);
      found.push_back({i, Kind::Cost, cap, why});
    }
  }
}

//! Risk scores far from their stratum's (or outside [kMinRiskScore, kMaxRiskScore]).
void risk_outliers(const ClaimsData& d, std::vector<Found>& found) {
  if (!d.has_risk) return;
  for (std::size_t s = 0; s < d.strata.size(); ++s) {
    std::vector<double> logs;
    for (std::size_t i = 0; i < d.rows(); ++i)
      if (d.stratum[i] == s) logs.push_back(std::log(double(d.risk_score[i])));
    double lo = kMinRiskScore, hi = kMaxRiskScore;
    std::string robust;
    if (logs.size() >= kRobustMinimum) {
      const auto [m, scale] = median_scale(std::move(logs));
      const double width = kOutlierScales * std::max(scale, 0.5);
      lo = std::max(lo, std::exp(m - width));
      hi = std::min(hi, std::exp(m + width));
      robust = "more than " + figure(kOutlierScales) + " robust scales from the median of " +
               "stratum '" + shown(d.strata[s], 40) + "' (median " + figure(std::exp(m)) +
               ", limits " + figure(lo) + " to " + figure(hi) + ")";
    }
    // --outliers cap: the nearest score of the stratum that is no outlier.
    double cap_lo = hi, cap_hi = lo;
    for (std::size_t i = 0; i < d.rows(); ++i) {
      const double r = d.risk_score[i];
      if (d.stratum[i] != s || r < lo || r > hi) continue;
      cap_lo = std::min(cap_lo, r);
      cap_hi = std::max(cap_hi, r);
    }
    for (std::size_t i = 0; i < d.rows(); ++i) {
      const double r = d.risk_score[i];
      if (d.stratum[i] != s || (r >= lo && r <= hi)) continue;
      const bool hard = r < kMinRiskScore || r > kMaxRiskScore;
      found.push_back(
          {i, Kind::Risk, r > hi ? cap_hi : cap_lo,
           "risk score " + figure(r) + " is " +
               (hard || robust.empty() ? "outside the plausibility limits " +
                                             figure(kMinRiskScore) + " to " + figure(kMaxRiskScore)
                                       : robust)});
    }
  }
}

[[noreturn]] void refuse(const ClaimsData& d, const OutlierColumns& c,
                         const std::vector<Found>& found) {
  const Found& f = found.front();
  const ColumnPlace& place = f.kind == Kind::Year   ? c.year
                             : f.kind == Kind::Cost ? c.cost
                                                    : c.risk_score;
  std::string others;
  if (found.size() > 1) {
    others = "; " + std::to_string(found.size()) + " outliers in all, on lines ";
    for (std::size_t k = 0; k < found.size() && k < 10; ++k)
      others += (k ? ", " : "") + std::to_string(d.line[found[k].row]);
    if (found.size() > 10) others += ", ...";
  }
  throw DataError(d.path, d.line[f.row], place.number, place.name,
                  f.why + others +
                      ". Correct the data, or rerun with --outliers cap (each set to the nearest "
                      "value of its stratum that is no outlier, stray years dropped) or "
                      "--outliers drop (their members dropped); either is counted in the report");
}

//! Keeps the rows of `d` where `keep` is true.
void keep_rows(ClaimsData& d, const std::vector<bool>& keep) {
  std::size_t n = 0;
  std::uint32_t members = 0;
  for (std::size_t i = 0; i < d.rows(); ++i) {
    if (!keep[i]) continue;
    if (n == 0 || d.member[n - 1] != d.member[i]) ++members;
    d.member[n] = d.member[i];
    d.year[n] = d.year[i];
    d.cost[n] = d.cost[i];
    d.exposure[n] = d.exposure[i];
    d.stratum[n] = d.stratum[i];
    d.risk_score[n] = d.risk_score[i];
    d.provider[n] = d.provider[i];
    d.line[n] = d.line[i];
    ++n;
  }
  d.outlier_rows_dropped += d.rows() - n;
  for (auto* v : {&d.member, &d.provider, &d.line}) v->resize(n);
  d.year.resize(n);
  d.cost.resize(n);
  d.exposure.resize(n);
  d.stratum.resize(n);
  d.risk_score.resize(n);
  d.members = members;
  if (n == 0) throw DataError(d.path, "has no rows left after dropping outliers");
}

}  // namespace

void screen_outliers(ClaimsData& d, Outliers policy, const OutlierColumns& columns) {
  std::vector<Found> found;
  stray_years(d, columns, found);
  cost_outliers(d, found);
  risk_outliers(d, found);
  if (found.empty()) return;
  std::sort(found.begin(), found.end(), [&](const Found& a, const Found& b) {
    return d.line[a.row] != d.line[b.row] ? d.line[a.row] < d.line[b.row] : a.kind < b.kind;
  });
  if (policy == Outliers::Refuse) refuse(d, columns, found);
  std::vector<bool> keep(d.rows(), true);
  std::vector<bool> drop_member(d.members, false);
  for (const Found& f : found) {
    if (policy == Outliers::Cap && f.kind == Kind::Cost) {
      d.cost[f.row] = f.cap * double(d.exposure[f.row]) / 12.0;
      ++d.outliers_capped;
    } else if (policy == Outliers::Cap && f.kind == Kind::Risk) {
      d.risk_score[f.row] = static_cast<float>(f.cap);
      ++d.outliers_capped;
    } else {
      // A stray year's row alone (its member's other years stay consecutive); for a cost or a
      // risk score the member's every row, since a missing year would read as churn.
      if (f.kind == Kind::Year)
        keep[f.row] = false;
      else
        drop_member[d.member[f.row]] = true;
      ++d.outliers_dropped;
    }
  }
  for (std::size_t i = 0; i < d.rows(); ++i)
    if (drop_member[d.member[i]]) keep[i] = false;
  if (std::find(keep.begin(), keep.end(), false) != keep.end()) keep_rows(d, keep);
}

}  // namespace apmsim::calibrate
