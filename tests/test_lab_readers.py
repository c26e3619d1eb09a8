"""Lab tables (CSV, OMOP MEASUREMENT) and FHIR R4 Observations read into patients.

Record format principles: "Units are explicit and converted exactly; an unknown or
ambiguous unit ... an unknown code or a malformed date is a clear error naming the
observation, never a guess and never a silent skip." Every reader hands its rows to
the same validation as a JSON record; errors name the record, the row or resource,
and the field as the source calls it.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from typing import Any

import pytest

from sle_scoring import Patient, eular_acr_2019, fhir, lab_table, reference_cases, vocabulary
from sle_scoring._loinc import LOINC
from sle_scoring.exceptions import InvalidEvidenceError
from sle_scoring.units import DIMENSIONS

BUNDLE = resources.files("sle_scoring") / "examples" / "bottazzi_2025_fhir.json"


def only(items: list[tuple[int, Patient | InvalidEvidenceError]]) -> Patient | InvalidEvidenceError:
    assert len(items) == 1
    return items[0][1]


def read_csv(text: str, **options: Any) -> Patient | InvalidEvidenceError:
    return only(list(lab_table.iter_lab_table(io.StringIO(text), **options)))


def error_lines(result: Patient | InvalidEvidenceError) -> list[str]:
    assert isinstance(result, InvalidEvidenceError)
    return [str(p) for p in result.problems]


def canonical(patient: Patient) -> list[tuple[object, ...]]:
    """The observations with every quantity in its canonical unit (spelling-free)."""
    rows: list[tuple[object, ...]] = []
    for o in patient.observations:
        entry = vocabulary.concept(o.code)
        numeric = entry is not None and entry.dimension is not None and isinstance(o.value, Decimal)
        value = o.quantity() if numeric else o.value
        rows.append(
            (o.code, o.date, value, o.lower_limit, o.upper_limit, o.assay, o.isotype, o.note)
        )
    return rows


def bundle_patient() -> Patient:
    with BUNDLE.open(encoding="utf-8") as stream:
        result = only(list(fhir.iter_bundle(stream)))
    assert isinstance(result, Patient)
    return result


class TestPublishedCaseAsFhir:
    """The published case (Bottazzi et al. 2025) rewritten as a FHIR Bundle with LOINC
    codes and UCUM units: the same evidence, 19 EULAR/ACR points (4 + 5 + 6 + 4)."""

    def test_reads_to_the_reference_case(self) -> None:
        patient = bundle_patient()
        reference = reference_cases.bottazzi_2025()
        assert patient.id == reference.id
        assert canonical(patient) == canonical(reference)

    def test_platelets_in_ucum_are_the_published_count(self) -> None:
        platelets = [o for o in bundle_patient().observations if o.code == "platelet_count"]
        assert [o.unit for o in platelets] == ["10*3/uL", "10*3/uL"]
        assert [o.quantity() for o in platelets] == [Fraction(45 * 1000), Fraction(36 * 1000)]

    def test_nineteen_points(self) -> None:
        result = eular_acr_2019.classify_patient(bundle_patient())
        assert result.points == (
            4  # hematologic: thrombocytopenia, platelets 45 x 10^3/uL (LOINC 777-3)
            + 5  # serosal: pericardial effusion on CT
            + 6  # musculoskeletal: joint involvement, the authors' judgement
            + 4  # complement proteins: low C3 (4485-9) and low C4 (4498-2), flag L
        )
        assert result.classified


def resources_of_bundle() -> list[dict[str, Any]]:
    with BUNDLE.open(encoding="utf-8") as stream:
        return [entry["resource"] for entry in json.load(stream)["entry"]]


def as_csv_rows(observations: list[dict[str, Any]]) -> str:
    """The Bundle's Observations as a long lab table (the test's own, plain mapping)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(lab_table.COLUMNS.values()))
    writer.writeheader()
    for r in observations:
        if r["resourceType"] != "Observation":
            continue
        quantity = r.get("valueQuantity", {})
        extensions = {e["url"]: e["valueCode"] for e in r.get("extension", [])}
        writer.writerow(
            {
                "patient": r["subject"]["reference"].removeprefix("Patient/"),
                "date": r["effectiveDateTime"],
                "code": r["code"]["coding"][0]["code"],
                "value": quantity.get("value", ""),
                "value_text": r.get(
                    "valueString", r.get("valueCodeableConcept", {}).get("text", "")
                ),
                "unit": quantity.get("code", ""),
                "interpretation": r.get("interpretation", [{}])[0]
                .get("coding", [{}])[0]
                .get("code", ""),
                "assay": r.get("method", {}).get("text", ""),
                "isotype": extensions.get(fhir.ISOTYPE_EXTENSION, ""),
                "note": "; ".join(n["text"] for n in r.get("note", [])),
            }
        )
    return out.getvalue()


