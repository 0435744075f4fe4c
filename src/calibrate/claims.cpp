#include "calibrate/claims.hpp"

#include "calibrate/csv_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace apmsim::calibrate {
namespace {

//! The roles a column can play, in the reader's column order.
enum Role { kMember, kYear, kCost, kExposure, kStratum, kRisk, kProvider, kGroup, kRegion, kRoles };
constexpr const char* kRoleKeys[kRoles] = {"member",     "year",     "cost",
                                           "exposure",   "stratum",  "risk_score",
                                           "provider",   "provider_group", "region"};

std::string place(const std::string& file, std::uint64_t line, int column,
                  const std::string& name) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  if (column > 0) where += ":" + std::to_string(column);
  return where + ": " + (name.empty() ? "" : "column '" + name + "': ");
}

//! The header's column names (RFC 4180 quoting, spaces and tabs trimmed), by reading the first
//! line; throws DataError for an empty file.
std::vector<std::string> header_names(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, "cannot be opened");
  std::string line;
  if (!std::getline(in, line) || line.find_first_not_of(" \t\r") == std::string::npos)
    throw DataError(path, "is empty: expected a header line naming the columns");
  std::vector<std::string> names;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    const char c = i < line.size() ? line[i] : ',';
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == '\r') {
      if (c == '\r' && i + 1 != line.size()) continue;
      const auto a = field.find_first_not_of(" \t"), b = field.find_last_not_of(" \t");
      names.push_back(a == std::string::npos ? "" : field.substr(a, b - a + 1));
      field.clear();
      if (c == '\r') break;
    } else {
      field += c;
    }
  }
  if (quoted) throw DataError(path, 1, 0, "", "a quoted column name is not closed");
  return names;
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
    : InputError(file + ": " + message) {}

