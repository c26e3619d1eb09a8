"""Generated tables for the distributed tests (tests/test_spark.py, tests/test_dask.py)."""

from __future__ import annotations

import random

from sle_scoring import INSTRUMENTS

SLEDAI = INSTRUMENTS["sledai_2k"].codes
EULAR = INSTRUMENTS["eular_acr_2019"].codes
#: The item columns, qualified so that no bare code is ambiguous.
ITEM_COLUMNS = [f"sledai_2k.{c}" for c in SLEDAI] + [f"eular_acr_2019.{c}" for c in EULAR]
# Mostly absent, some present, some blank (not assessed), and now and then a cell
# that cannot be read (an error row, kept with its global row number).
_CELLS = ["0", "1", "1", "", "no", "Yes"]
_UNREADABLE = "yes?"


def _cell(draw: random.Random) -> str:
    chance = draw.random()
    return _UNREADABLE if chance < 0.002 else draw.choice(_CELLS) if chance < 0.3 else "0"


def item_table(rows: int, seed: int = 2019) -> dict[str, list[str | None]]:
    """``rows`` item-level rows of text cells: patient, date, a site, every item."""
    draw = random.Random(seed)
    table: dict[str, list[str | None]] = {
        "patient_id": [f"P{n // 4:05d}" for n in range(rows)],
        "visit_date": [f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(rows)],
        "site": [draw.choice(["Graz", "Leeds", "Oslo"]) for _ in range(rows)],
    }
    for column in ITEM_COLUMNS:
        table[column] = [_cell(draw) for _ in range(rows)]
    return table


def observations(patients: int, seed: int = 2012) -> dict[str, list[object]]:
    """A long observations table: a few dated observations for each patient."""
    draw = random.Random(seed)
    table: dict[str, list[object]] = {
        "patient_id": [],
        "code": [],
        "date": [],
        "value_number": [],
        "value_text": [],
        "unit": [],
    }

    def add(
        patient: str, code: str, day: str, number: float | None, text: str | None, unit: str | None
    ) -> None:
        for key, value in zip(table, (patient, code, day, number, text, unit), strict=True):
            table[key].append(value)

    for n in range(patients):
        patient = f"Q{n:04d}"
        day = f"2024-{1 + n % 12:02d}-10"
        add(patient, "ana", day, None, draw.choice(["1:320", "negative"]), None)
        add(patient, "platelet_count", day, float(draw.choice([82000, 250000])), None, "/µL")
        add(patient, "swollen_joint_count", day, float(draw.choice([0, 3])), None, "joints")
        add(patient, "c3", day, None, draw.choice(["low", "normal"]), None)
        if n % 50 == 7:  # now and then a patient that cannot be read
            add(patient, "platelet_count", day, None, None, "/µL")
    return table
