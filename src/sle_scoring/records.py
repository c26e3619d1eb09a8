"""The JSON record format for patients: one record per patient, an identifier and a
list of observations. I/O lives here; the instruments know nothing about files.

A record::

    {"patient": "P001",
     "observations": [
        {"code": "platelet_count", "date": "2023-10-01", "value": 45000, "unit": "/µL"},
        {"code": "c3", "date": "2023-10-01", "value": "low"}
     ]}

Parsing reports every problem of a record at once, each naming the record, the
observation and the field (see docs/records.md). Numbers are read exactly
(``decimal.Decimal``), never through binary floating point. Input beyond the limits
of docs/records.md ("Limits": nesting depth, digits, exponent, line length) is an
error of its own, found before any costly work.
"""

from __future__ import annotations

import datetime
import json
import numbers
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

import attrs

from . import _args
from ._items import suggest
from ._safe import (
    MAX_CODE_LENGTH,
    MAX_JSON_DEPTH,
    MAX_LINE_LENGTH,
    MAX_NUMBER_DIGITS,
    MAX_TEXT_LENGTH,
    number_problem,
    quote,
    text_problem,
)
from .evidence import Observation, Patient
from .exceptions import InvalidEvidenceError, Problem
from .reference_ranges import ReferenceRanges

__all__ = [
    "Reading",
    "dumps",
    "iter_json",
    "iter_json_lines",
    "loads",
    "parse_date",
    "patient_from_dict",
    "patient_to_dict",
    "read_patient",
]

_FIELDS = (
    "code",
    "date",
    "value",
    "unit",
    "lower_limit",
    "upper_limit",
    "assay",
    "isotype",
    "explained_by",
    "note",
    "comparator",
    "source",
)
_TEXT_FIELDS = ("code", "unit", "assay", "isotype", "explained_by", "note", "comparator")
_RECORD_FIELDS = ("patient", "observations")


# Exactly YYYY-MM-DD: Python 3.11's date.fromisoformat also reads week dates such as
# "2024-W10-3", which a record must not be read as.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: object) -> datetime.date:
    """A calendar date written ``YYYY-MM-DD``; ``ValueError`` saying what was expected."""
    if isinstance(text, str) and _ISO_DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"must be a date written YYYY-MM-DD (got {quote(text)})")


# A timestamp: a date, then a time, optionally an offset ("Z" is UTC).
_TIMESTAMP = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?"
    r"(?:Z|[+-]([0-9]{2}):([0-9]{2}))?"
)


def _parse_date(text: object) -> datetime.date | str:
    """A date from ``YYYY-MM-DD``, or from a timestamp (``2024-01-05T09:30:00Z``) its
    calendar date in its own offset; else the message saying what is wrong."""
    stamp = _TIMESTAMP.fullmatch(text) if isinstance(text, str) else None
    if stamp is not None:
        hour, minute, second, offset_hours, offset_minutes = (
            int(part or 0) for part in stamp.groups()[1:]
        )
        if hour < 24 and minute < 60 and second < 60 and offset_hours < 24 and offset_minutes < 60:
            text = stamp.group(1)
    try:
        return parse_date(text)
    except ValueError as error:
        return str(error)


def _is_number(value: object) -> bool:
    # float too: patient_to_dict writes non-integral numbers as float (read back exactly
    # by its shortest repr, as Observation does), and callers pass json.load()ed dicts;
    # numbers.Real for the numpy and pandas scalars of dicts built from a data frame
    # (Observation reads them exactly, or refuses them).
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)


@attrs.frozen
class Reading:
    """A patient read with its bad observations skipped (:func:`read_patient`).

    ``patient``: the patient, without them; ``skipped``: every problem of the
    observations left out, each naming the record, the observation and the field.
    """

    patient: Patient
    skipped: tuple[Problem, ...] = ()

    def skipped_locations(self) -> tuple[str, ...]:
        """The observations left out, once each, as the problems locate them
        (``observations[3] (c3)``, ``row 7 (c3)``, ``Observation/abc``)."""
        return tuple(dict.fromkeys(p.location or "(observation)" for p in self.skipped))


