#include "calibrate/paid_claims.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>

#include "calibrate/claims.hpp"
#include "calibrate/csv_file.hpp"
#include "calibrate/csv_reader.hpp"
#include "calibrate/outliers.hpp"

namespace apmsim::calibrate {
namespace {

enum Role { kService, kPaid, kAmount, kRoles };
constexpr const char* kOptions[kRoles] = {"service-month", "paid-month", "amount"};

//! The digits of text[at, at + n) as a number; -1 unless they are all digits.
int digits(std::string_view text, std::size_t at, std::size_t n) {
  int x = 0;
  const auto r = std::from_chars(text.data() + at, text.data() + at + n, x);
  return r.ec == std::errc() && r.ptr == text.data() + at + n && text[at] != '-' ? x : -1;
}

//! One payment as read: its months (indices) and amount, and its line.
struct Payment {
  int service = 0, paid = 0;
  double amount = 0.0;
  std::uint64_t line = 0;
};

//! The rows of the file, each field checked where it is read.
class PaidReader {
 public:
  PaidReader(const std::string& path, const PaidColumns& names) : path_(path) {
    wanted_ = {names.service_month, names.paid_month, names.amount};
    const std::vector<std::string> header = csv_header(path);
    std::string listed;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (listed.size() < 300) listed += (i ? ", " : "") + shown(header[i], 40);
      for (int r = 0; r < kRoles; ++r)
        if (header[i] == wanted_[r] && column_[r] == 0) column_[r] = static_cast<int>(i) + 1;
    }
    for (int r = 0; r < kRoles; ++r)
      if (column_[r] == 0)
        throw DataError(path, 1, 0, "",
                        "no column '" + shown(wanted_[r], 40) + "' (paid claims need " +
                            "service_month, paid_month and amount); the header has: " + listed +
                            ". Name the right one with --" + kOptions[r] + "-column");
    for (int a = 0; a < kRoles; ++a)
      for (int b = a + 1; b < kRoles; ++b)
        if (wanted_[a] == wanted_[b])
          throw InputError("--" + std::string(kOptions[a]) + "-column and --" + kOptions[b] +
                           "-column name the same column '" + shown(wanted_[a], 40) + "'");
    header_size_ = header.size();
  }

  //! Hands every payment, in file order, to `take` (the rows are not kept: a file may be huge).
  template <class Take>
  void read(Take&& take) {
    using Reader =
        io::CSVReader<kRoles, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>>;
    try {
      Reader in(path_);
      in.read_header(io::ignore_extra_column, wanted_[0], wanted_[1], wanted_[2]);
      char *service = nullptr, *paid = nullptr, *amount = nullptr;
      while (in.read_row(service, paid, amount)) {
        Payment p;
        p.line = in.get_file_line();
        p.service = month(p.line, kService, service);
        p.paid = month(p.line, kPaid, paid);
        p.amount = number(p.line, amount);
        if (p.paid < p.service)
          fail(p.line, kPaid,
               "paid " + month_text(p.paid) + ", before its month of service " +
                   month_text(p.service) + " (are the two columns swapped?)");
        take(p);
      }
    } catch (const DataError&) {
      throw;
    } catch (const io::error::escaped_string_not_closed& e) {
      throw DataError(path_, e.file_line, 0, "",
                      "a quoted field is not closed (unbalanced quotes)");
    } catch (const io::error::too_few_columns& e) {
      throw DataError(
          path_, e.file_line, 0, "",
          "fewer fields than the header's " + std::to_string(header_size_) + " columns");
    } catch (const io::error::too_many_columns& e) {
      throw DataError(path_, e.file_line, 0, "",
                      "more fields than the header's " + std::to_string(header_size_) + " columns");
    } catch (const io::error::base& e) {
      throw DataError(path_, shown(e.what(), 300));  // it may quote the file
    }
  }

  [[noreturn]] void fail(std::uint64_t line, int role, const std::string& message) const {
    throw DataError(path_, line, column_[role], wanted_[role], message);
  }

 private:
  std::string_view text(std::uint64_t line, int role, const char* cell) const {
    const std::string_view v = cell ? std::string_view(cell) : std::string_view();
    if (v.empty()) fail(line, role, "empty");
    return v;
  }
  int month(std::uint64_t line, int role, const char* cell) const {
    const std::string_view v = text(line, role, cell);
    const int m = month_index(std::string(v));
    if (m < 0)
      fail(line, role, "'" + shown(v) + "' is not a month (YYYY-MM, or a date YYYY-MM-DD)");
    return m;
  }
  double number(std::uint64_t line, const char* cell) const {
    const std::string_view v = text(line, kAmount, cell);
    double x = 0.0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size())
      fail(line, kAmount, "'" + shown(v) + "' is not a number");
    if (!std::isfinite(x)) fail(line, kAmount, "'" + shown(v) + "' is not a finite number");
    if (x < 0.0)
      fail(line, kAmount,
           "negative amount " + shown(v) +
               ": net reversals against their payments (same month of service) before "
               "estimating a completion pattern");
    if (x > kMaxAnnualCost)
      fail(line, kAmount, shown(v) + " is beyond the plausibility limit of 1e+09 per payment");
    return x;
  }

