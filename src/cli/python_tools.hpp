#pragma once
//! The Python parts of apmsim (scripts/*.py, the python/ package) as the CLI calls them: found
//! beside the executable's build folder or in the source tree it was built from, and run by the
//! Python a user chose (a pip-installed package serves a lone binary).

#include <string>
#include <vector>

namespace apmsim::cli {

//! `relative` (e.g. "scripts/plot_fit.py", "python/apmsim") under this apmsim's checkout: the
//! folder two levels above the executable's (build/<preset>/apmsim), else the source tree it was
//! built from while the executable still lies in that build's folder; "" otherwise. A copy of
//! the binary alone (a cloud machine, or any other folder) finds no checkout, even on the
//! machine that built it.
std::string source_path(const std::string& relative);

//! The Python that runs the package: $APMSIM_PYTHON, else the active virtual environment's
//! ($VIRTUAL_ENV/bin/python3, as `source VENV/bin/activate` sets it), else /usr/bin/python3
//! (which scripts/setup gives h5py, pandas and matplotlib), else python3 on PATH.
std::string python_executable();

//! Runs python_executable() with `args`, the checkout's python/ package (when source_path finds
//! one) first on PYTHONPATH and APMSIM naming this executable; returns its exit code (-1 when it
//! could not be waited for, 127 when it could not start).
int run_python(const std::vector<std::string>& args);

}  // namespace apmsim::cli
