#pragma once
//! SIGTERM, SIGINT and SIGUSR1 as a request to stop: the run drops the batch in flight (the CPU
//! engine looks at the flag every few thousand units), checkpoints and exits kExitInterrupted.

#include <csignal>

namespace apmsim::cli {

//! Installs the handlers. The first signal sets the flag. Repeats within kRepeatSeconds are the
//! same request (GNU timeout signals the run and then its whole process group, so it arrives
//! twice); a later repeat acts as usual and ends the process at once. Either way the checkpoint
//! on disk survives: it is only ever replaced by a rename.
void catch_stop_signals();

//! The flag the handlers set: the signal's number, 0 while none came.
const volatile std::sig_atomic_t* stop_flag();

//! Seconds during which a repeated stop signal is taken as the first one.
inline constexpr int kRepeatSeconds = 5;

}  // namespace apmsim::cli
