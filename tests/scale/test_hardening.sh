#!/usr/bin/env bash
# What a hostile tester broke (issue 15), end to end through the command line: stop latency on a
# batch that would take hours, GNU timeout's repeated signals, temporaries of killed runs, a file
# size limit while the results are written. The bad-input cases are in tests/cli/test_hardening.cpp.
#
# usage: test_hardening.sh APMSIM SOURCE_DIR CASE      (ctest runs one CASE per test)
set -euo pipefail
apmsim=$1
src=$2
case=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/apmsim-hardening-$case.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
compare() { /usr/bin/env python3 "$src/scripts/h5compare.py" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(round($(now) - $1, 2))"; }
wait_for() {  # wait_for FILE PATTERN: until FILE holds PATTERN (at most 120 s)
  for _ in $(seq 1200); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  cat "$1" >&2; fail "no '$2' in $1 after 120 s"
}

huge="$src/tests/data/cli/huge_panel.toml"    # one replication takes hours
small="$src/scenarios/oxford_outcome_pot.toml" # contract, quick
export OMP_NUM_THREADS=2

case $case in
stop_latency)
  # A panel of 4,294,967,295 patients: SIGTERM was not honoured after 10 minutes. Now the CPU
  # engine drops the batch in flight: exit 75 within seconds, with a checkpoint.
  "$apmsim" run "$huge" --out h.h5 --quiet --checkpoint-every 0 2>err.txt &
  pid=$!
  wait_for err.txt "unit-years/s per thread"
  sleep 2  # well inside the first batch
  t0=$(now)
  kill -TERM $pid
  set +e; wait $pid; code=$?; set -e
  latency=$(elapsed "$t0")
  echo "stop latency after SIGTERM: $latency s"
  [ $code -eq 75 ] || { cat err.txt >&2; fail "SIGTERM: exit $code, expected 75"; }
  python3 -c "import sys; sys.exit(0 if $latency < 10 else 1)" || fail "stopped after $latency s"
  grep -q "interrupted by signal 15 after 0 replications" err.txt || fail "no interruption note"
  [ -s h.h5.checkpoint ] || fail "no checkpoint"
  [ ! -e h.h5 ] || fail "an interrupted run wrote results"
  ;;
timeout_signals)
  # GNU timeout signals the run and then its process group: TERM twice at once. The second used
  # to kill the run (exit 124, no checkpoint). Then TERM, and KILL a second later (-k 1).
  opts=(--replications 8000 --batch-size 20 --quiet)
  "$apmsim" run "$small" "${opts[@]}" --out full.h5
  set +e; timeout -s TERM 3 "$apmsim" run "$small" "${opts[@]}" --out t.h5 2>err.txt; code=$?; set -e
  [ $code -eq 124 ] || { cat err.txt >&2; fail "timeout: exit $code, expected 124 (timed out)"; }
  grep -q "interrupted by signal 15" err.txt || { cat err.txt >&2; fail "the run did not stop cleanly"; }
  [ -s t.h5.checkpoint ] || fail "the checkpoint was lost"
  "$apmsim" run "$small" "${opts[@]}" --out t.h5 --resume 2>err.txt
  grep -q "resuming from t.h5.checkpoint" err.txt || fail "did not resume"
  compare full.h5 t.h5
  set +e; timeout -k 1 -s TERM 3 "$apmsim" run "$huge" --out k.h5 --quiet 2>err.txt; code=$?; set -e
  grep -q "interrupted by signal 15" err.txt || { cat err.txt >&2; fail "killed before it stopped (exit $code)"; }
  [ -s k.h5.checkpoint ] || fail "the checkpoint was lost under TERM then KILL"
  ;;
stale_temporaries)
  # A SIGKILL during the final write left out.h5.tmp.<pid> forever. The next run on that --out
  # removes the temporaries proved dead (unlocked, unchanged for an hour), and no others: not a
  # young one, not one a live writer holds locked whatever its pid says (another pid namespace).
  dead=$(sh -c 'echo $$')
  for f in s.h5.tmp.$dead s.h5.checkpoint.tmp.$dead.abc123 s.h5.tmp.$$ s.h5.tmp.$dead.locked; do echo junk >"$f"; done
  touch -d '2 hours ago' s.h5.tmp.$dead s.h5.checkpoint.tmp.$dead.abc123 s.h5.tmp.$dead.locked
  flock s.h5.tmp.$dead.locked sleep 60 & holder=$!
  sleep 0.5
  "$apmsim" run "$small" --replications 40 --quiet --out s.h5 2>err.txt
  kill $holder 2>/dev/null || true
  grep -q "removed s.h5.tmp.$dead, left by a run that was killed" err.txt || { cat err.txt >&2; fail "no note"; }
  [ ! -e s.h5.tmp.$dead ] && [ ! -e s.h5.checkpoint.tmp.$dead.abc123 ] || fail "stale temporaries kept"
  [ -e s.h5.tmp.$$ ] || fail "removed a young temporary"
  [ -e s.h5.tmp.$dead.locked ] || fail "removed the temporary a live writer holds"
  [ -s s.h5 ] || fail "no results"
  ;;
disk_full)
  # The results file cannot be written (a file size limit: what a full disk does to a write).
  # Exit 1 with the reason, no partial results file, no temporary, and the checkpoint kept, so
  # --resume finishes the run, bit for bit.
  opts=(--replications 400 --batch-size 20 --quiet)
  "$apmsim" run "$small" "${opts[@]}" --out full.h5
  size=$(( $(stat -c %s full.h5) / 1024 - 16 ))  # KiB: the checkpoints fit, the results do not
  set +e; (ulimit -f $size; exec "$apmsim" run "$small" "${opts[@]}" --out d.h5 --checkpoint-every 0) 2>err.txt; code=$?; set -e
  [ $code -eq 1 ] || { cat err.txt >&2; fail "file size limit: exit $code, expected 1"; }
  grep -q "runtime failure: cannot write results file d.h5: .*File too large" err.txt || { cat err.txt >&2; fail "unclear message"; }
  [ ! -e d.h5 ] || fail "a partial results file"
  ls d.h5.tmp.* 2>/dev/null && fail "a temporary left behind"
  [ -s d.h5.checkpoint ] || fail "the checkpoint was lost"
  "$apmsim" run "$small" "${opts[@]}" --out d.h5 --resume 2>err.txt
  grep -q "resuming from d.h5.checkpoint" err.txt || fail "did not resume"
  compare full.h5 d.h5
  ;;
*)
  fail "unknown case $case"
  ;;
esac
echo "PASS: $case"
