"""The caller's reference-range table (sle_scoring.reference_ranges), the records
API that applies it, and skipping bad observations in Python."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import batch, fhir, lab_table, records, reference_ranges, sledai_2k
from sle_scoring.exceptions import InvalidEvidenceError

DAY = datetime.date(2024, 1, 5)


def table(text: str) -> reference_ranges.ReferenceRanges:
    return reference_ranges.read_csv(io.StringIO(text))


def problems(text: str) -> list[str]:
    with pytest.raises(InvalidEvidenceError) as raised:
        table(text)
    return [str(p) for p in raised.value.problems]


RANGES = table(
    "code,unit,low,high,isotype\n"
    "c3,g/L,0.9,1.8,\n"
    "c3,mg/dL,90,180,\n"
    "anti_dsdna,IU/mL,,30,\n"
    "47299-3,IU/mL,,7,\n"
    "anticardiolipin,GPL,,20,IgG\n"
)


def c3(value: object, **fields: object) -> dict[str, object]:
    return {"code": "c3", "date": "2024-01-05", "value": value, "unit": "g/L", **fields}


class TestReadingTheTable:
    def test_rows_are_read_exactly(self) -> None:
        first = RANGES.ranges[0]
        assert (first.code, first.concept, first.unit, first.low, first.high, first.row) == (
            "c3",
            "c3",
            "g/L",
            Decimal("0.9"),
            Decimal("1.8"),
            2,
        )
        farr = RANGES.ranges[3]
        assert (farr.code, farr.concept, farr.high) == ("47299-3", "anti_dsdna", Decimal(7))

    def test_the_header_is_checked(self) -> None:
        assert problems("code,unit,low\n") == ["row 1 field '(header)': has no column high"]
        assert problems("code,unit,low,high,lab\n") == [
            "row 1 field 'lab': unknown column; the columns are code, unit, low, high, isotype"
        ]

    def test_every_bad_cell_is_named(self) -> None:
        assert problems(
            "code,unit,low,high\n"
            "platelet_count,/uL,150000,450000\n"
            "c3,g/L,,1.8\n"
            "anti_dsdna,IU/mL,,-1\n"
            "c4,mg/mL,0.1,0.4\n"
        ) == [
            "row 2 field 'code': must be the vocabulary code or a shipped LOINC code of a "
            "laboratory value judged against its laboratory's limit (c3, c4, ch50, "
            "anti_dsdna, anticardiolipin) (got 'platelet_count')",
            "row 3 field 'low': is required: c3 is judged by its lower limit",
            "row 4 field 'high': must be a positive number (got '-1')",
            "row 5 field 'unit': must be a complement concentration unit (got 'mg/mL'); "
            "the accepted spellings are listed in docs/vocabulary.md",
        ]

    def test_a_code_twice_in_one_unit_is_refused(self) -> None:
        assert problems("code,unit,low,high\nc3,g/L,0.9,\nc3,g/l,0.8,\n") == [
            "row 3 field 'code': c3 in g/L is also given in row 2"
        ]

    def test_isotypes(self) -> None:
        assert problems("code,unit,low,high,isotype\n3181-5,GPL,,20,IgM\nc3,g/L,0.9,,IgG\n") == [
            "row 2 field 'isotype': must be IgG for LOINC 3181-5 (got 'IgM')",
            "row 3 field 'isotype': only IgA, IgG or IgM, for anticardiolipin (got 'IgG')",
        ]


class TestFill:
    """Only a numeric laboratory value with no limit of its own gets the table's."""

    def test_fills_the_limit_the_concept_is_judged_by(self) -> None:
        filled = RANGES.fill(c3(0.58))
        assert filled["lower_limit"] == Decimal("0.9")
        assert "upper_limit" not in filled
        assert filled["note"] == "lower_limit 0.9 g/L from the reference-range table, row 2"

    def test_the_row_in_the_observations_unit(self) -> None:
        assert RANGES.fill(c3(58, unit="mg/dL"))["lower_limit"] == Decimal(90)
        assert RANGES.fill(c3(0.58, unit="g/l"))["lower_limit"] == Decimal("0.9")

    @pytest.mark.parametrize(
        "own", [{"lower_limit": 0.5}, {"upper_limit": 2}, {"lower_limit": Decimal("0.95")}]
    )
    def test_never_replaces_a_limit_of_its_own(self, own: dict[str, object]) -> None:
        assert RANGES.fill(c3(0.58, **own)) == c3(0.58, **own)

    @pytest.mark.parametrize("value", ["low", "normal", True, None])
    def test_a_call_or_no_value_needs_no_limit(self, value: object) -> None:
        assert RANGES.fill(c3(value)) == c3(value)

    def test_a_unit_the_table_does_not_have_is_an_error(self) -> None:
        with pytest.raises(InvalidEvidenceError) as raised:
            RANGES.fill(c3(580, unit="mg/L"))
        [problem] = raised.value.problems
        assert (problem.field, problem.message) == (
            "unit",
            "the reference-range table gives c3 in g/L, mg/dL (row 2), which cannot be "
            "converted exactly to mg/L; give its range in mg/L",
        )

    def test_a_loinc_row_applies_to_results_of_that_code_only(self) -> None:
        farr = {"code": "anti_dsdna", "value": 10, "unit": "IU/mL"}
        assert RANGES.fill(farr, loinc="47299-3")["upper_limit"] == Decimal(7)
        assert RANGES.fill(farr, loinc="33799-8")["upper_limit"] == Decimal(30)
        assert RANGES.fill(farr)["upper_limit"] == Decimal(30)

    def test_an_isotype_row_applies_to_that_isotype_only(self) -> None:
        acl = {"code": "anticardiolipin", "value": 25, "unit": "GPL", "isotype": "IgG"}
        assert RANGES.fill(acl)["upper_limit"] == Decimal(20)
        igm = {**acl, "isotype": "IgM", "unit": "MPL"}
        assert RANGES.fill(igm) == igm

    def test_no_row_no_change(self) -> None:
        c4 = {"code": "c4", "value": 0.05, "unit": "g/L"}
        assert RANGES.fill(c4) == c4


