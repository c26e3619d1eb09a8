"""Regenerate docs/figures/bottazzi-2025-course.png, the figure of docs/report.md.

    python3 -m pip install '.[plot]' && python3 docs/figures/course.py

tests/test_docs_report.py rebuilds the same figure and checks its data and size.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from sle_scoring import plot, reference_cases

PNG = Path(__file__).with_name("bottazzi-2025-course.png")
DPI = 100


def figure() -> Figure:
    """The published reference case's course, with what the report says beyond the
    evidence (the anifrolumab start, the undated platelet rise)."""
    events, undated = plot.bottazzi_2025_events()
    return plot.course(reference_cases.bottazzi_2025(), events=events, undated=undated)


def main() -> None:
    """Write the PNG (no timestamp, so an unchanged figure gives an unchanged file)."""
    figure().savefig(PNG, dpi=DPI, metadata={"Software": None})


if __name__ == "__main__":
    main()
