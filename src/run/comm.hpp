#pragma once
//! What the MPI driver needs from a communicator; the command line provides one over MPI when
//! the binary was built with MPI and launched by mpirun (src/cli/mpi_comm.cpp). Keeps MPI's
//! headers out of the libraries, which build and test without MPI.

#include <cstdint>
#include <string>
#include <vector>

namespace apmsim::run {

class Comm {
 public:
  virtual ~Comm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  //! Rank 0 receives every rank's bytes in rank order (its own first); the others receive none.
  virtual std::vector<std::string> gather(const std::string& mine) = 0;
  //! Every rank receives rank 0's value.
  virtual std::uint64_t broadcast(std::uint64_t value) = 0;
};

}  // namespace apmsim::run
