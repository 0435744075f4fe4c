#include "io/number_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace apmsim::io {
namespace {

double shown(double value, NumberKind kind) { return kind == NumberKind::kShare ? 100 * value : value; }

//! Floating-point residue, shown as an exact 0: what sums that cancel leave behind. An amount of
//! money and its SE both below half a cent, or any other value and its SE both below 1e-10.
bool residue(double estimate, double se, NumberKind kind) {
  const double tiny = kind == NumberKind::kMoney ? 0.005 : 1e-10;
  return std::fabs(estimate) < tiny && !(std::isfinite(se) && se >= tiny);
}

//! An SE worth printing: positive, finite and not mere rounding (below 1e-12 of the estimate),
//! of a value that is not residue.
bool estimated(double estimate, double se, NumberKind kind) {
  return std::isfinite(se) && se > 0 && se > 1e-12 * std::fabs(estimate) &&
         !residue(estimate, se, kind);
}

//! Places for a value known exactly (see the header).
int exact_decimals(double magnitude, NumberKind kind) {
  if (kind == NumberKind::kMoney) return magnitude >= 100 || magnitude == 0 ? 0 : 2;
  if (magnitude == 0 || !std::isfinite(magnitude)) return 0;
  const int places = std::clamp(3 - static_cast<int>(std::floor(std::log10(magnitude))), 0, 6);
  return kind == NumberKind::kShare ? std::min(places, 2) : places;
}

//! Inserts ',' every three digits of the integer part of a plain decimal string.
std::string with_separators(const std::string& text) {
  const std::size_t start = text[0] == '-' ? 1 : 0;
  const std::size_t point = std::min(text.find('.'), text.size());
  std::string out = text.substr(0, start);
  for (std::size_t i = start; i < point; ++i) {
    out += text[i];
    const std::size_t left = point - i - 1;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  return out + text.substr(point);
}

//! "currency", "currency/unit", "currency/provider-year", ...: money, in total or per some exposure.
bool is_money(const std::string& unit) {
  static const std::string word = "currency";
  return unit.compare(0, word.size(), word) == 0 &&
         (unit.size() == word.size() || unit[word.size()] == '/');
}

}  // namespace

NumberKind number_kind(const std::string& unit) {
  if (unit == "fraction") return NumberKind::kShare;
  if (is_money(unit)) return NumberKind::kMoney;
  return NumberKind::kPlain;
}

int decimals_for(double estimate, double se, NumberKind kind) {
  int places;
  if (residue(estimate, se, kind))
    places = exact_decimals(0, kind);
  else if (estimated(estimate, se, kind))
    places = std::min(6, 1 - static_cast<int>(std::floor(std::log10(std::fabs(shown(se, kind))))));
  else
    places = exact_decimals(std::fabs(shown(estimate, kind)), kind);
  return kind == NumberKind::kMoney ? std::min(places, 2) : places;
}

int shared_decimals(const std::vector<double>& estimates, const std::vector<double>& ses,
                    NumberKind kind) {
  int with_se = -100, exact = -100;
  for (std::size_t i = 0; i < estimates.size() && i < ses.size(); ++i) {
    if (std::isnan(estimates[i])) continue;
    int& best = estimated(estimates[i], ses[i], kind) ? with_se : exact;
    best = std::max(best, decimals_for(estimates[i], ses[i], kind));
  }
  if (with_se > -100) return with_se;
  return exact > -100 ? exact : 0;
}

int cell_decimals(double estimate, double se, int shared, NumberKind kind) {
  return std::min(shared, decimals_for(estimate, se, kind) + 1);
}

std::string number_text(double value, int decimals, NumberKind kind) {
  if (std::isnan(value)) return "-";
  const double x = shown(value, kind);
  if (!std::isfinite(x)) return x > 0 ? "inf" : "-inf";
  double rounded = x;
  if (decimals < 0) {
    const double step = std::pow(10.0, -decimals);
    rounded = std::round(x / step) * step;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", std::max(decimals, 0), rounded);
  std::string text = buffer;
  // "-0", "-0.00": a value that rounds to zero is written without a sign.
  if (text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  const bool separate = kind == NumberKind::kMoney || std::fabs(rounded) >= 1000;
  return separate ? with_separators(text) : text;
}

std::string estimate_text(double estimate, double se, int decimals, NumberKind kind) {
  if (std::isnan(estimate)) return "-";
  const std::string value = number_text(estimate, decimals, kind);
  if (!estimated(estimate, se, kind)) return value;
  return value + " ± " + number_text(se, decimals, kind);
}

std::string interval_text(double low, double high, double se, int decimals, NumberKind kind) {
  if (!estimated((low + high) / 2, se, kind) || !std::isfinite(low) || !std::isfinite(high)) return "";
  return "[" + number_text(low, decimals, kind) + ", " + number_text(high, decimals, kind) + "]";
}

std::string si_text(double value) {
  const char* const prefixes[] = {"", " k", " M", " G", " T", " P"};
  int p = 0;
  while (std::fabs(value) >= 1000 && p < 5) {
    value /= 1000;
    ++p;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f%s",
                std::fabs(value) < 10 ? 2 : std::fabs(value) < 100 ? 1 : 0, value, prefixes[p]);
  return buffer;
}

std::string duration_text(double seconds) {
  if (!(seconds >= 0)) return "-";
  char buffer[32];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1f s", seconds);
    return buffer;
  }
  const long total = std::lround(seconds);
  if (total < 3600)
    std::snprintf(buffer, sizeof buffer, "%ldm %02lds", total / 60, total % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%ldh %02ldm", total / 3600, total % 3600 / 60);
  return buffer;
}

std::string money_unit(const std::string& unit, const std::string& currency) {
  const std::string money = currency.empty() ? "currency" : currency;
  return is_money(unit) ? money + unit.substr(std::string("currency").size()) : unit;
}

std::string unit_label(const std::string& unit, const std::string& currency) {
  return unit == "fraction" ? "%" : money_unit(unit, currency);
}

}  // namespace apmsim::io
