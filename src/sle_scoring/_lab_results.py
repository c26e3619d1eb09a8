"""One laboratory result as exported systems state it, turned into a raw observation.

The readers of lab tables (:mod:`sle_scoring.lab_table`) and FHIR
(:mod:`sle_scoring.fhir`) both describe each result as a :class:`LabResult` and
hand the raw record to :func:`sle_scoring.records.patient_from_dict`, so every value
goes through the same validation as a JSON record. Problems are relocated from the
record's ``observations[i]`` to the row or resource the result came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

import attrs

from ._items import suggest
from ._loinc import LOINC, other_loinc
from .exceptions import InvalidEvidenceError, Problem
from .records import Reading, read_patient
from .reference_ranges import ReferenceRanges
from .vocabulary import Concept, Kind, all_codes, concept, item_assertion

# A result given only as an interpretation flag (HL7 v3 ObservationInterpretation
# codes, as FHIR and most laboratory exports write them) -> the laboratory's call.
_INTERPRETATIONS = {"L": "low", "N": "normal", "POS": "positive", "NEG": "negative"}
# Comparators meaning "equal": the value is exact. "4172703" is OMOP's "=".
_EXACT = ("", "=", "4172703")
# OMOP CDM operator_concept_id (standard concepts of the domain "Meas Value Operator")
# -> the comparator they stand for.
_OMOP_OPERATORS = {"4171756": "<", "4171754": "<=", "4171755": ">=", "4172704": ">"}


@attrs.frozen
class LabResult:
    """One result before validation; ``fields`` names each raw field in the source
    (e.g. ``value`` -> ``value_as_number``) so that errors name the source's field."""

    patient: str
    location: str
    code: str
    date: str | None = None
    value: Decimal | str | None = None
    unit: str | None = None
    comparator: str | None = None
    low: Decimal | str | None = None
    high: Decimal | str | None = None
    interpretation: str | None = None
    assay: str | None = None
    isotype: str | None = None
    explained_by: str | None = None
    note: str | None = None
    fields: Mapping[str, str] = attrs.field(factory=dict)


def _number(text: Decimal | str | None) -> Decimal | str | None:
    """Decimal text is read exactly; anything else is kept as text for validation."""
    if not isinstance(text, str):
        return text
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def _raw(
    result: LabResult, ranges: ReferenceRanges | None = None
) -> tuple[dict[str, object] | None, list[Problem]]:
    """The raw observation for ``result``, or the problems that prevent reading it;
    ``ranges`` fills in a limit when the result has no reference range of its own."""
    field = result.fields.get
    entry = LOINC.get(result.code)
    code = entry.concept if entry is not None else result.code
    if entry is None and concept(code) is None and item_assertion(code) is None:
        message = (
            f"is neither a LOINC code of the shipped table nor a vocabulary code (got {code!r})"
        )
        # A near LOINC code is another test: suggest only for vocabulary-like codes.
        hint = None if other_loinc(code) else suggest(code, all_codes())
        message += f"; did you mean {hint!r}?" if hint else ""
        return None, [Problem(result.patient, result.location, field("code", "code"), message)]
    raw: dict[str, object] = {"code": code}
    if result.date:
        raw["date"] = result.date  # a timestamp is read by records as its calendar date
    value: Decimal | str | None = result.value
    entry_concept = concept(code)
    numeric = entry_concept is not None and entry_concept.dimension is not None
    if isinstance(value, str) and not value.strip():
        value = None
    if value is not None and numeric:
        value = _number(value)
    comparator = (result.comparator or "").strip()
    if comparator not in _EXACT:
        # a censored value; an unknown comparator is refused by validation, naming it
        raw["comparator"] = _OMOP_OPERATORS.get(comparator, comparator)
    note = result.note or None
    if value is None and result.interpretation:
        if result.interpretation.upper() not in _INTERPRETATIONS:
            message = (
                "must be one of " + ", ".join(_INTERPRETATIONS) + " when no value is given "
                f"(got {result.interpretation!r})"
            )
            problem = Problem(
                result.patient, result.location, field("interpretation", "interpretation"), message
            )
            return None, [problem]
        value = _INTERPRETATIONS[result.interpretation.upper()]
    elif result.interpretation:
        # Kept for the reader, not used: the value itself is judged.
        note = "; ".join(filter(None, (note, f"interpretation {result.interpretation}")))
    if value is None:
        return None, [
            Problem(result.patient, result.location, field("value", "value"), "is required")
        ]
    raw["value"] = value
    if result.unit:
        raw["unit"] = result.unit
    # A number, or text that is not one of the laboratory's calls (">200" is a
    # censored number, which validation reads): the reference limit applies.
    call = isinstance(value, str) and value.strip().casefold() in _calls(entry_concept)
    if entry_concept is not None and entry_concept.kind is Kind.LAB and not call:
        limit, bound = (
            ("lower_limit", result.low)
            if entry_concept.limit == "lower"
            else ("upper_limit", result.high)
        )
        if bound is not None and bound != "":
            raw[limit] = _number(bound)
    isotype = result.isotype or (entry.isotype if entry is not None else None)
    if entry is not None and entry.isotype and result.isotype and result.isotype != entry.isotype:
        message = f"must be {entry.isotype} for LOINC {entry.code} (got {result.isotype!r})"
        return None, [
            Problem(result.patient, result.location, field("isotype", "isotype"), message)
        ]
    assay = result.assay or (entry.assay if entry is not None else None)
    for key, text in (
        ("assay", assay),
        ("isotype", isotype),
        ("explained_by", result.explained_by),
        ("note", note),
    ):
        if text:
            raw[key] = text
    if ranges is not None and not _given(result.low) and not _given(result.high):
        try:
            raw = ranges.fill(raw, loinc=entry.code if entry is not None else None)
        except InvalidEvidenceError as error:
            where = field("unit", "unit")
            return None, [
                attrs.evolve(p, record=result.patient, location=result.location, field=where)
                for p in error.problems
            ]
    return raw, []


