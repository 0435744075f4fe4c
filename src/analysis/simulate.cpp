#include "analysis/simulate.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/comm.hpp"
#include "analysis/run.hpp"
#include "engine/engine.hpp"
#include "scenario/error.hpp"

namespace apmsim::analysis {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

//! Where this process's replications start and end.
std::pair<std::uint64_t, std::uint64_t> own_range(const scenario::Scenario& s,
                                                  const SimulateOptions& o) {
  if (o.shard_count == 0) return {0, s.simulation.replications};
  return shard_range(s.simulation.replications, o.shard_index, o.shard_count);
}

//! Loads the checkpoint into `run` when resuming and it exists; checks it starts at `begin`.
void resume(Run& run, std::uint64_t begin, const SimulateOptions& o) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!o.resume || o.checkpoint_path.empty()) return;
  if (!fs::exists(o.checkpoint_path, error)) {
    if (o.note) o.note("no checkpoint " + o.checkpoint_path + " yet; starting from the beginning");
    return;
  }
  run.absorb(read_whole_file(o.checkpoint_path), o.checkpoint_path);
  if (run.first() != begin)
    throw InputError(o.checkpoint_path + ": the checkpoint starts at replication " +
                     std::to_string(run.first()) + ", but this run's replications start at " +
                     std::to_string(begin) + " (a different --shard?)");
  if (o.note)
    o.note("resuming from " + o.checkpoint_path + ": replications " + std::to_string(run.first()) +
           " to " + std::to_string(run.end()) + " are done");
}

//! Fills in what the run was (shard, resume) once the Run made its results.
void finish(Results& results, const Run& run, const scenario::Scenario& s,
            const SimulateOptions& o) {
  results.info.total_replications = s.simulation.replications;
  if (o.shard_count > 0) {
    results.info.shard_index = o.shard_index;
    results.info.shard_count = o.shard_count;
    results.info.first_replication = run.first();
    results.state = run.save_state();
  }
}

//! Checkpoints when asked to stop or when the interval has passed; true when asked to stop.
class Checkpointer {
 public:
  explicit Checkpointer(const SimulateOptions& o) : o_(o), last_(Clock::now()) {}
  bool stop_requested() const { return o_.stop && *o_.stop != 0; }
  //! After a batch: saves if due (or `stopping`).
  void after_batch(const Run& run, bool stopping) {
    if (o_.checkpoint_path.empty()) return;
    if (!stopping && seconds_since(last_) < o_.checkpoint_interval) return;
    write_file_atomically(o_.checkpoint_path, run.save_state());
    last_ = Clock::now();
  }

 private:
  const SimulateOptions& o_;
  Clock::time_point last_;
};

bool target_met(const Run& run, std::uint64_t begin, std::uint64_t end, const scenario::Scenario& s,
                const SimulateOptions& o) {
  // A tolerance is checked once there are enough replications for its batches.
  return !o.target_name.empty() && run.end() < end &&
         run.end() - begin >= 2 * static_cast<std::uint64_t>(s.analysis.batches) &&
         run.relative_se(o.target_name) < o.target_relative_se;
}

Results simulate_alone(const scenario::Scenario& s, const SimulateOptions& o) {
  const auto [begin, end] = own_range(s, o);
  const std::uint64_t batch = std::max<std::uint64_t>(1, s.simulation.batch_size);
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
  finish(results, run, s, o);
  return results;
}

// Decisions rank 0 broadcasts after each round.
enum Decision : std::uint64_t { kContinue = 0, kComplete = 1, kInterrupted = 2 };

//! MPI: in each round every rank simulates one batch (rank k the k-th of the round) into a state
//! of its own and sends it to rank 0, which joins them in replication order, exactly as one
//! process would fold them, checks the tolerance after each, checkpoints, and decides.
Results simulate_ranks(const scenario::Scenario& s, const SimulateOptions& o) {
  Comm& comm = *o.comm;
  const int rank = comm.rank(), ranks = comm.size();
  const auto [begin, end] = own_range(s, o);
  const std::uint64_t batch = std::max<std::uint64_t>(1, s.simulation.batch_size);
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
    finish(results, *total, s, o);
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

Results simulate(const scenario::Scenario& s, const SimulateOptions& options) {
  if (options.comm && options.comm->size() > 1) return simulate_ranks(s, options);
  return simulate_alone(s, options);
}

Results merge_states(const scenario::Scenario& s, const SimulateOptions& options,
                     const std::vector<std::string>& states,
                     const std::vector<std::string>& names) {
  Run run(s, options, false);
  run.reset(0);
  for (std::size_t i = 0; i < states.size(); ++i) run.absorb(states[i], names[i]);
  if (run.end() != s.simulation.replications)
    throw InputError(names.back() + ": the shards end at replication " + std::to_string(run.end()) +
                     " of " + std::to_string(s.simulation.replications));
  Results results = run.results(0.0);
  results.info.total_replications = s.simulation.replications;
  return results;
}

// --- Files ---------------------------------------------------------------------------------------

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      std::remove(temporary.c_str());
      throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(error));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot flush " + temporary + ": " + std::strerror(error));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot rename " + temporary + " to " + path + ": " +
                             std::strerror(error));
  }
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError("cannot read " + path);
  return std::move(buffer).str();
}

}  // namespace apmsim::analysis
