// `apmsim report RESULTS.h5 --out report.html`: the HTML report, made by the Python package
// (python/apmsim/report.py), which this command runs with this checkout's package (else the one
// installed in the chosen Python: python_tools.hpp) and this apmsim.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/python_tools.hpp"
#include "io/results_file.hpp"
#include "scenario/error.hpp"

namespace apmsim::cli {

namespace {

//! Stops with what to do when the chosen Python cannot import the package, before it says only
//! "No module named apmsim" (a lone binary, the package pip-installed in another Python).
void check_package() {
  const int found = run_python(
      {"-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('apmsim') is None)"});
  if (found == 0) return;
  const std::string python = python_executable();
  if (found != 1)
    throw InputError("report: cannot run " + python +
                     " (set APMSIM_PYTHON to a python3 with the apmsim package)");
  throw InputError("report: " + python +
                   " has no apmsim package and this apmsim has no checkout beside it: pip install "
                   "the package (python/ of the source) into a virtual environment and activate "
                   "it, or set APMSIM_PYTHON to the python3 that has it");
}

}  // namespace

int report_command(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout
        << "usage: apmsim report RESULTS.h5 [--out FILE.html] [--force] [--no-plots]\n"
           "                     [--max-variants N]\n\n"
           "One self-contained HTML page (nothing external: readable offline): the scenario\n"
           "in brief, money flows per year with intervals, the variants side by side, the\n"
           "four analyses with tables, plots, definitions and sign conventions, and the\n"
           "precision reached. Default FILE: the results file with .html.\n\n"
           "Made by the Python package apmsim: the checkout's python/ while this apmsim lies\n"
           "in its build folder (build/<preset>/apmsim), else the package installed in the\n"
           "Python it runs: $APMSIM_PYTHON, else the active virtual environment's\n"
           "($VIRTUAL_ENV/bin/python3), else /usr/bin/python3, else python3 on PATH. That\n"
           "Python needs h5py, numpy, pandas, matplotlib and jinja2 (scripts/setup installs\n"
           "them). A lone binary (a cloud machine): pip install ./python into a virtual\n"
           "environment, activate it, then ./apmsim report RESULTS.h5.\n";
    return 0;
  }
  if (args.empty() || args[0].empty() || args[0][0] == '-')
    throw InputError("missing results file (usage: apmsim report RESULTS.h5 --out FILE.html)");
  io::check_integrity_header(args[0]);  // a clear message before Python starts
  check_package();
  std::vector<std::string> python{"-m", "apmsim.report"};
  python.insert(python.end(), args.begin(), args.end());
  const int code = run_python(python);
  if (code < 0) throw std::runtime_error("report: " + python_executable() + " did not finish");
  return code;
}

}  // namespace apmsim::cli
