#pragma once
//! The per-replication losses every results file with a contract stores (format 2.3): the same
//! totals L = -net provider result the risk tables are computed from (risk.hpp,
//! replication_losses), so a reader can compute any level, exceedance probability or plot and
//! agree with the net_result table exactly.

#include <cstddef>

#include "analysis/record_view.hpp"
#include "analysis/results.hpp"

namespace apmsim::analysis {

//! Per-provider losses are kept by performance year and over the agreement while providers x
//! (performance years + 1) x replications is at most this many values (32 MB before
//! compression), else over the agreement only; the portfolio's always by year.
inline constexpr std::size_t kMostProviderLossValues = 4'000'000;

//! The portfolio's losses by performance year and over the agreement, and each participant's
//! (ReplicationLosses), in replication order: identical however the replications were split into
//! batches, shards or ranks, since they are sums over one replication's records. Participants'
//! years are kept while providers x columns x replications <= `most_provider_values`.
ReplicationLosses loss_totals(const RecordView& view,
                              std::size_t most_provider_values = kMostProviderLossValues);

}  // namespace apmsim::analysis
