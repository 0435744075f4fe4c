#pragma once
//! The Python parts of apmsim (scripts/*.py, the python/ package) as the CLI calls them: found
//! beside the executable's build folder or in the source tree it was built from.

#include <string>
#include <vector>

namespace apmsim::cli {

//! `relative` (e.g. "scripts/plot_fit.py", "python/apmsim") under this apmsim's source tree: the
//! folder two levels above the executable's (build/<preset>/apmsim), else the tree it was built
//! from; "" when neither has it.
std::string source_path(const std::string& relative);

//! Runs /usr/bin/python3 (else python3 on PATH) with `args`, the python/ package on PYTHONPATH
//! and APMSIM naming this executable; returns its exit code (-1 when it could not start).
int run_python(const std::vector<std::string>& args);

}  // namespace apmsim::cli