def test_bundle_ndjson_and_lab_table_give_identical_patients() -> None:
    observations = resources_of_bundle()
    ndjson = "".join(json.dumps(r) + "\n" for r in observations)
    from_ndjson = only(list(fhir.iter_ndjson(io.StringIO(ndjson))))
    from_csv = read_csv(as_csv_rows(observations))
    assert bundle_patient() == from_ndjson == from_csv


OMOP = (
    "measurement_id,person_id,measurement_concept_id,measurement_date,measurement_datetime,"
    "measurement_type_concept_id,operator_concept_id,value_as_number,value_as_concept_id,"
    "unit_concept_id,range_low,range_high,measurement_source_value,unit_source_value,"
    "value_source_value\n"
    "1,1001,0,2024-01-05,2024-01-05 09:30:00,32856,,99.999,,0,150,450,777-3,10*9/L,99.999\n"
    "2,1001,0,2024-01-05,,32856,,0.58,,0,0.9,1.8,4485-9,g/l,0.58\n"
    "3,1001,0,2024-01-05,,32856,,,,0,,,8061-4,,positive\n"
    "4,1002,0,2024-02-01,,32856,,100,,0,150,450,777-3,10*9/L,100\n"
)


class TestOmopMeasurement:
    """A synthetic OMOP CDM MEASUREMENT export read with OMOP_MEASUREMENT, as is."""

    def test_rows_become_patients(self) -> None:
        read = list(lab_table.iter_lab_table(io.StringIO(OMOP), columns=lab_table.OMOP_MEASUREMENT))
        assert [number for number, _ in read] == [2, 5]  # first row of each person
        first, second = (p for _, p in read)
        assert isinstance(first, Patient)
        assert isinstance(second, Patient)
        platelets, c3, ana = first.observations
        assert platelets.quantity() == Fraction("99.999") * 1000  # 99,999/uL: < 100,000
        assert second.observations[0].quantity() == Fraction(100) * 1000  # not < 100,000
        assert (c3.value, c3.unit, c3.lower_limit) == (Decimal("0.58"), "g/l", Decimal("0.9"))
        assert ana.value == "positive"

    def test_an_operator_is_refused_not_read_as_exact(self) -> None:
        text = (
            OMOP.splitlines()[0]
            + "\n"
            + "5,1003,0,2024-01-05,,32856,4172704,200,,0,,100,33799-8,IU/mL,>200\n"
        )
        assert error_lines(read_csv(text, columns=lab_table.OMOP_MEASUREMENT)) == [
            "record '1003' row 2 (anti_dsdna) field 'value_as_number': must be one of positive, "
            "negative (got '4172704 200')",
            "record '1003' row 2 (anti_dsdna) field 'unit_source_value': no unit expected for "
            "this value (got 'IU/mL')",
        ]


HEADER = "patient,date,code,value,unit,reference_low,reference_high,comparator\n"


