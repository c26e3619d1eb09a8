#!/usr/bin/env python3
"""Benchmark of the item-level batch path and of per-call scoring (a script, not a test).

One interleaved run: every measurement of a round is taken before the next round
starts, so a change in the machine's load touches all of them alike; each figure
is the median over the rounds. CPU time (user + system) and peak resident memory
come from the OS (``os.wait4`` of each command's process and the workers it
waited for); wall time from ``time.perf_counter``; per-call figures are CPU time
of this process (``time.process_time``).

For each size N it writes N seeded synthetic item-level rows (patient_id,
visit_date, the 24 SLEDAI-2K descriptors and the 22 EULAR/ACR 2019 criteria, as
1 / 0 / blank) and runs, each in a fresh process:

  (a) the floor: a stdlib csv read + write pass-through of the same file;
  (b) ``python -m sle_scoring score FILE -o OUT.csv --quiet --engine python``
      (SLEDAI-2K and 2019 EULAR/ACR, CSV out, ``--jobs 1``; the pure-Python
      engine, whatever extras are installed), then with ``--items``, with JSON
      Lines out (score's nested records), with flat JSON Lines records
      (``--instrument sledai_2k --instrument eular_acr_2019``), and with
      ``--jobs 2`` (its output checked byte for byte).

Then, in this process, on seeded samples of 2,000 and 100,000 visits (c):
``sledai_2k.score`` against a hand-written weight sum, and ``sledai_2k.score`` +
``eular_acr_2019.classify`` against a hand-written loop computing the same
numbers (both give the same classifications; checked), each next to its floor in
every round: the ratio of the medians and the median of the rounds' ratios. Peers' per-call figures
are measured when their files are given (``--peer``; no peer code is vendored).

It prints every ratio of the targets (issue 14) and whether each is met (the
command line's at the size they are stated for, 1,000,000 rows)::

    python benchmarks/bench.py                   # 10,000, 100,000 and 1,000,000 rows
    python benchmarks/bench.py --rows 20000      # sizes capped at 20,000 rows: quick
    python benchmarks/bench.py --peer nobra=adapter.py:sledai
    python benchmarks/bench.py --calls-only      # section (c) alone
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import importlib.util
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from sle_scoring import batch, cli, eular_acr_2019, item_csv, sledai_2k

OUTPUTS = {
    "a.csv",
    "b.csv",
    "items.csv",
    "b.jsonl",
    "flat.jsonl",
    "jobs2.csv",
}  # in the run's folder
PASS_THROUGH = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as i, \\
        open(sys.argv[2], "w", newline="", encoding="utf-8") as o:
    csv.writer(o).writerows(csv.reader(i))
"""

SLEDAI = sledai_2k.INSTRUMENT.codes
EULAR = eular_acr_2019.INSTRUMENT.codes

# Targets of issue 14 (ratios; "<=" unless the name says otherwise).
# score's flat JSON Lines records (every field of both instruments, as CSV out).
FLAT = ["--instrument", "sledai_2k", "--instrument", "eular_acr_2019"]
CSV_TARGET = 2.5  # CLI CSV out / pass-through, CPU, 1,000,000 rows, --jobs 1
ITEMS_TARGET = 4.0  # with --items, or JSON Lines out
MEMORY_TARGET = 1.2  # peak memory at the largest size / at the smallest
JOBS_TARGET = 1.7  # throughput of --jobs 2 / --jobs 1: at least
TARGET_ROWS = 1_000_000  # the size the command line's targets are stated at
MEMORY_BASE_ROWS = 10_000  # the peak memory target: at TARGET_ROWS / at this size
CALL_TARGET = 3.0  # sledai_2k.score / weight sum; score + classify / loop


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


def run(command: Sequence[str]) -> Run:
    """One run of a command, its times and peak memory from the OS."""
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} exited with {status}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # KiB


def median(runs: list[Run]) -> Run:
    return Run(*(statistics.median(values) for values in zip(*runs, strict=True)))


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