def patient_from_dict(
    raw: object,
    *,
    where: str | None = None,
    reference_ranges: ReferenceRanges | None = None,
) -> Patient:
    """A validated :class:`Patient` from a parsed JSON record.

    ``where`` names the record when it has no readable identifier (e.g. ``line 7``).
    ``reference_ranges``: the caller's table, filling in the limit of a numeric
    laboratory value that has none of its own (:mod:`sle_scoring.reference_ranges`).
    Raises :class:`InvalidEvidenceError` with every problem found.
    """
    identifier, observations, problems, by_observation = _read(raw, where, reference_ranges)
    if problems or by_observation:
        raise InvalidEvidenceError(_in_order(problems, by_observation))
    assert isinstance(identifier, str)
    return Patient(identifier, tuple(observations))


def read_patient(
    raw: object,
    *,
    where: str | None = None,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: bool = False,
) -> Reading:
    """:func:`patient_from_dict`, keeping what was skipped.

    With ``skip_bad_observations``, an observation that fails validation is left
    out and its problems are kept in :attr:`Reading.skipped`; the patient is read
    from the others. A problem of the record itself (its identifier, an unknown
    field, ``observations`` not a list) still raises :class:`InvalidEvidenceError`,
    as does every problem without the option (the default stays strict).
    """
    identifier, observations, problems, by_observation = _read(raw, where, reference_ranges)
    if problems or (by_observation and not skip_bad_observations):
        raise InvalidEvidenceError(_in_order(problems, by_observation))
    skipped = [p for found in by_observation.values() for p in found]
    assert isinstance(identifier, str)
    return Reading(Patient(identifier, tuple(observations)), tuple(skipped))


def _read(
    raw: object, where: str | None, ranges: ReferenceRanges | None
) -> tuple[object, list[Observation], list[Problem], dict[int, list[Problem]]]:
    """(identifier, valid observations, the problems of the record itself, the
    problems of each bad observation by its position)."""
    if not isinstance(raw, Mapping):
        raise InvalidEvidenceError(
            [Problem(where, None, "(record)", f"must be a JSON object (got {type(raw).__name__})")]
        )
    problems: list[Problem] = []
    identifier = raw.get("patient")
    wrong = (
        f"must be a non-empty string (got {quote(identifier)})"
        if not isinstance(identifier, str) or not identifier
        else text_problem(identifier, MAX_TEXT_LENGTH)
    )
    record = where if wrong else identifier
    if wrong:
        problems.append(Problem(record, None, "patient", wrong))
    problems.extend(_unknown_fields(raw, _RECORD_FIELDS, record, None))
    items = raw.get("observations")
    observations: list[Observation] = []
    by_observation: dict[int, list[Problem]] = {}
    if not isinstance(items, list):
        problems.append(
            Problem(record, None, "observations", f"must be a list (got {type(items).__name__})")
        )
        items = []
    for position, item in enumerate(items):
        found: list[Problem] = []
        observation = _observation(item, record, position, found, ranges)
        if found:
            by_observation[position] = found
        elif observation is not None:
            observations.append(observation)
    return identifier, observations, problems, by_observation


def _in_order(problems: list[Problem], by_observation: dict[int, list[Problem]]) -> list[Problem]:
    """Every problem, as a record reports them: the record's own first (its
    identifier and fields), then each observation's in order."""
    return problems + [p for found in by_observation.values() for p in found]


def _shown(code: str) -> str:
    # A code as written in a location; a long one is quoted, cut short.
    return code if len(code) <= MAX_CODE_LENGTH and code.isprintable() else quote(code)


def _unknown_fields(
    raw: Mapping[Any, object], fields: tuple[str, ...], record: str | None, location: str | None
) -> list[Problem]:
    """One problem per key that is not a field, with the closest field suggested."""
    problems = []
    for key in raw:
        if key not in fields:
            hint = suggest(str(key), fields)
            message = "unknown field" + (f"; did you mean {hint!r}?" if hint else "")
            problems.append(Problem(record, location, str(key), message))
    return problems


