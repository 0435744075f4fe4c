// `apmsim report RESULTS.h5 --out report.html`: the HTML report, made by the Python package
// (python/apmsim/report.py), which this command runs with this tree's package (else the installed
// one) and this apmsim.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/python_tools.hpp"
#include "io/results_file.hpp"
#include "scenario/error.hpp"

namespace apmsim::cli {

int report_command(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "usage: apmsim report RESULTS.h5 [--out FILE.html] [--force] [--no-plots]\n"
                 "                     [--max-variants N]\n\n"
                 "One self-contained HTML page (nothing external: readable offline): the scenario\n"
                 "in brief, money flows per year with intervals, the variants side by side, the\n"
                 "four analyses with tables, plots, definitions and sign conventions, and the\n"
                 "precision reached. Default FILE: the results file with .html. Needs python3\n"
                 "with h5py, pandas and matplotlib (scripts/setup installs them).\n";
    return 0;
  }
  if (args.empty() || args[0].empty() || args[0][0] == '-')
    throw InputError("missing results file (usage: apmsim report RESULTS.h5 --out FILE.html)");
  io::check_integrity_header(args[0]);  // a clear message before Python starts
  // Without a checkout beside this apmsim (a lone binary), python3 finds the pip-installed
  // package instead (`pip install ./python`); without either, Python says it has no apmsim.
  std::vector<std::string> python{"-m", "apmsim.report"};
  python.insert(python.end(), args.begin(), args.end());
  const int code = run_python(python);
  if (code < 0) throw std::runtime_error("report: cannot start python3");
  return code;
}

}  // namespace apmsim::cli