# The minimal hand-written code: the same totals, no validation, no result object.
WEIGHT = {item.code: item.weight for item in sledai_2k.DESCRIPTORS}
CRITERION = {item.code: (item.domain, item.kind, item.weight) for item in eular_acr_2019.CRITERIA}

Sample = list[tuple[frozenset[str], ...]]


def weight_sum(sample: Sample) -> int:
    """The SLEDAI-2K total of each visit, by hand."""
    checksum = 0
    for s_present, _, _, _ in sample:
        total = 0
        for code in s_present:
            total += WEIGHT[code]
        checksum += total
    return checksum


def sledai_score(sample: Sample) -> int:
    checksum = 0
    for s_present, s_missing, _, _ in sample:
        checksum += sledai_2k.score(s_present, not_assessed=s_missing).total
    return checksum


def hand_loop(sample: Sample) -> int:
    """Both instruments by hand: weight sum; highest criterion per domain, entry
    criterion, >= 1 clinical criterion, >= 10 points."""
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


def library(sample: Sample) -> int:
    classified = 0
    for s_present, s_missing, e_present, e_missing in sample:
        sledai_2k.score(s_present, not_assessed=s_missing)
        classified += eular_acr_2019.classify(e_present, not_assessed=e_missing).classified
    return classified


def cpu(step: Callable[[], object]) -> float:
    start = time.process_time()
    step()
    return time.process_time() - start


