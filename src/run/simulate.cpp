#include "run/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "engine/engine.hpp"
#include "run/checkpoint.hpp"
#include "run/comm.hpp"
#include "run/run.hpp"

namespace apmsim::run {

using analysis::Results;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

//! Where this process's replications start and end (settings resolved).
std::pair<std::uint64_t, std::uint64_t> own_range(const RunSettings& o) {
  if (o.shard_count == 0) return {0, *o.replications};
  return shard_range(*o.replications, o.shard_index, o.shard_count);
}

//! Fills in what the run was (shard, resume) once the Run made its results.
void finish(Results& results, const Run& run, const RunSettings& o) {
  results.info.total_replications = *o.replications;
  if (o.shard_count > 0) {
    results.info.shard_index = o.shard_index;
    results.info.shard_count = o.shard_count;
    results.info.first_replication = run.first();
    results.state = run.save_state();
  }
}

bool target_met(const Run& run, std::uint64_t begin, std::uint64_t end, const scenario::Scenario& s,
                const RunSettings& o) {
  // A tolerance is checked once there are enough replications for its batches.
  return !o.target_name.empty() && run.end() < end &&
         run.end() - begin >= 2 * static_cast<std::uint64_t>(s.analysis.batches) &&
         run.relative_se(o.target_name) < o.target_relative_se;
}

Results simulate_alone(const scenario::Scenario& s, const RunSettings& o) {
  const auto [begin, end] = own_range(o);
  const std::uint64_t batch = *o.batch_size;
  Run run(s, o, true);
  run.reset(begin);
  resume(run, begin, o);
  Checkpointer checkpoint(o);
  const auto start = Clock::now();
  while (run.end() < end) {
    try {
      run.simulate_batch(std::min(batch, end - run.end()));
    } catch (const engine::BatchAbandoned&) {
      // Stopped within the batch: the state is the last whole batch's, checkpointed below.
    }
    if (o.progress) o.progress(run.end() - begin, end - begin);
    if (target_met(run, begin, end, s, o)) break;
    if (checkpoint.stop_requested() && run.end() < end) {
      checkpoint.after_batch(run, true);
      Results r;
      r.interrupted = true;
      r.info.replications = run.end() - run.first();
      return r;
    }
    if (run.end() < end) checkpoint.after_batch(run, false);
  }
  Results results = run.results(seconds_since(start));
  finish(results, run, o);
  return results;
}

// Decisions rank 0 broadcasts after each round.
enum Decision : std::uint64_t { kContinue = 0, kComplete = 1, kInterrupted = 2 };

//! MPI: in each round every rank simulates one batch (rank k the k-th of the round) into a state
//! of its own and sends it to rank 0, which joins them in replication order, exactly as one
//! process would fold them, checks the tolerance after each, checkpoints, and decides.
Results simulate_ranks(const scenario::Scenario& s, const RunSettings& o) {
  Comm& comm = *o.comm;
  const int rank = comm.rank(), ranks = comm.size();
  const auto [begin, end] = own_range(o);
  const std::uint64_t batch = *o.batch_size;
  Run mine(s, o, true);
  std::unique_ptr<Run> total;
  if (rank == 0) {
    total = std::make_unique<Run>(s, o, false);
    total->reset(begin);
    resume(*total, begin, o);
  }
  Checkpointer checkpoint(o);
  const auto start = Clock::now();
  const std::uint64_t from = comm.broadcast(total ? total->end() : 0);
  std::uint64_t decision = from >= end ? kComplete : kContinue;
  for (std::uint64_t round = 0; decision == kContinue; ++round) {
    const std::uint64_t first =
        from +
        (round * static_cast<std::uint64_t>(ranks) + static_cast<std::uint64_t>(rank)) * batch;
    std::string message(1, checkpoint.stop_requested() ? '1' : '0');
    if (first < end) {
      mine.reset(first);
      try {
        mine.simulate_batch(std::min(batch, end - first));
        message += mine.save_state(false);
      } catch (const engine::BatchAbandoned&) {
        message[0] = '1';  // stopped within the batch: no state; rank 0 joins those before it
      }
    }
    const std::vector<std::string> parts = comm.gather(message);
    if (rank == 0) {
      bool stop = false, met = false;
      for (const std::string& part : parts) stop = stop || part[0] == '1';
      for (int k = 0; k < ranks && !met; ++k) {
        if (parts[k].size() == 1) break;  // no state: an abandoned batch, or past the end
        total->absorb(std::string_view(parts[k]).substr(1),
                      "the state of MPI rank " + std::to_string(k), true);
        if (o.progress) o.progress(total->end() - begin, end - begin);
        met = target_met(*total, begin, end, s, o);
      }
      if (met || total->end() >= end) {
        decision = kComplete;
      } else if (stop) {
        checkpoint.after_batch(*total, true);
        decision = kInterrupted;
      } else {
        checkpoint.after_batch(*total, false);
      }
    }
    decision = comm.broadcast(decision);
  }
  Results results;
  if (rank == 0) {
    results = total->results(seconds_since(start),
                             "mpi: " + std::to_string(ranks) + " ranks; rank 0 " + mine.device());
    finish(results, *total, o);
  }
  results.interrupted = decision == kInterrupted;
  results.written_elsewhere = rank != 0;
  return results;
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t replications, int index,
                                                    int count) {
  const auto at = [&](std::uint64_t i) {
    // i * R / N without overflow for any R < 2^64 and N < 2^31.
    const std::uint64_t n = static_cast<std::uint64_t>(count);
    return (replications / n) * i + (replications % n) * i / n;
  };
  return {at(static_cast<std::uint64_t>(index)), at(static_cast<std::uint64_t>(index) + 1)};
}

Results simulate(const scenario::Scenario& s, const RunSettings& settings) {
  const RunSettings o = resolved(s, settings);
  if (o.comm && o.comm->size() > 1) return simulate_ranks(s, o);
  return simulate_alone(s, o);
}

}  // namespace apmsim::run
