#pragma once
//! Claim payments with their month of service and month paid, read for the completion pattern
//! (calibrate/completion_pattern.hpp) as a monthly development triangle: the amount paid for each
//! month of service at each lag (months paid after the month of service), as far as the extract
//! date lets it be seen. Every refusal names the file, line, column number and column name.
//!
//! CSV columns (names as below, or as `--service-month-column`, ... name them): `service_month`
//! and `paid_month` as YYYY-MM (a full date YYYY-MM-DD is read as its month), `amount` (>= 0,
//! at most 1e9 per row). Other columns are ignored; rows may repeat (payments add up).

#include <cstdint>
#include <string>
#include <vector>

namespace apmsim::calibrate {

//! The columns' names in a paid-claims file.
struct PaidColumns {
  std::string service_month = "service_month", paid_month = "paid_month", amount = "amount";
};

//! How to read the file: its columns, the extract date and the longest lag kept apart.
struct PaidOptions {
  PaidColumns columns;
  //! The extract date as a month index (year x 12 + month - 1); < 0: the latest paid month.
  //! Payments after it are refused; lags longer than (as_of - service month) are unseen.
  int as_of = -1;
  //! Lags kept apart, 1 to 120; a payment later than this many months after its month of
  //! service counts at lag `max_lag` (the last lag is "max_lag months or later").
  int max_lag = 24;
};

//! The development triangle: incremental paid by month of service and lag.
struct PaidTriangle {
  std::string path;
  int first_month = 0;  //!< the earliest month of service (month index)
  int as_of = 0;        //!< the extract date (month index)
  int max_lag = 0;      //!< lags 0..max_lag; the last holds every later payment
  //! paid[i][k]: paid for month of service first_month + i at lag k; only lags k <=
  //! as_of - (first_month + i) are seen (the rest are 0 and unknown).
  std::vector<std::vector<double>> paid;
  std::uint64_t rows = 0;
  //! Rows by lag: [k] paid k months after service, [max_lag + 1] later than max_lag (counted
  //! at max_lag in `paid`).
  std::vector<std::uint64_t> rows_by_lag;
  double total = 0.0;

  int months() const { return static_cast<int>(paid.size()); }
  //! The last lag seen for month of service i.
  int seen(int i) const { return as_of - (first_month + i); }
};

//! "2023-07" -> 2023 x 12 + 6; -1 unless the text is YYYY-MM or YYYY-MM-DD (year 0 to 9999).
int month_index(const std::string& text);
//! 2023 x 12 + 6 -> "2023-07".
std::string month_text(int index);

//! Reads and checks a paid-claims CSV. Throws DataError (calibrate/claims.hpp) for bad data:
//! a missing column, a month that is not YYYY-MM, a payment before its month of service or after
//! the extract date, an amount that is negative, not a finite number or above 1e9, no rows;
//! without --as-of, a latest paid month more than 3 months after every other payment (a typo
//! there would become the extract date).
PaidTriangle read_paid_claims(const std::string& path, const PaidOptions& options);

}  // namespace apmsim::calibrate
