"""Definitions that several instruments share word for word, written once.

- a laboratory value below the laboratory's lower limit of normal (complement) or
  above its upper limit (antibodies), or the laboratory's own call;
- an ANA titre of at least 1:80, or an equivalent positive test;
- anticardiolipin at medium or high titre (> 40 GPL/MPL/APL units, or above the
  laboratory's 99th percentile);
- joint involvement / synovitis: "synovitis involving 2 or more joints ... OR
  tenderness in 2 or more joints and at least 30 minutes of morning stiffness"
  (2019 EULAR/ACR joint involvement; SLICC 2012 synovitis, in the same words);
- calendar months, for the rules that count months.

Private: the instrument modules use these.
"""

from __future__ import annotations

import calendar
import datetime

from . import _derive
from .evidence import Observation, titre_denominator
from .exceptions import InvalidArgumentError

#: "ANA at a titer of >= 1:80 on HEp-2 cells or an equivalent positive test"
ANA_TITRE_AT_LEAST = 80
#: "Anticardiolipin antibodies at medium or high titer (> 40 APL, GPL, or MPL units,
#: or > the 99th percentile)"
ANTICARDIOLIPIN_UNITS_ABOVE = 40
#: "synovitis involving 2 or more joints"; "tenderness in 2 or more joints"
JOINTS_AT_LEAST = 2
#: "at least 30 minutes of morning stiffness"
MORNING_STIFFNESS_AT_LEAST_MIN = 30


def below_lower_limit(o: Observation) -> bool:
    """The laboratory's call ``low``, or a value below its lower limit of normal."""
    if isinstance(o.value, str):
        return o.value == "low"
    return o.lower_limit is not None and o.value < o.lower_limit


def above_upper_limit(o: Observation) -> bool:
    """The laboratory's call ``positive``, or a value above its upper limit of normal."""
    if isinstance(o.value, str):
        return o.value == "positive"
    return o.upper_limit is not None and o.value > o.upper_limit


def ana_at_least_1_in_80(o: Observation) -> bool:
    """A titre of at least 1:80, or ``positive`` from an equivalent test."""
    if o.value == "positive":
        return True
    denominator = titre_denominator(str(o.value))
    return denominator is not None and denominator >= ANA_TITRE_AT_LEAST


def anticardiolipin_medium_or_high(o: Observation) -> bool:
    """Anticardiolipin at medium or high titre: the laboratory's category, a level
    above its 99th percentile (``upper_limit``), or > 40 GPL/MPL/APL units."""
    if isinstance(o.value, str):
        return o.value in ("medium", "high")
    if o.upper_limit is not None and o.value > o.upper_limit:
        return True
    return (
        o.unit is not None
        and o.unit.split()[0] in ("GPL", "MPL", "APL")
        and o.value > ANTICARDIOLIPIN_UNITS_ABOVE
    )


def joint_involvement(evidence: _derive.Index, description: str) -> _derive.Signal:
    """Synovitis in >= 2 joints, or >= 2 tender joints with >= 30 minutes of morning
    stiffness (in one episode), or the clinician's judgement ``joint_involvement``."""
    d = _derive
    return d.any_of(
        description,
        d.present(evidence, "joint_involvement", "joint involvement (clinician)"),
        d.measured(
            evidence,
            "swollen_joint_count",
            lambda n: n >= JOINTS_AT_LEAST,
            ">= 2 swollen joints",
        ),
        d.all_of(
            ">= 2 tender joints with >= 30 minutes of morning stiffness",
            [
                d.measured(
                    evidence,
                    "tender_joint_count",
                    lambda n: n >= JOINTS_AT_LEAST,
                    ">= 2 tender joints",
                ),
                d.measured(
                    evidence,
                    "morning_stiffness",
                    lambda n: n >= MORNING_STIFFNESS_AT_LEAST_MIN,
                    ">= 30 min morning stiffness",
                ),
            ],
            d.EPISODE_DAYS,
        ),
    )


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (the month's last day if shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise InvalidArgumentError(
            "date",
            f"{months} months after {day.isoformat()} is outside the calendar (years 1-9999)",
        )
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
