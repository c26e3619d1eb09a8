"""docs/report.md's figure: the checked-in PNG is the figure its script draws today.

The comparison is by data (the series the script plots) and by size, not by pixels,
which change with fonts and matplotlib releases.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
from matplotlib import image
from matplotlib.lines import Line2D

from sle_scoring import reference_cases

FIGURES = Path(__file__).parent.parent / "docs" / "figures"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_course", FIGURES / "course.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_draws_the_reference_case() -> None:
    figure = _script().figure()
    lines = {
        line.get_gid(): line
        for ax in figure.axes
        for line in ax.lines
        if isinstance(line, Line2D) and line.get_gid()
    }
    platelets = np.asarray(lines["p-platelet_count"].get_ydata(), dtype=float).tolist()
    assert platelets == [45_000, 36_000]  # presentation, the March 2024 flare
    undated = np.asarray(lines["p-platelet_count-undated-1"].get_ydata(), dtype=float).tolist()
    assert undated == [250_000, 250_000]  # "rise of platelet count up to 250000/ul"
    dose = np.asarray(lines["p-prednisone"].get_ydata(), dtype=float).tolist()
    assert dose == [10, 12.5, 7.5, 0, 0]  # the prednisone steps, then to the end
    assert figure.get_suptitle().startswith(f"{reference_cases.bottazzi_2025().id}: ")


def test_the_png_is_the_current_figure_size(tmp_path: Path) -> None:
    script = _script()
    width, height = script.figure().get_size_inches() * script.DPI
    checked_in = np.asarray(image.imread(str(script.PNG)))
    assert checked_in.shape[:2] == (round(height), round(width))


def test_the_script_runs(tmp_path: Path) -> None:
    copy = tmp_path / "course.py"
    copy.write_text((FIGURES / "course.py").read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([sys.executable, str(copy)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    drawn = np.asarray(image.imread(str(tmp_path / "bottazzi-2025-course.png")))
    assert drawn.shape == np.asarray(image.imread(str(FIGURES / "bottazzi-2025-course.png"))).shape
