"""A caller's table of laboratory reference ranges, for results that come without one.

Laboratory values are judged against the testing laboratory's own limit of normal
(2019 EULAR/ACR "low C3 ... below the lower normal limit"; SLEDAI-2K low complement
"decrease in CH50, C3, or C4 below the lower limit of normal for testing laboratory";
increased DNA binding "above normal range for testing laboratory"). Exports often
drop the range. When the caller knows the laboratory's range, this table supplies
it; no built-in "typical" range is ever assumed.

The table is read from CSV (:func:`read_csv`) with these columns:

- ``code``: a vocabulary code of a laboratory value (``c3``, ``c4``, ``ch50``,
  ``anti_dsdna``, ``anticardiolipin``) or a LOINC code of the shipped table
  (docs/lab-data.md); a LOINC row applies only to results read with that LOINC code;
- ``unit``: the unit of ``low`` and ``high`` (a unit of the concept's dimension);
- ``low``, ``high``: the range; the limit the concept is judged by must be given
  (``low`` for complement, ``high`` for antibodies; for anticardiolipin, the
  laboratory's 99th percentile), the other may be empty;
- ``isotype`` (optional column): ``IgA``, ``IgG`` or ``IgM`` for anticardiolipin.

A limit is filled in only for an observation with a numeric value and no limit of
its own (a limit the observation has is never replaced), from the row with the same
unit, or converted exactly from another unit where :mod:`sle_scoring.units` converts
between them. Complement and antibody units are compared as given (the library does
not convert them), so a range in another unit is an error naming the observation,
never a guess. The observation's ``note`` says where the limit came from.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import attrs

from ._loinc import LOINC
from ._safe import number_problem, quote
from .exceptions import InvalidEvidenceError, Problem
from .units import DIMENSIONS, unit_problem
from .vocabulary import Kind, concept

__all__ = ["COLUMNS", "ReferenceRange", "ReferenceRanges", "read_csv"]

#: The columns of a reference-range CSV file (``isotype`` may be left out).
COLUMNS = ("code", "unit", "low", "high", "isotype")
_REQUIRED = ("code", "unit", "low", "high")
_ISOTYPES = ("IgA", "IgG", "IgM")
# The observation's limit field for each vocabulary ``limit``.
_LIMIT_FIELD = {"lower": "lower_limit", "upper": "upper_limit"}
_COMPARATORS = ("<=", ">=", "<", ">")


@attrs.frozen
class ReferenceRange:
    """One row of the table: the laboratory's range for ``code`` in ``unit``.

    ``code`` as the table writes it (a vocabulary code or a LOINC code); ``concept``
    the vocabulary code it stands for; ``row`` the table's row (the header is row 1).
    """

    code: str
    concept: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    isotype: str | None = None
    row: int = 0

    def limit(self) -> Decimal:
        """The limit the concept is judged by: ``low`` for complement, ``high`` for
        antibodies (the vocabulary's ``limit``)."""
        entry = concept(self.concept)
        assert entry is not None and entry.limit is not None
        found = self.low if entry.limit == "lower" else self.high
        assert found is not None  # checked when the table was read
        return found


def _number(text: object) -> Decimal | str | None:
    """The cell as an exact decimal, ``None`` when empty, or the message of why not."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        number = Decimal(text)
    else:
        try:
            number = Decimal(str(text).strip())
        except InvalidOperation:
            return f"must be a number (got {quote(text)})"
    if not number.is_finite() or number <= 0:
        return f"must be a positive number (got {quote(text)})"
    too_big = number_problem(number)
    return number if too_big is None else f"{too_big} (got {quote(text)})"


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _row(number: int, raw: Mapping[str, object]) -> ReferenceRange | list[Problem]:
    """One validated row, or its problems (each naming the row and the column)."""
    where = f"row {number}"
    code, unit, isotype = _text(raw.get("code")), _text(raw.get("unit")), _text(raw.get("isotype"))
    loinc = LOINC.get(code)
    name = loinc.concept if loinc is not None else code
    entry = concept(name)
    if entry is None or entry.kind is not Kind.LAB or entry.dimension is None:
        message = (
            "must be the vocabulary code or a shipped LOINC code of a laboratory value "
            f"judged against its laboratory's limit (c3, c4, ch50, anti_dsdna, "
            f"anticardiolipin) (got {quote(code)})"
        )
        return [Problem(None, where, "code", message)]
    problems = []
    wrong_unit = unit_problem(entry.dimension, unit) if unit else "is required"
    if wrong_unit is not None:
        problems.append(Problem(None, where, "unit", wrong_unit))
    bounds: dict[str, Decimal | None] = {}
    for column in ("low", "high"):
        read = _number(raw.get(column))
        if isinstance(read, str):
            problems.append(Problem(None, where, column, read))
        else:
            bounds[column] = read
    needed = "low" if entry.limit == "lower" else "high"
    if needed in bounds and bounds[needed] is None:
        problems.append(
            Problem(
                None, where, needed, f"is required: {name} is judged by its {entry.limit} limit"
            )
        )
    if loinc is not None and loinc.isotype is not None:
        if isotype and isotype != loinc.isotype:
            message = f"must be {loinc.isotype} for LOINC {code} (got {quote(isotype)})"
            problems.append(Problem(None, where, "isotype", message))
        isotype = loinc.isotype
    if isotype and (name != "anticardiolipin" or isotype not in _ISOTYPES):
        message = f"only IgA, IgG or IgM, for anticardiolipin (got {quote(isotype)})"
        problems.append(Problem(None, where, "isotype", message))
    if problems:
        return problems
    spelling = DIMENSIONS[entry.dimension].units.spelling(unit)
    assert spelling is not None
    return ReferenceRange(
        code, name, spelling, bounds["low"], bounds["high"], isotype or None, number
    )


def _numeric(value: object) -> bool:
    """A number, or decimal text (possibly censored, ``>200``): a value judged
    against a limit, unlike the laboratory's call (``low``, ``positive``)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal, Fraction)):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    for sign in _COMPARATORS:
        text = text.removeprefix(sign)
    try:
        return Decimal(text.strip()).is_finite()
    except InvalidOperation:
        return False


@attrs.frozen
class ReferenceRanges:
    """The caller's reference ranges, by code (see the module docstring).

    Build it with :func:`read_csv`, or :meth:`from_rows` from mappings with the
    columns of :data:`COLUMNS`.
    """

    ranges: tuple[ReferenceRange, ...]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> ReferenceRanges:
        """The table of ``rows`` (the first is row 2, as in a CSV file with its
        header). Raises :class:`InvalidEvidenceError` naming every bad row and column,
        and a code given twice in one unit (and isotype)."""
        found: list[ReferenceRange] = []
        problems: list[Problem] = []
        seen: dict[tuple[str, str | None, str], int] = {}
        for number, raw in enumerate(rows, start=2):
            read = _row(number, raw)
            if isinstance(read, list):
                problems.extend(read)
                continue
            key = (read.code, read.isotype, read.unit)
            if key in seen:
                message = f"{read.code} in {read.unit} is also given in row {seen[key]}"
                problems.append(Problem(None, f"row {number}", "code", message))
                continue
            seen[key] = number
            found.append(read)
        if problems:
            raise InvalidEvidenceError(problems)
        return cls(tuple(found))

    def find(
        self, code: str, unit: str, *, isotype: str | None = None, loinc: str | None = None
    ) -> list[ReferenceRange]:
        """The rows for an observation of ``code`` (a vocabulary code) read from
        ``loinc`` (if any): those of its LOINC code, else those of ``code`` with its
        isotype, else those of ``code`` without one; the row in ``unit`` first."""
        if loinc is not None:
            rows = [r for r in self.ranges if r.code == loinc]
            if rows:
                return sorted(rows, key=lambda r: r.unit != unit)
        for wanted in dict.fromkeys((isotype, None)):
            rows = [r for r in self.ranges if r.code == code and r.isotype == wanted]
            if rows:
                return sorted(rows, key=lambda r: r.unit != unit)
        return []

    def fill(self, observation: Mapping[str, Any], *, loinc: str | None = None) -> dict[str, Any]:
        """``observation`` (a raw observation, as in a JSON record) with the table's
        limit filled in when it is a numeric laboratory value with no limit of its
        own; otherwise unchanged. ``loinc``: the LOINC code it was read with.

        Raises :class:`InvalidEvidenceError` (field ``unit``, no record or location:
        the caller names them) when the table has the code only in units that cannot
        be converted to the observation's.
        """
        filled = dict(observation)
        code, unit = observation.get("code"), observation.get("unit")
        entry = concept(code) if isinstance(code, str) else None
        if (
            entry is None
            or entry.kind is not Kind.LAB
            or entry.limit is None
            or entry.dimension is None
            or not isinstance(unit, str)
            or not _numeric(observation.get("value"))
            or observation.get("lower_limit") is not None
            or observation.get("upper_limit") is not None
        ):
            return filled
        assert isinstance(code, str)
        units = DIMENSIONS[entry.dimension].units
        spelling = units.spelling(unit.strip())
        if spelling is None:
            return filled  # validation refuses the unit itself
        isotype = observation.get("isotype")
        rows = self.find(
            code, spelling, isotype=isotype if isinstance(isotype, str) else None, loinc=loinc
        )
        if not rows:
            return filled
        limit = _converted(rows[0], spelling)
        if limit is None:
            given = ", ".join(r.unit for r in rows)
            message = (
                f"the reference-range table gives {rows[0].code} in {given} (row "
                f"{rows[0].row}), which cannot be converted exactly to {unit}; give its "
                f"range in {unit}"
            )
            raise InvalidEvidenceError([Problem(None, None, "unit", message)])
        field = _LIMIT_FIELD[entry.limit]
        filled[field] = limit
        source = f"{field} {limit} {unit} from the reference-range table, row {rows[0].row}"
        note = observation.get("note")
        if note is None or note == "":
            filled["note"] = source
        elif isinstance(note, str):
            filled["note"] = f"{note}; {source}"
        # (a note that is not text is left for validation to refuse)
        return filled


def _converted(row: ReferenceRange, unit: str) -> Decimal | None:
    """The row's limit in ``unit``, exactly; ``None`` when it cannot be converted."""
    limit = row.limit()
    if row.unit == unit:
        return limit
    entry = concept(row.concept)
    assert entry is not None and entry.dimension is not None
    dimension = DIMENSIONS[entry.dimension]
    if dimension.canonical_unit == "as given":
        # Compared as given: the library has no conversion between these units.
        return None
    factor, offset = dimension.units[row.unit]
    to_factor, to_offset = dimension.units[unit]
    exact = ((Fraction(limit) * factor + offset) - to_offset) / to_factor
    decimal = Decimal(exact.numerator) / Decimal(exact.denominator)
    return decimal if Fraction(decimal) == exact else None


def read_csv(stream: Iterable[str]) -> ReferenceRanges:
    """The table of a reference-range CSV file (columns :data:`COLUMNS`; the header
    is row 1). Raises :class:`InvalidEvidenceError` naming every bad row and column,
    a missing column, and a column that is not one of :data:`COLUMNS`."""
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    problems = [
        Problem(None, "row 1", "(header)", f"has no column {column}")
        for column in _REQUIRED
        if column not in header
    ]
    problems.extend(
        Problem(None, "row 1", column, f"unknown column; the columns are {', '.join(COLUMNS)}")
        for column in header
        if column not in COLUMNS
    )
    if problems:
        raise InvalidEvidenceError(problems)
    rows: list[Mapping[str, object]] = []
    for number, row in enumerate(reader, start=2):
        if None in row:  # more cells than columns
            message = "has more cells than the header"
            raise InvalidEvidenceError([Problem(None, f"row {number}", "(row)", message)])
        rows.append(row)
    return ReferenceRanges.from_rows(rows)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
