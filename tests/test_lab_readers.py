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
from hypothesis import given

from sle_scoring import (
    Patient,
    eular_acr_2019,
    fhir,
    lab_table,
    reference_cases,
    vocabulary,
)
from sle_scoring._loinc import LOINC
from sle_scoring.exceptions import InvalidEvidenceError
from sle_scoring.testing import strategies
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
    "3,1001,0,2024-01-05,,32856,,,,0,,,59069-5,,positive\n"
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
        assert (ana.value, ana.assay) == ("positive", "hep2_iif")  # the HEp-2 IIF screen

    @pytest.mark.parametrize(
        ("operator", "comparator"),
        # the standard concepts of the OMOP domain "Meas Value Operator"
        [("4171756", "<"), ("4171754", "<="), ("4171755", ">="), ("4172704", ">")],
    )
    def test_an_operator_is_the_comparator_of_a_censored_value(
        self, operator: str, comparator: str
    ) -> None:
        text = (
            OMOP.splitlines()[0]
            + "\n"
            + f"5,1003,0,2024-01-05,,32856,{operator},200,,0,,100,33799-8,IU/mL,{comparator}200\n"
        )
        read = read_csv(text, columns=lab_table.OMOP_MEASUREMENT)
        assert isinstance(read, Patient)
        [dsdna] = read.observations
        assert (dsdna.comparator, dsdna.value) == (comparator, Decimal(200))

    def test_the_equals_operator_is_an_exact_value(self) -> None:
        text = (
            OMOP.splitlines()[0]
            + "\n"
            + "5,1003,0,2024-01-05,,32856,4172703,200,,0,,100,33799-8,IU/mL,200\n"
        )
        read = read_csv(text, columns=lab_table.OMOP_MEASUREMENT)
        assert isinstance(read, Patient)
        assert read.observations[0].comparator is None

    def test_an_unknown_operator_is_refused_naming_its_column(self) -> None:
        text = (
            OMOP.splitlines()[0]
            + "\n"
            + "5,1003,0,2024-01-05,,32856,4172705,200,,0,,100,33799-8,IU/mL,200\n"
        )
        assert error_lines(read_csv(text, columns=lab_table.OMOP_MEASUREMENT)) == [
            "record '1003' row 2 (anti_dsdna) field 'operator_concept_id': must be one of "
            "<, <=, >=, > (got '4172705')"
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

    def test_a_censored_value_keeps_its_comparator(self) -> None:
        # "> 200": never read as 200
        read = read_csv(HEADER + "P1,2024-01-05,33799-8,200,IU/mL,,100,>\n")
        assert isinstance(read, Patient)
        assert read.observations[0].describe() == (
            "anti_dsdna > 200 IU/mL (upper limit 100) on 2024-01-05"
        )

    def test_a_censored_value_written_in_the_value_cell(self) -> None:
        # ">200" in the value column, no comparator column: the reference high applies
        read = read_csv(HEADER + "P1,2024-01-05,33799-8,>200,IU/mL,,100,\n")
        assert isinstance(read, Patient)
        [dsdna] = read.observations
        assert (dsdna.comparator, dsdna.upper_limit, dsdna.versus_limit(">")) == (
            ">",
            Decimal(100),
            True,
        )

    def test_a_comparator_with_a_call_names_the_comparator_column(self) -> None:
        assert error_lines(read_csv(HEADER + "P1,2024-01-05,33799-8,positive,,,,>\n")) == [
            "record 'P1' row 2 (anti_dsdna) field 'comparator': only allowed with a numeric "
            "laboratory value"
        ]

    def test_a_missing_limit_is_kept_for_the_items_to_judge(self) -> None:
        # C3 without its range: the value is read; only items needing the limit wait
        read = read_csv(HEADER + "P1,2024-01-05,4485-9,0.58,g/L,,,\n")
        assert isinstance(read, Patient)
        assert read.observations[0].missing_limit() == "lower"

    def test_missing_header_column(self) -> None:
        assert error_lines(read_csv("patient,value\nP1,1\n")) == [
            "row 1 field '(header)': has no column date, code"
        ]

    def test_a_mapped_column_must_exist(self) -> None:
        # a misspelt mapping must not read as a column of empty reference limits
        lines = error_lines(read_csv(HEADER, columns={"reference_low": "ref_lo"}))
        assert lines == ["row 1 field '(header)': has no column ref_lo"]

    def test_unknown_field_in_the_mapping(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            read_csv(HEADER, columns={"reference_lo": "low"})
        assert [str(p) for p in caught.value.problems] == [
            "field 'columns': unknown lab table field 'reference_lo'; did you mean 'reference_low'?"
        ]

    def test_row_with_more_cells_than_the_header(self) -> None:
        assert error_lines(read_csv(HEADER + "P1,2024-01-05,777-3,150,10*9/L,,,,extra\n")) == [
            "record 'P1' row 2 field '(row)': has more cells than the header"
        ]

    def test_row_without_patient(self) -> None:
        text = HEADER + "P1,2024-01-05,777-3,150,10*9/L,,,\n,2024-01-05,777-3,150,10*9/L,,,\n"
        read = list(lab_table.iter_lab_table(io.StringIO(text)))
        assert [number for number, _ in read] == [2, 3]
        assert isinstance(read[0][1], Patient)
        assert error_lines(read[1][1]) == ["row 3 field 'patient': is required"]

    @pytest.mark.parametrize(
        ("stamp", "date"),
        [
            ("2024-01-05 09:30:00", "2024-01-05"),  # OMOP measurement_datetime
            ("2024-01-05T00:30:00Z", "2024-01-05"),
            ("2024-01-05T09:30", "2024-01-05"),  # no offset: the date as written
        ],
    )
    def test_timestamp_spellings(self, stamp: str, date: str) -> None:
        patient = read_csv(HEADER + f"P1,{stamp},777-3,150,10*9/L,,,\n")
        assert isinstance(patient, Patient)
        assert patient.observations[0].date is not None
        assert patient.observations[0].date.isoformat() == date

    def test_week_date_timestamp_is_refused(self) -> None:
        lines = error_lines(read_csv(HEADER + "P1,2024-W01-1T09:30,777-3,150,10*9/L,,,\n"))
        assert lines == [
            "record 'P1' row 2 (platelet_count) field 'date': must be a date written "
            "YYYY-MM-DD (got '2024-W01-1T09:30')"
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
        "status": "final",
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

    def test_comparator_is_read(self) -> None:
        quantity = {
            "value": 200,
            "comparator": ">",
            "system": "http://unitsofmeasure.org",
            "code": "[IU]/mL",
        }
        read = read_ndjson(
            observation(
                code=LOINC_CODE, valueQuantity=quantity, referenceRange=[{"high": {"value": 100}}]
            )
        )
        assert isinstance(read, Patient)
        [dsdna] = read.observations
        assert (dsdna.comparator, dsdna.value, dsdna.versus_limit(">")) == (">", Decimal(200), True)

    def test_an_unknown_comparator_names_the_fhir_element(self) -> None:
        # FHIR's "ad" ("sufficient to achieve this total quantity") is not a bound
        quantity = {"value": 200, "comparator": "ad", "unit": "IU/mL"}
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
            "record 'P1' Observation/o1 (anti_dsdna) field 'valueQuantity.comparator': must be "
            "one of <, <=, >=, > (got 'ad')"
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

    @pytest.mark.parametrize(
        ("snomed", "value"), [("10828004", "positive"), ("260385009", "negative")]
    )
    def test_snomed_result(self, snomed: str, value: str) -> None:
        code = {"coding": [{"system": "http://loinc.org", "code": "11090-8"}]}
        result = {"coding": [{"system": "http://snomed.info/sct", "code": snomed}], "text": "x"}
        patient = read_ndjson(observation(code=code, valueCodeableConcept=result))
        assert isinstance(patient, Patient)
        assert (patient.observations[0].code, patient.observations[0].value) == ("anti_sm", value)

    def test_quantity_is_read_exactly(self) -> None:
        code = {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]}
        quantity = {"value": 38.4, "system": "http://unitsofmeasure.org", "code": "Cel"}
        patient = read_ndjson(observation(code=code, valueQuantity=quantity))
        assert isinstance(patient, Patient)
        assert patient.observations[0].quantity() == Fraction("38.4")  # > 38.3: fever


class TestFhirStatusAndSubject:
    """A result that does not stand (preliminary, cancelled, entered in error) is not
    evidence; an Observation without a patient cannot be given to one."""

    @pytest.mark.parametrize("status", ["preliminary", "entered-in-error", "cancelled", None])
    def test_status_not_final_is_refused(self, status: str | None) -> None:
        code = {"coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": "pericardial_effusion"}]}
        assert error_lines(
            read_ndjson(observation(code=code, valueString="present", status=status))
        ) == [
            f"record 'P1' Observation/o1 field 'status': must be one of final, amended, "
            f"corrected (got {status!r})"
        ]

    def test_instant_and_period(self) -> None:
        code = {"coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": "pericardial_effusion"}]}
        instant = observation(code=code, valueString="present")
        del instant["effectiveDateTime"]
        instant["effectiveInstant"] = "2024-01-05T23:30:00-05:00"
        period = observation(code=code, valueString="present", id="o2")
        del period["effectiveDateTime"]
        period["effectivePeriod"] = {"start": "2024-01-04T08:00:00Z", "end": "2024-01-05T08:00:00Z"}
        patient = read_ndjson(instant, period)
        assert isinstance(patient, Patient)
        assert [str(o.date) for o in patient.observations] == ["2024-01-05", "2024-01-05"]

    def test_timing_is_refused(self) -> None:
        code = {"coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": "pericardial_effusion"}]}
        resource = observation(code=code, valueString="present", effectiveTiming={})
        assert error_lines(read_ndjson(resource)) == [
            "record 'P1' Observation/o1 field 'effectiveTiming': is not read: give "
            "effectiveDateTime or effectivePeriod"
        ]

    def test_no_subject(self) -> None:
        code = {"coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": "pericardial_effusion"}]}
        resource = observation(code=code, valueString="present")
        del resource["subject"]
        assert error_lines(read_ndjson(resource)) == [
            "Observation/o1 field 'subject': must reference a Patient"
        ]

    def test_unreadable_line_is_its_own_error_between_patients(self) -> None:
        code = {"coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": "pericardial_effusion"}]}
        good = json.dumps(observation(code=code, valueString="present"))
        read = list(fhir.iter_ndjson(io.StringIO(f"{good}\n{{oops\n{good}\n")))
        # The subject's two lines are one patient, at its first line; the bad line
        # is its own error, at its place.
        assert [number for number, _ in read] == [1, 2]
        assert [type(result).__name__ for _, result in read] == [
            "Patient",
            "InvalidEvidenceError",
        ]
        patient = read[0][1]
        assert isinstance(patient, Patient)
        assert len(patient.observations) == 2


