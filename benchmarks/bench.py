#!/usr/bin/env python3
"""Benchmark of the item-level batch path (a script, not a test).

For each size N it writes N seeded synthetic item-level rows (patient_id,
visit_date, the 24 SLEDAI-2K descriptors and the 22 EULAR/ACR 2019 criteria, as
1 / 0 / blank) and measures, each in a fresh subprocess (wall time with
time.perf_counter, peak resident memory from os.wait4 of that process and its
workers):

  (a) the floor: a stdlib csv read + write pass-through of the same file;
  (b) the command line scoring SLEDAI-2K and classifying EULAR/ACR 2019 on it:
      ``python -m sle_scoring score FILE -o OUT.csv --quiet`` (and with ``--jobs``);

and once, in this process, on a seeded sample of visits:

  (c) item-level scoring per visit with full result objects
      (``sledai_2k.score`` + ``eular_acr_2019.classify``) against a minimal
      hand-written loop computing the same totals (weight sum; highest criterion
      per domain, entry criterion, >= 1 clinical, >= 10 points).

It prints b/a, c/loop and peak memory at each size. Targets (issue 4): b/a <= 2.0 at
1,000,000 rows; peak memory at 1,000,000 rows within 1.2x of that at 10,000;
c/loop <= 3. Usage::

    python benchmarks/bench.py                    # sizes 10,000 and 1,000,000
    python benchmarks/bench.py --sizes 1000 20000 # quicker
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from sle_scoring import batch, eular_acr_2019, sledai_2k

PASS_THROUGH = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as i, \\
        open(sys.argv[2], "w", newline="", encoding="utf-8") as o:
    csv.writer(o).writerows(csv.reader(i))
"""

SLEDAI = sledai_2k.INSTRUMENT.codes
EULAR = eular_acr_2019.INSTRUMENT.codes


def cell(rng: random.Random) -> str:
    """1 (present) 10%, blank (not assessed) 5%, otherwise 0 (absent)."""
    draw = rng.random()
    return "1" if draw < 0.10 else "" if draw < 0.15 else "0"


def generate(path: Path, rows: int, seed: int) -> None:
    """``rows`` seeded synthetic visits in the item-level CSV layout."""
    rng = random.Random(seed)
    header = ["patient_id", "visit_date"]
    header += [f"sledai_2k.{code}" for code in SLEDAI]
    header += [f"eular_acr_2019.{code}" for code in EULAR]
    width = len(SLEDAI) + len(EULAR)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        for number in range(rows):
            day = 1 + number % 28
            writer.writerow(
                [f"P{number // 4:07d}", f"2024-{1 + number % 12:02d}-{day:02d}"]
                + [cell(rng) for _ in range(width)]
            )


class Run(NamedTuple):
    wall: float  # seconds, time.perf_counter
    cpu: float  # user + system seconds of the process and the workers it waited for
    peak: float  # MiB, the largest resident set of the process or one of its workers


