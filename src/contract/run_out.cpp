#include "contract/run_out.hpp"

#include <algorithm>
#include <cmath>

#include "contract/provider_year.hpp"
#include "model/entity.hpp"
#include "model/tally_layout.hpp"

namespace apmsim::contract {

CompletionPattern completion_pattern(int months, const std::vector<double>& lag) {
  CompletionPattern out;
  const int longest = static_cast<int>(lag.size()) - 1;  // the last lag with a share
  double total = 0.0;
  for (const double share : lag) total += share;
  double sum = 0.0, variance = 0.0;
  for (int m = 0; m < 12; ++m) {
    const int cut_off = 11 - m + months;  // months from month m's service to the cut-off
    double p = 1.0;  // every lag paid: exactly 1, whatever the rounding of the shares' sum
    if (cut_off < longest) {
      p = 0.0;
      for (int k = 0; k <= cut_off; ++k) p += lag[static_cast<std::size_t>(k)];
      p = std::min(p / total, 1.0);
    }
    out.paid_by_cut_off[static_cast<std::size_t>(m)] = p;
    sum += p;
    variance += p * (1.0 - p);
  }
  out.expected = sum / 12.0;
  out.variance_factor = variance / 144.0;
  return out;
}

ClaimsRunOut::ClaimsRunOut(const scenario::RunOut& terms, std::uint64_t seed)
    : terms_(terms), key_(model::key_from_seed(seed)) {
  if (!terms.enabled) return;
  pattern_ = completion_pattern(terms.months, terms.lag);
  completion_factor_ = terms.completion_factor > 0.0 ? terms.completion_factor : pattern_.expected;
}

double ClaimsRunOut::completion_ratio(const engine::BatchTallies& tallies,
                                      const TallyPlace& at) const {
  if (!terms_.enabled) return 1.0;
  const double* now = tallies.record(at.replication, at.provider, at.year);
  return completion_ratio(tallies.first_replication + at.replication, at.provider, at.year,
                          now[model::TallyLayout::kCost], now[model::TallyLayout::kCostSquared]);
}

double ClaimsRunOut::completion_ratio(std::uint64_t replication, std::uint32_t provider, int year,
                                      double cost, double cost_squared) const {
  if (!terms_.enabled || !(cost > 0.0)) return 1.0;
  const double expected = pattern_.expected * cost;
  const double variance = cost_squared * pattern_.variance_factor;
  double paid = expected;
  if (variance > 0.0) {
    // Its own stream, counter (replication, provider, unit word = calendar year): no other draw
    // moves when a run-out is switched on.
    model::ScalarCursor cursor(key_, model::kStreamRunOut, static_cast<std::uint32_t>(replication),
                               provider, static_cast<std::uint32_t>(year));
    paid = std::clamp(expected + std::sqrt(variance) * cursor.normal(), 0.0, cost);
  }
  return paid / (completion_factor_ * cost);
}

}  // namespace apmsim::contract