def _observation(
    item: object,
    record: str | None,
    position: int,
    problems: list[Problem],
    ranges: ReferenceRanges | None = None,
) -> Observation | None:
    if not isinstance(item, Mapping):
        problems.append(
            Problem(
                record,
                f"observations[{position}]",
                "(observation)",
                f"must be a JSON object (got {type(item).__name__})",
            )
        )
        return None
    code = item.get("code")
    location = f"observations[{position}]" + (f" ({_shown(code)})" if isinstance(code, str) else "")
    found: list[Problem] = []
    if ranges is not None:
        try:
            item = ranges.fill(item)  # a copy: the caller's record is not changed
        except InvalidEvidenceError as error:
            found.extend(attrs.evolve(p, record=record, location=location) for p in error.problems)
    found.extend(_unknown_fields(item, _FIELDS, record, location))
    for key in ("code", "value"):
        if key not in item:
            found.append(Problem(record, location, key, "is required"))
    for key in _TEXT_FIELDS:
        if key in item and item[key] is not None and not isinstance(item[key], str):
            found.append(Problem(record, location, key, f"must be text (got {quote(item[key])})"))
    value = item.get("value")
    if "value" in item and not (isinstance(value, str) or _is_number(value)):
        found.append(
            Problem(record, location, "value", f"must be a number or text (got {quote(value)})")
        )
    for key in ("lower_limit", "upper_limit"):
        # decimal text too ("100"): Observation reads it exactly, or refuses it
        if item.get(key) is not None and not (_is_number(item[key]) or isinstance(item[key], str)):
            found.append(
                Problem(record, location, key, f"must be a number (got {quote(item[key])})")
            )
    date: datetime.date | None = None
    if item.get("date") is not None:
        parsed = _parse_date(item["date"])
        if isinstance(parsed, str):
            found.append(Problem(record, location, "date", parsed))
        else:
            date = parsed
    problems.extend(found)
    # A malformed date or an unknown field does not stop the other fields from being
    # checked; a missing or mistyped field does (there is nothing sound to check).
    if any(p.field in _FIELDS and p.field != "date" for p in found):
        return None
    try:
        observation = Observation(
            code=item["code"],
            value=value,
            date=date,
            unit=item.get("unit"),
            lower_limit=item.get("lower_limit"),
            upper_limit=item.get("upper_limit"),
            assay=item.get("assay"),
            isotype=item.get("isotype"),
            explained_by=item.get("explained_by"),
            note=item.get("note"),
            comparator=item.get("comparator"),
            source=item.get("source"),
        )
    except InvalidEvidenceError as error:
        problems.extend(attrs.evolve(p, record=record, location=location) for p in error.problems)
        return None
    return None if found else observation


