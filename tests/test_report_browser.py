"""The report for the bundled example, opened in headless Chromium as a person would.

CI installs Debian's ``chromium`` package (``.ci/run``) and this test must run
there. Elsewhere, without Chromium, it is skipped with the command that installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from sle_scoring import cli

CHROMIUM = shutil.which("chromium")
_INSTALL = "install Chromium to run it: apt-get update && apt-get install -y chromium"

if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError(f"CI must run the browser test; {_INSTALL}")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=f"chromium not found; {_INSTALL}")

WIDTH, HEIGHT = 1200, 2000


def _chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "report.html"
    assert cli.main(["report", "--example", "-o", str(out)]) == 0
    return out


def test_screenshot_is_a_rendered_page(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = _chromium(tmp_path / "profile", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), done.stderr
    pixels = np.asarray(image.imread(str(shot)))
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    grey = pixels[..., :3].mean(axis=2)
    # Not blank: text, tables and the figure darken a fair part of the page.
    assert (grey < 0.5).mean() > 0.01
    assert grey.std() > 0.05


def test_dom_has_the_title_tables_and_series(page: Path, tmp_path: Path) -> None:
    done = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    dom = done.stdout
    assert "<title>sle_scoring report: patients' courses</title>" in dom, done.stderr
    assert "never a diagnosis" in dom
    assert re.search(r"<th>2019 EULAR/ACR</th>", dom)
    assert "cannot be determined: PGA missing" in dom
    # The figure's series, each value by its date (platelets/µL, prednisone mg/day).
    for gid, text in {
        "p1-platelet_count-2023-10-01": "45,000",
        "p1-platelet_count-2024-03-01": "36,000",
        "p1-prednisone-2024-03-01": "10",
        "p1-prednisone-2024-03-02": "12.5",
        "p1-prednisone-2024-05-13": "7.5",
        "p1-prednisone-2024-05-27": "0",
    }.items():
        match = re.search(rf'<g id="{gid}">(.*?)</g>', dom, flags=re.DOTALL)
        assert match is not None, gid
        assert re.sub(r"<[^>]+>", "", match.group(1)).strip() == text
    assert '<g id="p1-platelet_count">' in dom
    assert '<g id="p1-prednisone">' in dom
    assert '<g id="p1-event-2-2024-04-01">' in dom  # anifrolumab started
