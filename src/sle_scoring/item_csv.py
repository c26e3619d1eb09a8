"""The item-level CSV layout: one row per patient-visit, one column per item.

Researchers' case report forms and registries already hold the instruments' items
as check boxes. This module reads them as they are::

    patient_id,visit_date,arthritis,rash,low_complement,proteinuria
    P001,2024-01-10,1,0,yes,
    P002,2024-02-03,0,0,no,n

- ``patient_id`` (required, non-blank) and ``visit_date`` (``YYYY-MM-DD``, or blank
  when the row has no date) come first, then one column per item code. A column
  may be named by the bare code (``arthritis``) or by the code qualified with its
  instrument (``sledai_2k.arthritis``); the qualified name is required when a bare
  code belongs to more than one instrument read at once (``fever`` is both a
  SLEDAI-2K descriptor and an EULAR/ACR 2019 criterion, with different thresholds).
- A cell says whether the item is present, absent or not assessed, spelled (in any
  letter case, surrounding spaces ignored) as in :data:`PRESENT_SPELLINGS`,
  :data:`ABSENT_SPELLINGS` and :data:`NOT_ASSESSED_SPELLINGS`. A blank cell is *not
  assessed*, never absent; an item with no column at all is not assessed in every
  row. Anything else is an error naming the row, the patient and the column.
- Header names are matched ignoring letter case and surrounding spaces, and a UTF-8
  byte-order mark (as spreadsheet programs write) is ignored. A column that is not
  an item of the instruments read is an error naming it, with the closest valid
  name suggested, unless the caller asks to ignore unknown columns. A column that
  is an item of another registered instrument only (``sdi.diabetes``, or
  ``arthritis`` when only the 2019 EULAR/ACR criteria are read) is always an
  error naming that instrument: its cells would otherwise be dropped or read with
  another instrument's definition.

The header is validated once (:func:`read_header`); each row is then a few
look-ups (:meth:`Columns.parse`). Reading streams: one row in memory at a time.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

import attrs

from ._items import suggest
from .exceptions import InvalidEvidenceError, Problem
from .records import parse_date

__all__ = [
    "ABSENT_SPELLINGS",
    "NOT_ASSESSED_SPELLINGS",
    "PATIENT_COLUMN",
    "PRESENT_SPELLINGS",
    "VISIT_COLUMN",
    "ColumnBlock",
    "Columns",
    "ItemRow",
    "cell_state",
    "instruments_in_header",
    "iter_rows",
    "read_header",
]

#: The column holding the patient identifier (required, non-blank).
PATIENT_COLUMN = "patient_id"
#: The column holding the visit date, ``YYYY-MM-DD`` (blank: no date).
VISIT_COLUMN = "visit_date"

#: Cell spellings meaning *present* (any letter case). ``1.0`` is what pandas and
#: R write for 1 in a column that also has blanks.
PRESENT_SPELLINGS = ("1", "1.0", "yes", "y", "true", "t", "present")
#: Cell spellings meaning *absent*: assessed and negative.
ABSENT_SPELLINGS = ("0", "0.0", "no", "n", "false", "f", "absent")
#: Cell spellings meaning *not assessed*: a blank cell, or R's and others' markers.
NOT_ASSESSED_SPELLINGS = ("", "na", "n/a", "not assessed", "not_assessed")

_PRESENT, _ABSENT, _NOT_ASSESSED = 1, 0, 2
# Canonical (lower-case, stripped) spelling -> state.
_STATE: dict[str, int] = {
    **{s: _PRESENT for s in PRESENT_SPELLINGS},
    **{s: _ABSENT for s in ABSENT_SPELLINGS},
    **{s: _NOT_ASSESSED for s in NOT_ASSESSED_SPELLINGS},
}


def _variants(spellings: Iterable[str]) -> frozenset[str]:
    """The spellings in the usual letter cases: most cells match one of these as is."""
    return frozenset(v for s in spellings for v in (s, s.upper(), s.title()))


# A row whose cells are all in _FAST_KNOWN is read with set operations only.
_FAST_PRESENT = _variants(PRESENT_SPELLINGS)
_FAST_NOT_ASSESSED = _variants(NOT_ASSESSED_SPELLINGS)
_FAST_KNOWN = _FAST_PRESENT | _variants(ABSENT_SPELLINGS) | _FAST_NOT_ASSESSED
_EXPECTED = (
    f"{'/'.join(PRESENT_SPELLINGS)} for present, {'/'.join(ABSENT_SPELLINGS)} for absent, "
    "or blank (or NA) for not assessed"
)
_CANONICAL_PRESENT = frozenset(PRESENT_SPELLINGS)
_CANONICAL_NOT_ASSESSED = frozenset(NOT_ASSESSED_SPELLINGS)


class ItemRow(NamedTuple):
    """One valid row: where it was, whose visit, and each instrument's items.

    ``row`` is the row number as a spreadsheet shows it (the header is row 1);
    ``items`` holds, for each instrument of the :class:`Columns` in order, the
    pair ``(present, not_assessed)`` of item codes. Codes of the instrument that
    are in neither set were assessed and absent.
    """

    row: int
    patient_id: str
    visit_date: datetime.date | None
    items: tuple[tuple[frozenset[str], frozenset[str]], ...]


def _no_cells(cells: Sequence[str]) -> tuple[str, ...]:
    return ()


def _getter(positions: tuple[int, ...]) -> Callable[[Sequence[str]], Sequence[str]]:
    """A C-level function taking the cells at ``positions`` out of a row."""
    if not positions:
        return _no_cells
    if len(positions) == 1:  # itemgetter of one position returns the cell, not a tuple
        return itemgetter(slice(positions[0], positions[0] + 1))
    return itemgetter(*positions)


@attrs.frozen
class ColumnBlock:
    """One instrument's columns: their positions in a row and their item codes."""

    instrument: str
    positions: tuple[int, ...]
    codes: tuple[str, ...]
    headers: tuple[str, ...]
    not_assessed: frozenset[str]  # items of the instrument with no column at all
    cells: Callable[[Sequence[str]], Sequence[str]] = attrs.field(eq=False, repr=False)

    @cells.default
    def _cells(self) -> Callable[[Sequence[str]], Sequence[str]]:
        return _getter(self.positions)


