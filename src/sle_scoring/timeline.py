"""Outcome states over follow-up: each visit's states, and time in LLDAS and in
DORIS 2021 remission.

For each visit: SLEDAI-2K, the glucocorticoid dose, the PGA, LLDAS
(:mod:`sle_scoring.lldas`), DORIS 2021 remission (:mod:`sle_scoring.doris_remission`)
and the SLEDAI-2K change since the previous visit (:mod:`sle_scoring.sledai_change`).

Time between visits (a library rule, as used by cohort studies of time in LLDAS;
the publications do not fix one):

- follow-up runs from the first to the last visit; no time is counted before the
  first visit or after the last;
- the time between two consecutive visits is **in** the state only if the state is
  met at both visits; **out** of it if it is not met at either; otherwise (one or
  both cannot be determined, neither not met) that time is **undetermined**;
- the share of follow-up in the state is exact only when no time is undetermined;
  otherwise it is given as a range (``share_at_least``, ``share_at_most``);
- a continuous spell is a run of consecutive visits all in the state; a visit that
  is not met or cannot be determined ends it. Its length is the days from its first
  to its last visit (0 for a single visit).

LLDAS condition 2 compares each visit with the previous one; for the first visit
the caller says whether it is the patient's first assessment.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from . import doris_remission, lldas
from ._numbers import percent, plain
from ._outcomes import Outcome, State, read_visit
from .evidence import Patient
from .exceptions import InvalidItemsError
from .glucocorticoids import GlucocorticoidDose
from .sledai_2k import Score, score_visit
from .sledai_change import Change, categorise

__all__ = ["Spell", "TimeInState", "Timeline", "VisitStates", "follow", "time_in_state"]


@attrs.frozen
class Spell:
    """A run of consecutive visits all in a state, from ``start`` to ``end``."""

    start: datetime.date
    end: datetime.date
    visits: int

    @property
    def days(self) -> int:
        """Days from the first to the last visit of the spell (0 for one visit)."""
        return (self.end - self.start).days


@attrs.frozen
class TimeInState:
    """Time in one state over follow-up, under the rule in the module docstring."""

    name: str
    follow_up_days: int
    days_in: int
    days_out: int
    days_undetermined: int
    longest_spell: Spell | None

    @property
    def share(self) -> Fraction | None:
        """The share of follow-up in the state; ``None`` when some time is
        undetermined or there is no follow-up time."""
        if self.days_undetermined or not self.follow_up_days:
            return None
        return Fraction(self.days_in, self.follow_up_days)

    @property
    def share_at_least(self) -> Fraction | None:
        """The lowest possible share (undetermined time counted out)."""
        return Fraction(self.days_in, self.follow_up_days) if self.follow_up_days else None

    @property
    def share_at_most(self) -> Fraction | None:
        """The highest possible share (undetermined time counted in)."""
        if not self.follow_up_days:
            return None
        return Fraction(self.days_in + self.days_undetermined, self.follow_up_days)

    def explain(self) -> str:
        """One line, e.g. ``LLDAS: 120 of 200 days (60%); longest spell 84 days ...``."""
        if not self.follow_up_days:
            text = f"{self.name}: no follow-up time (one visit)"
        elif self.share is not None:
            share = percent(self.share)
            text = f"{self.name}: {self.days_in} of {self.follow_up_days} days ({share})"
        else:
            low, high = self.share_at_least, self.share_at_most
            assert low is not None
            assert high is not None
            text = (
                f"{self.name}: cannot be determined exactly, {self.days_undetermined} of "
                f"{self.follow_up_days} days undetermined; "
                f"between {percent(low)} and {percent(high)}"
            )
        spell = self.longest_spell
        if spell is None:
            return text + "; no visit in the state"
        return (
            text + f"; longest spell {spell.days} days ({spell.start.isoformat()} to "
            f"{spell.end.isoformat()}, {spell.visits} visits)"
        )

    def __str__(self) -> str:
        return self.explain()


def time_in_state(name: str, states: Iterable[tuple[datetime.date, State]]) -> TimeInState:
    """Time in a state from ``(visit date, state)`` pairs (any order, distinct dates).

    >>> d = datetime.date
    >>> met, no = State.MET, State.NOT_MET
    >>> t = time_in_state("LLDAS", [(d(2024, 1, 1), met), (d(2024, 1, 11), met),
    ...                             (d(2024, 1, 21), no)])
    >>> t.days_in, t.days_out, t.share, t.longest_spell.days
    (10, 10, Fraction(1, 2), 10)
    """
    visits = sorted(states, key=lambda pair: pair[0])
    dates = [day for day, _ in visits]
    if not visits:
        raise InvalidItemsError("time_in_state needs at least one visit")
    if len(set(dates)) != len(dates):
        raise InvalidItemsError("time_in_state needs distinct visit dates")
    days = {State.MET: 0, State.NOT_MET: 0, State.UNDETERMINED: 0}
    for (start, first), (end, second) in itertools.pairwise(visits):
        if State.NOT_MET in (first, second):
            between = State.NOT_MET
        elif first is State.MET and second is State.MET:
            between = State.MET
        else:
            between = State.UNDETERMINED
        days[between] += (end - start).days
    longest: Spell | None = None
    run: list[datetime.date] = []
    for day, state in [*visits, (datetime.date.max, State.NOT_MET)]:
        if state is State.MET:
            run.append(day)
            continue
        if run:
            spell = Spell(run[0], run[-1], len(run))
            if longest is None or spell.days > longest.days:
                longest = spell
        run = []
    return TimeInState(
        name,
        (dates[-1] - dates[0]).days,
        days[State.MET],
        days[State.NOT_MET],
        days[State.UNDETERMINED],
        longest,
    )


@attrs.frozen
class VisitStates:
    """One visit's scores and outcome states."""

    date: datetime.date
    sledai: Score
    glucocorticoid: GlucocorticoidDose
    pga: Fraction | None
    lldas: Outcome
    remission: Outcome
    change: Change | None

    def row(self) -> tuple[str, ...]:
        """The visit as table cells: date, SLEDAI-2K, prednisone mg/day, PGA, LLDAS,
        remission, change."""
        sledai = str(self.sledai.total) + ("" if self.sledai.complete else "+ (incomplete)")
        dose = self.glucocorticoid.prednisone_mg
        return (
            self.date.isoformat(),
            sledai,
            "not recorded" if dose is None else plain(dose),
            "not recorded" if self.pga is None else plain(self.pga),
            self.lldas.verdict,
            self.remission.verdict,
            "" if self.change is None else str(self.change.category.value),
        )