ClaimsData read_claims(const std::string& path, const ReadOptions& options) {
  const ClaimsColumns& c = options.columns;
  const std::array<std::string, kRoles> wanted = {c.member,     c.year,     c.cost,
                                                  c.exposure,   c.stratum,  c.risk_score,
                                                  c.provider,   c.provider_group, c.region};
  for (int a = 0; a < kRoles; ++a)
    for (int b = a + 1; b < kRoles; ++b)
      if (wanted[a] == wanted[b])
        throw InputError("--" + std::string(kRoleKeys[a]) + "-column and --" + kRoleKeys[b] +
                         "-column name the same column '" + wanted[a] + "'");

  // Where each role's column is (1-based), from the header.
  const std::vector<std::string> header = header_names(path);
  std::array<int, kRoles> column{};
  std::string listed;
  for (std::size_t i = 0; i < header.size(); ++i) {
    listed += (i ? ", " : "") + header[i];
    for (int r = 0; r < kRoles; ++r)
      if (header[i] == wanted[r] && column[r] == 0) column[r] = static_cast<int>(i) + 1;
  }
  for (int r = 0; r < kRoles; ++r) {
    const bool needed = r <= kCost || std::find(c.required.begin(), c.required.end(),
                                                kRoleKeys[r]) != c.required.end();
    if (needed && column[r] == 0)
      throw DataError(path, 1, 0, "",
                      "no column '" + wanted[r] + "' (the " + kRoleKeys[r] +
                          (r <= kCost ? ", required" : "") + "); the header has: " + listed +
                          ". Name the right one with --" + kRoleKeys[r] + "-column");
  }

  ClaimsData d;
  d.path = path;
  d.has_exposure = column[kExposure] > 0;
  d.has_stratum = column[kStratum] > 0;
  d.has_risk = column[kRisk] > 0;
  d.has_provider = column[kProvider] > 0;
  d.has_region = column[kRegion] > 0;
  Names members, strata, providers, groups, regions;
  members.reserve(1 << 20);

  // Raw rows in file order; sorted by (member, year) below.
  std::vector<std::uint32_t> member, provider, line;
  std::vector<std::int32_t> year;
  std::vector<double> cost;
  std::vector<float> exposure, risk;
  std::vector<std::uint16_t> stratum;
  std::vector<std::uint32_t> first_group, first_region;  // per provider

  using Reader = io::CSVReader<kRoles, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>>;
  try {
    Reader in(path);
    in.read_header(io::ignore_extra_column | io::ignore_missing_column, wanted[0], wanted[1],
                   wanted[2], wanted[3], wanted[4], wanted[5], wanted[6], wanted[7], wanted[8]);
    std::array<char*, kRoles> f{};
    while (true) {
      f.fill(nullptr);
      if (!in.read_row(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8])) break;
      const std::uint64_t at = in.get_file_line();
      const auto fail = [&](int role, const std::string& message) {
        throw DataError(path, at, column[role], wanted[role], message);
      };
      const auto text = [&](int role) -> std::string_view {
        const std::string_view v = f[role] ? std::string_view(f[role]) : std::string_view();
        if (f[role] && v.empty()) fail(role, "empty");
        return v;
      };
      const auto number = [&](int role) {
        const std::string_view v = text(role);
        double x = 0.0;
        const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
        if (r.ec != std::errc() || r.ptr != v.data() + v.size())
          fail(role, "'" + std::string(v) + "' is not a number");
        if (!std::isfinite(x)) fail(role, "'" + std::string(v) + "' is not a finite number");
        return x;
      };
      const std::string_view id = text(kMember);
      std::int32_t y = 0;
      {
        const std::string_view v = text(kYear);
        const auto r = std::from_chars(v.data(), v.data() + v.size(), y);
        if (r.ec != std::errc() || r.ptr != v.data() + v.size())
          fail(kYear, "'" + std::string(v) + "' is not a whole year");
      }
      double amount = number(kCost);
      if (amount < 0.0) {
        if (options.negative_costs == NegativeCosts::Refuse)
          fail(kCost, "negative cost " + std::string(text(kCost)) +
                          "; use --negative-costs zero or --negative-costs drop to accept such "
                          "rows (they are counted in the report)");
        if (options.negative_costs == NegativeCosts::Drop) {
          ++d.negative_dropped;
          continue;
        }
        ++d.negative_zeroed;
        amount = 0.0;
      }
      float months = 12.0f;
      if (f[kExposure]) {
        const double e = number(kExposure);
        if (!(e > 0.0 && e <= 12.0))
          fail(kExposure, "exposure " + std::string(text(kExposure)) +
                              " months is not in (0, 12]");
        months = static_cast<float>(e);
      }
      std::uint16_t s = 0;
      if (f[kStratum]) {
        const std::uint32_t k = strata.index(text(kStratum));
        if (k >= 16)
          fail(kStratum, "a 17th stratum '" + std::string(text(kStratum)) +
                             "': apmsim takes at most 16; merge some");
        s = static_cast<std::uint16_t>(k);
      }
      float r = 1.0f;
      if (f[kRisk]) {
        const double v = number(kRisk);
        if (!(v > 0.0)) fail(kRisk, "risk score " + std::string(text(kRisk)) + " is not > 0");
        r = static_cast<float>(v);
      }
      const std::uint32_t p = f[kProvider] ? providers.index(text(kProvider)) : 0u;
      if (p == first_group.size()) {
        first_group.push_back(f[kGroup] ? groups.index(text(kGroup)) : 0u);
        first_region.push_back(f[kRegion] ? regions.index(text(kRegion)) : 0u);
      }
      member.push_back(members.index(id));
      year.push_back(y);
      cost.push_back(amount);
      exposure.push_back(months);
      stratum.push_back(s);
      risk.push_back(r);
      provider.push_back(p);
      line.push_back(static_cast<std::uint32_t>(at));
    }
  } catch (const io::error::escaped_string_not_closed& e) {
    throw DataError(path, e.file_line, 0, "", "a quoted field is not closed (unbalanced quotes)");
  } catch (const io::error::too_few_columns& e) {
    throw DataError(path, e.file_line, 0, "",
                    "fewer fields than the header's " + std::to_string(header.size()) + " columns");
  } catch (const io::error::too_many_columns& e) {
    throw DataError(path, e.file_line, 0, "",
                    "more fields than the header's " + std::to_string(header.size()) + " columns");
  } catch (const io::error::header_missing&) {
    throw DataError(path, "is empty: expected a header line naming the columns");
  } catch (const io::error::base& e) {
    throw DataError(path, e.what());
  }
  if (member.empty())
    throw DataError(path, d.negative_dropped ? "has no rows left after dropping negative costs"
                                             : "has a header but no rows");

  // Sort by (member, year); a repeated member-year is refused or summed.
  std::vector<std::uint32_t> order(member.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return member[a] != member[b] ? member[a] < member[b] : year[a] < year[b];
  });
  const std::vector<std::string> member_names = members.take();
  d.member.reserve(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::uint32_t i = order[k];
    if (!d.member.empty() && d.member.back() == member[i] && d.year.back() == year[i]) {
      if (options.duplicates == Duplicates::Refuse)
        throw DataError(path, line[i], column[kYear], wanted[kYear],
                        "member '" + member_names[member[i]] + "' has a second row for year " +
                            std::to_string(year[i]) + " (the first is on line " +
                            std::to_string(d.line.back()) +
                            "); use --duplicates sum to add such rows together");
      ++d.duplicates_summed;
      d.cost.back() += cost[i];
      d.exposure.back() = std::min(12.0f, d.exposure.back() + exposure[i]);
      continue;
    }
    d.member.push_back(member[i]);
    d.year.push_back(year[i]);
    d.cost.push_back(cost[i]);
    d.exposure.push_back(exposure[i]);
    d.stratum.push_back(stratum[i]);
    d.risk_score.push_back(risk[i]);
    d.provider.push_back(provider[i]);
    d.line.push_back(line[i]);
  }
  d.members = static_cast<std::uint32_t>(member_names.size());
  d.strata = strata.size() ? strata.take() : std::vector<std::string>{"all"};
  d.providers = providers.size() ? providers.take() : std::vector<std::string>{"all"};
  d.groups = groups.size() ? groups.take() : std::vector<std::string>{"providers"};
  d.regions = regions.size() ? regions.take() : std::vector<std::string>{"all"};
  d.provider_group = std::move(first_group);
  d.provider_region = std::move(first_region);
  return d;
}

}  // namespace apmsim::calibrate