class TestOtherCodes:
    """A full export holds many results no instrument uses (sodium, glucose): refused
    by default, passed over on request; a misspelt code is refused either way."""

    TABLE = HEADER + "P1,2024-01-05,777-3,150,10*9/L,,,\nP1,2024-01-05,2951-2,140,mmol/L,,,\n"

    def test_refused_by_default(self) -> None:
        assert error_lines(read_csv(self.TABLE)) == [
            "record 'P1' row 3 field 'code': is neither a LOINC code of the shipped table nor "
            "a vocabulary code (got '2951-2')"
        ]

    def test_passed_over_on_request(self) -> None:
        patient = read_csv(self.TABLE, skip_other_loinc=True)
        assert isinstance(patient, Patient)
        assert [o.code for o in patient.observations] == ["platelet_count"]

    def test_misspelt_vocabulary_code_is_still_refused(self) -> None:
        table = HEADER + "P1,2024-01-05,platelet_cont,150,10*9/L,,,\n"
        assert error_lines(read_csv(table, skip_other_loinc=True)) == [
            "record 'P1' row 2 field 'code': is neither a LOINC code of the shipped table nor "
            "a vocabulary code (got 'platelet_cont'); did you mean 'platelet_count'?"
        ]

    def test_fhir_other_code_system_passed_over_on_request(self) -> None:
        snomed = observation(
            id="o2",
            code={"coding": [{"system": "http://snomed.info/sct", "code": "1234"}]},
            valueString="x",
        )
        vocabulary_code = {
            "coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": "pericardial_effusion"}]
        }
        text = "".join(
            json.dumps(r) + "\n"
            for r in (observation(code=vocabulary_code, valueString="present"), snomed)
        )
        patient = only(list(fhir.iter_ndjson(io.StringIO(text), skip_other_codes=True)))
        assert isinstance(patient, Patient)
        assert [o.code for o in patient.observations] == ["pericardial_effusion"]
        assert isinstance(only(list(fhir.iter_ndjson(io.StringIO(text)))), InvalidEvidenceError)

    def test_fhir_misspelt_vocabulary_code_is_still_refused(self) -> None:
        code = {"coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": "pericardial_efusion"}]}
        text = json.dumps(observation(code=code, valueString="present")) + "\n"
        result = only(list(fhir.iter_ndjson(io.StringIO(text), skip_other_codes=True)))
        assert error_lines(result) == [
            "record 'P1' Observation/o1 field 'code.coding': is neither a LOINC code of the "
            "shipped table nor a vocabulary code (got 'pericardial_efusion'); did you mean "
            "'pericardial_effusion'?"
        ]


