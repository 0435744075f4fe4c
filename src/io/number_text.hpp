#pragma once
//! Numbers for people: digits set by the standard error, thousands separators, shares as
//! percentages. The rules are those of python/apmsim/format.py, so the text summary, the report
//! and a notebook show the same digits:
//!   - an estimate with SE s > 0 is shown to the decimal place of s's second significant digit
//!     (2,567,700,000 ± 7,700,000; 3.64 ± 0.11 %); a column shares the most precise row's digits;
//!   - an exact value (SE 0) keeps what its size needs: money whole units from 100 up, shares at
//!     most two decimals of a percent, other numbers four significant digits;
//!   - money never shows more than cents; thousands are separated by ',' from 1,000 up.

#include <string>
#include <vector>

namespace apmsim::io {

//! How a unit is shown: "fraction" as a percentage, money ("currency", "currency/unit") with
//! separators, anything else as a plain number.
enum class NumberKind { kShare, kMoney, kPlain };

NumberKind number_kind(const std::string& unit);

//! The decimal places for one value (of the displayed number: a share's percentage).
int decimals_for(double estimate, double se, NumberKind kind);

//! The decimal places a column of (estimate, se) pairs shares: the most any estimated value
//! (SE > 0) needs; the exact values' own places when none is estimated; 0 for an empty column.
int shared_decimals(const std::vector<double>& estimates, const std::vector<double>& ses,
                    NumberKind kind);

//! One cell's places in a column sharing `shared`: the column's, but at most one more than the
//! value's own (a column mixing sizes does not print a large value to many decimals).
int cell_decimals(double estimate, double se, int shared, NumberKind kind);

//! `value` (a share: times 100) to `decimals` places (negative: rounded to tens, hundreds, ...),
//! with separators for money and numbers from 1,000 up; NaN as "-", infinities as "inf"/"-inf".
std::string number_text(double value, int decimals, NumberKind kind);

//! "estimate ± se" (just the estimate when the SE is 0 or NaN) to `decimals` places.
std::string estimate_text(double estimate, double se, int decimals, NumberKind kind);

//! "[low, high]" to `decimals` places; "" when the SE is 0 or the bounds are not finite.
std::string interval_text(double low, double high, double se, int decimals, NumberKind kind);

//! A count or rate with an SI prefix and three significant digits: "4.56 M", "950 k", "12.0".
std::string si_text(double value);

//! A duration: "12.3 s", "4m 05s", "2h 07m"; "-" when negative or NaN.
std::string duration_text(double seconds);

//! A unit with the scenario's currency in it: "currency" -> "USD", "currency/unit" -> "USD/unit"
//! ("currency" when the scenario names none); other units unchanged.
std::string money_unit(const std::string& unit, const std::string& currency);

//! The unit as a summary's column header shows it: money_unit, and a share as "%".
std::string unit_label(const std::string& unit, const std::string& currency);

}  // namespace apmsim::io
