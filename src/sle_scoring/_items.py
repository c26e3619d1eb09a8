"""Shared building blocks of the instrument modules: an item table row, the three
states of an item, and the parsing of item-level input.

Private: the instrument modules re-export what users need.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs

from ._catalogue import owners
from ._safe import quote
from ._suggest import suggest as suggest  # re-exported: the modules import it from here
from .evidence import Observation
from .exceptions import InvalidArgumentError, InvalidItemsError, UnknownCodeError


@attrs.frozen
class Item:
    """One row of an instrument's item table, as published.

    ``code`` is the stable name the library accepts and reports, ``domain`` the
    domain or organ system, ``kind`` a second grouping the instrument needs
    (EULAR/ACR 2019: clinical or immunologic; SLEDAI-2K: clinical or serological),
    ``weight`` the points, ``definition`` the published definition in our words and
    ``source`` the publication.
    """

    code: str
    domain: str
    kind: str
    weight: int
    definition: str
    source: str


class ItemStatus(enum.Enum):
    """The state of one item for one patient (or visit).

    Missing data is an answer of its own: ``NOT_ASSESSED`` (no evidence either way)
    is kept apart from ``ABSENT`` (assessed and negative), and ``EXPLAINED`` marks a
    finding that was present but attributed to another cause, so it does not count.
    """

    PRESENT = "present"
    ABSENT = "absent"
    NOT_ASSESSED = "not assessed"
    EXPLAINED = "explained by another cause"


# Not slotted: an evidence-level finding (worded_later) keeps, in its instance dict,
# how to word its reason until the reason is first read (_Worded, below); most batch
# results never read it. Equality, hashing, repr, attrs.asdict and pickles read
# ``reason`` as an attribute, so they see the same text as a finding made with it.
@attrs.frozen(slots=False)
class ItemFinding:
    """How one item was decided, with the evidence behind it.

    ``reason`` says in words why (e.g. ``platelet count 45000 /µL < 100000 /µL``),
    ``evidence`` holds the observations used, ``date`` the date on which the item
    was first present (``None`` when not dated or not present) and ``explained_by``
    the other causes that excluded it.
    """

    code: str
    status: ItemStatus
    reason: str = ""
    evidence: tuple[Observation, ...] = ()
    date: datetime.date | None = None
    explained_by: tuple[str, ...] = ()

    def __getstate__(self) -> dict[str, object]:
        # What a slotted attrs class pickles: every field, in field order (the
        # reason worded), so the pickle is the same as before and as by __init__.
        return {name: getattr(self, name) for name in _FINDING_FIELDS}


_FINDING_FIELDS = tuple(field.name for field in attrs.fields(ItemFinding))


class _Worded:
    """``ItemFinding.reason`` of a finding whose instance dict has no reason yet (a
    descriptor without ``__set__``, so a reason in the instance dict is read as any
    attribute is): worded now, kept in the dict. (``__getattr__`` would slow down
    reading every attribute of every finding several times.)"""

    def __get__(self, finding: ItemFinding | None, owner: type | None = None) -> Any:
        if finding is None:
            return self
        found = finding.__dict__
        words = found.get("_words")
        if words is None:
            if "reason" in found:
                return found["reason"]  # worded meanwhile by another thread
            raise AttributeError("reason")
        reason = found.setdefault("reason", words())  # (another thread may word it too)
        found.pop("_words", None)
        return reason


ItemFinding.reason = _Worded()  # type: ignore[assignment]


def worded_later(
    code: str,
    status: ItemStatus,
    words: str | Callable[[], str],
    evidence: tuple[Observation, ...] = (),
    date: datetime.date | None = None,
    explained_by: tuple[str, ...] = (),
) -> ItemFinding:
    """``ItemFinding(code, status, words(), evidence, date, explained_by)``, with
    ``words()`` called only when the reason is first read (``words`` may also be
    the reason itself). ``words`` must be a function of values that do not change."""
    found = object.__new__(ItemFinding)
    fields = found.__dict__
    fields.update(code=code, status=status, evidence=evidence, date=date, explained_by=explained_by)
    fields["reason" if isinstance(words, str) else "_words"] = words
    return found


def words_of(finding: ItemFinding) -> str | Callable[[], str]:
    """What words ``finding``'s reason: how, when not worded yet, else the reason."""
    words: Callable[[], str] | None = finding.__dict__.get("_words")
    return finding.reason if words is None else words


# Plain collections take the fast path of canonical_codes (exact types only).
_COLLECTIONS = (frozenset, set, list, tuple)
_EMPTY: frozenset[str] = frozenset()
_EMPTIES = (tuple, list)


def canonical_codes(
    items: object, codes: Mapping[str, str], vocabulary: str, argument: str
) -> frozenset[str]:
    """Validate item-level input and return its codes as plain strings.

    ``items`` must be an iterable of codes (``str`` or the instrument's ``str``
    enum members); repeats are harmless. ``codes`` maps every accepted code to its
    canonical spelling. Raises :class:`InvalidItemsError` for a wrong type and
    :class:`UnknownCodeError` (with a suggestion) for an unknown code.
    """
    if type(items) in _COLLECTIONS:
        # Fast path for the batch hot path: every item a known code (one C-level pass).
        try:
            return frozenset(map(codes.__getitem__, items))  # type: ignore[call-overload]
        except (KeyError, TypeError):
            pass  # the checks below name the first bad item
    if isinstance(items, (str, bytes)):
        raise InvalidItemsError(
            f"{argument} must be an iterable of {vocabulary} item codes, got the single "
            f"string {quote(items)}; wrap it in a list: [{quote(items)}]"
        )
    if isinstance(items, Mapping) or not isinstance(items, Iterable):
        raise InvalidItemsError(
            f"{argument} must be an iterable of {vocabulary} item codes "
            f"(got {type(items).__name__})"
        )
    found: set[str] = set()
    for item in items:
        canonical = codes.get(item) if isinstance(item, str) else None
        if canonical is None:
            if not isinstance(item, str):
                raise InvalidItemsError(
                    f"{argument} must contain {vocabulary} item codes as strings "
                    f"(got {quote(item)} of type {type(item).__name__})"
                )
            raise UnknownCodeError(item, vocabulary, suggest(item, codes), owners(item))
        found.add(canonical)
    return frozenset(found)


