"""Evidence: a patient's dated observations, validated against the vocabulary.

An :class:`Observation` has a code from :mod:`sle_scoring.vocabulary`, an optional
date, and a value: a number with a unit, a laboratory value with the laboratory's
limit, a titre, a category, ``positive``/``negative`` or ``present``/``absent``.
Any observation can be marked ``explained_by`` another cause (infection, drug, ...);
instruments that exclude such findings leave them out and say so.

A laboratory result may be censored (``">200"``, ``"<10"``, or ``comparator=">"``
with the number): it stands for every value on that side of the number, and a
comparison with a threshold or a laboratory limit is then true, false, or not
decided (see :meth:`Observation.compare`). Values are read as pipelines hold them:
numpy and pandas scalars, decimal text (``"38.4"``), ``datetime`` timestamps (their
calendar date in their own offset).

Construction validates everything at once and raises
:class:`~sle_scoring.exceptions.InvalidEvidenceError` listing every problem; nothing
is guessed, rounded or skipped.
"""

from __future__ import annotations

import bisect
import datetime
import numbers
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

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
from ._suggest import suggest
from .exceptions import InvalidEvidenceError, InvalidItemsError, Problem
from .units import DIMENSIONS, PHOSPHOLIPID_UNITS, to_canonical, unit_problem
from .vocabulary import ASSAYS, CAUSES, Concept, Kind, all_codes, concept, item_assertion

__all__ = ["COMPARATORS", "Observation", "Patient", "Source", "Value", "titre_denominator"]

#: An observation's value once validated: a number (kept exactly, as typed) or text.
Value = Decimal | str
#: Where an observation came from, carried along untouched and never read by scoring:
#: a text, or an object whose keys and values are text (``{"loinc": "4485-9"}``).
Source = str | Mapping[str, str]
# Makes a Problem for one field of the observation being checked.
_ProblemMaker = Callable[[str, str], Problem]

#: The comparators of a censored value, as laboratories and FHIR
#: (``valueQuantity.comparator``) write them: ``>200`` is any value above 200.
COMPARATORS = ("<", "<=", ">=", ">")
# comparator (or the sign of a threshold) -> (the values lie above it, it is included)
_RAYS = {"<": (False, False), "<=": (False, True), ">=": (True, True), ">": (True, False)}
_SIGNS: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">=": operator.ge,
    ">": operator.gt,
}
# A number written as decimal text, optionally censored: "85", "38.4", "> 200", "<=0.5".
# No exponent, no thousands separator, no decimal comma ("1,005" is either 1.005 or 1005).
_NUMBER_TEXT = re.compile(r"\s*(<=|>=|<|>)?\s*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*")
# Decimal text longer than this is not read (it is refused by validation as it is).
_MAX_NUMBER_TEXT = 2 * MAX_NUMBER_DIGITS + 10
# The dimensions of laboratory results, which laboratories report censored. Joint
# counts, durations, doses and the PGA are recorded exactly: the outcome measures
# read them as numbers.
_CENSORABLE = frozenset(
    {
        "cell_count",
        "temperature",
        "protein_24h",
        "protein_ratio",
        "per_hpf",
        "complement",
        "antibody",
    }
)
_SOURCE_ENTRIES = 100

_ISOTYPES = ("IgA", "IgG", "IgM")
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
    """int and float become Decimal (a float by its shortest repr, as typed), and so do
    the numpy and pandas scalars that hold one (``np.int64``; ``np.float64`` is a float)."""
    if isinstance(value, (bool, str, Decimal)) or value is None:
        return value  # a bool is rejected by validation, not converted to 0/1
    if isinstance(value, int):
        return Decimal(value) if value.bit_length() <= _MAX_INT_BITS else value
    if isinstance(value, float):
        return Decimal(float.__repr__(value))
    if isinstance(value, numbers.Integral):
        # np.int64, np.uint8, ...: found by duck typing (numpy is not imported), and
        # read exactly through __index__; np.bool_ is not Integral, so it is refused.
        try:
            whole = operator.index(value)
        except TypeError:
            return value
        return _normalise_value(whole)
    return value  # np.float32 and other numbers are refused: no "as typed" reading


def _normalise_limit(value: object) -> object:
    """A limit as a value; decimal text (``"100"``) is read exactly too."""
    if isinstance(value, str) and len(value) <= _MAX_NUMBER_TEXT:
        match = _NUMBER_TEXT.fullmatch(value)
        if match is not None and match.group(1) is None:
            return Decimal(match.group(2))
    return _normalise_value(value)


