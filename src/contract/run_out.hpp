#pragma once
//! Claims run-out (docs/analyses.md, "Run-out: completion error, initial reconciliation and
//! true-up"; docs/scenario-reference.md `[contract.run_out]`). A year's cost is incurred evenly
//! over its 12 months and each patient-month's cost is paid as one lump at its own lag, drawn from
//! the stated completion pattern. The reconciliation is settled `months` after the year's end on
//! the claims paid by then divided by the completion factor (42 CFR 425.604(a)(5): 3 months of
//! run-out with a completion factor), so it carries the factor's error; a true-up on complete
//! claims replaces it where the program has one (42 CFR 510.305(f)).
//!
//! Paid by the cut-off, given the provider-year's cost C and sum of squared unit costs S2:
//!   p_m = P(lag <= 11 - m + months), m = 0..11,  p = mean_m p_m,
//!   E[paid] = p C,  Var[paid] = S2 sum_m p_m (1 - p_m) / 144,
//! drawn as E + sqrt(Var) Z (a sum over thousands of patient-months: normal), clipped to [0, C].
//! The ratio q = paid / (completion_factor C) scales the accountable cost: exact without
//! truncation or stop-loss, an approximation with them (the cut-off's shortfall is spread over
//! the units in proportion to their accountable cost).

#include <array>
#include <cstdint>
#include <vector>

#include "engine/tallies.hpp"
#include "model/random.hpp"
#include "scenario/contract.hpp"

namespace apmsim::contract {

struct TallyPlace;

//! The stated completion pattern at the run-out cut-off.
struct CompletionPattern {
  std::array<double, 12> paid_by_cut_off{};  //!< p_m: month m's cost paid by the cut-off
  double expected = 1.0;         //!< p = mean_m p_m: the expected completion at the cut-off
  double variance_factor = 0.0;  //!< sum_m p_m (1 - p_m) / 144: Var[paid] = S2 x this
};

//! The pattern `lag` (shares paid 0, 1, ... months after the month of service, in proportion:
//! divided by their sum) at a cut-off `months` after the year's end. A pattern complete by the
//! cut-off gives p_m = 1 exactly, so nothing moves.
CompletionPattern completion_pattern(int months, const std::vector<double>& lag);

//! One provider-year's reconciliation on some accountable cost.
struct Reconciled {
  double shared = 0.0;          //!< the sharing rule's result before eligibility
  double reconciliation = 0.0;  //!< the reconciliation paid (+) or owed (-)
};

//! The reconciliations of one provider-year under the run-out.
struct RunOutResult {
  Reconciled settled;             //!< what is finally paid (the true-up's, else the initial one)
  double initial = 0.0;           //!< reconciliation at the cut-off
  double true_up = 0.0;           //!< settled - initial (0 without a true-up)
  double completion_error = 0.0;  //!< accountable cost as reconciled - as incurred
};

//! The run-out step of the waterfall, built once per evaluator.
class ClaimsRunOut {
 public:
  //! `seed`: the run's seed; the draws are keyed by it on their own stream.
  ClaimsRunOut(const scenario::RunOut& terms, std::uint64_t seed);

  //! q = paid by the cut-off / (completion_factor C) for the provider-year `at` of `tallies`
  //! (C and S2 from its performance-year tallies); 1 without a run-out or without cost. The
  //! normal draw is keyed by (seed, global replication, provider, calendar year): the same
  //! whatever the batch size, threads or contract variant.
  double completion_ratio(const engine::BatchTallies& tallies, const TallyPlace& at) const;

  //! The same from the figures: `replication` global, `year` the calendar year index.
  double completion_ratio(std::uint64_t replication, std::uint32_t provider, int year, double cost,
                          double cost_squared) const;

  //! The reconciliations at completion ratio q: initial on q x `accountable_cost`, the true-up
  //! on `accountable_cost`. `reconcile_at(cost)` is the waterfall's reconciliation (a
  //! Reconciled) on an accountable cost. Without a run-out: reconcile_at(accountable_cost) alone.
  template <class Reconcile>
  RunOutResult settle(double q, double accountable_cost, const Reconcile& reconcile_at) const {
    RunOutResult out;
    const Reconciled complete = reconcile_at(accountable_cost);
    if (!terms_.enabled) {
      out.settled = complete;
      out.initial = complete.reconciliation;
      return out;
    }
    const Reconciled initial = q == 1.0 ? complete : reconcile_at(accountable_cost * q);
    out.completion_error = accountable_cost * (q - 1.0);
    out.initial = initial.reconciliation;
    out.settled = terms_.true_up() ? complete : initial;
    out.true_up = out.settled.reconciliation - out.initial;
    return out;
  }

  //! The pattern at the cut-off.
  const CompletionPattern& pattern() const { return pattern_; }
  //! The completion factor in force: the scenario's, or the pattern's expected completion.
  double completion_factor() const { return completion_factor_; }

 private:
  scenario::RunOut terms_;
  model::Key key_;
  CompletionPattern pattern_;
  double completion_factor_ = 1.0;
};

}  // namespace apmsim::contract