def _given(bound: Decimal | str | None) -> bool:
    return bound is not None and not (isinstance(bound, str) and not bound.strip())


def _calls(entry: Concept | None) -> set[str]:
    """The laboratory's calls of a concept (``low``, ``positive``), in folded case."""
    return set() if entry is None else {v.casefold() for v in entry.values}


_OBSERVATION_AT = re.compile(r"observations\[([0-9]+)\]")


def patient(
    identifier: str,
    results: Iterable[LabResult],
    problems: Iterable[Problem] = (),
    *,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: bool = False,
) -> Reading | InvalidEvidenceError:
    """The validated patient of ``results``, or every problem found in them.

    ``problems``: those the reader found in this patient's rows (each one row's).
    An empty ``identifier`` gives only ``problems`` (the reader has said which rows
    have no patient). With ``skip_bad_observations``, every row with a problem is
    left out and its problems kept in :attr:`Reading.skipped`.
    """
    found = list(problems)
    if not identifier:
        return InvalidEvidenceError(found)
    observations: list[dict[str, object]] = []
    sources: list[LabResult] = []
    for result in results:
        raw, trouble = _raw(result, reference_ranges)
        found.extend(trouble)
        if raw is not None:
            observations.append(raw)
            sources.append(result)
    try:
        read = read_patient(
            {"patient": identifier, "observations": observations},
            skip_bad_observations=skip_bad_observations,
        )
    except InvalidEvidenceError as error:
        found.extend(_relocate(p, sources) for p in error.problems)
        return InvalidEvidenceError(found)
    if found and not skip_bad_observations:
        return InvalidEvidenceError(found)
    skipped = [*found, *(_relocate(p, sources) for p in read.skipped)]
    return Reading(read.patient, tuple(skipped))


def _relocate(problem: Problem, sources: list[LabResult]) -> Problem:
    """``observations[i] (code)`` -> the row or resource of result ``i``, its field."""
    match = _OBSERVATION_AT.match(problem.location or "")
    if match is None:
        return problem
    source = sources[int(match.group(1))]
    return attrs.evolve(
        problem,
        location=source.location + problem.location[match.end() :],  # type: ignore[index]
        field=source.fields.get(problem.field, problem.field),
    )
