#!/usr/bin/env bash
# Scale-out and robustness, end to end through the command line (docs/running-at-scale.md):
# shards + merge, MPI ranks, checkpoints and resume after SIGTERM and SIGKILL, each compared bit
# for bit with a single uninterrupted run by scripts/h5compare.py (which ignores only
# command_line, elapsed_seconds and device).
#
# usage: test_scale.sh APMSIM SOURCE_DIR CASE      (ctest runs one CASE per test)
set -euo pipefail
apmsim=$1
src=$2
case=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/apmsim-scale-$case.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
compare() { /usr/bin/env python3 "$src/scripts/h5compare.py" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_code() {  # expect_code CODE PATTERN COMMAND...: exit code and a stderr pattern
  local code=$1 pattern=$2
  shift 2
  set +e
  "$@" >out.txt 2>err.txt
  local got=$?
  set -e
  [ "$got" -eq "$code" ] || { cat err.txt >&2; fail "$* exited $got, expected $code"; }
  grep -q -- "$pattern" err.txt || { cat err.txt >&2; fail "$*: no '$pattern' in its messages"; }
}

sweep="$src/scenarios/mssp_aco.toml"          # contract, sweep, several populations, regions
small="$src/scenarios/oxford_outcome_pot.toml" # contract, quick
export OMP_NUM_THREADS=2 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

case $case in
shard_merge)
  opts=(--replications 60 --batch-size 16 --seed 11 --write-tallies --write-records --quiet)
  "$apmsim" run "$sweep" "${opts[@]}" --out full.h5
  for i in 0 1 2; do "$apmsim" run "$sweep" "${opts[@]}" --shard $i/3 --out s$i.h5; done
  "$apmsim" summary s1.h5 >summary.txt
  grep -q "shard 1 of 3" summary.txt || fail "summary does not say it is a shard"
  "$apmsim" merge s2.h5 s0.h5 s1.h5 --out merged.h5 --quiet
  compare full.h5 merged.h5
  # The per-replication records are there: 60 replications of 24 ACOs, for each of 6 variants.
  python3 -c "
import h5py, sys
g = h5py.File('merged.h5', 'r')['replications']
shapes = {g[v]['values'].shape[:2] for v in g}
sys.exit(0 if len(g) == 6 and shapes == {(60, 24)} else 'records: %d variants, shapes %s' % (len(g), shapes))"
  # The per-replication losses (format 2.3, stored by default): the shards' own, joined in
  # replication order, and the merged file's equal the single run's bit for bit.
  python3 -c "
import h5py, numpy as np, sys
full = h5py.File('full.h5', 'r')['losses']
shards = [h5py.File('s%d.h5' % i, 'r')['losses'] for i in range(3)]
merged = h5py.File('merged.h5', 'r')['losses']
assert len(full) == 6, list(full)
for v in full:
    for name in ('portfolio', 'provider'):
        whole = full[v][name][()]
        assert whole.shape[0] == 60, whole.shape
        joined = np.concatenate([s[v][name][()] for s in shards])
        if not (np.array_equal(whole, joined) and np.array_equal(whole, merged[v][name][()])):
            sys.exit('losses %s/%s differ between the run, its shards and their merge' % (v, name))
"
  ;;
merge_refuses)
  opts=(--replications 40 --quiet)
  for i in 0 1; do "$apmsim" run "$small" "${opts[@]}" --shard $i/2 --out s$i.h5; done
  "$apmsim" run "$small" "${opts[@]}" --shard 1/2 --seed 99 --out seed.h5
  "$apmsim" run "$small" "${opts[@]}" --out full.h5
  expect_code 2 "seeds 99 and" "$apmsim" merge s0.h5 seed.h5 --out m.h5
  expect_code 2 "shard 1 of 2 missing" "$apmsim" merge s0.h5 --out m.h5
  expect_code 2 "are both shard 0/2" "$apmsim" merge s0.h5 s0.h5 --out m.h5
  expect_code 2 "not a shard" "$apmsim" merge s0.h5 full.h5 --out m.h5
  head -c 3000 s1.h5 >cut.h5
  expect_code 2 "truncated" "$apmsim" merge s0.h5 cut.h5 --out m.h5
  cp s1.h5 bad.h5
  printf 'X' | dd of=bad.h5 bs=1 seek=2000 conv=notrunc status=none
  expect_code 2 "damaged" "$apmsim" merge s0.h5 bad.h5 --out m.h5
  "$apmsim" run "$sweep" --replications 40 --quiet --shard 1/2 --out other.h5
  expect_code 2 "different scenarios" "$apmsim" merge s0.h5 other.h5 --out m.h5
  [ ! -e m.h5 ] || fail "a refused merge left a results file"
  expect_code 2 "--shard: expected I/N" "$apmsim" run "$small" --shard 2/2 --out x.h5
  ;;
