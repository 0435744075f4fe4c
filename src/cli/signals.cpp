#include "cli/signals.hpp"

#include <initializer_list>

namespace apmsim::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int signal) { g_stop = signal; }

}  // namespace

const volatile std::sig_atomic_t* stop_flag() { return &g_stop; }

void catch_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (int signal : {SIGTERM, SIGINT, SIGUSR1}) sigaction(signal, &action, nullptr);
}

}  // namespace apmsim::cli