  std::string path_;
  std::array<std::string, kRoles> wanted_;
  std::array<int, kRoles> column_{};
  std::size_t header_size_ = 0;
};

//! Months without any payment before the latest paid month that make it a typo: a month typed
//! 2203-03 for 2023-03 would be the default extract date and hide every month's censoring.
constexpr int kMostQuietMonths = 3;

//! The payments binned as they are read: paid by month of service and lag (lags past max_lag at
//! max_lag), and the latest paid months (for the default extract date and its typo check).
struct Bins {
  std::map<int, std::vector<double>> paid;  //!< by month of service
  std::vector<std::uint64_t> rows_by_lag;
  std::uint64_t rows = 0;
  double total = 0.0;
  int latest = -1, before_latest = -1;  //!< the latest paid month; the latest before it
  std::uint64_t latest_line = 0;        //!< the first row paid in the latest month

  void add(const Payment& p, int max_lag) {
    if (p.paid > latest) {
      before_latest = latest;
      latest = p.paid, latest_line = p.line;
    } else if (p.paid < latest) {
      before_latest = std::max(before_latest, p.paid);
    }
    const int lag = p.paid - p.service;
    std::vector<double>& month = paid[p.service];
    if (month.empty()) month.assign(std::size_t(max_lag) + 1, 0.0);
    month[std::size_t(std::min(lag, max_lag))] += p.amount;
    ++rows_by_lag[std::size_t(std::min(lag, max_lag + 1))];
    ++rows;
    total += p.amount;
  }
};

}  // namespace

int month_index(const std::string& text) {
  if (text.size() != 7 && text.size() != 10) return -1;
  if (text[4] != '-' || (text.size() == 10 && text[7] != '-')) return -1;
  const int year = digits(text, 0, 4), month = digits(text, 5, 2);
  if (year < 0 || month < 1 || month > 12) return -1;
  if (text.size() == 10) {
    const int day = digits(text, 8, 2);
    if (day < 1 || day > 31) return -1;
  }
  return year * 12 + month - 1;
}

std::string month_text(int index) {
  char t[16];
  std::snprintf(t, sizeof t, "%04d-%02d", index / 12, index % 12 + 1);
  return t;
}

PaidTriangle read_paid_claims(const std::string& path, const PaidOptions& options) {
  PaidReader reader(path, options.columns);
  Bins bins;
  bins.rows_by_lag.assign(std::size_t(options.max_lag) + 2, 0);
  reader.read([&](const Payment& p) {
    if (options.as_of >= 0 && p.paid > options.as_of)
      reader.fail(p.line, kPaid,
                  "paid " + month_text(p.paid) + ", after the extract date (--as-of " +
                      month_text(options.as_of) + ")");
    bins.add(p, options.max_lag);
  });
  if (bins.rows == 0) throw DataError(path, "has a header but no rows");
  if (options.as_of < 0 && bins.before_latest >= 0 &&
      bins.latest - bins.before_latest > kMostQuietMonths)
    reader.fail(bins.latest_line, kPaid,
                "paid " + month_text(bins.latest) + ", " +
                    std::to_string(bins.latest - bins.before_latest) +
                    " months after every other payment (the latest before it " +
                    month_text(bins.before_latest) +
                    "): a typo? It would be the extract date and hide what is not yet paid; "
                    "correct it, or give the extract date with --as-of");
  PaidTriangle t;
  t.path = path;
  t.max_lag = options.max_lag;
  t.as_of = options.as_of >= 0 ? options.as_of : bins.latest;
  t.first_month = bins.paid.begin()->first;
  t.paid.assign(std::size_t(t.as_of - t.first_month + 1),
                std::vector<double>(std::size_t(t.max_lag) + 1, 0.0));
  for (auto& [service, paid] : bins.paid)
    t.paid[std::size_t(service - t.first_month)] = std::move(paid);
  t.rows_by_lag = std::move(bins.rows_by_lag);
  t.rows = bins.rows;
  t.total = bins.total;
  return t;
}

}  // namespace apmsim::calibrate
