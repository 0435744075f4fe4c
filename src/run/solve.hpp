#pragma once
//! `apmsim solve`: the value of one contract term (or several tied to it) at which a results
//! figure meets a target, on common random numbers (every candidate evaluated on the same
//! replications: the same seed, or the same stored tallies), with the solution's standard error
//! by the delta method (docs/analyses.md, "Solving for a term").

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/results.hpp"
#include "analysis/tables_needed.hpp"
#include "scenario/scenario.hpp"

namespace apmsim::run {

//! A results figure: `table` is `headline`, `contract_portfolio`, `portfolio` or
//! `<analysis>/<table>` (e.g. `risk/net_result`); row, column and quantity by name; variant 0.
struct Figure {
  std::string table, row, column, quantity;
};

//! Reads "TABLE:ROW:COLUMN:QUANTITY"; InputError naming `option` otherwise.
Figure parse_figure(const std::string& text, const std::string& option);

//! The figure's estimate and standard error in `results`; InputError listing what exists when
//! the table, row, column or quantity is not there.
std::pair<double, double> figure_value(const analysis::Results& results, const Figure& figure);

//! What to solve: the term x at paths[i] = factors[i] x x, within [low, high], such that the
//! figure equals `target`.
struct SolveSpec {
  std::vector<std::pair<std::string, double>> vary;  //!< (path, factor)
  double low = 0, high = 0;
  Figure figure;
  double target = 0;
  double tolerance = 1e-6;  //!< on x, relative to high - low
  int max_evaluations = 60;
};

//! One evaluation of a candidate.
struct Evaluation {
  double x = 0, estimate = 0, se = 0;
};

struct Solution {
  double x = 0;         //!< the term's value
  double se = 0;        //!< its standard error: se(figure at x) / |slope| (delta method)
  double estimate = 0;  //!< the figure at x
  double estimate_se = 0;
  double slope = 0;     //!< d figure / dx at x, by a central difference on the same draws
  std::vector<Evaluation> evaluations;  //!< every candidate, in order
  analysis::Results results;            //!< the results at x
};

//! Evaluates a scenario on the common replications (a run with the fixed seed, or `price`),
//! making at least the tables named (RunSettings::tables).
using Evaluate = std::function<analysis::Results(const scenario::Scenario&,
                                                 const analysis::TablesNeeded&)>;

//! Brackets the target in [low, high] (InputError with both values when it is not), then
//! bisects on the same draws to `tolerance` (a [sweep] of `base` is not used: the base terms
//! are solved); the figure may be a step function of x (VaR, a
//! count): the answer is then where it crosses the target. The slope is a central difference
//! over a step of max(1e-2 (high - low), the final bracket). The first candidate and the answer
//! are evaluated in full (the first checks that the figure exists); the others make only the
//! figure's table.
Solution solve(const scenario::Scenario& base, const SolveSpec& spec, const Evaluate& evaluate);

}  // namespace apmsim::run
