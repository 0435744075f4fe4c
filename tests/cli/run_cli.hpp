#pragma once
//! Runs the built `apmsim` executable (APMSIM_CLI) as a child process and captures its stdout,
//! stderr and exit status; plus the temporary folder and file helpers the CLI tests share.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../support/temp_folder.hpp"

namespace apmsim::cli_test {

namespace fs = std::filesystem;

//! What a run of the command line did.
struct CliResult {
  int exit_code = -1;  //!< the exit status, or -1 when the process was killed by a signal
  int signal = 0;      //!< the signal that ended it, 0 when it exited
  bool timed_out = false;
  std::string out;      //!< everything written to stdout
  std::string err;      //!< everything written to stderr
  std::string command;  //!< the command, for failure messages

  bool exited() const { return signal == 0 && !timed_out; }
};

inline std::ostream& operator<<(std::ostream& os, const CliResult& r) {
  os << "$ " << r.command << "\n";
  if (r.timed_out) os << "[timed out]\n";
  if (r.signal != 0)
    os << "[killed by signal " << r.signal << " (" << ::strsignal(r.signal) << ")]\n";
  else
    os << "[exit " << r.exit_code << "]\n";
  return os << "--- stdout ---\n" << r.out << "--- stderr ---\n" << r.err;
}

//! Runs `apmsim args...` in folder `cwd` (the current folder when empty), stdin from /dev/null,
//! and waits at most `timeout_seconds` (then kills it and reports timed_out).
inline CliResult run_cli(const std::vector<std::string>& args, const std::string& cwd = "",
                         double timeout_seconds = 60.0) {
  CliResult result;
  result.command = APMSIM_CLI;
  for (const auto& a : args) result.command += " '" + a + "'";

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));

  std::vector<std::string> storage;
  storage.reserve(args.size() + 1);
  storage.emplace_back(APMSIM_CLI);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  char buffer[65536];
  while (open_count > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    const int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

//! Path of a file in tests/data/cli.
inline std::string cli_data(const std::string& name) {
  return std::string(APMSIM_TEST_DATA) + "/cli/" + name;
}

//! Path of a file in tests/data/bad.
inline std::string bad_data(const std::string& name) {
  return std::string(APMSIM_TEST_DATA) + "/bad/" + name + ".toml";
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

//! A fresh folder for the current test, removed afterwards.
class TempFolder : public apmsim::testing::TempFolder {
 public:
  TempFolder() : apmsim::testing::TempFolder("apmsim_cli_") {}
};

//! Names in `names` that look like the writer's temporary files (`<path>.tmp.<pid>`).
inline std::vector<std::string> temporaries(const std::vector<std::string>& names) {
  std::vector<std::string> found;
  for (const auto& n : names)
    if (n.find(".tmp") != std::string::npos) found.push_back(n);
  return found;
}

//! Joins names for failure messages.
inline std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return "[" + s + "]";
}

//! Modification time of a file in nanoseconds.
inline long long mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
  return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

//! Whether `text` holds `part`.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

//! The command ended by itself with exit code 2 (bad input), each fragment in what it said.
inline void expect_refused(const CliResult& r, const std::vector<std::string>& fragments) {
  ASSERT_TRUE(r.exited()) << "crashed or hung\n" << r;
  EXPECT_EQ(r.exit_code, 2) << r;
  for (const auto& f : fragments) EXPECT_TRUE(contains(r.err, f)) << "'" << f << "' not in\n" << r;
}

//! Two runs of the same command at once (a race on one output), in `cwd`.
inline std::pair<CliResult, CliResult> run_cli_twice(const std::vector<std::string>& args,
                                                     const std::string& cwd, int timeout_seconds) {
  CliResult a, b;
  std::thread first([&] { a = run_cli(args, cwd, timeout_seconds); });
  std::thread second([&] { b = run_cli(args, cwd, timeout_seconds); });
  first.join();
  second.join();
  return {a, b};
}

}  // namespace apmsim::cli_test