def peer(text: str) -> tuple[str, str, Callable[[frozenset[str]], object]]:
    """``NAME=FILE[:FUNCTION[:INSTRUMENT]]`` -> (name, instrument, function)."""
    name, _, rest = text.partition("=")
    file, _, rest = rest.partition(":")
    function, _, instrument = rest.partition(":")
    if not name or not file or instrument not in ("", "sledai_2k", "eular_acr_2019"):
        raise argparse.ArgumentTypeError(
            f"--peer {text!r}: NAME=FILE[:FUNCTION[:sledai_2k|eular_acr_2019]]"
        )
    spec = importlib.util.spec_from_file_location(f"peer_{name}", file)
    if spec is None or spec.loader is None:
        raise argparse.ArgumentTypeError(f"--peer {text!r}: cannot load {file}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return name, instrument or "sledai_2k", getattr(module, function or "score")


def peer_loop(function: Callable[[frozenset[str]], object], instrument: str) -> Callable[..., int]:
    column = 0 if instrument == "sledai_2k" else 2

    def loop(sample: Sample) -> int:
        for visit in sample:
            function(visit[column])
        return 0

    return loop


def stages(path: Path) -> None:
    """Where the CLI's time goes, in this process, on the rows of ``path``."""
    text = path.read_text(encoding="utf-8")
    settings = batch.Settings()
    table = list(csv.reader(io.StringIO(text)))
    columns = item_csv.read_header(table[0], settings.item_codes)
    data = table[1:]
    parsed = [columns.parse(number, cells) for number, cells in enumerate(data, start=2)]
    items = [row for row in parsed if isinstance(row, item_csv.ItemRow)]
    cases = [batch.score_item_row(row, settings) for row in items]
    calls = {"sub-blocks": 0, "outputs": 0}
    chunk = cli._CHUNK_ROWS["csv"]
    chunks = [data[start : start + chunk] for start in range(0, len(data), chunk)]

    def remembered() -> None:
        fast = batch.ItemRows(columns, settings, cli._csv_field, ",")
        sub_block, remember = fast._sub_block, fast._remember

        def new_sub_block(*args: Any) -> Any:
            calls["sub-blocks"] += 1
            return sub_block(*args)

        def new_output(*args: Any) -> Any:
            calls["outputs"] += 1
            return remember(*args)

        fast._sub_block = new_sub_block  # type: ignore[assignment]
        fast._remember = new_output  # type: ignore[assignment]
        deque(map(fast.rows, chunks), maxlen=0)
        counted["sub-blocks"] = sum(len(part.sub_blocks) for part in fast._parts)

    counted = {"sub-blocks": 0}
    steps: dict[str, Callable[[], object]] = {
        "csv.reader": lambda: deque(csv.reader(io.StringIO(text)), maxlen=0),
        "ItemRows (the CLI's path)": remembered,
        "full path: parse (item_csv)": lambda: deque(
            (columns.parse(2, cells) for cells in data), maxlen=0
        ),
        "full path: score + classify": lambda: deque(
            (batch.score_item_row(row, settings) for row in items), maxlen=0
        ),
        "full path: flat values": lambda: deque(map(batch.case_values, cases), maxlen=0),
    }
    print(f"\nwhere (b) spends its time, in-process, {len(data):,} rows, CPU µs per row, best of 3")
    for name, step in steps.items():
        best = min(cpu(step) for _ in range(3))
        print(f"  {name:<30} {best * 1e6 / len(data):8.2f}")
    # Each step ran three times on fresh memos: the look-ups of one run.
    sub_blocks = 1 - calls["sub-blocks"] / 3 / (counted["sub-blocks"] * len(data))
    outputs = 1 - calls["outputs"] / 3 / (len(settings.specs) * len(data))
    print(
        f"  memos: {sub_blocks:.1%} of the sub-blocks and {outputs:.1%} of the outputs "
        "found remembered"
    )


# Section (c)'s targets: (name, the hand-written floor, the library's loop).
PAIRS = (
    ("sledai_2k.score / weight sum", "weight sum (SLEDAI-2K by hand)", "sledai_2k.score"),
    ("score + classify / loop (c/loop)", "loop (both instruments by hand)", "score + classify"),
)


class PerCall(NamedTuple):
    median: dict[str, float]  # CPU µs per visit of each loop, median of the rounds
    paired: dict[str, list[float]]  # each round's ratio of a pair of PAIRS, by its name


def per_visit(loop: Callable[[Sample], int], sample: Sample) -> float:
    """CPU µs per visit of one pass of ``loop`` over ``sample``."""
    start = time.process_time()
    loop(sample)
    return (time.process_time() - start) * 1e6 / len(sample)


def calls(
    counts: Sequence[int],
    seed: int,
    peers: list[tuple[str, str, Callable[[frozenset[str]], object]]],
    rounds: int = 11,
    at_least: int = 100_000,
) -> dict[int, PerCall]:
    """Section (c): CPU µs per visit of each loop on seeded samples of each size in
    ``counts``, printed and returned by size.

    Every loop goes over the sample once a round, in at least ``rounds`` interleaved
    rounds and as many more as make ``at_least`` calls of each loop in all (a small
    sample is not gone over twice in a row: the floor would then find it in the
    cache). Each library loop runs right next to its hand-written floor, the two in
    turn first, so each round gives a paired ratio. Reported: the median of each
    loop (and the ratio of those medians) and the median of the rounds' paired
    ratios, with their range.
    """
    found: dict[int, PerCall] = {}
    for count in counts:
        sample = visits(count, seed)
        assert hand_loop(sample) == library(sample)  # the same classifications
        assert weight_sum(sample) == sledai_score(sample)  # the same totals
        every = max(rounds, -(-at_least // count))
        loops: dict[str, Callable[[Sample], int]] = {
            "weight sum (SLEDAI-2K by hand)": weight_sum,
            "sledai_2k.score": sledai_score,
            "loop (both instruments by hand)": hand_loop,
            "score + classify": library,
        }
        for name, instrument, function in peers:
            loops[f"peer {name} ({instrument})"] = peer_loop(function, instrument)
        times: dict[str, list[float]] = {name: [] for name in loops}
        paired: dict[str, list[float]] = {name: [] for name, _, _ in PAIRS}
        for number in range(every):  # interleaved rounds
            for name, loop in loops.items():
                if any(name in (floor, ours) for _, floor, ours in PAIRS):
                    continue
                times[name].append(per_visit(loop, sample))
            for pair, floor, ours in PAIRS:
                # Back to back, each first in every other round: a paired ratio.
                order = (floor, ours) if number % 2 == 0 else (ours, floor)
                for name in order:
                    times[name].append(per_visit(loops[name], sample))
                paired[pair].append(times[ours][-1] / times[floor][-1])
        median_of = {name: statistics.median(values) for name, values in times.items()}
        found[count] = PerCall(median_of, paired)
        print(
            f"\n(c) in-process, {count:,} visits, CPU µs per visit, median of {every} rounds "
            f"({count * every:,} calls of each loop)"
        )
        for name, value in median_of.items():
            print(f"  {name:<36} {value:8.2f}")
        for pair, floor, ours in PAIRS:
            ratios = paired[pair]
            print(
                f"  {pair}: ratio of medians {median_of[ours] / median_of[floor]:.2f}, "
                f"median paired ratio {statistics.median(ratios):.2f} "
                f"({min(ratios):.2f} to {max(ratios):.2f})"
            )
        for name, instrument, _ in peers:
            ours_time = median_of["sledai_2k.score"]
            if instrument == "eular_acr_2019":
                ours_time = median_of["score + classify"] - median_of["sledai_2k.score"]
            print(
                f"  peer {name}: {median_of[f'peer {name} ({instrument})'] / ours_time:.1f}x ours"
            )
    return found


def call_rows(per_call: dict[int, PerCall]) -> list[tuple[str, float, float | None]]:
    """The per-call targets of issue 14, at every sample size, as the ratio of the
    medians and as the median of the paired ratios: (name, ratio, target)."""
    rows: list[tuple[str, float, float | None]] = []
    for count, found in per_call.items():
        for pair, floor, ours in PAIRS:
            rows.append(
                (f"{pair}, {count:,} visits", found.median[ours] / found.median[floor], CALL_TARGET)
            )
            rows.append(
                (
                    "  the same, median paired ratio",
                    statistics.median(found.paired[pair]),
                    CALL_TARGET,
                )
            )
    return rows


def show(rows: list[tuple[str, float, float | None]]) -> None:
    """Each ratio against its target; ``None``: a ratio at a size the target is not
    stated for (issue 14 states the command line's at 1,000,000 rows), not judged."""
    print("\ntargets (issue 14)")
    for name, value, target in rows:
        if target is None:
            print(f"  {name:<52} {value:7.2f}  (its target is at {TARGET_ROWS:,} rows)")
            continue
        met = value >= target if "(>=)" in name else value <= target
        print(f"  {name:<52} {value:7.2f}  target {target:<4} {'met' if met else 'MISSED'}")


def calls_of(options: argparse.Namespace) -> dict[int, PerCall]:
    """Section (c) as the command line asks for it."""
    return calls(options.visits, options.seed, options.peer, options.rounds, options.calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--rows", type=int, help="cap every size at this many rows (quick runs)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the CLI runs (median)")
    parser.add_argument(
        "--visits", type=int, nargs="+", default=[2_000, 100_000], help="sample sizes for (c)"
    )
    parser.add_argument("--rounds", type=int, default=11, help="interleaved rounds of (c)")
    parser.add_argument(
        "--calls", type=int, default=100_000, help="(c): at least this many calls a loop"
    )
    parser.add_argument("--peer", type=peer, action="append", default=[], metavar="NAME=FILE")
    parser.add_argument("--calls-only", action="store_true", help="run section (c) alone")
    options = parser.parse_args()
    sizes = sorted({min(size, options.rows or size) for size in options.sizes})

    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs, ", end="")
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"command: python benchmarks/bench.py {' '.join(sys.argv[1:])}".rstrip())
    if options.calls_only:
        show(call_rows(calls_of(options)))
        return
    found: dict[int, dict[str, Run]] = {}
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        for size in sizes:
            data = folder / f"visits_{size}.csv"
            generate(data, size, options.seed)
            # The pure-Python engine, which issue 14 is about: with the frame extra
            # installed, --engine auto would score a large file with Polars
            # (benchmarks/frame_bench.py measures that engine).
            base = [sys.executable, "-m", "sle_scoring", "score", str(data), "--quiet"]
            base += ["--engine", "python"]
            commands = {
                "(a) csv pass-through": [sys.executable, "-c", PASS_THROUGH, str(data), "a.csv"],
                "(b) CSV out": [*base, "-o", "b.csv", "--jobs", "1"],
                "(b) CSV out --items": [*base, "-o", "items.csv", "--items", "--jobs", "1"],
                "(b) JSON Lines out": [*base, "-o", "b.jsonl", "--jobs", "1"],
                "(b) JSON Lines, flat": [*base, "-o", "flat.jsonl", *FLAT, "--jobs", "1"],
                "(b) CSV out --jobs 2": [*base, "-o", "jobs2.csv", "--jobs", "2"],
            }
            runs: dict[str, list[Run]] = {name: [] for name in commands}
            for _ in range(options.repeat):  # interleaved: one of each per round
                for name, command in commands.items():
                    runs[name].append(
                        run([str(folder / p) if p in OUTPUTS else p for p in command])
                    )
            if not filecmp.cmp(folder / "b.csv", folder / "jobs2.csv", shallow=False):
                raise SystemExit("--jobs 2 wrote other bytes than --jobs 1")
            with (folder / "b.csv").open(encoding="utf-8") as written:
                assert sum(1 for _ in written) - 1 == size
            found[size] = {name: median(values) for name, values in runs.items()}
            a = found[size]["(a) csv pass-through"]
            mib = data.stat().st_size / 2**20
            print(f"\n{size:,} rows ({mib:,.1f} MiB CSV), median of {options.repeat}")
            print("                            wall s    cpu s   peak MiB   b/a wall  b/a cpu")
            for name, result in found[size].items():
                print(
                    f"  {name:<24} {result.wall:8.2f} {result.cpu:8.2f} {result.peak:10.1f}"
                    f" {result.wall / a.wall:9.2f} {result.cpu / a.cpu:8.2f}"
                )
            if size != sizes[0]:
                data.unlink()  # the smallest is kept for the stages below
        stages(folder / f"visits_{sizes[0]}.csv")
    per_call = calls_of(options)

    largest, smallest = max(sizes), min(sizes)
    rows: list[tuple[str, float, float | None]] = []
    for size in sizes:
        a = found[size]["(a) csv pass-through"]
        for name, target in (
            ("(b) CSV out", CSV_TARGET),
            ("(b) CSV out --items", ITEMS_TARGET),
            ("(b) JSON Lines out", ITEMS_TARGET),
            ("(b) JSON Lines, flat", ITEMS_TARGET),
        ):
            ratio = found[size][name].cpu / a.cpu
            judged = target if size == TARGET_ROWS else None
            rows.append((f"{name} / (a), CPU, {size:,} rows", ratio, judged))
    at_size = largest == TARGET_ROWS
    peak = found[largest]["(b) CSV out"].peak / found[smallest]["(b) CSV out"].peak
    memory = MEMORY_TARGET if at_size and smallest == MEMORY_BASE_ROWS else None
    rows.append((f"peak memory {largest:,} / {smallest:,} rows", peak, memory))
    jobs = found[largest]["(b) CSV out"].wall / found[largest]["(b) CSV out --jobs 2"].wall
    judged = JOBS_TARGET if at_size else None
    rows.append((f"throughput --jobs 2 / --jobs 1, {largest:,} rows (>=)", jobs, judged))
    # What two idle cores would give if the CPU time of --jobs 2 (its reading process
    # and both workers) were spread over both: a busy machine cannot show the wall time.
    share = 2 * found[largest]["(b) CSV out"].cpu / found[largest]["(b) CSV out --jobs 2"].cpu
    rows.append(("  the same from CPU time, 2 x cpu(1) / cpu(2) (>=)", share, judged))
    rows += call_rows(per_call)
    show(rows)


if __name__ == "__main__":
    main()