_HEADER = ("visit", "SLEDAI-2K", "prednisone eq. mg/day", "PGA", "LLDAS", "remission", "change")


@attrs.frozen
class Timeline:
    """A patient's outcome states at each visit, and time in LLDAS and in remission."""

    patient_id: str
    visits: tuple[VisitStates, ...]
    lldas: TimeInState
    remission: TimeInState

    def table(self) -> str:
        """The visits as a Markdown table."""
        rows = [_HEADER, tuple("---" for _ in _HEADER), *(v.row() for v in self.visits)]
        return "\n".join("| " + " | ".join(row) + " |" for row in rows)

    def explain(self) -> str:
        """The table, then time in LLDAS and in remission."""
        return "\n".join(
            [
                f"Patient {self.patient_id} (research use, not a diagnosis)",
                self.table(),
                self.lldas.explain(),
                self.remission.explain(),
            ]
        )

    def __str__(self) -> str:
        return self.explain()


def follow(
    patient: Patient,
    visit_dates: Sequence[datetime.date],
    *,
    first_assessment: bool = False,
    window_days: int = 10,
    non_standard_window: bool = False,
) -> Timeline:
    """Each visit's outcome states and the time in LLDAS and in DORIS 2021 remission.

    ``visit_dates`` are the assessments (any order; repeats are merged). Each
    visit is scored from the evidence as :func:`sle_scoring.lldas.assess_visit` and
    :func:`sle_scoring.doris_remission.assess_visit` do; LLDAS compares each visit
    with the one before; ``first_assessment=True`` says the first visit is the
    patient's first assessment.
    """
    dates = sorted(set(visit_dates))
    if not dates:
        raise InvalidItemsError("visit_dates must contain at least one date")
    visits: list[VisitStates] = []
    previous: Score | None = None
    for index, day in enumerate(dates):
        sledai = score_visit(
            patient, day, window_days=window_days, non_standard_window=non_standard_window
        )
        inputs = read_visit(patient, day, window_days)
        lldas_outcome = lldas.assess(
            sledai,
            previous=previous,
            first_assessment=first_assessment and index == 0,
            date=day,
            **inputs.for_lldas(),
        )
        remission = doris_remission.assess(sledai, date=day, **inputs.for_doris())
        change = None
        if previous is not None:
            change = categorise(previous, sledai, before_date=dates[index - 1], after_date=day)
        visits.append(
            VisitStates(
                day,
                sledai,
                inputs.glucocorticoid,
                inputs.pga,
                lldas_outcome,
                remission,
                change,
            )
        )
        previous = sledai
    return Timeline(
        patient.id,
        tuple(visits),
        time_in_state("LLDAS", [(v.date, v.lldas.state) for v in visits]),
        time_in_state("DORIS 2021 remission", [(v.date, v.remission.state) for v in visits]),
    )


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
