#include "cli/signals.hpp"

#include <signal.h>
#include <time.h>

#include <initializer_list>

namespace apmsim::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_first_second = 0;  //!< CLOCK_MONOTONIC second of the first signal

// Only async-signal-safe calls here (clock_gettime, sigaction, raise).
extern "C" void on_stop_signal(int signal) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto second = static_cast<std::sig_atomic_t>(now.tv_sec);
  if (g_stop == 0) {
    g_stop = signal;
    g_first_second = second;
    return;
  }
  if (second - g_first_second < kRepeatSeconds) return;  // the same request, delivered again
  struct sigaction usual {};
  usual.sa_handler = SIG_DFL;
  sigemptyset(&usual.sa_mask);
  sigaction(signal, &usual, nullptr);
  raise(signal);
}

}  // namespace

void catch_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal : {SIGTERM, SIGINT, SIGUSR1}) sigaction(signal, &action, nullptr);
}

const volatile std::sig_atomic_t* stop_flag() { return &g_stop; }

}  // namespace apmsim::cli
