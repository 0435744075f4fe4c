#pragma once
//! Which of a variant's results tables a caller reads: every one (a run, `price`), or the one a
//! figure stands in (`apmsim solve`'s steps between its first and its answer). The tables made are
//! made by the same code either way, so a figure is the same bit for bit; the others are not made.

#include <string>

namespace apmsim::analysis {

struct TablesNeeded {
  //! "" = every table; else a table by the name run::Figure gives it: `headline`,
  //! `contract_portfolio`, `contract_provider`, `portfolio` or `<analysis>/<table>`.
  std::string table;
  std::string quantity;  //!< with table `headline`: which figure (it says which table it reads)
  bool all() const { return table.empty(); }
};

}  // namespace apmsim::analysis
