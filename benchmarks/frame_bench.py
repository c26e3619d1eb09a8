#!/usr/bin/env python3
"""Benchmark of sle_scoring.frame on a Polars frame (a script, not a test).

Builds N seeded item-level rows as a Polars frame (patient_id, visit_date, the 24
SLEDAI-2K descriptors and the 22 EULAR/ACR 2019 criteria as qualified columns of
1 / 0 / null, Int8) and measures, in this process, CPU time (time.process_time,
all threads of the process) and wall time of:

  (a) the floor: one Polars pass computing a plain weighted sum of the same
      columns (SLEDAI-2K weights and EULAR/ACR weights, nulls as 0);
  (b) ``frame.score(df)``: SLEDAI-2K and EULAR/ACR 2019, every as_record() column.

It prints b/a. Target (issue 15): b/a <= 3 at 1,000,000 rows. Needs the frame
extra. Usage::

    python benchmarks/frame_bench.py               # 1,000,000 rows
    python benchmarks/frame_bench.py --rows 100000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl

from sle_scoring import eular_acr_2019, frame, sledai_2k

WEIGHTS = {f"sledai_2k.{item.code}": item.weight for item in sledai_2k.DESCRIPTORS} | {
    f"eular_acr_2019.{item.code}": item.weight
    for item in (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA)
}


def table(rows: int, seed: int = 15) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    columns: dict[str, pl.Series] = {
        "patient_id": pl.Series([f"P{n // 4:07d}" for n in range(rows)]),
        "visit_date": pl.Series(["2024-01-10"] * rows),
    }
    for name in WEIGHTS:
        cells = rng.choice([0, 0, 0, 0, 0, 0, 1, 1, -1], size=rows)  # -1: not assessed
        columns[name] = pl.Series(cells, dtype=pl.Int8).replace(-1, None)
    return pl.DataFrame(columns)


def timed(work: object) -> tuple[float, float]:
    assert callable(work)
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    df = table(rows)
    floor_expr = pl.sum_horizontal(pl.col(n).fill_null(0) * w for n, w in WEIGHTS.items())
    floor_cpu, floor_wall = timed(lambda: df.select(floor_expr.alias("sum")))
    score_cpu, score_wall = timed(lambda: frame.score(df))
    print(f"rows: {rows:,}")
    print(f"(a) Polars weighted sum: cpu {floor_cpu:.3f} s, wall {floor_wall:.3f} s")
    print(f"(b) frame.score:         cpu {score_cpu:.3f} s, wall {score_wall:.3f} s")
    print(f"b/a: cpu {score_cpu / floor_cpu:.1f}x, wall {score_wall / floor_wall:.1f}x")


if __name__ == "__main__":
    main()
