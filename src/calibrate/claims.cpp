#include "calibrate/claims.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "calibrate/csv_file.hpp"
#include "calibrate/csv_reader.hpp"
#include "calibrate/outliers.hpp"
#include "scenario/limits.hpp"
#include "scenario/names.hpp"

namespace apmsim::calibrate {
namespace {

//! The roles a column can play, in the reader's column order.
enum Role { kMember, kYear, kCost, kExposure, kStratum, kRisk, kProvider, kGroup, kRegion, kRoles };
constexpr const char* kRoleKeys[kRoles] = {"member",   "year",           "cost",
                                           "exposure", "stratum",        "risk_score",
                                           "provider", "provider_group", "region"};

std::string place(const std::string& file, std::uint64_t line, int column,
                  const std::string& name) {
  std::string where = shown(file, 400);
  if (line > 0) where += ":" + std::to_string(line);
  if (column > 0) where += ":" + std::to_string(column);
  return where + ": " + (name.empty() ? "" : "column '" + shown(name, 40) + "': ");
}

//! Interns names: the index of each distinct name, in order of first appearance.
class Names {
 public:
  std::uint32_t index(std::string_view name) {
    const auto it = map_.find(std::string(name));
    if (it != map_.end()) return it->second;
    const auto i = static_cast<std::uint32_t>(list_.size());
    map_.emplace(std::string(name), i);
    list_.emplace_back(name);
    return i;
  }
  std::vector<std::string> take() { return std::move(list_); }
  std::size_t size() const { return list_.size(); }
  void reserve(std::size_t n) { map_.reserve(n); }

 private:
  std::unordered_map<std::string, std::uint32_t> map_;
  std::vector<std::string> list_;
};

}  // namespace

DataError::DataError(const std::string& file, std::uint64_t line, int column,
                     const std::string& name, const std::string& message)
    : InputError(place(file, line, column, name) + message) {}

DataError::DataError(const std::string& file, const std::string& message)
    : InputError(shown(file, 400) + ": " + message) {}

namespace {

using ColumnNames = std::array<std::string, kRoles>;
using ColumnPlaces = std::array<int, kRoles>;  //!< 1-based; 0: absent

//! Each role's column name; throws when two roles name the same column.
ColumnNames column_names(const ClaimsColumns& c) {
  const ColumnNames wanted = {c.member,     c.year,     c.cost,           c.exposure, c.stratum,
                              c.risk_score, c.provider, c.provider_group, c.region};
  for (int a = 0; a < kRoles; ++a)
    for (int b = a + 1; b < kRoles; ++b)
      if (wanted[a] == wanted[b])
        throw InputError("--" + std::string(kRoleKeys[a]) + "-column and --" + kRoleKeys[b] +
                         "-column name the same column '" + shown(wanted[a], 40) + "'");
  return wanted;
}

//! Where each role's column is in the header; throws for a required one that is absent.
ColumnPlaces locate_columns(const std::string& path, const std::vector<std::string>& header,
                            const ColumnNames& wanted, const std::vector<std::string>& required) {
  ColumnPlaces column{};
  std::string listed;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (listed.size() < 300) listed += (i ? ", " : "") + shown(header[i], 40);
    if (listed.size() >= 300 && i + 1 == header.size())
      listed += ", ... (" + std::to_string(header.size()) + " columns)";
    for (int r = 0; r < kRoles; ++r)
      if (header[i] == wanted[r] && column[r] == 0) column[r] = static_cast<int>(i) + 1;
  }
  for (int r = 0; r < kRoles; ++r) {
    const bool needed =
        r <= kCost || std::find(required.begin(), required.end(), kRoleKeys[r]) != required.end();
    if (needed && column[r] == 0)
      throw DataError(path, 1, 0, "",
                      "no column '" + shown(wanted[r], 40) + "' (the " + kRoleKeys[r] +
                          (r <= kCost ? ", required" : "") + "); the header has: " + listed +
                          ". Name the right one with --" + kRoleKeys[r] + "-column");
  }
  return column;
}

//! The rows as read, in file order, with the names they interned.
struct RawRows {
  std::vector<std::uint32_t> member, provider, line;
  std::vector<std::int32_t> year;
  std::vector<double> cost;
  std::vector<float> exposure, risk;
  std::vector<std::uint16_t> stratum;
  std::vector<std::uint32_t> first_group, first_region;  //!< per provider
  Names members, strata, providers, groups, regions;
};

//! One row's fields (null: the column is absent) and how to read them, each refusal located.
struct Fields {
  const std::string& path;
  const ColumnNames& wanted;
  const ColumnPlaces& column;
  std::uint64_t at = 0;  //!< the row's line
  std::array<char*, kRoles> f{};

