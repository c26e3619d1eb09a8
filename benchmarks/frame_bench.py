#!/usr/bin/env python3
"""Benchmark of the columnar engine and sle_scoring.frame (a script, not a test).

In one run, with the targets of issue 15:

  (1) ``sle-scoring score FILE -o OUT.csv --engine columnar`` on seeded item-level
      CSV files (benchmarks/bench.py's rows) against the stdlib csv read + write
      pass-through of the same file, each in a fresh subprocess: wall time (target
      <= 1.5x at the largest size) and peak resident memory (largest / smallest
      size, target <= 1.5x); the output is checked to be the Python engine's, byte
      for byte, at the smallest size;
  (2) ``frame.score(df)`` (SLEDAI-2K and EULAR/ACR 2019, every as_record() column)
      on a seeded Polars frame of 1 / 0 / null Int8 items against one Polars pass
      computing a plain weighted sum of the same columns (target <= 3x), in this
      process, each after one untimed run (Polars' thread pool started).

Needs the frame extra. Usage::

    python benchmarks/frame_bench.py                          # 10,000 and 1,000,000
    python benchmarks/frame_bench.py --sizes 1000 20000 --rows 20000   # quicker
    python benchmarks/frame_bench.py --frame-only                 # (2) alone
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
from bench import PASS_THROUGH, Run, generate

from sle_scoring import eular_acr_2019, frame, sledai_2k

WEIGHTS = {f"sledai_2k.{item.code}": item.weight for item in sledai_2k.DESCRIPTORS} | {
    f"eular_acr_2019.{item.code}": item.weight
    for item in (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA)
}


def table(rows: int, seed: int = 15) -> pl.DataFrame:
    """``rows`` seeded item-level rows: 1 present, 0 absent, null not assessed."""
    rng = np.random.default_rng(seed)
    columns: dict[str, pl.Series] = {
        "patient_id": pl.Series([f"P{n // 4:07d}" for n in range(rows)]),
        "visit_date": pl.Series(["2024-01-10"] * rows),
    }
    for name in WEIGHTS:
        cells = rng.choice([0, 0, 0, 0, 0, 0, 1, 1, -1], size=rows)  # -1: not assessed
        columns[name] = pl.Series(cells, dtype=pl.Int8).replace(-1, None)
    return pl.DataFrame(columns)


# Runs a command and reports its wall time, CPU time and peak memory. A process forked
# from this one (Polars and NumPy loaded) would start with this one's peak resident
# set; one forked from this small launcher starts with the launcher's.
LAUNCH = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024]))
"""


def run(command: list[str], repeat: int) -> Run:
    """The fastest of ``repeat`` runs of ``command``, with its peak memory (MiB)."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", LAUNCH, *command], capture_output=True, text=True, check=True
        )
        runs.append(Run(*json.loads(done.stdout.splitlines()[-1])))
    return min(runs)


def best(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of ``repeat`` timed runs, after one untimed
    run; CPU time counts every thread of this process."""
    work()
    times = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(times)


def engine(sizes: list[int], seed: int, repeat: int) -> tuple[float, float, float]:
    """(1): (wall and CPU ratios at the largest size, peak memory largest / smallest)."""
    runs: dict[int, tuple[Run, Run]] = {}
    with tempfile.TemporaryDirectory() as directory:
        for size in sorted(sizes):
            data = Path(directory) / f"visits_{size}.csv"
            generate(data, size, seed)
            out = Path(directory) / "out.csv"
            floor = run([sys.executable, "-c", PASS_THROUGH, str(data), str(out)], repeat)
            base = [sys.executable, "-m", "sle_scoring", "score", str(data), "--quiet"]
            columnar = run([*base, "-o", str(out), "--engine", "columnar"], repeat)
            lines = Path(directory) / "out.jsonl"  # the same run, JSON Lines out
            jsonl = run([*base, "-o", str(lines), "--engine", "columnar"], repeat)
            if size == min(sizes):  # the same output as the Python engine
                python = Path(directory) / "python.csv"
                run([*base, "-o", str(python)], 1)
                assert python.read_bytes() == out.read_bytes(), "outputs differ"
            runs[size] = floor, columnar
            mib = data.stat().st_size / 2**20
            print(f"\n{size:,} item-level rows ({mib:,.1f} MiB CSV), best of {repeat}")
            print("                             wall s    cpu s   peak MiB  ratio wall  ratio cpu")
            for name, result in (
                ("csv pass-through", floor),
                ("--engine columnar", columnar),
                ("--engine columnar, JSONL", jsonl),
            ):
                print(
                    f"  {name:<24} {result.wall:8.2f} {result.cpu:8.2f} {result.peak:10.1f}"
                    f" {result.wall / floor.wall:11.2f} {result.cpu / floor.cpu:10.2f}"
                )
    largest, smallest = max(sizes), min(sizes)
    wall = runs[largest][1].wall / runs[largest][0].wall
    cpu = runs[largest][1].cpu / runs[largest][0].cpu
    return wall, cpu, runs[largest][1].peak / runs[smallest][1].peak


# The text columns frame.score adds: their distinct values say what a dictionary
# (categorical) column of them would hold.
TEXTS = [
    f"{name}.{field}"
    for name in frame.DEFAULT_INSTRUMENTS
    for field in ("present", "not_assessed", "verdict")
]


def frame_score(rows: int, repeat: int) -> tuple[float, float]:
    """(2): frame.score time / the weighted sum's, (wall, CPU)."""
    df = table(rows)
    weighted = pl.sum_horizontal(pl.col(n).fill_null(0) * w for n, w in WEIGHTS.items())
    floor = best(lambda: df.select(weighted.alias("sum")), repeat)
    scored = best(lambda: frame.score(df), repeat)
    print(f"\nframe.score on a {rows:,}-row Polars frame, best of {repeat} after a warm-up")
    print("                          wall s    cpu s")
    for name, (wall, cpu) in (("Polars weighted sum", floor), ("frame.score", scored)):
        print(f"  {name:<22} {wall:8.3f} {cpu:8.3f}")
    distinct = frame.score(df).select(pl.col(TEXTS).n_unique()).row(0, named=True)
    print("  distinct values of the text columns:")
    for name, count in distinct.items():
        print(f"    {name:<30} {count:>10,}")
    return scored[0] / floor[0], scored[1] / max(floor[1], 1e-9)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--rows", type=int, default=1_000_000, help="frame.score rows")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (best)")
    parser.add_argument("--frame-only", action="store_true", help="only (2), frame.score")
    options = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, polars {pl.__version__}, {os.cpu_count()} CPUs")
    print(f"command: python benchmarks/frame_bench.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"load average at the start: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    if not options.frame_only:
        wall, cpu, memory = engine(options.sizes, options.seed, options.repeat)
    ratio, ratio_cpu = frame_score(options.rows, options.repeat)
    largest, smallest = max(options.sizes), min(options.sizes)
    print("\nsummary")
    print(f"  load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    # The target is on wall time; CPU time is what a busy machine inflates least.
    if not options.frame_only:
        print(
            f"  --engine columnar / csv pass-through at {largest:,} rows: {wall:.2f} wall"
            f" (target <= 1.5), {cpu:.2f} CPU"
        )
        print(f"  peak memory {largest:,} / {smallest:,} rows: {memory:.2f}x (target <= 1.5)")
    print(
        f"  frame.score / Polars weighted sum at {options.rows:,} rows: {ratio:.1f} wall"
        f" (target <= 3), {ratio_cpu:.1f} CPU"
    )


if __name__ == "__main__":
    main()