def _calendar_date(value: object) -> object:
    """A ``datetime`` (timezone-aware or not; a ``pandas.Timestamp`` is one) becomes
    its calendar date in its own offset; anything else is kept for validation."""
    if isinstance(value, datetime.datetime):
        try:
            return datetime.date(value.year, value.month, value.day)
        except (TypeError, ValueError):
            return value  # pandas.NaT: refused by validation
    return value


def _strip(text: object) -> object:
    """Surrounding spaces of a unit are dropped ("mg/mmol " is "mg/mmol")."""
    return text.strip() if isinstance(text, str) else text


# The hash is kept: explanations gather each finding's evidence without repeats,
# hashing the same observations at every visit of a record.
@attrs.frozen(cache_hash=True)
class Observation:
    """One dated observation of one patient.

    ``code``: a vocabulary code or an item assertion ``<instrument>.<item>``;
    ``value``: number, titre, category or ``present``/``absent`` as the code's kind
    requires (a number may be given as decimal text, ``"38.4"``, or censored,
    ``">200"``; a category ignores letter case, ``"Positive"``); ``date``: a date,
    or a ``datetime`` read as its calendar date in its own offset; ``unit``:
    required for numbers, forbidden otherwise; ``lower_limit``/``upper_limit``: the
    laboratory's limit of normal, in ``unit``, for laboratory-dependent values (an
    item that needs a missing limit is not assessed); ``assay`` (e.g. ``elisa``,
    ``hep2_iif``); ``isotype`` (``IgA``/``IgG``/``IgM``) for antiphospholipid
    antibodies; ``explained_by``: a cause from
    :data:`sle_scoring.vocabulary.CAUSES`; ``note``: free text kept for the reader;
    ``comparator``: one of :data:`COMPARATORS` for a censored laboratory result
    (FHIR ``valueQuantity.comparator``); ``source``: where the result came from
    (:data:`Source`), carried along untouched and never read by scoring.
    """

    code: str
    value: Value = attrs.field(converter=_normalise_value)
    date: datetime.date | None = attrs.field(default=None, converter=_calendar_date)
    unit: str | None = attrs.field(default=None, converter=_strip)
    lower_limit: Decimal | None = attrs.field(default=None, converter=_normalise_limit)
    upper_limit: Decimal | None = attrs.field(default=None, converter=_normalise_limit)
    assay: str | None = None
    isotype: str | None = None
    explained_by: str | None = None
    note: str | None = None
    comparator: str | None = None
    # Not compared: a source is the caller's bookkeeping, and may be an unhashable dict.
    source: Source | None = attrs.field(default=None, eq=False)
    # The value in the canonical unit, converted once when the observation is made.
    _quantity: Fraction | None = attrs.field(init=False, default=None, eq=False, repr=False)
    # The laboratory's limit in the canonical unit, converted the first time it is used
    # (many observations are never judged against it).
    _limit_quantity: Fraction | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._read_text()
        # Converted before validation, which checks the plausible range with it.
        object.__setattr__(self, "_quantity", self._convert())
        problems = self.problems()
        if problems:
            raise InvalidEvidenceError(problems)

    def _read_text(self) -> None:
        """Text values as the code's kind reads them: decimal text (optionally
        censored) for a number, a category in any letter case. Set on the frozen
        instance once, before validation (object.__setattr__, as attrs advises)."""
        if not isinstance(self.value, str) or not isinstance(self.code, str):
            return
        entry = concept(self.code)
        if entry is not None and entry.dimension is not None:
            match = (
                _NUMBER_TEXT.fullmatch(self.value) if len(self.value) <= _MAX_NUMBER_TEXT else None
            )
            censored = None if match is None else match.group(1)
            if match is not None and (censored is None or self.comparator in (None, censored)):
                object.__setattr__(self, "value", Decimal(match.group(2)))
                if censored is not None:
                    object.__setattr__(self, "comparator", censored)
                return
        values = entry.values if entry is not None else ()
        if entry is None and item_assertion(self.code) is not None:
            values = ("present", "absent")
        if self.value in values:
            return  # the common case: written as the vocabulary writes it
        # Letter case only, and only where no two values differ by case alone.
        folded = {v.casefold(): v for v in values}
        wanted = folded.get(self.value.strip().casefold())
        if len(folded) == len(values) and wanted is not None:
            object.__setattr__(self, "value", wanted)

    def _convert(self) -> Fraction | None:
        """The value in the canonical unit, or ``None`` when there is none to convert
        (validation then says why)."""
        entry = concept(self.code) if isinstance(self.code, str) else None
        if (
            entry is None
            or entry.dimension is None
            or not isinstance(self.value, Decimal)
            or not self.value.is_finite()
            or number_problem(self.value) is not None
            or not isinstance(self.unit, str)
            or unit_problem(entry.dimension, self.unit) is not None
        ):
            return None
        return to_canonical(self.value, entry.dimension, self.unit)

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
        found.extend(self._check_source(problem))
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
        wrong_comparator = self._check_comparator(problem, entry)
        if wrong_comparator:
            return found + wrong_comparator
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
                    # A screening dilution takes a titre only (no positive/negative).
                    calls = f", or {'/'.join(entry.values)}" if entry.values else ""
                    found.append(
                        problem(
                            "value",
                            "must be a titre '1:N' with N a positive whole number"
                            f"{calls} (got {quote(self.value)})",
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
        if isinstance(self.value, numbers.Real) and not isinstance(self.value, (bool, Decimal)):
            # np.float32 and the like: their shortest decimal is not a Python float's
            expected = "an int, a float (float64), a Decimal or decimal text"
            message = f"must be {expected}, to be read exactly as typed"
            return [problem("value", f"{message} (got {quote(self.value)})")]
        if not isinstance(self.value, Decimal) or not self.value.is_finite():
            return [problem("value", f"must be a finite number (got {quote(self.value)})")]
        too_big = number_problem(self.value)
        if too_big is not None:
            return [problem("value", f"{too_big} (got {quote(self.value)})")]
        if self.unit is None:
            return [problem("unit", f"is required; one of {', '.join(dim.units)}")]
        wrong_unit = unit_problem(dimension, self.unit)
        if wrong_unit is not None:
            return [problem("unit", wrong_unit)]
        canonical = self._quantity
        assert canonical is not None
        # A censored value must leave some plausible value: "< 0" platelets is none.
        below = minimum is not None and (
            canonical < minimum or (self.comparator == "<" and canonical <= minimum)
        )
        above = maximum is not None and (
            canonical > maximum or (self.comparator == ">" and canonical >= maximum)
        )
        if below or above:
            low = "" if minimum is None else plain(minimum)
            high = "" if maximum is None else plain(maximum)
            bounds = f"between {low} and {high}" if maximum is not None else f"at least {low}"
            message = (
                f"{self._written_value()} {self.unit} is impossible; expected {bounds} "
                f"{dim.canonical_unit}"
            )
            if dimension == "temperature" and dim.units[self.unit] == dim.units["°C"]:
                as_fahrenheit = to_canonical(self.value, dimension, "°F")
                if (
                    minimum is not None
                    and maximum is not None
                    and (minimum <= as_fahrenheit <= maximum)
                ):
                    message += "; if it was measured in °F, give unit '°F' (UCUM '[degF]')"
            return [problem("value", message)]
        return []

    def _written_value(self) -> str:
        """The value as written, with its comparator: ``> 200``."""
        return f"{self.comparator} {self.value}" if self.comparator else str(self.value)

    def _check_comparator(self, problem: _ProblemMaker, entry: Concept | None) -> list[Problem]:
        """A comparator only for a laboratory result's number, and only one."""
        if isinstance(self.value, str) and len(self.value) <= _MAX_NUMBER_TEXT:
            match = _NUMBER_TEXT.fullmatch(self.value)
            censored = None if match is None else match.group(1)
            if censored is not None and self.comparator not in (None, censored):
                return [
                    problem(
                        "comparator",
                        f"is {quote(self.comparator)}, but the value says "
                        f"{censored!r} (got value {quote(self.value)})",
                    )
                ]
        if self.comparator is None:
            return []
        if self.comparator not in COMPARATORS:
            return [
                problem(
                    "comparator",
                    f"must be one of {', '.join(COMPARATORS)} (got {quote(self.comparator)})",
                )
            ]
        if entry is None or entry.dimension is None or isinstance(self.value, str):
            return [problem("comparator", "only allowed with a numeric laboratory value")]
        if entry.dimension not in _CENSORABLE:
            return [
                problem(
                    "comparator",
                    f"not allowed for {self.code}: a {DIMENSIONS[entry.dimension].name} is "
                    "recorded exactly",
                )
            ]
        return []

    def _check_source(self, problem: _ProblemMaker) -> list[Problem]:
        source = self.source
        if source is None:
            return []
        if isinstance(source, str):
            wrong = text_problem(source, MAX_TEXT_LENGTH)
            return [] if wrong is None else [problem("source", wrong)]
        expected = "must be text, or an object whose keys and values are text"
        if not isinstance(source, Mapping):
            return [problem("source", f"{expected} (got {quote(source)})")]
        if len(source) > _SOURCE_ENTRIES:
            return [problem("source", f"must have at most {_SOURCE_ENTRIES} entries")]
        for key, text in source.items():
            if not isinstance(key, str) or not isinstance(text, str):
                return [problem("source", f"{expected} (got {quote(key)}: {quote(text)})")]
            wrong = text_problem(key, MAX_CODE_LENGTH) or text_problem(text, MAX_TEXT_LENGTH)
            if wrong is not None:
                return [problem("source", wrong)]
        return []

    def _check_limit(self, problem: _ProblemMaker, limit: str | None) -> list[Problem]:
        found = []
        wanted = "lower_limit" if limit == "lower" else "upper_limit"
        other = "upper_limit" if limit == "lower" else "lower_limit"
        if getattr(self, other) is not None:
            found.append(problem(other, f"not used for {self.code}; give {wanted}"))
        bound = getattr(self, wanted)
        # Without its limit the value is kept: only the items that need the limit are
        # not assessed (missing_limit says which).
        if bound is None:
            return found
        if not isinstance(bound, Decimal) or not bound.is_finite() or bound <= 0:
            found.append(problem(wanted, f"must be a positive number (got {quote(bound)})"))
        elif (too_big := number_problem(bound)) is not None:
            found.append(problem(wanted, f"{too_big} (got {quote(bound)})"))
        return found

    def quantity(self) -> Fraction:
        """The numeric value in the canonical unit of its dimension (exact; converted
        once, when the observation was made). For a censored value, its bound: use
        :meth:`compare` to judge it."""
        if self._quantity is None:
            raise TypeError(f"{self.code} observation has no numeric value")
        return self._quantity

    def compare(self, sign: str, cutoff: Fraction) -> bool | None:
        """Whether the value, in the canonical unit, is ``sign`` (``<``, ``<=``,
        ``>=``, ``>``) ``cutoff``: ``True``, ``False``, or ``None`` when a censored
        value does not decide it ("> 200" is above 100 and not below 100; "> 4" may
        or may not be above 5). Exact, in every unit."""
        value = self.quantity()
        if self.comparator is None:
            return _SIGNS[sign](value, cutoff)
        # A censored value is the ray of values beyond its bound; the definition
        # "x sign cutoff" is another ray. True when the first lies in the second,
        # False when they do not meet, else undecided.
        up, closed = _RAYS[self.comparator]
        wanted_up, wanted_closed = _RAYS[sign]
        if up == wanted_up:
            inside = value > cutoff if up else value < cutoff
            if inside or (value == cutoff and (wanted_closed or not closed)):
                return True
            return None
        apart = value > cutoff if up else value < cutoff
        if apart or (value == cutoff and not (closed and wanted_closed)):
            return False
        return None

    def versus_limit(self, sign: str, *, times: int = 1) -> bool | None:
        """Whether the value is ``sign`` ``times`` the laboratory's limit of its
        concept ("below the lower limit of normal", "twice above the laboratory
        reference range"); ``None`` when the limit was not given, or a censored
        value does not decide it."""
        entry = concept(self.code)
        assert entry is not None and entry.dimension is not None and self.unit is not None
        limit = self.lower_limit if entry.limit == "lower" else self.upper_limit
        if limit is None:
            return None
        canonical = self._limit_quantity
        if canonical is None:
            canonical = to_canonical(limit, entry.dimension, self.unit)
            object.__setattr__(self, "_limit_quantity", canonical)  # frozen: set once
        return self.compare(sign, times * canonical)

    def missing_limit(self) -> str | None:
        """``"lower"`` or ``"upper"`` when a laboratory value lacks the limit of normal
        it is judged against, else ``None``."""
        entry = concept(self.code)
        if entry is None or entry.kind is not Kind.LAB or isinstance(self.value, str):
            return None
        limit = self.lower_limit if entry.limit == "lower" else self.upper_limit
        return entry.limit if limit is None else None

    def in_phospholipid_units(self) -> bool:
        """Whether an anticardiolipin level is in GPL, MPL or APL units (any accepted
        spelling: ``GPL``, ``gpl``, ``[GPL'U]/mL``), graded by the fixed "> 40 units"."""
        if self.unit is None:
            return False
        return DIMENSIONS["antibody"].units.spelling(self.unit) in PHOSPHOLIPID_UNITS

    def describe(self) -> str:
        """A short readable form, e.g. ``platelet_count 45000 /µL on 2023-10-01``."""
        text = f"{self.code} {self._written_value()}"
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