resume_sigterm)
  opts=(--replications 4000 --batch-size 20 --quiet)
  "$apmsim" run "$small" "${opts[@]}" --out full.h5
  "$apmsim" run "$small" "${opts[@]}" --out r.h5 --checkpoint-every 0 2>err.txt &
  pid=$!
  for _ in $(seq 1000); do [ -s r.h5.checkpoint ] && break; sleep 0.01; done
  kill -TERM $pid
  set +e; wait $pid; code=$?; set -e
  [ $code -eq 75 ] || { cat err.txt >&2; fail "SIGTERM: exit $code, expected 75"; }
  grep -q "with --resume to continue" err.txt || fail "no resume hint"
  [ ! -e r.h5 ] || fail "an interrupted run wrote results"
  [ -s r.h5.checkpoint ] || fail "no checkpoint after SIGTERM"
  "$apmsim" run "$small" "${opts[@]}" --out r.h5 --resume 2>err.txt
  grep -q "resuming from r.h5.checkpoint" err.txt || fail "did not resume"
  [ ! -e r.h5.checkpoint ] || fail "the checkpoint outlived the results"
  compare full.h5 r.h5
  # A checkpoint of another seed is refused, not mixed in.
  "$apmsim" run "$small" "${opts[@]}" --out s.h5 --checkpoint-every 0 2>/dev/null &
  pid=$!
  for _ in $(seq 1000); do [ -s s.h5.checkpoint ] && break; sleep 0.01; done
  kill -INT $pid
  set +e; wait $pid; set -e
  expect_code 2 "made with seed" "$apmsim" run "$small" "${opts[@]}" --seed 5 --out s.h5 --resume
  ;;
resume_sigkill)
  opts=(--replications 4000 --batch-size 20 --quiet)
  "$apmsim" run "$small" "${opts[@]}" --out full.h5
  "$apmsim" run "$small" "${opts[@]}" --out k.h5 --checkpoint-every 0 2>/dev/null &
  pid=$!
  for _ in $(seq 1000); do [ -s k.h5.checkpoint ] && break; sleep 0.01; done
  sleep 0.2
  kill -KILL $pid
  set +e; wait $pid; set -e
  [ ! -e k.h5 ] || fail "the run finished before it was killed; make it longer"
  "$apmsim" run "$small" "${opts[@]}" --out k.h5 --resume 2>err.txt
  grep -q "resuming from" err.txt || fail "did not resume"
  compare full.h5 k.h5
  ;;
mpi)
  command -v mpirun >/dev/null || { echo "mpirun not found: skipped"; exit 77; }
  "$apmsim" info >info.txt; grep -q "mpi: built" info.txt || { echo "built without MPI: skipped"; exit 77; }
  mpi=(mpirun -np 2 --oversubscribe --mca btl self,tcp --mca btl_tcp_if_include lo)
  opts=(--replications 120 --batch-size 16 --quiet)
  "$apmsim" run "$sweep" "${opts[@]}" --out full.h5
  "${mpi[@]}" "$apmsim" run "$sweep" "${opts[@]}" --out ranks.h5
  compare full.h5 ranks.h5
  # --target-se stops at the same batch as one process.
  t=(--target-se forfeited=0.05 --replications 2000 --batch-size 8 --quiet)
  "$apmsim" run "$small" "${t[@]}" --out t1.h5
  "${mpi[@]}" "$apmsim" run "$small" "${t[@]}" --out t2.h5
  compare t1.h5 t2.h5
  # Ranks within a shard, merged with a single-process shard.
  "${mpi[@]}" "$apmsim" run "$sweep" "${opts[@]}" --shard 0/2 --out s0.h5
  "$apmsim" run "$sweep" "${opts[@]}" --shard 1/2 --out s1.h5
  "$apmsim" merge s0.h5 s1.h5 --out merged.h5 --quiet
  compare full.h5 merged.h5
  ;;
*)
  fail "unknown case $case"
  ;;
esac
echo "PASS: $case"
