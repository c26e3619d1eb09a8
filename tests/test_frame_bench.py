"""benchmarks/frame_bench.py runs, at a tiny size, so that it cannot rot (not timed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "frame_bench.py"


def _run(*arguments: str) -> tuple[str, list[str]]:
    """(everything printed, the names of the summary's lines)."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, check=True
    )
    summary = done.stdout.split("\nsummary\n")[1].splitlines()
    return done.stdout, [line.split(":")[0].strip() for line in summary]


# The summary lines of (2): frame.score and the two floors of the documented
# schema, for each distribution of the items.
FRAME_LINES = [
    f"{name} / Polars weighted sum, {distribution}, 500 rows"
    for distribution in ("uniform", "realistic")
    for name in ("frame.score", "one text column", "integer-cell check")
]


def test_the_benchmark_runs_and_reports_every_target() -> None:
    _, summary = _run("--sizes", "100", "300", "--rows", "500")
    assert summary == [
        "load average at the end",
        "--engine columnar / csv pass-through at 300 rows",
        "peak memory 300 / 100 rows",
        *FRAME_LINES,
    ]


def test_frame_only_reports_frame_score_and_its_text_columns() -> None:
    printed, summary = _run("--frame-only", "--rows", "500")
    assert summary == ["load average at the end", *FRAME_LINES]
    for distribution in ("uniform", "realistic"):
        section = printed.split(f"{distribution} items")[1]
        assert "sledai_2k.not_assessed" in section.split("distinct values")[1]
