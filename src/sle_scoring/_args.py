"""The argument checks at the top of every public entry point of the instrument and
outcome modules: an argument of the wrong type raises
:class:`~sle_scoring.exceptions.ArgumentTypeError` (a ``TypeError``), one of the
right type but an impossible value :class:`~sle_scoring.exceptions.InvalidArgumentError`
(a ``ValueError``), before any work is done and naming the argument.

Each argument is checked by its name (``patient``, ``visit_date``, ...: see
``_CHECKS``); ``optional(value)`` also accepts ``None``, and ``of(kind, value)``
checks a value against a type of the calling module (``Score``, ``Index``).

Private: the entry points call :func:`check` in one line.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Mapping

import attrs

from ._items import ItemFinding
from ._safe import quote
from .evidence import Observation, Patient
from .exceptions import ArgumentTypeError, InvalidArgumentError

# Days from the calendar's first date to its last: no window is longer.
_MAX_DAYS = datetime.date.max.toordinal()


@attrs.frozen
class _Optional:
    value: object


@attrs.frozen
class _Of:
    kind: type | tuple[type, ...]
    value: object
    optional: bool


def optional(value: object) -> object:
    """``value`` to be checked by its name, ``None`` accepted."""
    return _MISSING if value is None else _Optional(value)


# (the one optional None: made once, as most optional arguments are left out)
_MISSING = _Optional(None)


def of(kind: type | tuple[type, ...], value: object, *, optional: bool = False) -> object:
    """``value`` to be checked as an instance of ``kind`` (``None`` if ``optional``)."""
    return _Of(kind, value, optional)


def check(**arguments: object) -> None:
    """Check each argument by its name; raise for the first one that is wrong."""
    for name, value in arguments.items():
        if isinstance(value, _Of):
            if not (value.optional and value.value is None):
                _instance(name, value.value, value.kind)
        elif isinstance(value, _Optional):
            if value.value is not None:
                _CHECKS[name](name, value.value)
        else:
            _CHECKS[name](name, value)


def _wrong_type(name: str, value: object, wanted: str) -> ArgumentTypeError:
    return ArgumentTypeError(
        name, f"{name} must be {wanted} (got {quote(value)} of type {type(value).__name__})"
    )


def _instance(name: str, value: object, kind: type | tuple[type, ...]) -> None:
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wanted = " or ".join(f"a {k.__name__}" for k in kinds)
        raise _wrong_type(name, value, wanted)


def _patient(name: str, value: object) -> None:
    _instance(name, value, Patient)


def _date(name: str, value: object) -> None:
    # A datetime is a date too, but comparing it with one fails: refused, not truncated.
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise _wrong_type(name, value, "a datetime.date (not a datetime or a text)")


def _flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise _wrong_type(name, value, "True or False")


def _days(name: str, value: object) -> None:
    # A ValueError even for a wrong type, as before (True and 10.0 read as numbers).
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_DAYS:
        raise InvalidArgumentError(
            name,
            f"{name} must be a whole number of days >= 0 (got {quote(value)})"
            + (f"; at most {_MAX_DAYS}, the length of the calendar" if _too_many(value) else ""),
        )


def _too_many(value: object) -> bool:
    return isinstance(value, int) and value > _MAX_DAYS


def _whole(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(name, value, "a whole number")


def _text(name: str, value: object) -> None:
    _instance(name, value, str)


def _mapping(name: str, value: object) -> None:
    _instance(name, value, Mapping)


def _observation(name: str, value: object) -> None:
    _instance(name, value, Observation)


def _finding(name: str, value: object) -> None:
    _instance(name, value, ItemFinding)


def _visit_state(name: str, value: object) -> None:
    if not (isinstance(value, tuple) and len(value) == 2):
        raise _wrong_type(name, value, "a (datetime.date, State) pair")
    _date(name, value[0])


def _each(one: Callable[[str, object], None], wanted: str) -> Callable[[str, object], None]:
    """A check of an iterable whose elements ``one`` checks. The elements of a
    collection are checked; an iterator is left unconsumed, for the entry point."""

    def checker(name: str, value: object) -> None:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise _wrong_type(name, value, f"an iterable of {wanted}")
        if isinstance(value, Collection):
            for element in value:
                one(f"each of {name}", element)

    return checker


_CHECKS: dict[str, Callable[[str, object], None]] = {
    "patient": _patient,
    "visit_date": _date,
    "as_of": _date,
    "on": _date,
    "day": _date,
    "date": _date,
    "lupus_onset": _date,
    "previous_visit": _date,
    "baseline_date": _date,
    "follow_up_date": _date,
    "before_date": _date,
    "after_date": _date,
    "dates": _each(_date, "datetime.date"),
    "visit_dates": _each(_date, "datetime.date"),
    "observations": _each(_observation, "Observation"),
    "findings": _each(_finding, "ItemFinding"),
    "records": _each(_mapping, "mappings"),
    "states": _each(_visit_state, "(datetime.date, State) pairs"),
    "window_days": _days,
    "non_standard_window": _flag,
    "first_assessment": _flag,
    "reduction": _whole,
    "name": _text,
    "bilag_version": _text,
    "bilag_baseline": _mapping,
    "bilag_follow_up": _mapping,
}
