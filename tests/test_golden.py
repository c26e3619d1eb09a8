"""The recorded command-line outputs, byte for byte (tests/golden/record.py says why)."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden import record

OUT = Path(__file__).parent / "golden" / "out"


def test_every_recorded_command_is_still_run() -> None:
    assert sorted(p.stem for p in OUT.glob("*.txt")) == sorted(record.COMMANDS)


@pytest.mark.parametrize("name", sorted(record.COMMANDS))
def test_output_is_unchanged(name: str) -> None:
    expected = (OUT / f"{name}.txt").read_text(encoding="utf-8")
    assert record.run(name) == expected
