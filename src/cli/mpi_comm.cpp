#include "cli/mpi_comm.hpp"

#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#if defined(APMSIM_HAVE_MPI)
#include <mpi.h>
#endif

namespace apmsim::cli {

namespace {

#if defined(APMSIM_HAVE_MPI)
bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

bool g_started = false;
int g_size = 1;

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

class MpiComm final : public run::Comm {
 public:
  MpiComm() {
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<std::string> gather(const std::string& mine) override {
    // Sizes first (64-bit), then the bytes in pieces of at most INT_MAX per message.
    const std::uint64_t n = mine.size();
    std::vector<std::uint64_t> sizes(rank_ == 0 ? size_ : 0);
    check(MPI_Gather(&n, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD),
          "MPI_Gather");
    constexpr std::uint64_t kPiece = std::numeric_limits<int>::max();
    if (rank_ != 0) {
      for (std::uint64_t at = 0; at < n; at += kPiece)
        check(MPI_Send(mine.data() + at, static_cast<int>(std::min(kPiece, n - at)), MPI_BYTE, 0, 0,
                       MPI_COMM_WORLD),
              "MPI_Send");
      return {};
    }
    std::vector<std::string> out(size_);
    out[0] = mine;
    for (int k = 1; k < size_; ++k) {
      out[k].resize(sizes[k]);
      for (std::uint64_t at = 0; at < sizes[k]; at += kPiece)
        check(MPI_Recv(out[k].data() + at, static_cast<int>(std::min(kPiece, sizes[k] - at)),
                       MPI_BYTE, k, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
              "MPI_Recv");
    }
    return out;
  }

  std::uint64_t broadcast(std::uint64_t value) override {
    check(MPI_Bcast(&value, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
    return value;
  }

 private:
  int rank_ = 0, size_ = 1;
};
#endif

}  // namespace

bool mpi_built() {
#if defined(APMSIM_HAVE_MPI)
  return true;
#else
  return false;
#endif
}

std::unique_ptr<run::Comm> start_mpi(int& argc, char**& argv) {
#if defined(APMSIM_HAVE_MPI)
  if (!launched_by_mpirun()) return nullptr;
  check(MPI_Init(&argc, &argv), "MPI_Init");
  g_started = true;
  auto comm = std::make_unique<MpiComm>();
  g_size = comm->size();
  return comm;
#else
  (void)argc;
  (void)argv;
  return nullptr;
#endif
}

void stop_mpi() {
#if defined(APMSIM_HAVE_MPI)
  if (g_started) MPI_Finalize();
  g_started = false;
#endif
}

void abort_mpi(int code) {
#if defined(APMSIM_HAVE_MPI)
  if (g_started && g_size > 1) MPI_Abort(MPI_COMM_WORLD, code);
#else
  (void)code;
#endif
}

int local_rank() {
  for (const char* v : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"})
    if (const char* s = std::getenv(v)) return std::atoi(s);
  return 0;
}

}  // namespace apmsim::cli
