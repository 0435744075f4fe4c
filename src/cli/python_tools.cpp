#include "cli/python_tools.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace apmsim::cli {

namespace fs = std::filesystem;

namespace {

fs::path executable() {
  std::error_code error;
  return fs::read_symlink("/proc/self/exe", error);
}

//! Whether `path` lies under `folder` (both absolute).
bool lies_under(const fs::path& path, const fs::path& folder) {
  const fs::path p = path.lexically_normal(), f = folder.lexically_normal();
  return std::mismatch(f.begin(), f.end(), p.begin(), p.end()).first == f.end();
}

//! An environment variable, "" when unset.
std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

std::string source_path(const std::string& relative) {
  const fs::path exe = executable();
  if (exe.empty()) return "";
  std::vector<fs::path> roots{exe.parent_path().parent_path().parent_path()};
  // The compiled-in tree only for the executable the build left in place: a copy elsewhere is
  // what a user runs without a checkout, and must behave so on the build machine too.
  std::error_code error;
  const fs::path build = fs::weakly_canonical(APMSIM_BINARY_DIR, error);
  if (!error && lies_under(exe, build)) roots.emplace_back(APMSIM_SOURCE_DIR);
  for (const fs::path& root : roots) {
    const fs::path candidate = root / relative;
    if (!root.empty() && fs::exists(candidate, error)) return candidate.string();
  }
  return "";
}

std::string python_executable() {
  if (const std::string chosen = environment("APMSIM_PYTHON"); !chosen.empty()) return chosen;
  std::error_code error;
  if (const std::string venv = environment("VIRTUAL_ENV"); !venv.empty()) {
    const fs::path python = fs::path(venv) / "bin" / "python3";
    if (fs::exists(python, error)) return python.string();
  }
  return fs::exists("/usr/bin/python3", error) ? "/usr/bin/python3" : "python3";
}

int run_python(const std::vector<std::string>& args) {
  const std::string python = python_executable();
  const std::string package = source_path("python/apmsim");
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (!package.empty()) {
      const std::string old = environment("PYTHONPATH");
      const std::string path =
          fs::path(package).parent_path().string() + (old.empty() ? "" : ":" + old);
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
