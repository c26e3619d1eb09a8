"""A long laboratory table (CSV): one row per result, read into patients.

Each row names the patient, the date (or a timestamp), the code (a LOINC code of
the shipped table, or a code of :mod:`sle_scoring.vocabulary`), the value and unit,
and optionally a comparator, the laboratory's reference low and high, an
interpretation flag, the assay, isotype, explained_by and a note. A column mapping
reads other layouts without pre-processing, e.g. an OMOP CDM MEASUREMENT export
(:data:`OMOP_MEASUREMENT`). Every row goes through the validation of
:func:`sle_scoring.records.patient_from_dict`; errors name the patient, the row
and the column (docs/lab-data.md). The command line reads it with
``--input-format labs``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal, overload

from ._items import suggest
from ._lab_results import LabResult, patient
from ._loinc import other_loinc
from .evidence import Patient
from .exceptions import InvalidEvidenceError, Problem
from .records import Reading
from .reference_ranges import ReferenceRanges

__all__ = ["COLUMNS", "OMOP_MEASUREMENT", "iter_lab_table"]

#: The fields of a row and their default column names.
COLUMNS: dict[str, str] = {
    "patient": "patient",
    "date": "date",
    "code": "code",
    "value": "value",
    "value_text": "value_text",
    "unit": "unit",
    "comparator": "comparator",
    "reference_low": "reference_low",
    "reference_high": "reference_high",
    "interpretation": "interpretation",
    "assay": "assay",
    "isotype": "isotype",
    "explained_by": "explained_by",
    "note": "note",
}
# A table without these columns is not a lab table (or is mapped wrongly).
_REQUIRED = ("patient", "date", "code", "value")

#: The column mapping of an OMOP CDM v5.4 MEASUREMENT table: the LOINC code in
#: ``measurement_source_value``, a number in ``value_as_number`` or text in
#: ``value_source_value``. ``operator_concept_id`` is the comparator of a censored
#: value: 4171756 ``<``, 4171754 ``<=``, 4172703 ``=``, 4171755 ``>=``, 4172704 ``>``.
OMOP_MEASUREMENT: dict[str, str] = {
    "patient": "person_id",
    "date": "measurement_date",
    "code": "measurement_source_value",
    "value": "value_as_number",
    "value_text": "value_source_value",
    "unit": "unit_source_value",
    "comparator": "operator_concept_id",
    "reference_low": "range_low",
    "reference_high": "range_high",
}


@overload
def iter_lab_table(
    stream: Iterable[str],
    *,
    columns: Mapping[str, str] | None = None,
    skip_other_loinc: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: Literal[False] = False,
) -> Iterator[tuple[int, Patient | InvalidEvidenceError]]: ...


@overload
def iter_lab_table(
    stream: Iterable[str],
    *,
    columns: Mapping[str, str] | None = None,
    skip_other_loinc: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: Literal[True],
) -> Iterator[tuple[int, Reading | InvalidEvidenceError]]: ...


def iter_lab_table(
    stream: Iterable[str],
    *,
    columns: Mapping[str, str] | None = None,
    skip_other_loinc: bool = False,
    reference_ranges: ReferenceRanges | None = None,
    skip_bad_observations: bool = False,
) -> Iterator[tuple[int, Patient | Reading | InvalidEvidenceError]]:
    """``(row number of the patient's first row, patient or error)`` per patient.

    ``columns`` maps a field of :data:`COLUMNS` to the file's column name (fields not
    given keep their default name). The columns of ``patient``, ``date``, ``code``,
    ``value`` and of every field in ``columns`` must exist; another optional column
    the file does not have reads as empty, and columns not named are not read. Rows
    are grouped by patient, in any order (the table is held in memory), and patients
    come in the order of their first row; rows are numbered as in a spreadsheet (the
    header is row 1).

    A LOINC code not in the shipped table is an error naming the row, unless
    ``skip_other_loinc`` is set: then rows with such codes (sodium, glucose, ... in a
    full laboratory export) are passed over. A code that is not written as a LOINC
    code and is not a vocabulary code is an error either way (a misspelt code).

    ``reference_ranges`` fills in the limit of a result without a reference range of
    its own (:mod:`sle_scoring.reference_ranges`). With ``skip_bad_observations``,
    each patient comes as a :class:`sle_scoring.records.Reading`: a bad row is left
    out, its problems kept in ``skipped``, and the patient read from the other rows.
    """
    yield from _read(stream, columns, skip_other_loinc, reference_ranges, skip_bad_observations)


def _read(
    stream: Iterable[str],
    columns: Mapping[str, str] | None,
    skip_other_loinc: bool,
    ranges: ReferenceRanges | None,
    skip: bool,
) -> Iterator[tuple[int, Patient | Reading | InvalidEvidenceError]]:
    unknown = [f for f in columns or {} if f not in COLUMNS]
    if unknown:
        raise InvalidEvidenceError([_unknown_field(field) for field in unknown])
    names = {**COLUMNS, **(columns or {})}
    # raw observation field -> this file's column, so errors name the column
    fields = {
        "code": names["code"],
        "date": names["date"],
        "value": names["value"],
        "unit": names["unit"],
        "comparator": names["comparator"],
        "lower_limit": names["reference_low"],
        "upper_limit": names["reference_high"],
        "interpretation": names["interpretation"],
        "assay": names["assay"],
        "isotype": names["isotype"],
        "explained_by": names["explained_by"],
        "note": names["note"],
    }
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    # Every column named in ``columns`` must exist: a misspelt mapping would otherwise
    # read as empty cells (undated results, no reference range) without a word.
    wanted = dict.fromkeys([*_REQUIRED, *(columns or {})])
    missing = [names[f] for f in wanted if names[f] not in header]
    if missing:
        problem = Problem(None, "row 1", "(header)", f"has no column {', '.join(missing)}")
        yield 1, InvalidEvidenceError([problem])
        return
    # patient -> (first row, results, problems of its rows)
    groups: dict[str, tuple[int, list[LabResult], list[Problem]]] = {}
    for number, row in enumerate(reader, start=2):
        identifier = (row.get(names["patient"]) or "").strip()
        _, results, problems = groups.setdefault(identifier, (number, [], []))
        if not identifier:
            problems.append(Problem(None, f"row {number}", names["patient"], "is required"))
            continue
        if None in row:  # more cells than columns
            problems.append(
                Problem(identifier, f"row {number}", "(row)", "has more cells than the header")
            )
            continue

        code = _cell(row, names["code"]) or ""
        if skip_other_loinc and other_loinc(code):
            continue
        results.append(_result(row, names, fields, identifier, f"row {number}", code))
    for identifier, (first, results, problems) in groups.items():
        read = patient(
            identifier,
            results,
            problems,
            reference_ranges=ranges,
            skip_bad_observations=skip,
        )
        yield first, read.patient if isinstance(read, Reading) and not skip else read


def _cell(row: Mapping[str, str | None], column: str) -> str | None:
    """The cell's text without surrounding spaces; ``None`` when empty or absent."""
    text = row.get(column)
    return text.strip() if text is not None and text.strip() else None


def _result(
    row: Mapping[str, str | None],
    names: Mapping[str, str],
    fields: Mapping[str, str],
    identifier: str,
    location: str,
    code: str,
) -> LabResult:
    def cell(field: str) -> str | None:
        return _cell(row, names[field])

    value = cell("value")
    return LabResult(
        patient=identifier,
        location=location,
        code=code,
        date=cell("date"),
        value=value if value is not None else cell("value_text"),
        unit=cell("unit"),
        comparator=cell("comparator"),
        low=cell("reference_low"),
        high=cell("reference_high"),
        interpretation=cell("interpretation"),
        assay=cell("assay"),
        isotype=cell("isotype"),
        explained_by=cell("explained_by"),
        note=cell("note"),
        fields=fields,
    )


def _unknown_field(field: str) -> Problem:
    hint = suggest(field, COLUMNS)
    message = f"unknown lab table field {field!r}" + (f"; did you mean {hint!r}?" if hint else "")
    return Problem(None, None, "columns", message)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
