"""One patient's record as batch scoring reads it: at every visit, with what the
instruments share worked out once.

At each visit several instruments need the same things: SLEDAI-2K at the visit is
the SLEDAI-2K score itself, and LLDAS, DORIS remission, the SRI, BICLA, the SELENA
flare index and the SLEDAI-2K change each score it again (at this visit and at the
previous or first one); LLDAS and DORIS read the same treatment and PGA inputs. A
:class:`Record` keeps each such answer the first time it is worked out, so a visit
costs the same however many instruments are applied and however long the record
is. The answers are frozen values that depend only on the record and their key, so
sharing one is the same as working it out again.

Private: batch scoring makes a :class:`Record` for the length of one patient.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Hashable
from typing import TypeVar

import attrs

from . import _derive
from .evidence import Patient

_T = TypeVar("_T")


@attrs.frozen
class Record(Patient):
    """A :class:`~sle_scoring.evidence.Patient` that remembers shared answers."""

    _memo: dict[Hashable, object] = attrs.field(factory=dict, init=False, eq=False, repr=False)
    # What the definitions answered, per way of reading the record (up to a date; in a
    # window of so many days): see _derive.Memo.
    _memos: dict[Hashable, _derive.Memo] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )

    def memo(self, reading: Hashable) -> _derive.Memo:
        """What the definitions answered on this record read by ``reading``."""
        found = self._memos.get(reading)
        if found is None:
            found = self._memos[reading] = _derive.Memo()
        return found


def remembered(patient: Patient, key: Hashable, compute: Callable[[], _T]) -> _T:
    """``compute()``, worked out once per ``key`` for a :class:`Record` (every time
    for any other patient). ``key`` must name everything the answer depends on
    besides the record."""
    if not isinstance(patient, Record):
        return compute()
    if key not in patient._memo:
        patient._memo[key] = compute()
    found: _T = patient._memo[key]  # type: ignore[assignment]
    return found


def known(patient: Patient, key: Hashable) -> object | None:
    """The answer remembered under ``key`` for a :class:`Record` (``None``: none yet,
    or any other patient)."""
    return patient._memo.get(key) if isinstance(patient, Record) else None


def recorded_codes(patient: Patient) -> Collection[str] | None:
    """The codes of a :class:`Record`'s dated observations (``None`` for any other
    patient): what an instrument reading one code at a time may find in it."""
    return patient._by_code.keys() if isinstance(patient, Record) else None


def evidence_up_to(patient: Patient, as_of: datetime.date | None) -> _derive.Index:
    """The observations dated on or before ``as_of`` grouped by code, as a
    classification reads them: for a :class:`Record` a :class:`_derive.Prefix`
    that tests only what is new since the last date asked about."""
    observations = patient.up_to(as_of)  # checks the dates, as it always has
    if not isinstance(patient, Record) or as_of is None:
        return _derive.index(observations)
    return _derive.Prefix(patient._by_code, as_of, patient.memo("up_to"))


def evidence_in_window(patient: Patient, visit: datetime.date, days: int) -> _derive.Index:
    """The observations of the ``days`` days up to ``visit`` grouped by code, as
    SLEDAI-2K reads them at a visit: for a :class:`Record` a :class:`_derive.Grouped`
    remembering what each definition answered at the visits before."""
    observations = patient.window(visit, days)  # checks the dates, as it always has
    if not isinstance(patient, Record):
        return _derive.index(observations)
    return _derive.Grouped(observations, patient.memo(("window", days)))
