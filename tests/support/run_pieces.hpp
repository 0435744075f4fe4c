#pragma once
// A run made in pieces of `counts` replications, each saved and absorbed in order into one state,
// as shards, MPI ranks and resumed runs are joined (run/run.hpp).
#include <cstdint>
#include <initializer_list>

#include "run/run.hpp"

namespace apmsim::testing_support {

inline analysis::Results joined_in_pieces(const scenario::Scenario& s,
                                          std::initializer_list<std::uint64_t> counts) {
  const run::RunSettings o;
  run::Run piece(s, o, true), joined(s, o, false);
  joined.reset(0);
  std::uint64_t at = 0;
  for (std::uint64_t count : counts) {
    piece.reset(at);
    piece.simulate_batch(count);
    joined.absorb(piece.save_state(), "piece");
    at += count;
  }
  return joined.results(0.0);
}

}  // namespace apmsim::testing_support
