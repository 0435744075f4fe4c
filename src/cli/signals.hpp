#pragma once
//! Stop signals for long commands: SIGTERM, SIGINT or SIGUSR1 ask the run to stop (the CPU engine
//! drops the batch in flight, looking at the flag every few thousand units), checkpoint and exit
//! kExitInterrupted.

#include <csignal>

namespace apmsim::cli {

//! Non-zero (the signal's number) once a stop signal arrived.
const volatile std::sig_atomic_t* stop_flag();
//! Installs the handlers. The first signal sets the flag. Repeats within kRepeatSeconds are the
//! same request (GNU timeout signals the run and then its whole process group, so it arrives
//! twice); a later repeat acts as usual and ends the process at once. Either way the checkpoint
//! on disk survives: it is only ever replaced by a rename.
void catch_stop_signals();

//! Seconds during which a repeated stop signal is taken as the first one.
inline constexpr int kRepeatSeconds = 5;

}  // namespace apmsim::cli