class TestLoincTable:
    """Each shipped LOINC code maps to a vocabulary concept of the matching kind."""

    @pytest.mark.parametrize("code", sorted(LOINC))
    def test_maps_to_a_concept_of_its_family(self, code: str) -> None:
        entry = LOINC[code]
        assert entry.code == code
        concept = vocabulary.concept(entry.concept)
        assert concept is not None
        if entry.family == "result":
            assert concept.kind is vocabulary.Kind.RESULT
        elif entry.family == "titre":
            assert concept.kind is vocabulary.Kind.TITRE
        else:
            assert entry.family in DIMENSIONS
            assert concept.dimension == entry.family
        assert entry.source


def lab_table_of(patient: Patient) -> str:
    """The patient as a long lab table, in vocabulary codes (the test's own writer)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(lab_table.COLUMNS.values()))
    writer.writeheader()
    for o in patient.observations:
        writer.writerow(
            {
                "patient": patient.id,
                "date": o.date.isoformat() if o.date else "",
                "code": o.code,
                "value": str(o.value),
                "unit": o.unit or "",
                "reference_low": "" if o.lower_limit is None else str(o.lower_limit),
                "reference_high": "" if o.upper_limit is None else str(o.upper_limit),
                "assay": o.assay or "",
                "isotype": o.isotype or "",
                "explained_by": o.explained_by or "",
                "note": o.note or "",
            }
        )
    return out.getvalue()


def ndjson_of(patient: Patient) -> str:
    """The patient as FHIR NDJSON, in the vocabulary code system (the test's own writer)."""
    lines = []
    for number, o in enumerate(patient.observations):
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "id": f"o{number}",
            "status": "amended",
            "subject": {"reference": f"Patient/{patient.id}"},
            "code": {"coding": [{"system": fhir.VOCABULARY_SYSTEM, "code": o.code}]},
        }
        if o.date is not None:
            resource["effectiveDateTime"] = o.date.isoformat()
        if isinstance(o.value, Decimal):
            resource["valueQuantity"] = {"value": "NUMBER", "unit": o.unit}
        else:
            resource["valueString"] = o.value
        limits = {"low": o.lower_limit, "high": o.upper_limit}
        if any(v is not None for v in limits.values()):
            resource["referenceRange"] = [
                {k: {"value": "NUMBER:" + k} for k, v in limits.items() if v is not None}
            ]
        extensions = [
            {"url": url, "valueCode": code}
            for url, code in (
                (fhir.ISOTYPE_EXTENSION, o.isotype),
                (fhir.EXPLAINED_BY_EXTENSION, o.explained_by),
            )
            if code
        ]
        if extensions:
            resource["extension"] = extensions
        if o.assay:
            resource["method"] = {"text": o.assay}
        if o.note:
            resource["note"] = [{"text": o.note}]
        text = json.dumps(resource)
        # JSON numbers written exactly as their decimal text (json cannot write Decimal)
        text = text.replace('"NUMBER"', str(o.value))
        for key, limit in limits.items():
            text = text.replace(f'"NUMBER:{key}"', str(limit))
        lines.append(text + "\n")
    return "".join(lines)


class TestRoundTrips:
    """Any valid patient written as a lab table or as FHIR NDJSON reads back as the same
    patient: nothing is dropped, rounded or reinterpreted on the way in."""

    @given(strategies.patients(explained=True, item_assertions=True, min_observations=1))
    def test_lab_table(self, patient: Patient) -> None:
        assert read_csv(lab_table_of(patient)) == patient

    @given(strategies.patients(explained=True, item_assertions=True, min_observations=1))
    def test_ndjson(self, patient: Patient) -> None:
        assert only(list(fhir.iter_ndjson(io.StringIO(ndjson_of(patient))))) == patient