def low_complement(
    observation: dict[str, object], ranges: reference_ranges.ReferenceRanges | None = None
) -> bool:
    record = {"patient": "P", "observations": [observation]}
    patient = records.patient_from_dict(record, reference_ranges=ranges)
    return "low_complement" in sledai_2k.score_visit(patient, DAY).present


class TestJudgedAgainstTheTable:
    """SLEDAI-2K low complement: "decrease in CH50, C3, or C4 below the lower limit of
    normal for testing laboratory"."""

    def test_below_the_tables_lower_limit(self) -> None:
        assert low_complement(c3(Decimal("0.89")), RANGES)

    def test_at_the_tables_lower_limit(self) -> None:
        assert not low_complement(c3(Decimal("0.9")), RANGES)

    @given(
        value=st.decimals(min_value=Decimal("0.01"), max_value=5, places=2),
        limit=st.decimals(min_value=Decimal("0.01"), max_value=5, places=2),
    )
    def test_the_same_as_the_laboratorys_own_limit(self, value: Decimal, limit: Decimal) -> None:
        ranges = table(f"code,unit,low,high\nc3,g/L,{limit},\n")
        assert low_complement(c3(value), ranges) == low_complement(c3(value, lower_limit=limit))


BAD = {
    "patient": "P",
    "observations": [
        {"code": "c3", "date": "2024-01-05", "value": "low"},
        {"code": "platelet_count", "date": "2024-01-05", "value": 85, "unit": "g/L"},
        {"code": "sledai_2k.rash", "date": "2024-01-05", "value": "maybe"},
    ],
}


def test_a_records_unit_the_table_cannot_give_is_named() -> None:
    record = {"patient": "P", "observations": [c3(580, unit="mg/L")]}
    with pytest.raises(InvalidEvidenceError) as raised:
        records.patient_from_dict(record, reference_ranges=RANGES)
    [problem] = raised.value.problems
    assert (problem.record, problem.location, problem.field) == (
        "P",
        "observations[0] (c3)",
        "unit",
    )


class TestReadPatient:
    def test_strict_by_default(self) -> None:
        with pytest.raises(InvalidEvidenceError) as strict:
            records.patient_from_dict(BAD)
        with pytest.raises(InvalidEvidenceError) as read:
            records.read_patient(BAD)
        assert read.value.problems == strict.value.problems

    def test_skipping_keeps_every_problem(self) -> None:
        reading = records.read_patient(BAD, skip_bad_observations=True)
        assert [o.code for o in reading.patient.observations] == ["c3"]
        assert [(p.record, p.location, p.field) for p in reading.skipped] == [
            ("P", "observations[1] (platelet_count)", "unit"),
            ("P", "observations[2] (sledai_2k.rash)", "value"),
        ]
        assert reading.skipped_locations() == (
            "observations[1] (platelet_count)",
            "observations[2] (sledai_2k.rash)",
        )

    def test_a_problem_of_the_record_is_not_skipped(self) -> None:
        with pytest.raises(InvalidEvidenceError) as raised:
            records.read_patient({**BAD, "patient": ""}, skip_bad_observations=True)
        assert raised.value.problems[0].field == "patient"

    def test_cases_say_what_was_skipped(self) -> None:
        reading = records.read_patient(BAD, skip_bad_observations=True)
        settings = batch.Settings(instruments=("sledai_2k",), skip_bad_observations=True)
        [case] = batch.score_reading(2, reading, settings)
        assert case.skipped_observations == reading.skipped_locations()
        assert batch.case_fields(settings)[-1] == batch.SKIPPED_FIELD
        assert batch.case_record(case, settings)[batch.SKIPPED_FIELD] == (
            "observations[1] (platelet_count); observations[2] (sledai_2k.rash)"
        )
        assert batch.SKIPPED_FIELD not in batch.case_fields(batch.Settings())


class TestReadersSkip:
    def test_lab_table(self) -> None:
        text = "patient,date,code,value,unit\nP,2024-01-05,4485-9,low,\nP,2024-01-05,777-3,85,g/L\n"
        [(row, reading)] = lab_table.iter_lab_table(io.StringIO(text), skip_bad_observations=True)
        assert isinstance(reading, records.Reading)
        assert (row, [o.code for o in reading.patient.observations]) == (2, ["c3"])
        assert reading.skipped_locations() == ("row 3 (platelet_count)",)

    def test_fhir(self) -> None:
        resource = (
            '{"resourceType": "Observation", "id": "x", "status": "preliminary", '
            '"subject": {"reference": "Patient/P"}, "code": {"coding": [{"system": '
            '"urn:sle-scoring:vocabulary", "code": "rash"}]}, "valueString": "present"}\n'
        )
        [(line, reading)] = fhir.iter_ndjson(io.StringIO(resource), skip_bad_observations=True)
        assert isinstance(reading, records.Reading)
        assert (line, reading.patient.observations) == (1, ())
        assert [(p.location, p.field) for p in reading.skipped] == [("Observation/x", "status")]

    def test_ranges_in_the_readers(self) -> None:
        text = "patient,date,code,value,unit\nP,2024-01-05,4485-9,0.58,g/L\n"
        [(_, patient)] = lab_table.iter_lab_table(io.StringIO(text), reference_ranges=RANGES)
        assert not isinstance(patient, InvalidEvidenceError)
        assert patient.observations[0].lower_limit == Decimal("0.9")