@attrs.frozen
class Columns:
    """A validated header: where the patient, the date and every item are.

    Built once per file by :func:`read_header`; picklable, so it can be sent to
    worker processes with the rows.
    """

    width: int
    patient: int
    visit: int
    blocks: tuple[ColumnBlock, ...]
    #: columns skipped because ``ignore_unknown`` was given, as written in the header
    ignored: tuple[str, ...] = ()

    @property
    def instruments(self) -> tuple[str, ...]:
        """The instruments read, in the order of :attr:`ItemRow.items`."""
        return tuple(block.instrument for block in self.blocks)

    def parse(self, row: int, cells: Sequence[str]) -> ItemRow | InvalidEvidenceError:
        """The :class:`ItemRow` of one data row, or the error listing all its problems.

        ``row`` is the row number reported in problems (the header is row 1).
        """
        if len(cells) != self.width:
            patient = cells[self.patient].strip() if len(cells) > self.patient else ""
            return InvalidEvidenceError(
                [
                    Problem(
                        patient or None,
                        f"row {row}",
                        "(row)",
                        f"has {len(cells)} cells; the header has {self.width}",
                    )
                ]
            )
        problems: list[Problem] = []
        patient_id = cells[self.patient].strip()
        record = patient_id or None
        where = f"row {row}"
        if not patient_id:
            problems.append(Problem(None, where, PATIENT_COLUMN, "must not be blank"))
        visit_date = _date(cells[self.visit], record, where, problems)
        items = []
        for block in self.blocks:
            values = block.cells(cells)
            present_spellings, not_assessed_spellings = _FAST_PRESENT, _FAST_NOT_ASSESSED
            if not _FAST_KNOWN.issuperset(values):
                values = _canonical(block, values, record, where, problems)
                present_spellings = _CANONICAL_PRESENT
                not_assessed_spellings = _CANONICAL_NOT_ASSESSED
            present = frozenset(compress(block.codes, map(present_spellings.__contains__, values)))
            missing = block.not_assessed
            if not not_assessed_spellings.isdisjoint(values):
                missing = missing | frozenset(
                    compress(block.codes, map(not_assessed_spellings.__contains__, values))
                )
            items.append((present, missing))
        if problems:
            return InvalidEvidenceError(problems)
        return ItemRow(row, patient_id, visit_date, tuple(items))


