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
      on seeded Polars frames of 1 / 0 / null Int8 items against one Polars pass
      computing a plain weighted sum of the same columns (target <= 3x), in this
      process, each after one untimed run (Polars' thread pool started). Two
      distributions of the items: ``uniform`` (each cell 1, 0 or null at random,
      2/9, 6/9 and 1/9: the worst case for the text columns, most rows their own
      code lists) and ``realistic`` (each item present in 5-10% of the visits and
      not assessed in 2-5%, a rate drawn per item: at a visit most descriptors and
      criteria are absent, one or two are present, and fewer than one was not
      measured). In the same run, frame.score's column path without the five
      text columns, and the floors of the documented schema: one text column
      alone (``sledai_2k.present``, from the items, the cheapest Polars-native
      way known; its join alone, on a bit mask of the items made before; and the
      plain ``concat_str`` of ``when/then`` over the codes) and the check that
      every integer cell is 0, 1 or null, each against the weighted sum.

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

from sle_scoring import INSTRUMENTS, _columnar, eular_acr_2019, frame, item_csv, sledai_2k

WEIGHTS = {f"sledai_2k.{item.code}": item.weight for item in sledai_2k.DESCRIPTORS} | {
    f"eular_acr_2019.{item.code}": item.weight
    for item in (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA)
}


# The distributions of (2): per item, the chance that a cell is present and that it
# is not assessed (blank); otherwise it is absent.
UNIFORM = "uniform"
REALISTIC = "realistic"
DISTRIBUTIONS = (UNIFORM, REALISTIC)
# The realistic rates, drawn per item from these ranges (see the module's docstring).
PRESENT_RATES = (0.05, 0.10)
NOT_ASSESSED_RATES = (0.02, 0.05)


def table(rows: int, seed: int = 15, distribution: str = UNIFORM) -> pl.DataFrame:
    """``rows`` seeded item-level rows: 1 present, 0 absent, null not assessed."""
    rng = np.random.default_rng(seed)
    columns: dict[str, pl.Series] = {
        "patient_id": pl.Series([f"P{n // 4:07d}" for n in range(rows)]),
        "visit_date": pl.Series(["2024-01-10"] * rows),
    }
    for name in WEIGHTS:
        if distribution == UNIFORM:
            cells = rng.choice([0, 0, 0, 0, 0, 0, 1, 1, -1], size=rows)  # -1: not assessed
        else:
            present, missing = rng.uniform(*PRESENT_RATES), rng.uniform(*NOT_ASSESSED_RATES)
            cells = rng.choice([1, -1, 0], size=rows, p=[present, missing, 1 - present - missing])
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
SLEDAI = [name for name in WEIGHTS if name.startswith("sledai_2k.")]


def _list_table(codes: list[str]) -> pl.Series:
    """The codes of every bit mask of ``codes``, joined by spaces (null: none)."""
    joined = [
        " ".join(code for bit, code in enumerate(codes) if mask >> bit & 1)
        for mask in range(1 << len(codes))
    ]
    return pl.Series([text or None for text in joined], dtype=pl.String)


def present_mask() -> pl.Expr:
    """The SLEDAI-2K items present as bits (a weighted sum of its own, in Int32)."""
    return pl.sum_horizontal(
        (pl.col(name) == 1).fill_null(False).cast(pl.Int32) * (1 << bit)
        for bit, name in enumerate(SLEDAI)
    )


def present_column(mask: pl.Expr) -> pl.Expr:
    """``sledai_2k.present`` of the documented schema (the codes present, in table
    order, joined by spaces; ``""`` for none), the cheapest Polars-native way known:
    from ``mask`` (:func:`present_mask`), two look-ups in tables of every combination
    of half the codes and one join (``concat_str``; of two nulls, ``""``)."""
    codes = [name.removeprefix("sledai_2k.") for name in SLEDAI]
    half = len(codes) // 2
    low = pl.lit(_list_table(codes[:half])).gather(mask % (1 << half))
    high = pl.lit(_list_table(codes[half:])).gather(mask // (1 << half))
    return pl.concat_str([low, high], separator=" ", ignore_nulls=True)


def present_when_then() -> pl.Expr:
    """The same column as the plain ``concat_str`` of ``when/then`` over the codes."""
    listed = pl.concat_str(
        [
            pl.when(pl.col(name) == 1).then(pl.lit(name.removeprefix("sledai_2k.")))
            for name in SLEDAI
        ],
        separator=" ",
        ignore_nulls=True,
    )
    return listed.fill_null("")


def integer_check() -> pl.Expr:
    """Whether every item cell of a row is 0, 1 or null (frame.score's check of
    integer cells: their bitwise or is 0 or 1)."""
    return pl.reduce(lambda a, b: a | b, [pl.col(n).fill_null(0) for n in WEIGHTS]).is_between(0, 1)


def _pieces(df: pl.DataFrame, weighted: pl.Expr, repeat: int) -> dict[str, tuple[float, float]]:
    """(wall, CPU) of the weighted sum, frame.score and the pieces, on ``df``."""
    # The expressions made once (frame.score keeps its tables too); both ways of the
    # text column give frame.score's text.
    text, when_then, check = present_column(present_mask()), present_when_then(), integer_check()
    # The join alone, on the mask made before: what each of the five text columns
    # costs at least, whatever computes the scores.
    masked = df.select(present_mask().alias("mask"))
    joined = present_column(pl.col("mask"))
    # The sum stays in the items' Int8: right while it stays below 128 (it does on
    # these tables; every weight together is 196), checked against Int64.
    wide = pl.sum_horizontal(pl.col(n).fill_null(0).cast(pl.Int64) * w for n, w in WEIGHTS.items())
    assert df.select((weighted == wide).all()).item()
    texts = df.select(text.alias("a"), when_then.alias("b"))
    expected = frame.score(df).get_column("sledai_2k.present")
    assert texts.get_column("a").equals(expected)
    assert texts.get_column("b").equals(expected)
    # What frame.score computes but the five text columns (its column path, asked
    # for the other fields): what the scores cost without the text.
    specs = [INSTRUMENTS[name] for name in frame.DEFAULT_INSTRUMENTS]
    columns = item_csv.read_header(df.columns, {spec.name: spec.codes for spec in specs})
    fields = {
        spec.name: [f for f in spec.fields if f"{spec.name}.{f}" not in TEXTS] for spec in specs
    }
    return {
        "Polars weighted sum": best(lambda: df.select(weighted.alias("sum")), repeat),
        "frame.score": best(lambda: frame.score(df), repeat),
        "  (no text columns)": best(
            lambda: _columnar.score_columns(df, df.columns, columns, specs, fields), repeat
        ),
        "one text column": best(lambda: df.select(text), repeat),
        "  (the join alone)": best(lambda: masked.select(joined), repeat),
        "  (concat_str, when/then)": best(lambda: df.select(when_then), repeat),
        "integer-cell check": best(lambda: df.select(check), repeat),
    }


def frame_score(rows: int, repeat: int) -> dict[str, tuple[float, float]]:
    """(2): each measured time / the weighted sum's, (wall, CPU), by what was measured."""
    weighted = pl.sum_horizontal(pl.col(n).fill_null(0) * w for n, w in WEIGHTS.items())
    ratios: dict[str, tuple[float, float]] = {}
    for distribution in DISTRIBUTIONS:
        timed = _pieces(table(rows, distribution=distribution), weighted, repeat)
        floor = timed["Polars weighted sum"]
        print(f"\nframe.score on a {rows:,}-row Polars frame, {distribution} items,")
        print(f"best of {repeat} after a warm-up")
        print("                              wall s    cpu s  ratio wall  ratio cpu")
        for name, (wall, cpu) in timed.items():
            ratio = wall / floor[0], cpu / max(floor[1], 1e-9)
            print(f"  {name:<26} {wall:8.3f} {cpu:8.3f} {ratio[0]:11.1f} {ratio[1]:10.1f}")
            ratios[f"{name.strip()}, {distribution}"] = ratio
        scored = frame.score(table(rows, distribution=distribution))
        distinct = scored.select(pl.col(TEXTS).n_unique()).row(0, named=True)
        print("  distinct values of the text columns:")
        for name, count in distinct.items():
            print(f"    {name:<30} {count:>10,}")
    return ratios


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
    ratios = frame_score(options.rows, options.repeat)
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
    for distribution in DISTRIBUTIONS:
        for name, target in (
            ("frame.score", " (target <= 3)"),
            ("one text column", ""),
            ("integer-cell check", ""),
        ):
            wall, cpu = ratios[f"{name}, {distribution}"]
            print(
                f"  {name} / Polars weighted sum, {distribution}, {options.rows:,} rows:"
                f" {wall:.1f} wall{target}, {cpu:.1f} CPU"
            )


if __name__ == "__main__":
    main()