def run(command: Sequence[str], repeat: int) -> Run:
    """The fastest of ``repeat`` runs of a command, with its peak memory."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(command)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} exited with {status}")
        peak = usage.ru_maxrss / 1024  # Linux reports KiB
        runs.append(Run(elapsed, usage.ru_utime + usage.ru_stime, peak))
    return min(runs)


def visits(count: int, seed: int) -> list[tuple[frozenset[str], ...]]:
    """``count`` seeded visits as (SLEDAI present, not assessed, EULAR present, not assessed)."""
    rng = random.Random(seed)
    sample = []
    for _ in range(count):
        both = []
        for codes in (SLEDAI, EULAR):
            states = [cell(rng) for _ in codes]
            both.append(frozenset(c for c, s in zip(codes, states, strict=True) if s == "1"))
            both.append(frozenset(c for c, s in zip(codes, states, strict=True) if s == ""))
        sample.append(tuple(both))
    return sample


# The minimal hand-written loop: the same totals, no validation, no result object.
WEIGHT = {item.code: item.weight for item in sledai_2k.DESCRIPTORS}
CRITERION = {item.code: (item.domain, item.kind, item.weight) for item in eular_acr_2019.CRITERIA}


def hand_loop(sample: list[tuple[frozenset[str], ...]]) -> int:
    classified = 0
    for s_present, _, e_present, _ in sample:
        total = 0
        for code in s_present:
            total += WEIGHT[code]
        best: dict[str, int] = {}
        clinical = False
        for code in e_present:
            entry = CRITERION.get(code)
            if entry is None:
                continue
            domain, kind, weight = entry
            if weight > best.get(domain, 0):
                best[domain] = weight
            clinical = clinical or kind == "clinical"
        points = sum(best.values())
        classified += "ana_positive" in e_present and clinical and points >= 10
    return classified


def library(sample: list[tuple[frozenset[str], ...]]) -> int:
    classified = 0
    for s_present, s_missing, e_present, e_missing in sample:
        sledai_2k.score(s_present, not_assessed=s_missing)
        classified += eular_acr_2019.classify(e_present, not_assessed=e_missing).classified
    return classified


def best_of(function: object, sample: list[tuple[frozenset[str], ...]], repeat: int = 5) -> float:
    assert callable(function)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(sample)
        times.append(time.perf_counter() - start)
    return min(times)


def stages(rows: int, seed: int) -> None:
    """Where the time of (b) goes, per row, in this process (CPU time, best of 5)."""
    import io

    from sle_scoring import item_csv

    buffer = io.StringIO()
    path = Path(tempfile.mkdtemp()) / "stages.csv"
    generate(path, rows, seed)
    text = path.read_text(encoding="utf-8")
    path.unlink()
    settings = batch.Settings()
    table = list(csv.reader(io.StringIO(text)))
    columns = item_csv.read_header(table[0], settings.item_codes)
    data = list(enumerate(table[1:], start=2))
    parsed = [columns.parse(number, cells) for number, cells in data]
    items = [row for row in parsed if isinstance(row, item_csv.ItemRow)]
    cases = [batch.score_item_row(row, settings) for row in items]
    values = [batch.case_values(case) for case in cases]
    writer = csv.writer(buffer)
    # Each step's results are dropped as they come, as in the command line (keeping
    # 20,000 result objects alive would time the garbage collector instead).
    steps = {
        "csv.reader": lambda: deque(csv.reader(io.StringIO(text)), maxlen=0),
        "read item cells (item_csv)": lambda: deque(
            (columns.parse(n, c) for n, c in data), maxlen=0
        ),
        "score + classify (batch)": lambda: deque(
            (batch.score_item_row(r, settings) for r in items), maxlen=0
        ),
        "flat values (batch)": lambda: deque(map(batch.case_values, cases), maxlen=0),
        "csv.writer": lambda: writer.writerows(values),
    }
    print(f"\nwhere (b) spends its time, in-process, {rows:,} rows, CPU µs per row, best of 5")
    for name, step in steps.items():
        best = min(_cpu(step) for _ in range(5))
        print(f"  {name:<28} {best * 1e6 / rows:8.2f}")


def _cpu(step: object) -> float:
    assert callable(step)
    start = time.process_time()
    step()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="also run (b) with --jobs N"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (best)")
    parser.add_argument("--visits", type=int, default=100_000, help="sample size for (c)")
    options = parser.parse_args()

    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs")
    print(f"command: python benchmarks/bench.py {' '.join(sys.argv[1:])}".rstrip())
    memory: dict[int, float] = {}
    ratios: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        for size in options.sizes:
            data = Path(directory) / f"visits_{size}.csv"
            generate(data, size, options.seed)
            out = Path(directory) / "out.csv"
            a = run([sys.executable, "-c", PASS_THROUGH, str(data), str(out)], options.repeat)
            base = [sys.executable, "-m", "sle_scoring", "score", str(data), "-o", str(out)]
            b = run([*base, "--quiet"], options.repeat)
            rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
            assert rows == size, (rows, size)
            bj = run([*base, "--quiet", "--jobs", str(options.jobs)], options.repeat)
            memory[size], ratios[size] = b.peak, b.wall / a.wall
            mib = data.stat().st_size / 2**20
            print(f"\n{size:,} rows ({mib:,.1f} MiB CSV), best of {options.repeat}")
            print("                            wall s    cpu s   peak MiB   b/a wall  b/a cpu")
            for name, result in (
                ("(a) csv pass-through", a),
                ("(b) score --jobs 1", b),
                (f"(b) score --jobs {options.jobs}", bj),
            ):
                print(
                    f"  {name:<24} {result.wall:8.2f} {result.cpu:8.2f} {result.peak:10.1f}"
                    f" {result.wall / a.wall:9.2f} {result.cpu / a.cpu:8.2f}"
                )

    sample = visits(options.visits, options.seed)
    loop = best_of(hand_loop, sample)
    lib = best_of(library, sample)
    assert hand_loop(sample) == library(sample)  # the same classifications
    per = 1e6 / len(sample)
    print(f"\n(c) in-process, {len(sample):,} visits, best of 5")
    print(f"  hand-written loop         {loop * per:8.2f} µs per visit")
    print(f"  score + classify          {lib * per:8.2f} µs per visit  c/loop = {lib / loop:.2f}")

    stages(min(20_000, max(options.sizes)), options.seed)

    print("\nsummary")
    largest, smallest = max(options.sizes), min(options.sizes)
    print(f"  b/a at {largest:,} rows: {ratios[largest]:.2f} (target <= 2.0)")
    print(
        f"  peak memory {largest:,} / {smallest:,} rows: "
        f"{memory[largest] / memory[smallest]:.2f}x (target <= 1.2)"
    )
    print(f"  c/loop: {lib / loop:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
