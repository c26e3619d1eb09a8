"""Evidence: a patient's dated observations, validated against the vocabulary.

An :class:`Observation` has a code from :mod:`sle_scoring.vocabulary`, an optional
date, and a value: a number with a unit, a laboratory value with the laboratory's
limit, a titre, a category, ``positive``/``negative`` or ``present``/``absent``.
Any observation can be marked ``explained_by`` another cause (infection, drug, ...);
instruments that exclude such findings leave them out and say so.

Construction validates everything at once and raises
:class:`~sle_scoring.exceptions.InvalidEvidenceError` listing every problem; nothing
is guessed, rounded or skipped.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction

import attrs

from ._items import suggest
from ._numbers import plain
from ._safe import (
    MAX_CODE_LENGTH,
    MAX_NUMBER_DIGITS,
    MAX_TEXT_LENGTH,
    days_before,
    number_problem,
    quote,
    text_problem,
)
from .exceptions import InvalidEvidenceError, InvalidItemsError, Problem
from .units import DIMENSIONS, to_canonical
from .vocabulary import ASSAYS, CAUSES, Kind, all_codes, concept, item_assertion

__all__ = ["Observation", "Patient", "Value", "titre_denominator"]

#: An observation's value once validated: a number (kept exactly, as typed) or text.
Value = Decimal | str
# Makes a Problem for one field of the observation being checked.
_ProblemMaker = Callable[[str, str], Problem]

_ISOTYPES = ("IgA", "IgG", "IgM")
_CELSIUS = ("°C", "C", "degC")
# The text fields and their longest length (docs/records.md, "Limits").
_TEXT_LIMITS = (
    ("unit", MAX_CODE_LENGTH),
    ("assay", MAX_CODE_LENGTH),
    ("isotype", MAX_CODE_LENGTH),
    ("explained_by", MAX_CODE_LENGTH),
    ("note", MAX_TEXT_LENGTH),
)
# An int above this many bits has more digits than any number may have; it is left
# unconverted (conversion of a huge int is slow) and refused by validation.
_MAX_INT_BITS = 4 * MAX_NUMBER_DIGITS


def _normalise_value(value: object) -> object:
    """int and float become Decimal (a float by its shortest repr, as typed)."""
    if isinstance(value, bool):
        return value  # rejected by validation, not converted to 0/1
    if isinstance(value, int):
        return Decimal(value) if value.bit_length() <= _MAX_INT_BITS else value
    if isinstance(value, float):
        return Decimal(float.__repr__(value))
    return value


def _strip(text: object) -> object:
    """Surrounding spaces of a unit are dropped ("mg/mmol " is "mg/mmol")."""
    return text.strip() if isinstance(text, str) else text


def _normalise_limit(value: object) -> object:
    return None if value is None else _normalise_value(value)


# The hash is kept: explanations gather each finding's evidence without repeats,
# hashing the same observations at every visit of a record.
@attrs.frozen(cache_hash=True)
class Observation:
    """One dated observation of one patient.

    ``code``: a vocabulary code or an item assertion ``<instrument>.<item>``;
    ``value``: number, titre, category or ``present``/``absent`` as the code's kind
    requires; ``unit``: required for numbers, forbidden otherwise;
    ``lower_limit``/``upper_limit``: the laboratory's limit of normal, in ``unit``,
    for laboratory-dependent values; ``assay`` (e.g. ``elisa``, ``hep2_iif``);
    ``isotype`` (``IgA``/``IgG``/``IgM``) for antiphospholipid antibodies;
    ``explained_by``: a cause from :data:`sle_scoring.vocabulary.CAUSES`; ``note``:
    free text kept for the reader.
    """

    code: str
    value: Value = attrs.field(converter=_normalise_value)
    date: datetime.date | None = None
    unit: str | None = attrs.field(default=None, converter=_strip)
    lower_limit: Decimal | None = attrs.field(default=None, converter=_normalise_limit)
    upper_limit: Decimal | None = attrs.field(default=None, converter=_normalise_limit)
    assay: str | None = None
    isotype: str | None = None
    explained_by: str | None = None
    note: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidEvidenceError(problems)

    def problems(self, record: str | None = None, location: str | None = None) -> list[Problem]:
        """Every problem with this observation (empty when valid)."""

        def problem(field: str, message: str) -> Problem:
            # The location is quoted only when there is a problem (valid is common).
            where = location if location is not None else f"observation {quote(self.code)}"
            return Problem(record, where, field, message)

        found: list[Problem] = []
        if not isinstance(self.code, str):
            return [problem("code", f"must be a string (got {quote(self.code)})")]
        wrong_code = text_problem(self.code, MAX_CODE_LENGTH)
        if wrong_code is not None:
            return [problem("code", wrong_code)]
        if self.date is not None and (
            not isinstance(self.date, datetime.date) or isinstance(self.date, datetime.datetime)
        ):
            found.append(problem("date", f"must be a date (got {quote(self.date)})"))
        # Text fields of the wrong type or size: nothing else can be checked soundly.
        for name, limit in _TEXT_LIMITS:
            text = getattr(self, name)
            if text is not None and not isinstance(text, str):
                found.append(problem(name, f"must be text (got {quote(text)})"))
            elif text is not None and (wrong := text_problem(text, limit)) is not None:
                found.append(problem(name, wrong))
        if found and any(p.field != "date" for p in found):
            return found
        if self.explained_by is not None and self.explained_by not in CAUSES:
            hint = suggest(str(self.explained_by), CAUSES)
            found.append(
                problem(
                    "explained_by",
                    f"must be one of {', '.join(CAUSES)} (got {quote(self.explained_by)})"
                    + (f"; did you mean {hint!r}?" if hint else ""),
                )
            )
        if self.isotype is not None and self.isotype not in _ISOTYPES:
            found.append(
                problem("isotype", f"must be one of IgA, IgG, IgM (got {quote(self.isotype)})")
            )
        allowed_assays = ASSAYS.get(self.code)
        if (
            allowed_assays is not None
            and self.assay is not None
            and (self.assay not in allowed_assays)
        ):
            found.append(
                problem(
                    "assay",
                    f"must be one of {', '.join(allowed_assays)} for {self.code} "
                    f"(got {quote(self.assay)})",
                )
            )
        entry = concept(self.code)
        if entry is None:
            if item_assertion(self.code) is not None:
                found.extend(self._check_categorical(problem, ("present", "absent")))
                found.extend(self._check_no_unit(problem))
                return found
            hint = suggest(self.code, all_codes())
            found.append(
                problem(
                    "code",
                    f"unknown observation code {quote(self.code)}"
                    + (f"; did you mean {hint!r}?" if hint else ""),
                )
            )
            return found
        if entry.kind is Kind.QUANTITY:
            found.extend(self._check_number(problem, entry.dimension, entry.minimum, entry.maximum))
            found.extend(
                problem(name, f"not used for {self.code} (a fixed published threshold applies)")
                for name in ("lower_limit", "upper_limit")
                if getattr(self, name) is not None
            )
        elif entry.kind is Kind.LAB:
            if isinstance(self.value, str):
                found.extend(self._check_categorical(problem, entry.values))
                found.extend(self._check_no_unit(problem))
            else:
                found.extend(self._check_number(problem, entry.dimension, entry.minimum, None))
                found.extend(self._check_limit(problem, entry.limit))
        elif entry.kind is Kind.TITRE:
            found.extend(self._check_no_unit(problem))
            if isinstance(self.value, str) and self.value not in entry.values:
                if titre_denominator(self.value) is None:
                    found.append(
                        problem(
                            "value",
                            "must be a titre '1:N' with N a positive whole number, or "
                            f"positive/negative (got {quote(self.value)})",
                        )
                    )
            elif not isinstance(self.value, str):
                found.append(
                    problem("value", f"must be a titre such as '1:160' (got {quote(self.value)})")
                )
        else:
            found.extend(self._check_categorical(problem, entry.values))
            found.extend(self._check_no_unit(problem))
        return found

    def _check_categorical(self, problem: _ProblemMaker, values: tuple[str, ...]) -> list[Problem]:
        if isinstance(self.value, str) and self.value in values:
            return []
        return [problem("value", f"must be one of {', '.join(values)} (got {quote(self.value)})")]

    def _check_no_unit(self, problem: _ProblemMaker) -> list[Problem]:
        found = []
        if self.unit is not None:
            found.append(
                problem("unit", f"no unit expected for this value (got {quote(self.unit)})")
            )
        for name in ("lower_limit", "upper_limit"):
            if getattr(self, name) is not None:
                found.append(problem(name, "only allowed with a numeric laboratory value"))
        return found

    def _check_number(
        self,
        problem: _ProblemMaker,
        dimension: str | None,
        minimum: Fraction | None,
        maximum: Fraction | None,
    ) -> list[Problem]:
        assert dimension is not None
        dim = DIMENSIONS[dimension]
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            message = f"must have at most {MAX_NUMBER_DIGITS} significant digits"
            return [problem("value", f"{message} (got {quote(self.value)})")]
        if not isinstance(self.value, Decimal) or not self.value.is_finite():
            return [problem("value", f"must be a finite number (got {quote(self.value)})")]
        too_big = number_problem(self.value)
        if too_big is not None:
            return [problem("value", f"{too_big} (got {quote(self.value)})")]
        if self.unit is None:
            return [problem("unit", f"is required; one of {', '.join(dim.units)}")]
        if self.unit not in dim.units:
            # Suggest only a unit differing in letter case: a "close" unit of another
            # scale (G/L -> /µL) would turn 150 x 10^9/L into 150 /µL.
            same = [u for u in dim.units if u.lower() == self.unit.lower()]
            return [
                problem(
                    "unit",
                    f"must be a {dim.name} unit, one of {', '.join(dim.units)} (got "
                    f"{quote(self.unit)})" + (f"; did you mean {same[0]!r}?" if same else ""),
                )
            ]
        canonical = to_canonical(self.value, dimension, self.unit)
        if (minimum is not None and canonical < minimum) or (
            maximum is not None and canonical > maximum
        ):
            low = "" if minimum is None else plain(minimum)
            high = "" if maximum is None else plain(maximum)
            bounds = f"between {low} and {high}" if maximum is not None else f"at least {low}"
            message = (
                f"{self.value} {self.unit} is impossible; expected {bounds} {dim.canonical_unit}"
            )
            if dimension == "temperature" and self.unit in _CELSIUS:
                as_fahrenheit = to_canonical(self.value, dimension, "°F")
                if (
                    minimum is not None
                    and maximum is not None
                    and (minimum <= as_fahrenheit <= maximum)
                ):
                    message += "; if it was measured in °F, give unit '°F'"
            return [problem("value", message)]
        return []

    def _check_limit(self, problem: _ProblemMaker, limit: str | None) -> list[Problem]:
        found = []
        wanted = "lower_limit" if limit == "lower" else "upper_limit"
        other = "upper_limit" if limit == "lower" else "lower_limit"
        if getattr(self, other) is not None:
            found.append(problem(other, f"not used for {self.code}; give {wanted}"))
        bound = getattr(self, wanted)
        if bound is None:
            if not (
                self.code == "anticardiolipin"
                and self.unit in ("GPL", "MPL", "APL", "GPL U/mL", "MPL U/mL", "APL U/mL")
            ):
                found.append(
                    problem(
                        wanted,
                        "is required with a numeric value (the testing laboratory's limit "
                        "of normal, in the same unit); or give the laboratory's call instead",
                    )
                )
        elif not isinstance(bound, Decimal) or not bound.is_finite() or bound <= 0:
            found.append(problem(wanted, f"must be a positive number (got {quote(bound)})"))
        elif (too_big := number_problem(bound)) is not None:
            found.append(problem(wanted, f"{too_big} (got {quote(bound)})"))
        return found

    def quantity(self) -> Fraction:
        """The numeric value in the canonical unit of its dimension (exact)."""
        entry = concept(self.code)
        if entry is None or entry.dimension is None or not isinstance(self.value, Decimal):
            raise TypeError(f"{self.code} observation has no numeric value")
        assert self.unit is not None
        return to_canonical(self.value, entry.dimension, self.unit)

    def describe(self) -> str:
        """A short readable form, e.g. ``platelet_count 45000 /µL on 2023-10-01``."""
        text = f"{self.code} {self.value}"
        if self.unit:
            text += f" {self.unit}"
        if self.lower_limit is not None:
            text += f" (lower limit {self.lower_limit})"
        if self.upper_limit is not None:
            text += f" (upper limit {self.upper_limit})"
        if self.isotype:
            text += f" {self.isotype}"
        if self.date is not None:
            text += f" on {self.date.isoformat()}"
        if self.explained_by is not None:
            text += f" (explained by {self.explained_by})"
        return text


_TITRE_DIGITS = 12


def titre_denominator(titre: str) -> int | None:
    """N for a titre written ``1:N`` (N a positive whole number), else ``None``."""
    one, colon, denominator = titre.partition(":")
    digits = denominator.strip()
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses. At most
    # 12 digits: no titre is diluted further, and int() of a long text is slow.
    if one.strip() != "1" or not colon or not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) > _TITRE_DIGITS:
        return None
    value = int(digits)
    return value if value > 0 else None


def _by_date(observation: Observation) -> tuple[bool, datetime.date]:
    return (observation.date is not None, observation.date or datetime.date.min)


def _in_date_order(observations: Iterable[Observation]) -> tuple[Observation, ...]:
    if isinstance(observations, (str, bytes)) or not isinstance(observations, Iterable):
        raise InvalidItemsError(
            f"observations must be an iterable of Observation (got {quote(observations)})"
        )
    found = tuple(observations)
    for item in found:
        if not isinstance(item, Observation):
            raise InvalidItemsError(
                f"observations must be Observation objects (got {quote(item)} of type "
                f"{type(item).__name__})"
            )
    # sorted() is stable: observations of the same date keep the caller's order.
    return tuple(sorted(found, key=_by_date))


def _check_id(_patient: object, _attribute: attrs.Attribute[str], identifier: str) -> None:
    if not isinstance(identifier, str) or not identifier:
        wrong: str | None = f"must be a non-empty string (got {quote(identifier)})"
    else:
        wrong = text_problem(identifier, MAX_TEXT_LENGTH)
    if wrong is not None:
        raise InvalidEvidenceError([Problem(None, "patient", "id", wrong)])


_NO_OBSERVATIONS: tuple[list[Observation], list[datetime.date]] = ([], [])


@attrs.frozen
class Patient:
    """One patient: an identifier and their observations (kept in date order).

    Observations without a date come first; instruments that need dates (windowed
    SLEDAI-2K, classification as of a date) refuse undated observations with a clear
    error rather than guessing where they belong.
    """

    id: str = attrs.field(validator=_check_id)
    observations: tuple[Observation, ...] = attrs.field(converter=_in_date_order)
    # Indexes built once, so that selecting the evidence up to a date, in a window or
    # of one code is a bisection rather than a scan of the whole record (a record is
    # read at every visit). Derived from observations: not compared or shown.
    _undated: int = attrs.field(init=False, eq=False, repr=False)
    _dates: tuple[datetime.date, ...] = attrs.field(init=False, eq=False, repr=False)
    _by_code: dict[str, tuple[list[Observation], list[datetime.date]]] = attrs.field(
        init=False, eq=False, repr=False
    )

    @_undated.default
    def _count_undated(self) -> int:
        return sum(1 for o in self.observations if o.date is None)

    @_dates.default
    def _find_dates(self) -> tuple[datetime.date, ...]:
        return tuple(o.date for o in self.observations[self._undated :] if o.date is not None)

    @_by_code.default
    def _group(self) -> dict[str, tuple[list[Observation], list[datetime.date]]]:
        grouped: dict[str, tuple[list[Observation], list[datetime.date]]] = {}
        for observation in self.observations[self._undated :]:
            found, dates = grouped.setdefault(observation.code, ([], []))
            found.append(observation)
            dates.append(observation.date or datetime.date.min)
        return grouped

    # Positions found by bisection in _dates are positions in observations: any
    # undated observation makes the selections below raise first (_require_dates).

    def up_to(self, as_of: datetime.date | None) -> list[Observation]:
        """The observations dated on or before ``as_of`` (all of them when ``None``)."""
        if as_of is None:
            return list(self.observations)
        self._require_dates(f"is required to select evidence up to {as_of.isoformat()}")
        return list(self.observations[: bisect.bisect_right(self._dates, as_of)])

    def window(self, visit: datetime.date, days: int) -> list[Observation]:
        """Observations from ``days`` days before ``visit`` up to and including it.

        SLEDAI-2K: "present at the time of the visit or in the preceding 10 days".
        """
        self._require_dates("is required to place the observation in a SLEDAI-2K window")
        start = bisect.bisect_left(self._dates, days_before(visit, days))
        return list(self.observations[start : bisect.bisect_right(self._dates, visit)])

    def of_code(self, code: str, as_of: datetime.date) -> list[Observation]:
        """The observations of ``code`` dated on or before ``as_of``, in date order
        (of several on one day, in the order given)."""
        self._require_dates(f"is required to select evidence up to {as_of.isoformat()}")
        found, dates = self._by_code.get(code, _NO_OBSERVATIONS)
        return found[: bisect.bisect_right(dates, as_of)]

    def _require_dates(self, why: str) -> None:
        # Undated observations come first (date order): never guess where they belong.
        if self._undated:
            raise InvalidEvidenceError(
                [
                    Problem(self.id, f"observation {o.code!r}", "date", why)
                    for o in self.observations[: self._undated]
                ]
            )

    def dates(self) -> list[datetime.date]:
        """The distinct observation dates, in order."""
        return sorted(set(self._dates))


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
