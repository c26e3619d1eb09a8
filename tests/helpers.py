"""Builders shared by the evidence-level tests (tests/test_evidence_*.py).

Every observation is dated: ``DAY`` unless told otherwise (``date=``, or
``days_before=`` a visit on ``DAY``), so that tests read as the clinical story.
"""

from __future__ import annotations

import datetime

from sle_scoring import ItemStatus, Observation

#: The day of the evidence, and of the visit for activity scores.
DAY = datetime.date(2023, 10, 1)

PRESENT = ItemStatus.PRESENT
ABSENT = ItemStatus.ABSENT
NOT_ASSESSED = ItemStatus.NOT_ASSESSED
EXPLAINED = ItemStatus.EXPLAINED


def obs(
    code: str,
    value: object,
    unit: str | None = None,
    *,
    date: datetime.date = DAY,
    days_before: int = 0,
    **fields: object,
) -> Observation:
    """An observation dated ``date`` (``DAY`` by default), less ``days_before`` days."""
    day = date - datetime.timedelta(days=days_before)
    return Observation(code, value, date=day, unit=unit, **fields)  # type: ignore[arg-type]


def later(days: int) -> datetime.date:
    """The date ``days`` days after ``DAY``."""
    return DAY + datetime.timedelta(days=days)