  [[noreturn]] void fail(int role, const std::string& message) const {
    throw DataError(path, at, column[role], wanted[role], message);
  }
  bool has(int role) const { return f[role] != nullptr; }
  //! The name a cell neutralised for spreadsheets stands for (io/csv_text.hpp: `sample` and
  //! `export` write `'=north` for `=north`), so a sampled file calibrates to its own names.
  static std::string_view unneutralised(std::string_view v) {
    if (v.size() >= 2 && v[0] == '\'' && std::string_view("=+-@\t\r").find(v[1]) != std::string_view::npos)
      v.remove_prefix(1);
    return v;
  }
  std::string_view text(int role) const {
    const std::string_view v = f[role] ? std::string_view(f[role]) : std::string_view();
    if (f[role] && v.empty()) fail(role, "empty");
    return v;
  }
  double number(int role) const {
    const std::string_view v = text(role);
    double x = 0.0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size())
      fail(role, "'" + shown(v) + "' is not a number");
    if (!std::isfinite(x)) fail(role, "'" + shown(v) + "' is not a finite number");
    return x;
  }
  //! The index of the row's name in `role`'s column. A new name is checked: it becomes a
  //! scenario name (validate's rule: no '/' or control characters; and UTF-8), and there may be
  //! at most `most` of them.
  std::uint32_t name(int role, Names& names, std::size_t most, const std::string& kind,
                     const char* advice) const {
    const std::string_view v = unneutralised(text(role));
    const std::size_t before = names.size();
    const std::uint32_t k = names.index(v);
    if (names.size() == before) return k;
    if (!scenario::legal_name(std::string(v)) || !valid_utf8(v))
      fail(role, kind + " name '" + shown(v) +
                     "' has a '/', a control character or bytes that are not UTF-8: it becomes "
                     "a name in the scenario, where these are not allowed; rename it");
    if (k >= most)
      fail(role, kind + " '" + shown(v) + "' is one more than the " + std::to_string(most) +
                     " calibrate writes (a scenario must stay within what validate reads); " +
                     advice);
    return k;
  }
  std::int32_t year() const {
    const std::string_view v = text(kYear);
    std::int32_t y = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), y);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size())
      fail(kYear, "'" + shown(v) + "' is not a whole year");
    if (y < kFirstYear || y > kLastYear)
      fail(kYear, "year " + std::to_string(y) + " is neither a calendar year nor a year index (" +
                      std::to_string(kFirstYear) + " to " + std::to_string(kLastYear) + ")");
    return y;
  }
};

//! The row's cost after the negative-cost option; false: drop the row.
bool row_cost(const Fields& row, NegativeCosts negative, ClaimsData& d, double& amount) {
  amount = row.number(kCost);
  if (amount >= 0.0) return true;
  if (negative == NegativeCosts::Refuse)
    row.fail(kCost, "negative cost " + shown(row.text(kCost)) +
                        "; use --negative-costs zero or --negative-costs drop to accept such "
                        "rows (they are counted in the report)");
  if (negative == NegativeCosts::Drop) {
    ++d.negative_dropped;
    return false;
  }
  ++d.negative_zeroed;
  amount = 0.0;
  return true;
}

//! Checks one row and appends it to `raw`.
void add_row(const Fields& row, const ReadOptions& options, ClaimsData& d, RawRows& raw) {
  const std::string_view id = row.text(kMember);
  const std::int32_t y = row.year();
  double amount = 0.0;
  if (!row_cost(row, options.negative_costs, d, amount)) return;
  float months = 12.0f;
  if (row.has(kExposure)) {
    const double e = row.number(kExposure);
    if (!(e > 0.0 && e <= 12.0))
      row.fail(kExposure, "exposure " + shown(row.text(kExposure)) + " months is not in (0, 12]");
    if (e < kMinExposureMonths)
      row.fail(kExposure, "exposure " + shown(row.text(kExposure)) +
                              " months is less than a day (0.033 months): its cost, annualised "
                              "(x 12 / exposure), would mean nothing; correct it or drop the row");
    months = static_cast<float>(e);
  }
  std::uint16_t s = 0;
  if (row.has(kStratum)) {
    const std::uint32_t k =
        row.name(kStratum, raw.strata, scenario::kMaxStrata, "stratum", "merge some");
    s = static_cast<std::uint16_t>(k);
  }
  float r = 1.0f;
  if (row.has(kRisk)) {
    const double v = row.number(kRisk);
    if (!(v > 0.0)) row.fail(kRisk, "risk score " + shown(row.text(kRisk)) + " is not > 0");
    r = static_cast<float>(v);
  }
  const std::uint32_t p = row.has(kProvider) ? raw.providers.index(row.text(kProvider)) : 0u;
  if (p == raw.first_group.size()) {
    raw.first_group.push_back(
        row.has(kGroup) ? row.name(kGroup, raw.groups, kMaxProviderGroups, "provider group",
                                   "map providers to fewer groups, or leave the group column "
                                   "out (one group of all providers)")
                        : 0u);
    raw.first_region.push_back(row.has(kRegion)
                                   ? row.name(kRegion, raw.regions, kMaxProviderGroups, "region",
                                              "merge some, or leave the region column out")
                                   : 0u);
  }
  raw.member.push_back(raw.members.index(id));
  raw.year.push_back(y);
  raw.cost.push_back(amount);
  raw.exposure.push_back(months);
  raw.stratum.push_back(s);
  raw.risk.push_back(r);
  raw.provider.push_back(p);
  raw.line.push_back(static_cast<std::uint32_t>(row.at));
}

