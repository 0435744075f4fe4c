//! `[contract.run_out]`: the run-out months, the completion pattern, the completion factor and the
//! true-up (docs/scenario-reference.md `[contract.run_out]`).
#include <cstddef>
#include <string>

#include "scenario/schema.hpp"
#include "scenario/sections.hpp"

namespace apmsim::scenario {

namespace {

//! The longest run-out and the longest pattern: ten years of months.
constexpr int kMaxRunOutMonths = 120;
//! The latest true-up: twenty years after the year's end.
constexpr int kMaxTrueUpMonths = 240;

}  // namespace

RunOut read_run_out(const TableReader& contract) {
  RunOut out;
  const std::optional<TableReader> found = sub_table(contract, "run_out", "contract.run_out");
  if (!found) return out;
  const TableReader& r = *found;
  out.enabled = true;
  out.months = static_cast<int>(r.required_integer("months", 0, kMaxRunOutMonths));
  r.require("lag", "the completion pattern: the share of a month's cost paid 0, 1, ... months later");
  out.lag = *r.numbers("lag", at_least(0.0));
  if (out.lag.empty() || out.lag.size() > static_cast<std::size_t>(kMaxRunOutMonths))
    r.fail("lag", "needs 1 to " + std::to_string(kMaxRunOutMonths) + " shares, got " +
                      std::to_string(out.lag.size()));
  double total = 0.0;
  for (const double share : out.lag) total += share;
  if (!(total > 0.0)) r.fail("lag", "the shares must not all be 0");
  out.completion_factor = r.number("completion_factor", 0.0, left_open(0.0, 1.0));
  if (r.has("true_up_months")) {
    out.true_up_months =
        static_cast<int>(r.required_integer("true_up_months", 1, kMaxTrueUpMonths));
    if (out.true_up_months <= out.months)
      r.fail("true_up_months", "must be > months (" + std::to_string(out.months) +
                                   "): the true-up comes after the initial reconciliation");
  }
  return out;
}

}  // namespace apmsim::scenario
