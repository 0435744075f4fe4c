#!/usr/bin/env bash
# `apmsim report` as a cloud user runs it (issue 23, part 2), with no checkout in reach: the
# python/ package built into a wheel and pip-installed into a fresh virtual environment, then
#   1. `python -m apmsim report` of that environment, in a folder outside the checkout;
#   2. a copy of the apmsim binary alone: first, with stand-ins for Python, that it hands Python
#      no checkout (no PYTHONPATH) where the build's own binary hands it python/, and that it runs
#      $APMSIM_PYTHON, else the active environment's python3; then the report with the
#      environment active ($VIRTUAL_ENV and its bin/ first on PATH, as `source VENV/bin/activate`
#      leaves them) and with APMSIM_PYTHON; and without a Python that has the package, that it
#      says what to do.
# Offline: the environment sees Debian's h5py, numpy, pandas, matplotlib and jinja2
# (--system-site-packages), and pip builds with Debian's setuptools and wheel (--no-index
# --no-build-isolation). Exit 77 (skipped) when venv, pip, setuptools or wheel is missing.
#
# usage: test_report_installed.sh APMSIM SOURCE_DIR
set -euo pipefail
apmsim=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d "${TMPDIR:-/tmp}/apmsim-report-installed.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
# Nothing from the caller's Python setup: no checkout on the path, no chosen Python, no venv.
unset PYTHONPATH APMSIM APMSIM_PYTHON VIRTUAL_ENV
export PATH=/usr/bin:/bin PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_NO_INPUT=1
title="<title>apmsim report: oxford_outcome_pot</title>"  # the scenario's own name, not the file's

missing=$(/usr/bin/python3 -c "
import importlib.util as u
print(' '.join(m for m in ('venv', 'ensurepip', 'pip', 'setuptools', 'wheel') if u.find_spec(m) is None))")
if [ -n "$missing" ]; then
  echo "SKIP: /usr/bin/python3 lacks $missing (Debian python3-venv, python3-pip, python3-setuptools," \
       "python3-wheel)" >&2
  exit 77
fi

# The package as pip sees it, from a copy (setuptools writes build/ and *.egg-info beside it).
mkdir pkg
cp "$src/python/pyproject.toml" "$src/python/README.md" pkg/
cp -r "$src/python/apmsim" pkg/
find pkg -name __pycache__ -prune -exec rm -rf {} +
/usr/bin/python3 -m venv --system-site-packages venv
venv/bin/python -m pip wheel --quiet --no-deps --no-index --no-build-isolation --wheel-dir dist ./pkg \
  || fail "pip could not build the wheel offline"
wheel=$(ls dist/apmsim-*.whl)
# Every file of the package folder is in the wheel: the templates and py.typed are package data.
venv/bin/python - "$wheel" pkg <<'PY' || fail "the wheel lacks files of python/apmsim"
import os, sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
root = sys.argv[2]
files = {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(os.path.join(root, "apmsim"))
         for f in fs}
assert "apmsim/templates/report.html.j2" in files and "apmsim/py.typed" in files, sorted(files)
missing = sorted(files - names)
sys.exit(f"not in {os.path.basename(sys.argv[1])}: {missing}" if missing else 0)
PY
venv/bin/python -m pip install --quiet --no-deps --no-index "$wheel" || fail "pip install of the wheel"
rm -rf pkg dist
where=$(venv/bin/python -c "import apmsim; print(apmsim.__file__)")
case $where in "$work/venv/"*) ;; *) fail "venv imports apmsim from $where" ;; esac

mkdir data
"$apmsim" run "$src/scenarios/oxford_outcome_pot.toml" --replications 6 --batch-size 3 --seed 3 \
  --threads 2 --quiet --out data/results.h5 2>data/run.log || { cat data/run.log >&2; fail "apmsim run"; }

# 1. The installed package's own entry, in a folder without the checkout.
mkdir elsewhere
(cd elsewhere && ../venv/bin/python -m apmsim report ../data/results.h5 --out pip.html --no-plots) \
  || fail "python -m apmsim report"
grep -qF "$title" elsewhere/pip.html || fail "python -m apmsim report: no '$title'"

# 2. The binary alone, two folders down (nothing of a checkout where it looks). Stand-ins for
# Python write down their own path, the environment they get and their arguments.
mkdir -p host/user fake/bin
cp "$apmsim" host/user/apmsim
cat >fake/bin/python3 <<SH
#!/bin/sh
echo "\$0 PYTHONPATH=\${PYTHONPATH-} APMSIM=\${APMSIM-} ARGS=\$*" >>"$work/fake.log"
SH
chmod +x fake/bin/python3
cp fake/bin/python3 fake/chosen
cd host/user
handed() {  # handed PATTERN WHAT COMMAND...: the stand-ins' log of `COMMAND report` has PATTERN
  local pattern=$1 what=$2
  shift 2
  : >"$work/fake.log"
  "$@" report ../../data/results.h5 --out fake.html
  grep -q -- "$pattern" "$work/fake.log" || { cat "$work/fake.log" >&2; fail "$what"; }
}
lone="PYTHONPATH= APMSIM=$work/host/user/apmsim ARGS=-m apmsim.report ../../data/results.h5"
handed "^$work/fake/chosen $lone" "the lone binary handed Python a checkout, or ignored APMSIM_PYTHON" \
  env APMSIM_PYTHON="$work/fake/chosen" ./apmsim
handed "^$work/fake/bin/python3 $lone" "the lone binary ignored the active virtual environment" \
  env VIRTUAL_ENV="$work/fake" ./apmsim
handed "^$work/fake/chosen " "APMSIM_PYTHON does not come before the virtual environment" \
  env APMSIM_PYTHON="$work/fake/chosen" VIRTUAL_ENV="$work/venv" ./apmsim
handed "^$work/fake/chosen PYTHONPATH=$src/python APMSIM=$apmsim ARGS=-m apmsim.report" \
  "the build's own binary did not hand Python its checkout" env APMSIM_PYTHON="$work/fake/chosen" "$apmsim"

# The report itself, with the environment active, then with APMSIM_PYTHON alone.
VIRTUAL_ENV="$work/venv" PATH="$work/venv/bin:$PATH" ./apmsim report ../../data/results.h5 \
  --out venv.html || fail "lone apmsim report with the venv active"
grep -qF "$title" venv.html || fail "lone apmsim report: no '$title'"
grep -q 'src="data:image/png;base64,' venv.html || fail "lone apmsim report: no plots"
APMSIM_PYTHON="$work/venv/bin/python" ./apmsim report ../../data/results.h5 --out chosen.html \
  --no-plots || fail "lone apmsim report with APMSIM_PYTHON"
grep -qF "$title" chosen.html || fail "lone apmsim report (APMSIM_PYTHON): no '$title'"

# Without a Python that has the package: what to do, before Python's "No module named apmsim".
if /usr/bin/python3 -c "import apmsim" 2>/dev/null; then
  echo "note: /usr/bin/python3 has an apmsim package of its own; the message is not checked" >&2
else
  set +e
  ./apmsim report ../../data/results.h5 --out none.html 2>err.txt
  code=$?
  set -e
  [ "$code" -eq 2 ] || { cat err.txt >&2; fail "lone apmsim report without the package exited $code"; }
  grep -q "/usr/bin/python3 has no apmsim package .*APMSIM_PYTHON" err.txt \
    || { cat err.txt >&2; fail "lone apmsim report without the package: no advice"; }
  [ ! -e none.html ] || fail "a report without the package"
fi
echo "report from the pip-installed package: python -m apmsim, the lone binary (venv, APMSIM_PYTHON)"
