#!/usr/bin/env bash
# Golden results: each shipped scenario at a fixed seed and a few replications; its summary (all
# but the line with the backend and the run's speed) must equal tests/regression/<name>.txt
# exactly. The CPU engine is bit-reproducible whatever the threads, batch size or instruction set
# (tests/engine, tests/run), so any difference is a change in results: explain it in the commit
# and in the changed scenario's header, then update the files with
#   tests/regression/check.sh build/ci/apmsim . --update
# usage: check.sh APMSIM SOURCE_DIR [SCENARIO_NAME | --update]
set -euo pipefail
apmsim=$(realpath "$1")
cd "$2"
what=${3:-all}
scenarios=(scenarios/*.toml scenarios/claims/example_truth.toml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

summary_of() {  # scenario path -> normalised summary on stdout
  local out="$work/$(basename "$1" .toml).h5"
  "$apmsim" run "$1" --replications 24 --batch-size 8 --seed 7 --threads 2 --quiet --force \
    --out "$out" 2>"$work/log" || { cat "$work/log" >&2; return 1; }
  "$apmsim" summary "$out" | grep -v '^backend '
}

status=0
for f in "${scenarios[@]}"; do
  name=$(basename "$f" .toml)
  [ "$what" = all ] || [ "$what" = --update ] || [ "$what" = "$name" ] || continue
  golden="tests/regression/$name.txt"
  if [ "$what" = --update ]; then
    summary_of "$f" >"$golden"
    echo "updated $golden"
  elif ! diff -u "$golden" <(summary_of "$f") >"$work/diff"; then
    echo "FAIL: $f: its summary differs from $golden:" >&2
    head -40 "$work/diff" >&2
    status=1
  else
    echo "same as $golden"
  fi
done
exit $status
