#pragma once
//! A claims extract read for calibration: one row per member and year (member, year, cost;
//! optionally exposure in months, stratum, risk score, provider, provider group, region), checked
//! strictly. Every refusal names the file, line, column number and column name (exit code 2).
//! The reader is libfccp's fast CSV parser (RFC 4180 quoting, asynchronous block reads).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/error.hpp"

namespace apmsim::calibrate {

//! Bad claims or continuance data: carries the place, formatted "FILE:LINE:COL: column 'NAME':".
class DataError : public InputError {
 public:
  DataError(const std::string& file, std::uint64_t line, int column, const std::string& name,
            const std::string& message);
  //! A message about the whole file ("FILE: ...").
  DataError(const std::string& file, const std::string& message);
};

//! The columns' names in the file. Defaults are those `apmsim sample` writes; only member, year
//! and cost must be present. An optional column named on the command line must be present too.
struct ClaimsColumns {
  std::string member = "member", year = "year", cost = "cost", exposure = "exposure",
              stratum = "stratum", risk_score = "risk_score", provider = "provider",
              provider_group = "provider_group", region = "region";
  //! Optional columns the user named (then required): "exposure", "stratum", ...
  std::vector<std::string> required;
};

//! What to do with negative costs (refunds, reversals) and repeated member-years.
enum class NegativeCosts { Refuse, Zero, Drop };
enum class Duplicates { Refuse, Sum };
//! What to do with outliers (calibrate/outliers.hpp): refuse them with their lines, cap them at
//! their stratum's nearest regular value (a stray year's rows are dropped: a year cannot be
//! capped), or drop their members.
enum class Outliers { Refuse, Cap, Drop };

struct ReadOptions {
  ClaimsColumns columns;
  NegativeCosts negative_costs = NegativeCosts::Refuse;
  Duplicates duplicates = Duplicates::Refuse;
  Outliers outliers = Outliers::Refuse;
};

//! Years a claims file may hold: calendar years or year indices (0, 1, ...).
constexpr int kFirstYear = 0, kLastYear = 9999;
//! The shortest exposure a row may have: a day. Costs are annualised (x 12 / exposure), so a
//! shorter one would turn any cost into an absurd annual one.
constexpr double kMinExposureMonths = 12.0 / 365.25;
//! Most provider groups (and regions) calibrate writes: each becomes a [[provider_group]] table
//! of ~250 bytes in each population file, so 10,000 keep them near 2.5 MB, well inside the
//! 16 MiB validate reads (scenario::kMaxScenarioBytes).
constexpr std::size_t kMaxProviderGroups = 10000;

//! The rows as columns, sorted by (member, year), one row per member-year; names interned.
struct ClaimsData {
  std::string path;
  std::vector<std::uint32_t> member;    //!< 0.. in order of first appearance
  std::vector<std::int32_t> year;       //!< as written (e.g. 2023)
  std::vector<double> cost;             //!< cost over the row's exposure
  std::vector<float> exposure;          //!< months, (0, 12]; 12 without the column
  std::vector<std::uint16_t> stratum;   //!< index into `strata` (0 without the column)
  std::vector<float> risk_score;        //!< 1 without the column
  std::vector<std::uint32_t> provider;  //!< index into `providers`
  std::vector<std::uint32_t> line;      //!< the row's line in the file
  std::vector<std::string> strata, providers, groups, regions;
  std::vector<std::uint32_t> provider_group, provider_region;  //!< per provider (first row's)
  std::uint32_t members = 0;
  bool has_exposure = false, has_stratum = false, has_risk = false, has_provider = false,
       has_region = false;
  //! What the options changed: rows whose negative cost became 0 or was dropped, rows summed.
  std::uint64_t negative_zeroed = 0, negative_dropped = 0, duplicates_summed = 0;
  //! What --outliers cap|drop changed: values capped; outlying rows dropped, and the rows dropped
  //! in all (their members' other rows too).
  std::uint64_t outliers_capped = 0, outliers_dropped = 0, outlier_rows_dropped = 0;
  std::uint64_t rows() const { return member.size(); }
};

//! Reads and checks a claims CSV. Throws DataError for anything wrong with the data.
ClaimsData read_claims(const std::string& path, const ReadOptions& options);

}  // namespace apmsim::calibrate
