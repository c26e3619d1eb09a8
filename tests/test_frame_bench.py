"""benchmarks/frame_bench.py runs, at a tiny size, so that it cannot rot (not timed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "frame_bench.py"


def test_the_benchmark_runs_and_reports_every_target() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "100", "300", "--rows", "500"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = done.stdout.split("\nsummary\n")[1].splitlines()
    assert [line.split(":")[0].strip() for line in summary] == [
        "--engine columnar / csv pass-through at 300 rows",
        "peak memory 300 / 100 rows",
        "frame.score / Polars weighted sum at 500 rows",
    ]
