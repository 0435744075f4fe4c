#!/usr/bin/env bash
# `apmsim run --backend cuda` end to end on the CPU emulator of the device (issue 22): the
# test-only CLI apmsim-cuda-emulator (cuda/*.cu built against cuda/emu) runs two small scenarios
# (panels, episodes, regions, a contract) with --backend cuda, and the results equal the CPU
# backend's from `apmsim` (scripts/h5compare.py --tolerance 1e-12: counts exact, sums within
# 1e-12). Without APMSIM_CUDA_EMULATOR=1 the emulated device does not show, and --backend cuda
# is refused with exit code 2, saying how to enable it.
#
# usage: test_cli.sh APMSIM APMSIM_CUDA_EMULATOR_CLI SOURCE_DIR [all|small]
#   small: oxford_outcome_pot only (scripts/sanitize: the larger world runs in the release build)
set -euo pipefail
apmsim=$1
emulator=$2
src=$3
worlds=${4:-all}
work=$(mktemp -d "${TMPDIR:-/tmp}/apmsim-cuda-emu.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMP_NUM_THREADS=2

# Never on the emulator by surprise.
set +e
env -u APMSIM_CUDA_EMULATOR "$emulator" run "$src/scenarios/oxford_outcome_pot.toml" \
  --replications 2 --backend cuda --quiet --out refused.h5 2>err.txt
code=$?
set -e
[ "$code" -eq 2 ] || { cat err.txt >&2; fail "--backend cuda without the variable exited $code, expected 2"; }
grep -q "set APMSIM_CUDA_EMULATOR=1" err.txt || { cat err.txt >&2; fail "the refusal does not say how to enable the emulator"; }
[ ! -e refused.h5 ] || fail "a refused run left its output"
env -u APMSIM_CUDA_EMULATOR "$emulator" run "$src/scenarios/oxford_outcome_pot.toml" \
  --replications 2 --quiet --out auto.h5 2>err.txt
/usr/bin/python3 -c "
import h5py, sys
attrs = h5py.File('auto.h5')['/'].attrs
value = lambda k: attrs[k].decode() if isinstance(attrs[k], bytes) else str(attrs[k])
sys.exit(0 if value('backend') == 'cpu' else 1)" || fail "auto did not fall back to the CPU"

cases=("oxford_outcome_pot.toml 4")
[ "$worlds" = small ] || cases+=("../tests/data/good/full.toml 2")
for case in "${cases[@]}"; do
  set -- $case
  scenario=$src/scenarios/$1
  name=$(basename "$1" .toml)
  opts=(--replications "$2" --batch-size 3 --seed 5 --write-tallies --quiet)
  APMSIM_CUDA_EMULATOR=1 "$emulator" run "$scenario" "${opts[@]}" --backend cuda --out "$name-cuda.h5"
  "$apmsim" run "$scenario" "${opts[@]}" --backend cpu --out "$name-cpu.h5"
  /usr/bin/python3 "$src/scripts/h5compare.py" "$name-cuda.h5" "$name-cpu.h5" --tolerance 1e-12 \
    --derived 1e-9 || fail "$name: the emulated CUDA backend differs from the CPU backend"
  /usr/bin/python3 -c "
import h5py, sys
attrs = h5py.File('$name-cuda.h5')['/'].attrs
value = lambda k: attrs[k].decode() if isinstance(attrs[k], bytes) else str(attrs[k])
sys.exit(0 if value('backend') == 'cuda' and 'CPU emulator' in value('device') else 1)" || fail "$name: the results do not say they ran on the emulator"
done
echo "ok: apmsim-cuda-emulator --backend cuda equals the CPU backend"