class TestLabTableErrors:
    """Every row that cannot be read is a typed error naming the record, the row and
    the column; nothing is skipped or guessed."""

    def test_unknown_loinc_code(self) -> None:
        assert error_lines(read_csv(HEADER + "P1,2024-01-05,9999-9,1,/uL,,,\n")) == [
            "record 'P1' row 2 field 'code': is neither a LOINC code of the shipped table nor "
            "a vocabulary code (got '9999-9')"
        ]

    def test_refused_unit_names_the_column(self) -> None:
        lines = error_lines(read_csv(HEADER + "P1,2024-01-05,777-3,85,g/L,,,\n"))
        assert len(lines) == 1
        assert lines[0].startswith(
            "record 'P1' row 2 (platelet_count) field 'unit': must be a cell count unit"
        )

    def test_censored_value_is_refused(self) -> None:
        # "> 200": not supported by the evidence model yet; never read as 200
        lines = error_lines(read_csv(HEADER + "P1,2024-01-05,33799-8,200,IU/mL,,100,>\n"))
        assert lines == [
            "record 'P1' row 2 (anti_dsdna) field 'value': must be one of positive, negative "
            "(got '>200')",
            "record 'P1' row 2 (anti_dsdna) field 'unit': no unit expected for this value "
            "(got 'IU/mL')",
        ]

    def test_missing_limit_names_the_reference_column(self) -> None:
        lines = error_lines(read_csv(HEADER + "P1,2024-01-05,4485-9,0.58,g/L,,,\n"))
        assert lines[0].startswith("record 'P1' row 2 (c3) field 'reference_low': is required")

    def test_missing_header_column(self) -> None:
        assert error_lines(read_csv("patient,date,value\nP1,2024-01-05,1\n")) == [
            "row 1 field '(header)': has no column code"
        ]

    def test_timestamp_is_its_own_calendar_date(self) -> None:
        # 23:30 at -05:00 is already the next day in UTC; the local date is kept
        patient = read_csv(HEADER + "P1,2024-01-05T23:30:00-05:00,777-3,150,10*9/L,,,\n")
        assert isinstance(patient, Patient)
        assert patient.observations[0].date is not None
        assert patient.observations[0].date.isoformat() == "2024-01-05"


def observation(**fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": "o1",
        "subject": {"reference": "Patient/P1"},
        "effectiveDateTime": "2024-01-05",
        **fields,
    }


def read_ndjson(*items: dict[str, Any]) -> Patient | InvalidEvidenceError:
    text = "".join(json.dumps(item) + "\n" for item in items)
    return only(list(fhir.iter_ndjson(io.StringIO(text))))


LOINC_CODE = {"coding": [{"system": "http://loinc.org", "code": "33799-8"}]}


class TestFhirErrors:
    """Every Observation that cannot be read is a typed error naming the patient, the
    resource and the FHIR field."""

    def test_comparator_is_refused(self) -> None:
        quantity = {
            "value": 200,
            "comparator": ">",
            "system": "http://unitsofmeasure.org",
            "code": "[IU]/mL",
        }
        lines = error_lines(
            read_ndjson(
                observation(
                    code=LOINC_CODE,
                    valueQuantity=quantity,
                    referenceRange=[{"high": {"value": 100}}],
                )
            )
        )
        assert lines == [
            "record 'P1' Observation/o1 (anti_dsdna) field 'value[x]': must be one of positive, "
            "negative (got '>200')",
            "record 'P1' Observation/o1 (anti_dsdna) field 'valueQuantity.code': no unit "
            "expected for this value (got '[IU]/mL')",
        ]

    def test_uncoded_observation(self) -> None:
        code = {"coding": [{"system": "http://snomed.info/sct", "code": "1234"}]}
        assert error_lines(read_ndjson(observation(code=code, valueString="present"))) == [
            "record 'P1' Observation/o1 field 'code.coding': is neither a LOINC code of the "
            "shipped table nor a vocabulary code (got 'http://snomed.info/sct|1234')"
        ]

    def test_vocabulary_code_system(self) -> None:
        code = {"coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": "pericardial_effusion"}]}
        patient = read_ndjson(observation(code=code, valueString="present"))
        assert isinstance(patient, Patient)
        assert patient.observations[0].value == "present"

    def test_not_json(self) -> None:
        result = only(list(fhir.iter_ndjson(io.StringIO("{not json\n"))))
        assert error_lines(result)[0].startswith("line 1 field '(json)': is not valid JSON")

    def test_quantity_is_read_exactly(self) -> None:
        code = {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]}
        quantity = {"value": 38.4, "system": "http://unitsofmeasure.org", "code": "Cel"}
        patient = read_ndjson(observation(code=code, valueQuantity=quantity))
        assert isinstance(patient, Patient)
        assert patient.observations[0].quantity() == Fraction("38.4")  # > 38.3: fever


class TestLoincTable:
    """Each shipped LOINC code maps to a vocabulary concept of the matching kind."""

    @pytest.mark.parametrize("code", sorted(LOINC))
    def test_maps_to_a_concept_of_its_family(self, code: str) -> None:
        entry = LOINC[code]
        assert entry.code == code
        concept = vocabulary.concept(entry.concept)
        assert concept is not None
        if entry.family == "result":
            assert "positive" in concept.values
        else:
            assert entry.family in DIMENSIONS
            assert concept.dimension == entry.family
        assert entry.source
