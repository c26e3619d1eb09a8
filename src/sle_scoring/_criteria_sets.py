"""Helpers shared by the criteria sets that count criteria (SLICC 2012, ACR 1997):
findings from evidence and the first date on which a classification rule held.

Private: the instrument modules use these; users never need them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence

from . import _derive
from ._items import ItemFinding, ItemStatus
from .evidence import Observation


def ordered_findings(
    findings: Iterable[ItemFinding], codes: Sequence[str]
) -> tuple[ItemFinding, ...]:
    """One finding per code, in the order of ``codes``.

    Raises ``KeyError`` for a finding of an unknown code and ``ValueError`` naming
    the criteria that have no finding.
    """
    by_code: dict[str, ItemFinding] = {}
    for finding in findings:
        if finding.code not in codes:
            raise KeyError(finding.code)
        by_code[finding.code] = finding
    missing = [code for code in codes if code not in by_code]
    if missing:
        raise ValueError(f"no finding for criteria: {', '.join(missing)}")
    return tuple(by_code[code] for code in codes)


def codes_with(findings: Iterable[ItemFinding], status: ItemStatus) -> frozenset[str]:
    """The codes of the findings with ``status``."""
    return frozenset(f.code for f in findings if f.status is status)


def first_fulfilled(
    findings: Sequence[ItemFinding], holds: Callable[[frozenset[str]], bool]
) -> datetime.date | None:
    """The earliest date on which ``holds`` is true of the criteria present by then.

    Criteria are cumulative ("serially or simultaneously"; "need not be present
    concurrently"): a criterion counts from the first date it was present. ``None``
    when a present finding has no date (the date cannot be known) or the rule never
    held.
    """
    present = [f for f in findings if f.status is ItemStatus.PRESENT]
    dates = [f.date for f in present]
    if any(date is None for date in dates):
        return None
    for day in sorted({date for date in dates if date is not None}):
        so_far = frozenset(f.code for f in present if f.date is not None and f.date <= day)
        if holds(so_far):
            return day
    return None


def derive_findings(
    observations: Iterable[Observation],
    instrument: str,
    codes: Iterable[str],
    signals: Callable[[_derive.Index], Mapping[str, _derive.Signal]],
) -> tuple[ItemFinding, ...]:
    """Each code's finding from the observations: its signal, or the clinician's
    assertion ``<instrument>.<code>``."""
    evidence = _derive.index(observations)
    derived = signals(evidence)
    return tuple(
        _derive.finding(code, _derive.with_assertion(evidence, instrument, code, derived[code]))
        for code in codes
    )