def _date(
    text: str, record: str | None, where: str, problems: list[Problem]
) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        problems.append(Problem(record, where, VISIT_COLUMN, str(error)))
        return None


def _canonical(
    block: ColumnBlock,
    values: Sequence[str],
    record: str | None,
    where: str,
    problems: list[Problem],
) -> tuple[str, ...]:
    """The cells in canonical spelling (stripped, lower case), noting unreadable ones."""
    canonical = []
    for header, value in zip(block.headers, values, strict=True):
        spelling = value.strip().lower()
        if spelling not in _STATE:
            problems.append(Problem(record, where, header, f"must be {_EXPECTED} (got {value!r})"))
        canonical.append(spelling)
    return tuple(canonical)


def cell_state(value: object) -> str | None:
    """``present``, ``absent`` or ``not assessed`` for one cell, ``None`` if unreadable.

    Besides the spellings of the CSV layout this accepts what a data frame holds:
    ``True``/``False``, the numbers 1 and 0, and ``None`` or NaN for not assessed.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        state: int | None = _NOT_ASSESSED
    elif isinstance(value, bool):
        state = _PRESENT if value else _ABSENT
    elif isinstance(value, (int, float)):
        state = _PRESENT if value == 1 else _ABSENT if value == 0 else None
    elif isinstance(value, str):
        state = _STATE.get(value.strip().lower())
    else:
        state = None
    return None if state is None else ("absent", "present", "not assessed")[state]


def _owners(instruments: Mapping[str, Sequence[str]]) -> dict[str, list[tuple[str, str]]]:
    """Each accepted column name (bare code, ``<instrument>.<code>``) -> its items."""
    owners: dict[str, list[tuple[str, str]]] = {}
    for instrument, codes in instruments.items():
        for code in codes:
            owners.setdefault(code, []).append((instrument, code))
            owners.setdefault(f"{instrument}.{code}", []).append((instrument, code))
    return owners


def _column_name(name: str) -> str:
    return name.strip().lower().removeprefix("\ufeff")


def instruments_in_header(
    header: Sequence[str], instruments: Mapping[str, Sequence[str]]
) -> tuple[str, ...]:
    """The instruments of ``instruments`` (name -> item codes) that ``header`` has
    item columns for, in the order given.

    A column counts for an instrument when it is qualified with its name or is a
    code of that instrument only.
    """
    owners = _owners(instruments)
    found = set()
    for name in header:
        owner = owners.get(_column_name(name), [])
        if len(owner) == 1:
            found.add(owner[0][0])
    return tuple(name for name in instruments if name in found)


def read_header(
    header: Sequence[str],
    instruments: Mapping[str, Sequence[str]],
    *,
    ignore_unknown: bool = False,
    others: Mapping[str, Sequence[str]] | None = None,
) -> Columns:
    """Validate a header row against the instruments' item codes.

    ``instruments`` maps each instrument's name (``sledai_2k``) to its item codes;
    ``others`` the other instruments' (those not read). Raises
    :class:`InvalidEvidenceError` listing every problem: a missing ``patient_id``
    or ``visit_date`` column, a repeated column, a bare code that belongs to
    several instruments, a column that is an item of ``others`` only (even with
    ``ignore_unknown``), and (unless ``ignore_unknown``) an unknown column, with the
    closest valid name suggested.
    """
    names = [name.strip().lower() for name in header]
    if names:
        names[0] = names[0].removeprefix("\ufeff")
    owners = _owners(instruments)
    elsewhere = _owners(others or {})
    problems: list[Problem] = []
    where = "header"
    seen: dict[str, int] = {}
    found: dict[tuple[str, str], tuple[int, str]] = {}
    ignored: list[str] = []
    for position, name in enumerate(names):
        shown = header[position].strip()
        if name in seen:
            problems.append(Problem(None, where, shown, "column repeated"))
            continue
        seen[name] = position
        if name in (PATIENT_COLUMN, VISIT_COLUMN):
            continue
        owner = owners.get(name)
        if owner is None and name in elsewhere:
            others_named = ", ".join(dict.fromkeys(i for i, _ in elsewhere[name]))
            problems.append(
                Problem(
                    None,
                    where,
                    shown,
                    f"is an item of {others_named}, which is not applied; apply it, or leave "
                    "the column out",
                )
            )
            continue
        if owner is None:
            if ignore_unknown:
                ignored.append(shown)
            else:
                hint = suggest(name, [*owners, PATIENT_COLUMN, VISIT_COLUMN])
                problems.append(
                    Problem(
                        None,
                        where,
                        shown,
                        "unknown column (not an item of "
                        + ", ".join(instruments)
                        + ")"
                        + (f"; did you mean {hint!r}?" if hint else "")
                        + "; pass --ignore-unknown-columns to skip it",
                    )
                )
            continue
        if len(owner) > 1:
            problems.append(
                Problem(
                    None,
                    where,
                    shown,
                    "is an item of several instruments; name the column "
                    + " or ".join(repr(f"{i}.{c}") for i, c in owner),
                )
            )
            continue
        key = owner[0]
        if key in found:
            problems.append(Problem(None, where, shown, f"same item as column {found[key][1]!r}"))
            continue
        found[key] = (position, shown)
    for required in (PATIENT_COLUMN, VISIT_COLUMN):
        if required not in seen:
            problems.append(Problem(None, where, required, "required column missing"))
    if problems:
        raise InvalidEvidenceError(problems)
    blocks = []
    for instrument, codes in instruments.items():
        present = [
            (code, *found[(instrument, code)]) for code in codes if (instrument, code) in found
        ]
        blocks.append(
            ColumnBlock(
                instrument,
                tuple(position for _, position, _ in present),
                tuple(code for code, _, _ in present),
                tuple(shown for _, _, shown in present),
                frozenset(code for code in codes if (instrument, code) not in found),
            )
        )
    return Columns(
        len(header), seen[PATIENT_COLUMN], seen[VISIT_COLUMN], tuple(blocks), tuple(ignored)
    )


def iter_rows(
    rows: Iterable[Sequence[str]],
    instruments: Mapping[str, Sequence[str]],
    *,
    ignore_unknown: bool = False,
) -> Iterator[ItemRow | InvalidEvidenceError]:
    """Each data row of a CSV (e.g. a ``csv.reader``) as an :class:`ItemRow` or an error.

    The first row is the header (validated by :func:`read_header`, which raises for
    a header that cannot be used). Blank lines are skipped; every other row yields
    exactly one item, so a batch can account for each.
    """
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise InvalidEvidenceError(
            [Problem(None, "header", "(file)", "is empty; expected a header row")]
        )
    columns = read_header(header, instruments, ignore_unknown=ignore_unknown)
    for number, cells in enumerate(iterator, start=2):
        if cells:
            yield columns.parse(number, cells)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