def check_disjoint(present: frozenset[str], not_assessed: frozenset[str], vocabulary: str) -> None:
    """Check that no code is both present and not assessed (a contradiction)."""
    if present.isdisjoint(not_assessed):  # the usual case, without building a set
        return
    both = present & not_assessed
    if both:
        raise InvalidItemsError(
            f"{vocabulary} item(s) given both as present and as not assessed: "
            + ", ".join(repr(code) for code in sorted(both))
        )


def item_codes(
    items: object, not_assessed: object, codes: Mapping[str, str], vocabulary: str
) -> tuple[frozenset[str], frozenset[str]]:
    """Item-level input checked: the codes present and those not assessed."""
    if type(items) in _COLLECTIONS and type(not_assessed) in _COLLECTIONS:
        # The per-call hot path, in one function: plain collections of known codes
        # (one C-level pass each), nothing both present and not assessed.
        try:
            present = frozenset(map(codes.__getitem__, items))  # type: ignore[call-overload]
            missing = (
                frozenset(map(codes.__getitem__, not_assessed))  # type: ignore[call-overload]
                if not_assessed
                else _EMPTY
            )
        except (KeyError, TypeError):
            pass  # the checks below name the first bad item
        else:
            if present.isdisjoint(missing):
                return present, missing
    present = canonical_codes(items, codes, vocabulary, "items")
    missing = canonical_codes(not_assessed, codes, vocabulary, "not_assessed")
    check_disjoint(present, missing, vocabulary)
    return present, missing


def plain(
    codes: object, known: frozenset[str], apart_from: frozenset[str] = _EMPTY
) -> frozenset[str] | None:
    """``codes`` as they are when a frozenset of plain strings, all in ``known`` and
    none in ``apart_from`` (the codes present, for those not assessed); an empty
    tuple or list: the empty set; ``None`` for anything else, which the full path
    (:func:`item_codes`) reads, spells canonically or rejects.

    The per-call hot path of SLICC 2012 and ACR 1997: a subset check and a type check
    per code, no new set (``sledai_2k.score`` and ``eular_acr_2019.classify`` write
    out the check of their codes not assessed: one loop, cheaper than the call).
    """
    if type(codes) is frozenset:
        if not (known >= codes and codes.isdisjoint(apart_from)):
            return None
        for code in codes:
            if type(code) is not str:  # an enum member or a str subclass
                return None
        return codes
    if type(codes) in _EMPTIES and not codes:
        return _EMPTY
    return None


def item_finding(
    code: str,
    findings: Iterable[ItemFinding],
    present: Collection[str],
    not_assessed: Collection[str],
) -> ItemFinding:
    """The finding for ``code``: the evidence-level one, or what item-level input said."""
    for finding in findings:
        if finding.code == code:
            return finding
    if code in present:
        return ItemFinding(code, ItemStatus.PRESENT, "given at item level")
    if code in not_assessed:
        return ItemFinding(code, ItemStatus.NOT_ASSESSED, "given as not assessed")
    return ItemFinding(code, ItemStatus.ABSENT, "not among the item codes given")


def left_out(findings: Iterable[ItemFinding]) -> list[str]:
    """One explanation line per finding excluded because another cause explains it."""
    return [
        f"Left out: {f.code}, explained by {', '.join(f.explained_by)}"
        for f in findings
        if f.status is ItemStatus.EXPLAINED
    ]


def ordered_findings(
    findings: Iterable[ItemFinding], codes: Sequence[str], vocabulary: str
) -> tuple[ItemFinding, ...]:
    """One finding per code, in the order of ``codes``.

    Raises :class:`UnknownCodeError` for a finding of an unknown code and
    :class:`InvalidArgumentError` (a ``ValueError``) naming the items that have no
    finding.
    """
    by_code: dict[str, ItemFinding] = {}
    for finding in findings:
        if finding.code not in codes:
            raise UnknownCodeError(finding.code, vocabulary, suggest(finding.code, codes))
        by_code[finding.code] = finding
    missing = [code for code in codes if code not in by_code]
    if missing:
        raise InvalidArgumentError("findings", f"no {vocabulary} finding for: {', '.join(missing)}")
    return tuple(by_code[code] for code in codes)


def codes_with(findings: Iterable[ItemFinding], status: ItemStatus) -> frozenset[str]:
    """The codes of the findings with ``status``."""
    return frozenset([f.code for f in findings if f.status is status])  # (a visit asks twice)


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
    if None in dates:
        return None
    # (list comprehensions: the classifications ask at every visit of a record)
    for day in sorted({date for date in dates if date is not None}):
        so_far = frozenset([f.code for f in present if f.date is not None and f.date <= day])
        if holds(so_far):
            return day
    return None
