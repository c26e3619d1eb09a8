"""FHIR R4 Observations (a Bundle, or bulk-export NDJSON) read into patients.

Read with the standard library: ``code.coding`` with a LOINC code of the shipped
table (system ``http://loinc.org``) or a vocabulary code under
:data:`VOCABULARY_SYSTEM`; ``valueQuantity`` (the UCUM ``code`` when its system is
UCUM, else ``unit``; ``comparator`` for a censored value), ``valueString``,
``valueCodeableConcept`` (SNOMED CT Positive 10828004 / Negative 260385009, else
its ``text``); ``referenceRange[0]`` low/high; ``interpretation``;
``effectiveDateTime``, ``effectiveInstant`` or ``effectivePeriod`` (its end, else
its start; with none of them the observation is undated; ``effectiveTiming`` is
refused); ``subject`` (``Patient/<id>``); ``status`` (``final``, ``amended`` or
``corrected``; any other is refused); ``method.text`` as the assay; ``note``
texts; and the extensions :data:`ISOTYPE_EXTENSION` and
:data:`EXPLAINED_BY_EXTENSION`. Resources other than Observation carry no evidence
and are passed over. Every Observation goes through the validation of
:func:`sle_scoring.records.patient_from_dict`; errors name the patient, the
resource (``Observation/<id>``) and the FHIR field (docs/lab-data.md). The command
line reads both with ``--input-format fhir``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal, overload

from ._lab_results import LabResult, patient
from ._loinc import LOINC, LOINC_SYSTEM
from .evidence import Patient
from .exceptions import InvalidEvidenceError, Problem
from .records import Reading
from .reference_ranges import ReferenceRanges

__all__ = [
    "EXPLAINED_BY_EXTENSION",
    "ISOTYPE_EXTENSION",
    "VOCABULARY_SYSTEM",
    "iter_bundle",
    "iter_ndjson",
]

#: The code system of the library's own vocabulary codes (docs/vocabulary.md), for
#: findings that have no LOINC code.
VOCABULARY_SYSTEM = "urn:sle-scoring:vocabulary"
#: Extension carrying an antiphospholipid antibody's isotype (``valueCode``).
ISOTYPE_EXTENSION = "urn:sle-scoring:isotype"
#: Extension carrying ``explained_by`` (``valueCode``, a cause of the vocabulary).
EXPLAINED_BY_EXTENSION = "urn:sle-scoring:explained-by"
_UCUM = "http://unitsofmeasure.org"
_SNOMED = "http://snomed.info/sct"
# SNOMED CT qualifier values for a test result, as the HL7 COVID-19 FHIR Profile
# Library value set covid19-pos-neg-vs lists them
# (https://hl7.org/fhir/us/covid19library/informative1/ValueSet-covid19-pos-neg-vs.xml.html).
_SNOMED_RESULTS = {"10828004": "positive", "260385009": "negative"}
# Observation.status values of a result that stands: a preliminary, cancelled or
# entered-in-error result is not evidence.
_USABLE = ("final", "amended", "corrected")

# raw observation field -> the FHIR element it is read from, so errors name it
_FIELDS = {
    "code": "code.coding",
    "date": "effective[x]",
    "value": "value[x]",
    "unit": "valueQuantity.code",
    "comparator": "valueQuantity.comparator",
    "lower_limit": "referenceRange.low",
    "upper_limit": "referenceRange.high",
    "interpretation": "interpretation",
    "assay": "method",
    "isotype": ISOTYPE_EXTENSION,
    "explained_by": EXPLAINED_BY_EXTENSION,
    "note": "note",
}


def _get(resource: object, *path: str | int) -> Any:
    """``resource[path[0]][path[1]]...``, or ``None`` where a step is missing."""
    node: Any = resource
    for step in path:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and len(node) > step else None
        else:
            node = node.get(step) if isinstance(node, Mapping) else None
    return node


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _code(resource: Mapping[str, Any]) -> tuple[str, bool]:
    """(the first coding that the library reads, True); else (the first code, to be
    refused, False)."""
    codings = _get(resource, "code", "coding")
    codings = codings if isinstance(codings, list) else []
    for coding in codings:
        if not isinstance(coding, Mapping):
            continue
        system, code = coding.get("system"), coding.get("code")
        if (system == LOINC_SYSTEM and code in LOINC) or system == VOCABULARY_SYSTEM:
            return str(code), True
    first = _get(codings, 0, "code")
    return (f"{_get(codings, 0, 'system')}|{first}" if first is not None else ""), False


def _extension(resource: Mapping[str, Any], url: str) -> str | None:
    for extension in resource.get("extension") or []:
        if isinstance(extension, Mapping) and extension.get("url") == url:
            return _text(extension.get("valueCode"))
    return None


def _value(resource: Mapping[str, Any]) -> tuple[Decimal | str | None, str | None, str | None]:
    """(value, unit, comparator) from whichever ``value[x]`` the resource has."""
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, Mapping):
        number = quantity.get("value")
        unit = quantity.get("code") if quantity.get("system") == _UCUM else None
        unit = unit or quantity.get("unit")
        value = number if isinstance(number, Decimal) else _text(number)
        return value, _text(unit), _text(quantity.get("comparator"))
    if "valueString" in resource:
        return _text(resource["valueString"]), None, None
    concept = resource.get("valueCodeableConcept")
    if isinstance(concept, Mapping):
        for coding in concept.get("coding") or []:
            snomed = isinstance(coding, Mapping) and coding.get("system") == _SNOMED
            if snomed and coding.get("code") in _SNOMED_RESULTS:
                return _SNOMED_RESULTS[coding["code"]], None, None
        return _text(concept.get("text")), None, None
    return None, None, None


def _result(resource: Mapping[str, Any], identifier: str, code: str) -> LabResult:
    value, unit, comparator = _value(resource)
    date = _get(resource, "effectiveDateTime") or _get(resource, "effectiveInstant")
    if date is None:
        date = _get(resource, "effectivePeriod", "end") or _get(
            resource, "effectivePeriod", "start"
        )
    notes = [n.get("text") for n in resource.get("note") or [] if isinstance(n, Mapping)]
    return LabResult(
        patient=identifier,
        location=f"Observation/{resource.get('id', '?')}",
        code=code,
        date=_text(date),
        value=value,
        unit=unit,
        comparator=comparator,
        low=_number_or_none(_get(resource, "referenceRange", 0, "low", "value")),
        high=_number_or_none(_get(resource, "referenceRange", 0, "high", "value")),
        interpretation=_text(_get(resource, "interpretation", 0, "coding", 0, "code")),
        assay=_text(_get(resource, "method", "text")),
        isotype=_extension(resource, ISOTYPE_EXTENSION),
        explained_by=_extension(resource, EXPLAINED_BY_EXTENSION),
        note="; ".join(str(n) for n in notes if n) or None,
        fields=_FIELDS,
    )


def _number_or_none(value: object) -> Decimal | str | None:
    return value if isinstance(value, Decimal) else _text(value)


def _subject(resource: Mapping[str, Any]) -> str:
    reference = _text(_get(resource, "subject", "reference")) or ""
    return reference.removeprefix("Patient/")


def _patients(
    numbered: Iterable[tuple[int, Mapping[str, Any] | Problem]],
    skip_other_codes: bool,
    ranges: ReferenceRanges | None,
    skip: bool,
) -> Iterator[tuple[int, Patient | Reading | InvalidEvidenceError]]:
    """The Observations of each subject (in any order) -> one patient, in the order
    of their first Observation; an unreadable resource is reported at its place."""
    # subject -> (first number, results, problems of its resources)
    groups: dict[str, tuple[int, list[LabResult], list[Problem]]] = {}
    unreadable: list[tuple[int, Problem]] = []
    for number, item in numbered:
        if isinstance(item, Problem):
            # Unreadable: no patient to give it to, so it is reported on its own.
            unreadable.append((number, item))
            continue
        if item.get("resourceType") != "Observation":
            continue
        code, read = _code(item)
        if skip_other_codes and not read and _other_code(item):
            continue
        identifier = _subject(item)
        _, results, problems = groups.setdefault(identifier, (number, [], []))
        where = f"Observation/{item.get('id', '?')}"
        if not identifier:
            problems.append(Problem(None, where, "subject", "must reference a Patient"))
        elif "effectiveTiming" in item:
            message = "is not read: give effectiveDateTime or effectivePeriod"
            problems.append(Problem(identifier, where, "effectiveTiming", message))
        elif item.get("status") not in _USABLE:
            message = f"must be one of {', '.join(_USABLE)} (got {item.get('status')!r})"
            problems.append(Problem(identifier, where, "status", message))
        else:
            results.append(_result(item, identifier, code))
    found: list[tuple[int, Patient | Reading | InvalidEvidenceError]] = [
        (number, InvalidEvidenceError([problem])) for number, problem in unreadable
    ]
    for identifier, (first, results, problems) in groups.items():
        one = patient(
            identifier, results, problems, reference_ranges=ranges, skip_bad_observations=skip
        )
        found.append((first, one.patient if isinstance(one, Reading) and not skip else one))
    # sorted() is stable, and no two entries share a number.
    yield from sorted(found, key=lambda entry: entry[0])


def _other_code(resource: Mapping[str, Any]) -> bool:
    """Coded only outside the library: no coding in the vocabulary's code system (a
    misspelt vocabulary code is an error, never passed over)."""
    codings = _get(resource, "code", "coding")
    codings = codings if isinstance(codings, list) else []
    return bool(codings) and not any(
        isinstance(c, Mapping) and c.get("system") == VOCABULARY_SYSTEM for c in codings
    )


def _loads(text: str, location: str) -> Mapping[str, Any] | Problem:
    try:
        # Numbers exactly, never through binary floating point.
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        return Problem(None, location, "(json)", f"is not valid JSON: {error.msg}")
    if not isinstance(document, Mapping):
        return Problem(None, location, "resourceType", "must be a JSON object")
    return document


@overload
def iter_bundle(
    stream: Iterable[str],
    *,
    skip_other_codes: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: Literal[False] = False,
) -> Iterator[tuple[int, Patient | InvalidEvidenceError]]: ...


@overload
def iter_bundle(
    stream: Iterable[str],
    *,
    skip_other_codes: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: Literal[True],
) -> Iterator[tuple[int, Reading | InvalidEvidenceError]]: ...


def iter_bundle(
    stream: Iterable[str],
    *,
    skip_other_codes: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: bool = False,
) -> Iterator[tuple[int, Patient | Reading | InvalidEvidenceError]]:
    """``(entry number of the patient's first Observation, patient or error)`` per
    subject, from a FHIR R4 Bundle (``entry[].resource``); entries are numbered from 1.
    A subject's Observations may be anywhere in the Bundle.

    An Observation coded only outside the library (a LOINC code not in the shipped
    table, another code system) is an error, unless ``skip_other_codes`` is set: then
    it is passed over, as a full EHR export holds many results no instrument uses.
    A coding in :data:`VOCABULARY_SYSTEM` with an unknown code is an error either way.
    ``reference_ranges`` and ``skip_bad_observations`` as for
    :func:`sle_scoring.lab_table.iter_lab_table` (a bad Observation is left out).
    """
    bundle = _loads("".join(stream), "Bundle")
    if isinstance(bundle, Problem) or bundle.get("resourceType") != "Bundle":
        problem = (
            bundle
            if isinstance(bundle, Problem)
            else Problem(None, "Bundle", "resourceType", "must be Bundle")
        )
        yield 1, InvalidEvidenceError([problem])
        return
    entries = bundle.get("entry") or []
    resources = (
        (number, _get(entry, "resource") or {})
        for number, entry in enumerate(entries, start=1)
        if isinstance(entry, Mapping)
    )
    yield from _patients(resources, skip_other_codes, reference_ranges, skip_bad_observations)


@overload
def iter_ndjson(
    stream: Iterable[str],
    *,
    skip_other_codes: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: Literal[False] = False,
) -> Iterator[tuple[int, Patient | InvalidEvidenceError]]: ...


@overload
def iter_ndjson(
    stream: Iterable[str],
    *,
    skip_other_codes: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: Literal[True],
) -> Iterator[tuple[int, Reading | InvalidEvidenceError]]: ...


def iter_ndjson(
    stream: Iterable[str],
    *,
    skip_other_codes: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: bool = False,
) -> Iterator[tuple[int, Patient | Reading | InvalidEvidenceError]]:
    """``(line number of the patient's first Observation, patient or error)`` per
    subject, from bulk-export NDJSON (one resource per line). A subject's lines may
    be anywhere in the file (it is held in memory to group them); patients come in
    the order of their first line. The other parameters as for :func:`iter_bundle`.
    """
    lines = (
        (number, _loads(line, f"line {number}"))
        for number, line in enumerate(stream, start=1)
        if line.strip()
    )
    yield from _patients(lines, skip_other_codes, reference_ranges, skip_bad_observations)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