//! Reads every row with libfccp, its errors translated into located DataErrors.
void read_rows(const std::string& path, const ColumnNames& wanted, const ColumnPlaces& column,
               std::size_t header_size, const ReadOptions& options, ClaimsData& d, RawRows& raw) {
  using Reader =
      io::CSVReader<kRoles, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>>;
  try {
    Reader in(path);
    in.read_header(io::ignore_extra_column | io::ignore_missing_column, wanted[0], wanted[1],
                   wanted[2], wanted[3], wanted[4], wanted[5], wanted[6], wanted[7], wanted[8]);
    Fields row{path, wanted, column};
    while (true) {
      row.f.fill(nullptr);
      auto& f = row.f;
      if (!in.read_row(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8])) break;
      row.at = in.get_file_line();
      add_row(row, options, d, raw);
    }
  } catch (const io::error::escaped_string_not_closed& e) {
    throw DataError(path, e.file_line, 0, "", "a quoted field is not closed (unbalanced quotes)");
  } catch (const io::error::too_few_columns& e) {
    throw DataError(path, e.file_line, 0, "",
                    "fewer fields than the header's " + std::to_string(header_size) + " columns");
  } catch (const io::error::too_many_columns& e) {
    throw DataError(path, e.file_line, 0, "",
                    "more fields than the header's " + std::to_string(header_size) + " columns");
  } catch (const io::error::header_missing&) {
    throw DataError(path, "is empty: expected a header line naming the columns");
  } catch (const io::error::base& e) {
    throw DataError(path, shown(e.what(), 300));  // it may quote the file
  }
}

//! The rows sorted by (member, year) into `d`; a repeated member-year is refused or summed.
void sort_rows(RawRows& raw, const ReadOptions& options, const ColumnNames& wanted,
               const ColumnPlaces& column, ClaimsData& d) {
  std::vector<std::uint32_t> order(raw.member.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return raw.member[a] != raw.member[b] ? raw.member[a] < raw.member[b]
                                          : raw.year[a] < raw.year[b];
  });
  const std::vector<std::string> member_names = raw.members.take();
  d.member.reserve(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::uint32_t i = order[k];
    if (!d.member.empty() && d.member.back() == raw.member[i] && d.year.back() == raw.year[i]) {
      if (options.duplicates == Duplicates::Refuse)
        throw DataError(d.path, raw.line[i], column[kYear], wanted[kYear],
                        "member '" + shown(member_names[raw.member[i]]) +
                            "' has a second row for year " + std::to_string(raw.year[i]) +
                            " (the first is on line " + std::to_string(d.line.back()) +
                            "); use --duplicates sum to add such rows together");
      ++d.duplicates_summed;
      d.cost.back() += raw.cost[i];
      d.exposure.back() = std::min(12.0f, d.exposure.back() + raw.exposure[i]);
      continue;
    }
    d.member.push_back(raw.member[i]);
    d.year.push_back(raw.year[i]);
    d.cost.push_back(raw.cost[i]);
    d.exposure.push_back(raw.exposure[i]);
    d.stratum.push_back(raw.stratum[i]);
    d.risk_score.push_back(raw.risk[i]);
    d.provider.push_back(raw.provider[i]);
    d.line.push_back(raw.line[i]);
  }
  d.members = static_cast<std::uint32_t>(member_names.size());
}

}  // namespace

ClaimsData read_claims(const std::string& path, const ReadOptions& options) {
  const ColumnNames wanted = column_names(options.columns);
  const std::vector<std::string> header = csv_header(path);
  const ColumnPlaces column = locate_columns(path, header, wanted, options.columns.required);
  ClaimsData d;
  d.path = path;
  d.has_exposure = column[kExposure] > 0;
  d.has_stratum = column[kStratum] > 0;
  d.has_risk = column[kRisk] > 0;
  d.has_provider = column[kProvider] > 0;
  d.has_region = column[kRegion] > 0;
  RawRows raw;
  raw.members.reserve(1 << 20);
  read_rows(path, wanted, column, header.size(), options, d, raw);
  if (raw.member.empty())
    throw DataError(path, d.negative_dropped ? "has no rows left after dropping negative costs"
                                             : "has a header but no rows");
  sort_rows(raw, options, wanted, column, d);
  d.strata = raw.strata.size() ? raw.strata.take() : std::vector<std::string>{"all"};
  d.providers = raw.providers.size() ? raw.providers.take() : std::vector<std::string>{"all"};
  d.groups = raw.groups.size() ? raw.groups.take() : std::vector<std::string>{"providers"};
  d.regions = raw.regions.size() ? raw.regions.take() : std::vector<std::string>{"all"};
  d.provider_group = std::move(raw.first_group);
  d.provider_region = std::move(raw.first_region);
  // Stray years, costs and risk scores far beyond their stratum's: refused, capped or dropped.
  screen_outliers(d, options.outliers,
                  {{column[kYear], wanted[kYear]},
                   {column[kCost], wanted[kCost]},
                   {column[kRisk], wanted[kRisk]}});
  return d;
}

}  // namespace apmsim::calibrate