def _json_number(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        # More digits than a JSON reader keeps exactly; refuse rather than round.
        raise ValueError(f"{value} cannot be written to JSON exactly")
    return number


def patient_to_dict(patient: Patient) -> dict[str, Any]:
    """The JSON record of a patient (inverse of :func:`patient_from_dict`).

    Raises :class:`InvalidEvidenceError` for a number with more digits than JSON
    readers keep exactly (it is refused, never rounded).
    """
    observations = []
    problems: list[Problem] = []
    for position, o in enumerate(patient.observations):
        entry: dict[str, Any] = {"code": o.code}
        if o.date is not None:
            entry["date"] = o.date.isoformat()
        for key in _FIELDS[2:]:  # value, unit, limits, assay, isotype, explained_by, note
            field = getattr(o, key)
            if field is None:
                continue
            if isinstance(field, Decimal):
                try:
                    field = _json_number(field)
                except ValueError as error:
                    where = f"observations[{position}] ({o.code})"
                    problems.append(Problem(patient.id, where, key, str(error)))
            entry[key] = field
        observations.append(entry)
    if problems:
        raise InvalidEvidenceError(problems)
    return {"patient": patient.id, "observations": observations}


def dumps(patient: Patient, *, indent: int | None = None) -> str:
    """A patient as JSON text."""
    return json.dumps(patient_to_dict(patient), ensure_ascii=False, indent=indent)


def _one_value_per_key(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            # JSON readers keep the last value silently; a record must not lose one.
            raise _RepeatedKeyError(key)
        found[key] = value
    return found


class _RepeatedKeyError(ValueError):
    pass


class _LimitError(ValueError):
    """JSON beyond one of the documented limits (docs/records.md, "Limits")."""


# A JSON string literal, and what is left of a text once strings and everything but
# brackets are removed: enough to measure nesting without recursion.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")


def _check_depth(text: str) -> None:
    """Refuse JSON nested more than MAX_JSON_DEPTH deep before parsing it: the parser
    recurses, and fails with RecursionError at a depth that depends on the caller."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = 0
    while brackets and depth <= MAX_JSON_DEPTH:
        brackets, removed = _EMPTY_PAIR.subn("", brackets)
        if not removed:
            break  # unbalanced: the parser reports it, unless too deep to get there
        depth += 1
    # Each pass removed one level; what is left opens at most one level per bracket.
    if depth + brackets.count("[") + brackets.count("{") > MAX_JSON_DEPTH:
        raise _LimitError(f"is nested more than {MAX_JSON_DEPTH} levels deep")


# Literals this short are within every limit (the common case, kept fast).
_SHORT_NUMBER = 20


def _read_number(text: str) -> Decimal:
    if len(text) <= _SHORT_NUMBER and "e" not in text and "E" not in text:
        return Decimal(text)
    # The literal's length is checked before any conversion: converting a long
    # integer is quadratic, and a huge exponent makes later exact arithmetic explode.
    if len(text) > 2 * MAX_NUMBER_DIGITS:
        raise _LimitError(
            f"has a number written with {len(text)} characters; numbers may have at most "
            f"{MAX_NUMBER_DIGITS} significant digits"
        )
    number = Decimal(text)
    problem = number_problem(number)
    if problem is not None:
        raise _LimitError(f"has a number {quote(text)} that {problem}")
    return number


def _read_int(text: str) -> int:
    return int(text) if len(text) <= _SHORT_NUMBER else int(_read_number(text))


def loads(text: str, *, record: str | None = None, location: str | None = None) -> object:
    """Parse JSON text exactly: numbers as ``Decimal``, and a key repeated within an
    object is an error (a JSON reader would silently keep the last value).

    Raises :class:`InvalidEvidenceError` naming ``record`` and ``location`` (by
    default the line of the JSON error).
    """
    _args.check(text=_args.of(str, text))
    try:
        _check_depth(text)
        return json.loads(
            text,
            parse_float=_read_number,
            parse_int=_read_int,
            object_pairs_hook=_one_value_per_key,
        )
    except (_LimitError, RecursionError) as error:
        # RecursionError: only when called with little stack left (the depth is checked).
        reason = str(error) if isinstance(error, _LimitError) else "is nested too deeply"
        raise InvalidEvidenceError([Problem(record, location, "(json)", reason)]) from None
    except json.JSONDecodeError as error:
        if record is None and location is None:
            location = f"line {error.lineno}"
        raise InvalidEvidenceError(
            [Problem(record, location, "(json)", f"invalid JSON: {error.msg}")]
        ) from None
    except _RepeatedKeyError as error:
        raise InvalidEvidenceError(
            [
                Problem(
                    record,
                    location,
                    str(error),
                    "is given twice in one JSON object; give each field once",
                )
            ]
        ) from None


def iter_json(stream: IO[str]) -> Iterator[Patient]:
    """Patients from a JSON document holding one record or a list of records.

    Raises :class:`InvalidEvidenceError` for the first invalid record, naming it by
    identifier or by its position (``record 3``).
    """
    document = loads(stream.read())
    records = document if isinstance(document, list) else [document]
    for number, raw in enumerate(records, start=1):
        yield patient_from_dict(raw, where=f"record {number}")


def iter_json_lines(stream: IO[str]) -> Iterator[tuple[int, Patient | InvalidEvidenceError]]:
    """``(line number, patient or error)`` for each non-blank line of JSON Lines.

    Streams: one line in memory at a time. A bad line yields its error instead of a
    patient, so a batch run can account for every line; a line longer than the limit
    (docs/records.md, "Limits") is an error without being held in memory.
    """
    for number, line in enumerate(_lines(stream), start=1):
        where = f"line {number}"
        if isinstance(line, int):
            message = f"is {line} characters long; a line may have at most {MAX_LINE_LENGTH}"
            yield number, InvalidEvidenceError([Problem(where, None, "(line)", message)])
            continue
        if not line.strip():
            continue
        try:
            yield number, patient_from_dict(loads(line, record=where), where=where)
        except InvalidEvidenceError as error:
            yield number, error


def _lines(stream: IO[str]) -> Iterator[str | int]:
    """Each line of ``stream``, or the length of a line longer than MAX_LINE_LENGTH
    (read in pieces, never held whole)."""
    while line := stream.readline(MAX_LINE_LENGTH + 1):
        if len(line) <= MAX_LINE_LENGTH or line.endswith("\n"):
            yield line
            continue
        length = len(line)
        while line and not line.endswith("\n"):
            line = stream.readline(MAX_LINE_LENGTH + 1)
            length += len(line)
        yield length - line.endswith("\n")


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
