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

The per-patient summary (:class:`StateSummary`, :func:`summarise`; on the command
line ``sle-scoring score --summary``) counts the visits in the state, not in it and
not determinable, and gives the time above, the longest spell and whether the state
was ever attained. A visit that cannot be determined is never counted in or out of
the state: its visit counts only as not determinable, the time next to it is
undetermined unless the other visit is not in the state, and it ends a spell (so
the longest spell is the longest proven one). Neither publication sets a minimum
duration (DORIS 2021: none; LLDAS: a state at one assessment), so no "sustained"
threshold is applied; the longest spell's visits and days let a study apply its own.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TypeVar

import attrs

from . import _args, doris_remission, lldas
from ._numbers import percent, plain
from ._outcomes import Outcome, State, read_visit
from ._results import RecordValue, iso, unknown
from .evidence import Patient
from .exceptions import ArgumentTypeError, InvalidItemsError
from .glucocorticoids import GlucocorticoidDose
from .sledai_2k import DEFAULT_WINDOW_DAYS, Score, score_visit
from .sledai_change import Change, categorise

_T = TypeVar("_T")

__all__ = [
    "SUMMARY_FIELDS",
    "Spell",
    "StateSummary",
    "TimeInState",
    "Timeline",
    "VisitStates",
    "follow",
    "summarise",
    "summary_fields",
    "summary_record",
    "time_in_state",
]


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
        return f"{self.name}: {self.text()}"

    def text(self) -> str:
        """:meth:`explain` without the state's name."""
        if not self.follow_up_days:
            text = "no follow-up time (one visit)"
        elif self.share is not None:
            text = f"{self.days_in} of {self.follow_up_days} days ({percent(self.share)})"
        else:
            low, high = self.share_at_least, self.share_at_most
            assert low is not None
            assert high is not None
            text = (
                f"cannot be determined exactly, {self.days_undetermined} of "
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
    _args.check(name=name, states=states)
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


#: The fields of a :class:`StateSummary`'s record, keys ``<instrument>.<field>``
#: (``lldas.days_in_state``). Dates are ``YYYY-MM-DD``; shares are exact numbers
#: written as the library writes numbers (``0.6``, or ``1/3`` when the decimal does
#: not terminate), ``None`` where they do not apply.
SUMMARY_FIELDS = (
    "visits_assessed",  # the visits scored
    "visits_in_state",  # ... at which the state is met
    "visits_not_in_state",  # ... not met
    "visits_not_determinable",  # ... cannot be determined (neither in nor out)
    "first_visit",
    "last_visit",
    "follow_up_days",  # first to last visit
    "days_in_state",  # between two visits both in the state
    "days_not_in_state",  # between two visits, either not in the state
    "days_not_determinable",  # the rest
    "share_in_state",  # days in / follow-up days; None unless exact
    "share_at_least",  # undetermined days counted out
    "share_at_most",  # undetermined days counted in
    "ever_in_state",  # True, False, or None (none in, some not determinable)
    "longest_spell_visits",  # the longest run of consecutive visits in the state
    "longest_spell_days",  # ... its first to its last visit
    "longest_spell_start",
    "longest_spell_end",
    "summary",  # the summary in one line (the result's verdict)
)


def _visit_date(outcome: Outcome) -> datetime.date:
    # Every outcome summarised is dated (summarise checks it).
    assert outcome.visit_date is not None
    return outcome.visit_date


def _share(share: Fraction | None) -> str | None:
    return None if share is None else plain(share)


@attrs.frozen
class StateSummary:
    """One patient's time in one outcome state (LLDAS, DORIS 2021 remission) over
    the visits assessed, under the rule in the module docstring: "time in LLDAS" as
    the share of observed follow-up (Franklyn et al. 2016), ever attained, and the
    longest spell (no minimum duration: DORIS 2021, Table 2, statement 2).

    ``instrument`` is the registry name (the prefix of the record keys), ``name``
    the state's name, ``outcomes`` each visit's outcome in date order (with its
    reasons; :meth:`finding` by visit date) and ``time`` the time in the state
    (:func:`time_in_state`).
    """

    patient_id: str
    instrument: str
    name: str
    outcomes: tuple[Outcome, ...]
    time: TimeInState

    @property
    def states(self) -> tuple[tuple[datetime.date, State], ...]:
        """Each visit's date and state, in date order."""
        return tuple((_visit_date(outcome), outcome.state) for outcome in self.outcomes)

    def finding(self, code: str) -> Outcome:
        """The outcome at one visit, by its date ``YYYY-MM-DD`` (why it is in the
        state or not); :class:`~sle_scoring.exceptions.UnknownCodeError` otherwise."""
        dates = {_visit_date(outcome).isoformat(): outcome for outcome in self.outcomes}
        found = dates.get(code) if isinstance(code, str) else None
        if found is None:
            raise unknown(code, f"{self.name} visit date", dates)
        return found

    def _count(self, state: State) -> int:
        return sum(1 for _, found in self.states if found is state)

    @property
    def visits_assessed(self) -> int:
        """The visits assessed."""
        return len(self.states)

    @property
    def visits_in_state(self) -> int:
        """The visits at which the state is met."""
        return self._count(State.MET)

    @property
    def visits_not_in_state(self) -> int:
        """The visits at which the state is not met."""
        return self._count(State.NOT_MET)

    @property
    def visits_not_determinable(self) -> int:
        """The visits at which the state cannot be determined."""
        return self._count(State.UNDETERMINED)

    @property
    def ever_in_state(self) -> bool | None:
        """Whether the state was met at any visit; ``None`` when at none but some
        cannot be determined (it may have been)."""
        if self.visits_in_state:
            return True
        return None if self.visits_not_determinable else False

    @property
    def verdict(self) -> str:
        """One line: the visits in the state, then the time (:meth:`TimeInState.text`)."""
        visits = f"{self.name}: in the state at {self.visits_in_state} of {self.visits_assessed}"
        visits += " visit" if self.visits_assessed == 1 else " visits"
        if self.visits_not_determinable:
            visits += f" ({self.visits_not_determinable} cannot be determined)"
        return f"{visits}; {self.time.text()}"

    def explain(self) -> str:
        """A title, each visit's state, the verdict and the rule for time between visits."""
        lines = [
            f"Time in {self.name}, patient {self.patient_id} (research use, not a diagnosis)",
            *(f"  {_visit_date(o).isoformat()}: {o.verdict}" for o in self.outcomes),
            self.verdict,
            "Time between two visits is in the state only if both visits are in it, out "
            "of it if either is not, otherwise undetermined; a visit that cannot be "
            "determined is counted neither in nor out, and ends a spell.",
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def as_record(self) -> dict[str, RecordValue]:
        """The summary as one flat record, keys ``<instrument>.<field>`` for each of
        :data:`SUMMARY_FIELDS`."""
        time, spell = self.time, self.time.longest_spell
        values: tuple[RecordValue, ...] = (
            self.visits_assessed,
            self.visits_in_state,
            self.visits_not_in_state,
            self.visits_not_determinable,
            iso(self.states[0][0]),
            iso(self.states[-1][0]),
            time.follow_up_days,
            time.days_in,
            time.days_out,
            time.days_undetermined,
            _share(time.share),
            _share(time.share_at_least),
            _share(time.share_at_most),
            self.ever_in_state,
            None if spell is None else spell.visits,
            None if spell is None else spell.days,
            None if spell is None else iso(spell.start),
            None if spell is None else iso(spell.end),
            self.verdict,
        )
        prefix = self.instrument
        return {
            f"{prefix}.{field}": value for field, value in zip(SUMMARY_FIELDS, values, strict=True)
        }


def summarise(patient_id: str, outcomes: Iterable[Outcome]) -> StateSummary:
    """One patient's :class:`StateSummary` of one outcome assessed at visits (LLDAS
    or DORIS 2021 remission: :func:`sle_scoring.lldas.assess_visit`, a batch's
    per-visit results), in any order.

    Every outcome must be of the same instrument and have a distinct
    ``visit_date``; raises :class:`~sle_scoring.exceptions.InvalidItemsError`
    otherwise, or for none, and
    :class:`~sle_scoring.exceptions.ArgumentTypeError` for what is not an outcome.
    """
    _args.check(patient_id=_args.of(str, patient_id))
    if isinstance(outcomes, (str, bytes)) or not isinstance(outcomes, Iterable):
        raise ArgumentTypeError("outcomes", "outcomes must be an iterable of outcomes")
    found = list(outcomes)
    for outcome in found:
        _args.check(outcomes=_args.of(Outcome, outcome))
    if not found:
        raise InvalidItemsError("summarise needs the outcome of at least one visit")
    kinds = {(outcome.instrument, outcome.name) for outcome in found}
    if len(kinds) != 1:
        raise InvalidItemsError(
            "summarise needs the outcomes of one instrument (got "
            + ", ".join(sorted(name for name, _ in kinds))
            + ")"
        )
    if any(outcome.visit_date is None for outcome in found):
        raise InvalidItemsError("summarise needs outcomes assessed at a dated visit")
    ((instrument, name),) = kinds
    # time_in_state checks the dates are distinct.
    time = time_in_state(name, [(_visit_date(o), o.state) for o in found])
    ordered = tuple(sorted(found, key=_visit_date))
    return StateSummary(patient_id, instrument, name, ordered, time)


def _sequence(name: str, value: object, kind: type[_T]) -> list[_T]:
    """``value`` as a list, each element a ``kind``; ArgumentTypeError otherwise."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ArgumentTypeError(name, f"{name} must be a sequence of {kind.__name__}")
    found = list(value)
    if not all(isinstance(element, kind) for element in found):
        raise ArgumentTypeError(name, f"each of {name} must be a {kind.__name__}")
    return found


def summary_fields(instruments: Sequence[str]) -> list[str]:
    """The keys of a summary record (:func:`summary_record`) for ``instruments``:
    ``kind``, ``row``, ``patient_id``, then ``<instrument>.<field>`` for each of
    :data:`SUMMARY_FIELDS` (the CSV header of ``sle-scoring score --summary``)."""
    names = _sequence("instruments", instruments, str)
    fields = ["kind", "row", "patient_id"]
    for name in names:
        fields.extend(f"{name}.{field}" for field in SUMMARY_FIELDS)
    return fields


def summary_record(row: int, summaries: Sequence[StateSummary]) -> dict[str, RecordValue]:
    """One patient's summaries as one flat record: ``kind`` ``"summary"`` (a visit's
    record has no ``kind``), the input ``row``, ``patient_id``, then each summary's
    :meth:`StateSummary.as_record` (what ``sle-scoring score --summary`` writes)."""
    if type(row) is not int:
        raise ArgumentTypeError("row", f"row must be an int (got {type(row).__name__})")
    summaries = _sequence("summaries", summaries, StateSummary)
    if not summaries or len({summary.patient_id for summary in summaries}) != 1:
        raise InvalidItemsError("summary_record needs the summaries of one patient")
    record: dict[str, RecordValue] = {
        "kind": "summary",
        "row": row,
        "patient_id": summaries[0].patient_id,
    }
    for summary in summaries:
        record.update(summary.as_record())
    return record


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

    @property
    def summaries(self) -> tuple[StateSummary, StateSummary]:
        """The per-patient summaries of LLDAS and of DORIS 2021 remission."""
        return (
            summarise(self.patient_id, [visit.lldas for visit in self.visits]),
            summarise(self.patient_id, [visit.remission for visit in self.visits]),
        )

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
    window_days: int = DEFAULT_WINDOW_DAYS,
    non_standard_window: bool = False,
) -> Timeline:
    """Each visit's outcome states and the time in LLDAS and in DORIS 2021 remission.

    ``visit_dates`` are the assessments (any order; repeats are merged). Each
    visit is scored from the evidence as :func:`sle_scoring.lldas.assess_visit` and
    :func:`sle_scoring.doris_remission.assess_visit` do; LLDAS compares each visit
    with the one before; ``first_assessment=True`` says the first visit is the
    patient's first assessment.
    """
    _args.check(
        patient=patient,
        visit_dates=visit_dates,
        first_assessment=first_assessment,
        window_days=window_days,
        non_standard_window=non_standard_window,
    )
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
