"""Shared pieces of the trial outcome modules (:mod:`~sle_scoring.bicla`,
:mod:`~sle_scoring.selena_flare`, :mod:`~sle_scoring.sledai_bands`).

A composite is decided component by component, each met, not met or cannot be
determined (:class:`~sle_scoring._outcomes.State`), each with the inputs it read and
the inputs it missed. A component keeps its ``missing`` list even when it is
decided without them, so a result can always say what was missing.

Private: the public modules re-export what users need.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from fractions import Fraction

import attrs

from ._numbers import plain
from ._outcomes import State, not_assessed_name, score_range
from ._results import RecordValue
from .exceptions import InvalidItemsError
from .sledai_2k import MAX_SCORE, SLEDAI_2K, Score


@attrs.frozen
class Component:
    """One component (criterion) of a composite, decided for one pair of visits.

    ``code`` is stable (it names the record field), ``definition`` the published
    wording (short), ``reason`` says why in words, ``inputs`` are the values it read
    as ``(name, shown value)``, and ``missing`` the inputs it lacked: when the state
    is "cannot be determined" they are why; otherwise they did not matter.
    """

    code: str
    definition: str
    state: State
    reason: str
    inputs: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()

    def line(self) -> str:
        """``[state] code (definition): reason``, for an explanation."""
        return f"  [{self.state.value}] {self.code} ({self.definition}): {self.reason}"


def unique(names: Iterable[str]) -> tuple[str, ...]:
    """The names in order, each once."""
    return tuple(dict.fromkeys(names))


def shown(value: Fraction | None) -> str:
    """A number as people write it, or ``missing``."""
    return "missing" if value is None else plain(value)


def sledai_range(value: Score | int | None, name: str) -> tuple[int, int] | None:
    """The lowest and highest SLEDAI-2K total a score (or a total) could have;
    ``None`` when it is missing. A Score must be a full SLEDAI-2K score."""
    if value is None:
        return None
    if isinstance(value, Score):
        if value.index.codes != SLEDAI_2K.codes:
            raise InvalidItemsError(f"{name} must be a SLEDAI-2K Score (all 24 descriptors)")
        return score_range(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SCORE:
        raise InvalidItemsError(
            f"{name} must be a SLEDAI-2K Score, a total 0-105 or None (got {value!r})"
        )
    return value, value


def shown_range(bounds: tuple[int, int] | None) -> str:
    """``7``, ``7 to 15`` (descriptors not assessed) or ``missing``."""
    if bounds is None:
        return "missing"
    low, high = bounds
    return str(low) if low == high else f"{low} to {high}"


def sledai_missing(value: Score | int | None, label: str) -> tuple[str, ...]:
    """What a SLEDAI-2K input lacks: the whole score, or its descriptors not assessed."""
    if value is None:
        return (label,)
    if isinstance(value, Score) and value.not_assessed:
        return (not_assessed_name(value.not_assessed, label),)
    return ()


def check_date(value: object, name: str) -> datetime.date | None:
    """A visit date or ``None``."""
    if value is not None and not isinstance(value, datetime.date):
        raise InvalidItemsError(f"{name} must be a date or None (got {value!r})")
    return value


def iso(date: datetime.date | None) -> str | None:
    """A date for a record: ISO 8601, or ``None``."""
    return None if date is None else date.isoformat()


def record_components(prefix: str, components: Iterable[Component]) -> dict[str, RecordValue]:
    """``<prefix>.<code>`` (the state) and ``<prefix>.<code>.reason`` per component."""
    record: dict[str, RecordValue] = {}
    for component in components:
        record[f"{prefix}.{component.code}"] = component.state.value
        record[f"{prefix}.{component.code}.reason"] = component.reason
    return record


def record_inputs(prefix: str, components: Iterable[Component]) -> dict[str, RecordValue]:
    """``<prefix>.input.<name>`` for every input read (``None`` when missing)."""
    record: dict[str, RecordValue] = {}
    for component in components:
        for name, value in component.inputs:
            record[f"{prefix}.input.{name}"] = None if value == "missing" else value
    return record
