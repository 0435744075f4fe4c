#pragma once
//! MPI for the command line: started only when the process was launched by mpirun (Open MPI,
//! or any launcher that sets PMI/PMIx variables) and the binary was built with MPI, so a plain
//! `apmsim` never touches MPI.

#include <memory>

#include "run/comm.hpp"

namespace apmsim::cli {

//! Whether this binary was built with MPI.
bool mpi_built();
//! Initialises MPI when launched by mpirun; nullptr otherwise.
std::unique_ptr<run::Comm> start_mpi(int& argc, char**& argv);
//! Finalises MPI if it was started.
void stop_mpi();
//! Aborts every rank with `code` (after an error on one rank) if MPI was started with more
//! than one rank; returns otherwise.
void abort_mpi(int code);
//! The rank's index among the ranks on its node (for one GPU per rank); 0 without MPI.
int local_rank();

}  // namespace apmsim::cli
