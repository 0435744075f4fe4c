#pragma once
//! Stop signals for long commands: the first SIGTERM, SIGINT or SIGUSR1 asks the run to finish the
//! batch in flight, checkpoint and exit kExitInterrupted; a second one of the same kind acts as
//! usual (kills).

#include <csignal>

namespace apmsim::cli {

//! Non-zero (the signal's number) once a stop signal arrived.
const volatile std::sig_atomic_t* stop_flag();
//! Installs the handlers.
void catch_stop_signals();

}  // namespace apmsim::cli
