"""Tests of scripts/gpu-check's reading of the benchmarks (note_bench on a log, figures on a JSON
file), sourced into bash, on hand-made output in Google Benchmark 1.7.1's formats: a kernel this
CPU cannot run is skipped, named, and not a failure; any other error still fails the step.

    /usr/bin/python3 -m pytest tests/scripts -q
"""
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "gpu-check")

SKIP_AVX512 = "skipped: this CPU cannot run the avx512 kernel"
BENCH_LOG = f"""$ bin/apmsim_bench --benchmark_filter=cpu_engine/(avx2|avx512)/|world_draw

-------------------------------------------------------------------------------------
Benchmark                                 Time             CPU   Iterations UserCounters...
-------------------------------------------------------------------------------------
cpu_engine/avx2/1/real_time_median      41.2 ms         41.1 ms            3 patient_years/s=2.4M/s
cpu_engine/avx2/2/real_time_median      21.0 ms         41.9 ms            3 patient_years/s=4.7M/s
cpu_engine/avx512/1/real_time      ERROR OCCURRED: '{SKIP_AVX512}'
cpu_engine/avx512/2/real_time      ERROR OCCURRED: '{SKIP_AVX512}'
world_draw/1/real_time_median            812 us          811 us            3 replications/s=78.8k/s
"""


def gpu_check(tmp_path, call, *files):
    """Runs `call` in bash with scripts/gpu-check sourced; returns (exit status, stdout)."""
    script = f'source "{SCRIPT}"; {call}'
    done = subprocess.run(["bash", "-c", script, "gpu-check-test", *files], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.strip()


def test_a_kernel_the_cpu_cannot_run_is_skipped_and_named(tmp_path):
    log = tmp_path / "bench-cpu.log"
    log.write_text(BENCH_LOG)
    rc, note = gpu_check(tmp_path, 'note_bench "$1"', str(log))
    assert rc == 0, note
    assert note == ("3 medians (figures below); skipped cpu_engine/avx512/1/real_time, "
                    "cpu_engine/avx512/2/real_time (this CPU cannot run the avx512 kernel)")


def test_any_other_error_fails_the_step_even_after_a_skip(tmp_path):
    log = tmp_path / "bench-cpu.log"
    log.write_text(BENCH_LOG + "world_draw/16/real_time      ERROR OCCURRED: 'scenario not found'\n")
    rc, note = gpu_check(tmp_path, 'note_bench "$1"', str(log))
    assert rc == 1
    assert note == "ERROR OCCURRED: 'scenario not found'"


def test_a_run_without_skips_says_nothing_of_them(tmp_path):
    log = tmp_path / "bench-cpu.log"
    log.write_text("\n".join(l for l in BENCH_LOG.splitlines() if "ERROR" not in l) + "\n")
    rc, note = gpu_check(tmp_path, 'note_bench "$1"', str(log))
    assert (rc, note) == (0, "3 medians (figures below)")


def test_figures_list_skipped_kernels_and_leave_out_failed_ones(tmp_path):
    def run(name, **fields):
        return {"name": name, "run_name": name, "run_type": "iteration", **fields}

    benchmarks = [
        {**run("cpu_engine/avx2/1/real_time"), "run_type": "aggregate", "aggregate_name": "median",
         "label": "avx2", "patient_years/s": 2.4e6},
        run("cpu_engine/avx512/1/real_time", error_occurred=True, error_message=SKIP_AVX512),
        run("cpu_engine/avx512/1/real_time", error_occurred=True, error_message=SKIP_AVX512),
        run("world_draw/1/real_time", error_occurred=True, error_message="scenario not found"),
    ]
    path = tmp_path / "bench-cpu.json"
    path.write_text(json.dumps({"context": {}, "benchmarks": benchmarks}))
    rc, table = gpu_check(tmp_path, 'figures python3 "$1"', str(path))
    assert rc == 0
    assert table.splitlines() == [
        "| cpu_engine/avx2/1/real_time (avx2) | 2.400e+06 patient_years/s (median) |",
        f"| cpu_engine/avx512/1/real_time | {SKIP_AVX512} |",
    ]
