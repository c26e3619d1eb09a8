"""The contract every result meets, and the helpers that write its record.

Every result of the library (a classification, a SLEDAI-2K or SDI score, an
outcome, a SLEDAI-2K change, a comparison of the criteria sets) has:

- ``verdict``: the answer in one line;
- ``explain()``: a readable account, every item or condition with its reason;
- ``as_record()``: a flat, JSON-ready dict with stable keys ``<instrument>.<field>``
  (the same keys for every result of the instrument, ``None`` for a value that does
  not apply), as the command line writes it to JSON Lines and CSV;
- ``finding(code)``: one item (or condition) by its code, raising
  :class:`~sle_scoring.exceptions.UnknownCodeError` with a suggestion for a code
  that is not one;
- ``complete`` where it applies (item-based scores): every item assessed.

Private: :class:`Result` is exported as ``sle_scoring.Result``.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeAlias

import attrs

from ._items import ItemFinding, ItemStatus, item_finding, suggest
from .exceptions import UnknownCodeError

#: One value of a record: JSON-ready and CSV-ready as it is. Dates are written
#: ``YYYY-MM-DD``, lists of codes as codes separated by spaces, in table order.
RecordValue: TypeAlias = str | int | bool | None


#: The keys of an outcome's record (LLDAS, DORIS remission, SRI), without the prefix.
OUTCOME_FIELDS = (
    "name",
    "state",
    "met",
    "visit_date",
    "unmet",
    "undetermined",
    "missing",
    "verdict",
)


class Result(Protocol):
    """What every result of the library offers (see the module docstring)."""

    @property
    def verdict(self) -> str:
        """The answer in one line."""
        ...

    def explain(self) -> str:
        """A readable account, every item or condition with its reason."""
        ...

    def as_record(self) -> dict[str, RecordValue]:
        """A flat, JSON-ready dict with stable keys ``<instrument>.<field>``."""
        ...

    def finding(self, code: str) -> object:
        """How one item (an :class:`~sle_scoring.ItemFinding`) or condition of an
        outcome was decided, by its code; :class:`UnknownCodeError` otherwise."""
        ...


#: ``bare(cls)``: a value of a frozen, non-slotted attrs class with no field yet,
#: made without running its ``__init__`` (``object.__new__``). For the per-call hot
#: paths only, whose values are already checked: they then store each field without
#: a default into the value's ``__dict__``, in field order, which is what the
#: ``__init__`` attrs generates for such a class does (``_inst_dict = self.__dict__``
#: and one item store per field) without the call; a field left at its default is
#: read from the class, where :func:`defaults_on_class` puts it, and :func:`state`
#: pickles every field. So the value is the one ``cls(...)`` builds: equal, hashed,
#: repr'd, evolved and pickled alike (only ``vars()`` lists fewer keys). Nothing is
#: converted, validated or defaulted, so every field without a default must be stored
#: (tests/test_per_call.py checks the names against ``attrs.fields``).
bare = object.__new__


def defaults_on_class(cls: type) -> None:
    """Put the default of each field of the attrs class ``cls`` on the class (attrs
    takes them off), so that a value :data:`bare` built with only the other fields
    reads them as the ones ``__init__`` stores. Immutable defaults only: a factory's
    value would be shared by every such value."""
    for field in attrs.fields(cls):
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            raise TypeError(f"{cls.__name__}.{field.name}: a factory default")
        if field.default is not attrs.NOTHING:
            setattr(cls, field.name, field.default)


def state(value: attrs.AttrsInstance) -> dict[str, object]:
    """Every field of the attrs ``value`` by name, in field order: what ``pickle``
    writes of a value ``__init__`` built (its ``__dict__``), and so also of one
    :data:`bare` built with its defaults left on the class (``__getstate__``)."""
    return {field.name: getattr(value, field.name) for field in attrs.fields(type(value))}


def iso(day: datetime.date | None) -> str | None:
    """A date as ``YYYY-MM-DD`` (``None`` stays ``None``)."""
    return day.isoformat() if day is not None else None


def positions(order: Sequence[str]) -> dict[str, int]:
    """Each code's place in table order (for :func:`in_order`)."""
    return {code: number for number, code in enumerate(order)}


def in_order(codes: Iterable[str], position: Mapping[str, int]) -> str:
    """``codes`` in table order (``position``: :func:`positions` of the table),
    separated by spaces; ``""`` for none."""
    return " ".join(sorted(codes, key=position.__getitem__))


def ordered_by(position: Mapping[str, int]) -> Callable[[Iterable[str]], str]:
    """:func:`in_order` for one table, remembered for the (bounded) most recent sets
    of codes: a batch writes the same few code lists on most rows."""

    @functools.lru_cache(maxsize=4096)
    def remembered(codes: frozenset[str]) -> str:
        return in_order(codes, position)

    def ordered(codes: Iterable[str]) -> str:
        if type(codes) is frozenset:
            return remembered(codes)
        return in_order(codes, position)

    return ordered


def prefixed(instrument: str, fields: Mapping[str, RecordValue]) -> dict[str, RecordValue]:
    """``fields`` with each key qualified as ``<instrument>.<field>``."""
    names = (instrument, *fields)
    keys = _KEYS.get(names)
    if keys is None:
        keys = _KEYS[names] = tuple(f"{instrument}.{field}" for field in fields)
    return dict(zip(keys, fields.values(), strict=True))


# (instrument, *fields) -> the record keys: built once, as records are written for
# every row of a batch.
_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}


def item_fields(
    present: Iterable[str],
    not_assessed: Iterable[str],
    findings: Sequence[ItemFinding],
    position: Mapping[str, int],
) -> dict[str, RecordValue]:
    """The record fields every item-based result has: ``present``, ``not_assessed``
    and ``explained`` (left out as explained by another cause), in table order."""
    return {
        "present": in_order(present, position),
        "not_assessed": in_order(not_assessed, position),
        "explained": explained(findings, position),
    }


def explained(findings: Sequence[ItemFinding], position: Mapping[str, int]) -> str:
    """The codes of ``findings`` left out as explained by another cause, in table
    order (the ``explained`` field of an item-based record)."""
    if not findings:
        return ""
    return in_order([f.code for f in findings if f.status is ItemStatus.EXPLAINED], position)


def unknown(code: object, vocabulary: str, valid: Iterable[str]) -> UnknownCodeError:
    """The error for a code that is not one of ``valid`` (with the closest suggested)."""
    text = str(getattr(code, "value", code))
    return UnknownCodeError(text, vocabulary, suggest(text, valid))


def item_of(
    code: object,
    codes: Mapping[str, str],
    vocabulary: str,
    findings: Iterable[ItemFinding],
    present: frozenset[str],
    not_assessed: frozenset[str],
) -> ItemFinding:
    """How one item was decided: the evidence-level finding, or what item-level input
    said. ``codes`` maps each accepted code (or ``str`` enum member) to its plain
    spelling; any other code raises :class:`UnknownCodeError` with a suggestion."""
    key = codes.get(code) if isinstance(code, str) else None
    if key is None:
        raise unknown(code, vocabulary, codes)
    return item_finding(key, findings, present, not_assessed)
