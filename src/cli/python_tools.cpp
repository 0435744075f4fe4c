#include "cli/python_tools.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace apmsim::cli {

namespace fs = std::filesystem;

namespace {

fs::path executable() {
  std::error_code error;
  return fs::read_symlink("/proc/self/exe", error);
}

}  // namespace

std::string source_path(const std::string& relative) {
  std::error_code error;
  for (const fs::path& root :
       {executable().parent_path().parent_path().parent_path(), fs::path(APMSIM_SOURCE_DIR)}) {
    const fs::path candidate = root / relative;
    if (!root.empty() && fs::exists(candidate, error)) return candidate.string();
  }
  return "";
}

int run_python(const std::vector<std::string>& args) {
  const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const std::string package = source_path("python/apmsim");
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (!package.empty()) {
      const char* old = std::getenv("PYTHONPATH");
      const std::string path = fs::path(package).parent_path().string() +
                               (old && *old ? ":" + std::string(old) : "");
      ::setenv("PYTHONPATH", path.c_str(), 1);
    }
    ::setenv("APMSIM", executable().c_str(), 0);
    std::vector<char*> argv{const_cast<char*>(python.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace apmsim::cli
