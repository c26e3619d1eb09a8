"""Bad input is a typed error naming the record, the observation and the field, with
every problem of a record reported together; valid JSON records round-trip exactly.

Record format principles: "an unknown or ambiguous unit, an impossible value
(negative count, temperature 60 °C, titre '1:abc'), an unknown code or a malformed
date is a clear error naming the observation, never a guess and never a silent
skip."
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import (
    InvalidEvidenceError,
    InvalidItemsError,
    Observation,
    Patient,
    SleScoringError,
    UnknownCodeError,
    eular_acr_2019,
    records,
)
from sle_scoring.eular_acr_2019 import CRITERIA
from sle_scoring.records import (
    dumps,
    iter_json,
    iter_json_lines,
    patient_from_dict,
    patient_to_dict,
)
from sle_scoring.reference_cases import bottazzi_2025
from sle_scoring.vocabulary import CAUSES, CONCEPTS, Kind

DAY = datetime.date(2023, 10, 1)


def error_of(**fields: object) -> str:
    """The message of the error raised by ``Observation(**fields)``."""
    with pytest.raises(InvalidEvidenceError) as caught:
        Observation(**fields)  # type: ignore[arg-type]
    assert isinstance(caught.value, SleScoringError)
    assert isinstance(caught.value, ValueError)
    return str(caught.value)


def record_error(raw: object, where: str | None = None) -> InvalidEvidenceError:
    with pytest.raises(InvalidEvidenceError) as caught:
        patient_from_dict(raw, where=where)
    return caught.value


class TestObservationErrors:
    """Each error names the observation and the field, quotes the bad input and says
    what was expected."""

    def test_unknown_code_with_suggestion(self) -> None:
        assert error_of(code="platelet_cnt", value=1, unit="/µL") == (
            "observation 'platelet_cnt' field 'code': unknown observation code "
            "'platelet_cnt'; did you mean 'platelet_count'?"
        )

    def test_unknown_code_without_suggestion(self) -> None:
        assert error_of(code="xyz", value="present") == (
            "observation 'xyz' field 'code': unknown observation code 'xyz'"
        )

    def test_misspelt_item_assertion(self) -> None:
        assert error_of(code="eular_acr_2019.joint_involvment", value="present") == (
            "observation 'eular_acr_2019.joint_involvment' field 'code': unknown observation "
            "code 'eular_acr_2019.joint_involvment'; did you mean "
            "'eular_acr_2019.joint_involvement'?"
        )

    def test_missing_unit(self) -> None:
        assert error_of(code="temperature", value=39) == (
            "observation 'temperature' field 'unit': is required; one of °C, C, degC, Cel, ℃, "
            "deg C, °F, F, degF, [degF], ℉, deg F"
        )

    def test_unit_of_another_dimension(self) -> None:
        assert error_of(code="urine_protein_24h", value=1, unit="°C") == (
            "observation 'urine_protein_24h' field 'unit': must be a urine protein excretion "
            "unit (got '°C'); the accepted spellings are listed in docs/vocabulary.md"
        )

    def test_unit_on_a_finding(self) -> None:
        assert error_of(code="pericardial_effusion", value="present", unit="mm") == (
            "observation 'pericardial_effusion' field 'unit': no unit expected for this value "
            "(got 'mm')"
        )

    @pytest.mark.parametrize(
        ("code", "value", "unit", "message"),
        [
            (
                "platelet_count",
                -1,
                "/µL",
                "-1 /µL is impossible; expected between 0 and 2000000 /µL",
            ),
            (
                "temperature",
                Decimal("24.9"),
                "°C",
                "24.9 °C is impossible; expected between 25 and 45 °C",
            ),
            (
                "temperature",
                Decimal("45.1"),
                "°C",
                "45.1 °C is impossible; expected between 25 and 45 °C",
            ),
            (
                "temperature",
                140,
                "°F",
                "140 °F is impossible; expected between 25 and 45 °C",
            ),
            (
                "urine_protein_24h",
                Decimal("-0.1"),
                "g/24 h",
                "-0.1 g/24 h is impossible; expected between 0 and 50 g/24 h",
            ),
        ],
    )
    def test_impossible_value(self, code: str, value: object, unit: str, message: str) -> None:
        assert error_of(code=code, value=value, unit=unit) == (
            f"observation {code!r} field 'value': {message}"
        )

    @pytest.mark.parametrize("celsius", [25, 45])
    def test_limits_of_plausible_temperature_are_accepted(self, celsius: int) -> None:
        assert Observation("temperature", celsius, unit="°C").quantity() == celsius

    @pytest.mark.parametrize("titre", ["1:abc", "1:0", "80", "1:", "2:80"])
    def test_malformed_titre(self, titre: str) -> None:
        assert error_of(code="ana", value=titre) == (
            "observation 'ana' field 'value': must be a titre '1:N' with N a positive whole "
            f"number, or positive/negative (got {titre!r})"
        )

    def test_number_as_titre(self) -> None:
        assert error_of(code="ana", value=80) == (
            "observation 'ana' field 'value': must be a titre such as '1:160' (got Decimal('80'))"
        )

    @pytest.mark.parametrize("value", [True, False])
    def test_bool_is_not_a_number(self, value: bool) -> None:
        assert error_of(code="platelet_count", value=value, unit="/µL") == (
            f"observation 'platelet_count' field 'value': must be a finite number (got {value!r})"
        )

    def test_not_a_number(self) -> None:
        assert error_of(code="temperature", value=float("nan"), unit="°C") == (
            "observation 'temperature' field 'value': must be a finite number (got Decimal('NaN'))"
        )

    def test_finding_value(self) -> None:
        assert error_of(code="pericardial_effusion", value="yes") == (
            "observation 'pericardial_effusion' field 'value': must be one of present, absent "
            "(got 'yes')"
        )

    def test_date_must_be_a_date(self) -> None:
        assert error_of(code="seizure", value="present", date="2023-10-01") == (
            "observation 'seizure' field 'date': must be a date (got '2023-10-01')"
        )

    def test_laboratory_value_with_the_other_limit(self) -> None:
        assert error_of(code="c3", value=80, unit="mg/dL", upper_limit=180) == (
            "observation 'c3' field 'upper_limit': not used for c3; give lower_limit"
        )

    def test_unknown_cause_with_suggestion(self) -> None:
        assert error_of(code="seizure", value="present", explained_by="infecton") == (
            "observation 'seizure' field 'explained_by': must be one of "
            + ", ".join(CAUSES)
            + " (got 'infecton'); did you mean 'infection'?"
        )

    def test_unknown_isotype(self) -> None:
        assert error_of(code="anticardiolipin", value="negative", isotype="IgE") == (
            "observation 'anticardiolipin' field 'isotype': must be one of IgA, IgG, IgM "
            "(got 'IgE')"
        )

    def test_every_problem_of_an_observation_at_once(self) -> None:
        assert error_of(
            code="platelet_count", value=-1, unit="/µL", date="2023", explained_by="flu"
        ) == (
            "3 problems:\n"
            "  - observation 'platelet_count' field 'date': must be a date (got '2023')\n"
            "  - observation 'platelet_count' field 'explained_by': must be one of "
            + ", ".join(CAUSES)
            + " (got 'flu')\n"
            "  - observation 'platelet_count' field 'value': -1 /µL is impossible; expected "
            "between 0 and 2000000 /µL"
        )


def one_observation(**fields: object) -> dict[str, object]:
    return {"patient": "P1", "observations": [fields]}


class TestRecordErrors:
    """Record errors name the record (its identifier, or its position when it has
    none), the observation (``observations[i] (code)``) and the field."""

    @pytest.mark.parametrize("date", ["2023-13-01", "01/10/2023", "2023-02-30", "2023-1-1"])
    def test_malformed_date(self, date: str) -> None:
        raw = one_observation(code="seizure", date=date, value="present")
        assert str(record_error(raw)) == (
            "record 'P1' observations[0] (seizure) field 'date': must be a date written "
            f"YYYY-MM-DD (got {date!r})"
        )

    def test_bool_value(self) -> None:
        raw = one_observation(code="platelet_count", value=True, unit="/µL")
        assert str(record_error(raw)) == (
            "record 'P1' observations[0] (platelet_count) field 'value': must be a number or "
            "text (got True)"
        )

    def test_unknown_field_with_suggestion(self) -> None:
        raw = one_observation(code="seizure", value="present", dte="2023-10-01")
        assert str(record_error(raw)) == (
            "record 'P1' observations[0] (seizure) field 'dte': unknown field; did you mean 'date'?"
        )

    def test_unknown_record_field_with_suggestion(self) -> None:
        raw = {"patient": "P1", "observation": [], "observations": []}
        assert str(record_error(raw)) == (
            "record 'P1' field 'observation': unknown field; did you mean 'observations'?"
        )

    def test_record_without_identifier_is_named_by_position(self) -> None:
        error = record_error({"observations": []}, where="line 7")
        assert (
            str(error) == "record 'line 7' field 'patient': must be a non-empty string (got None)"
        )

    def test_not_an_object(self) -> None:
        assert str(record_error([], where="record 2")) == (
            "record 'record 2' field '(record)': must be a JSON object (got list)"
        )

    def test_missing_code_and_value(self) -> None:
        assert str(record_error({"patient": "P1", "observations": [{"date": "2023-10-01"}]})) == (
            "2 problems:\n"
            "  - record 'P1' observations[0] field 'code': is required\n"
            "  - record 'P1' observations[0] field 'value': is required"
        )

    def test_all_problems_of_a_record_together(self) -> None:
        raw = {
            "patient": "P1",
            "observations": [
                {"code": "platelet_count", "date": "2023-13-01", "value": -5, "unit": "/µL"},
                {"code": "temprature", "date": "2023-10-01", "value": 39, "unit": "°C"},
                {"code": "seizure", "date": "2023-10-01", "value": "present"},
                {"code": "ana", "date": "2023-10-01", "value": "1:abc"},
                {"code": "temperature", "value": 39, "unit": "K"},
                {"code": "c3", "value": 80, "unit": "mg/dL", "lower_lmit": 90},
            ],
        }
        error = record_error(raw)
        # observations[2] is valid; a misspelt field name (observations[5]) is reported
        # (a C3 without its limit would be valid: only the items needing it wait)
        assert str(error) == (
            "6 problems:\n"
            "  - record 'P1' observations[0] (platelet_count) field 'date': must be a date "
            "written YYYY-MM-DD (got '2023-13-01')\n"
            "  - record 'P1' observations[0] (platelet_count) field 'value': -5 /µL is "
            "impossible; expected between 0 and 2000000 /µL\n"
            "  - record 'P1' observations[1] (temprature) field 'code': unknown observation "
            "code 'temprature'; did you mean 'temperature'?\n"
            "  - record 'P1' observations[3] (ana) field 'value': must be a titre '1:N' with "
            "N a positive whole number, or positive/negative (got '1:abc')\n"
            "  - record 'P1' observations[4] (temperature) field 'unit': must be a "
            "temperature unit (got 'K'); the accepted spellings are listed in "
            "docs/vocabulary.md\n"
            "  - record 'P1' observations[5] (c3) field 'lower_lmit': unknown field; "
            "did you mean 'lower_limit'?"
        )
        first = error.problems[0]
        assert (first.record, first.location, first.field) == (
            "P1",
            "observations[0] (platelet_count)",
            "date",
        )

    def test_undated_evidence_for_a_dated_question(self) -> None:
        from sle_scoring.eular_acr_2019 import classify_patient

        patient = Patient("P1", (Observation("seizure", "present"),))
        with pytest.raises(InvalidEvidenceError) as caught:
            classify_patient(patient, as_of=DAY)
        assert str(caught.value) == (
            "record 'P1' observation 'seizure' field 'date': is required to select evidence "
            "up to 2023-10-01"
        )


FULL_PATIENT = Patient(
    "P-full",
    (
        Observation("ana", "1:640", date=DAY, assay="hep2_iif", note="homogeneous"),
        Observation("platelet_count", Decimal("99.999"), date=DAY, unit="10^9/L"),
        Observation("temperature", Decimal("38.4"), date=DAY, unit="°C", explained_by="infection"),
        Observation("c3", Decimal("0.89"), date=DAY, unit="g/L", lower_limit=Decimal("0.9")),
        Observation("anti_dsdna", 31, date=DAY, unit="IU/mL", upper_limit=30, assay="elisa"),
        Observation("anticardiolipin", 41, date=DAY, unit="GPL", isotype="IgG"),
        Observation("renal_biopsy_class", "IV+V", date=DAY),
        Observation("eular_acr_2019.joint_involvement", "present"),
        Observation("pericardial_pain", "absent", date=datetime.date(2024, 2, 29)),
    ),
)


class TestJsonRoundTrip:
    def test_dict_round_trip(self) -> None:
        assert patient_from_dict(patient_to_dict(FULL_PATIENT)) == FULL_PATIENT

    def test_text_round_trip(self) -> None:
        assert list(iter_json(io.StringIO(dumps(FULL_PATIENT, indent=2)))) == [FULL_PATIENT]

    def test_plain_json_module_round_trip(self) -> None:
        # json.loads without parse_float gives floats; they are read as typed
        assert patient_from_dict(json.loads(dumps(FULL_PATIENT))) == FULL_PATIENT

    def test_reference_case_round_trip(self) -> None:
        patient = bottazzi_2025()
        assert patient_from_dict(patient_to_dict(patient)) == patient

    def test_written_form(self) -> None:
        patient = Patient(
            "P1", (Observation("urine_protein_24h", Decimal("0.51"), date=DAY, unit="g/24 h"),)
        )
        assert patient_to_dict(patient) == {
            "patient": "P1",
            "observations": [
                {"code": "urine_protein_24h", "date": "2023-10-01", "value": 0.51, "unit": "g/24 h"}
            ],
        }

    def test_numbers_are_read_exactly(self) -> None:
        (patient,) = iter_json(
            io.StringIO(
                '{"patient": "P1", "observations": [{"code": "temperature", '
                '"value": 100.94, "unit": "°F"}]}'
            )
        )
        (temperature,) = patient.observations
        assert temperature.value == Decimal("100.94")
        assert temperature.quantity() == Decimal("38.3")


class TestIterJson:
    def test_one_record(self) -> None:
        text = json.dumps({"patient": "A", "observations": []})
        assert list(iter_json(io.StringIO(text))) == [Patient("A", ())]

    def test_a_list_of_records_keeps_order(self) -> None:
        text = json.dumps(
            [
                {"patient": "B", "observations": []},
                {"patient": "A", "observations": [{"code": "seizure", "value": "absent"}]},
            ]
        )
        assert list(iter_json(io.StringIO(text))) == [
            Patient("B", ()),
            Patient("A", (Observation("seizure", "absent"),)),
        ]

    def test_a_bad_record_is_named_by_position(self) -> None:
        text = json.dumps([{"patient": "A", "observations": []}, {"observations": []}])
        records = iter_json(io.StringIO(text))
        assert next(records) == Patient("A", ())
        with pytest.raises(InvalidEvidenceError) as caught:
            next(records)
        assert str(caught.value) == (
            "record 'record 2' field 'patient': must be a non-empty string (got None)"
        )

    def test_invalid_json(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            list(iter_json(io.StringIO('{"patient": ')))
        assert str(caught.value).startswith("line 1 field '(json)': invalid JSON: ")


class TestIterJsonLines:
    """JSON Lines: every non-blank line yields a patient or an error; a bad line never
    stops the batch."""

    def test_errors_are_yielded_and_reading_goes_on(self) -> None:
        lines = "\n".join(
            [
                '{"patient": "A", "observations": []}',
                "not json",
                "",
                '{"patient": "B", "observations": [{"code": "x", "value": 1}]}',
                '{"patient": "C", "observations": [{"code": "seizure", "value": "present"}]}',
            ]
        )
        results = list(iter_json_lines(io.StringIO(lines)))
        assert [number for number, _ in results] == [1, 2, 4, 5]
        assert results[0][1] == Patient("A", ())
        assert results[3][1] == Patient("C", (Observation("seizure", "present"),))
        bad_json, bad_code = results[1][1], results[2][1]
        assert isinstance(bad_json, InvalidEvidenceError)
        assert str(bad_json).startswith("record 'line 2' field '(json)': invalid JSON: ")
        assert isinstance(bad_code, InvalidEvidenceError)
        assert str(bad_code) == (
            "record 'B' observations[0] (x) field 'code': unknown observation code 'x'"
        )

    def test_line_without_identifier_is_named_by_line(self) -> None:
        ((number, result),) = iter_json_lines(io.StringIO('\n\n{"observations": []}\n'))
        assert number == 3
        assert isinstance(result, InvalidEvidenceError)
        assert str(result) == (
            "record 'line 3' field 'patient': must be a non-empty string (got None)"
        )


# --- A small local strategy of valid observations, for the round-trip property ---
# (The public ``sle_scoring.testing`` toolkit is built separately.)

dates = st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31))
notes = st.none() | st.text(max_size=20)
causes = st.none() | st.sampled_from(CAUSES)

# (code, unit, smallest, largest, decimal places): values valid in that unit
QUANTITIES = [
    ("platelet_count", "/µL", 0, 2_000_000, 0),
    ("platelet_count", "10^9/L", 0, 2000, 3),
    ("leukocyte_count", "x10^3/uL", 0, 500, 2),
    ("temperature", "°C", 25, 45, 1),
    ("temperature", "°F", 77, 113, 2),
    ("urine_protein_24h", "mg/24 h", 0, 50_000, 0),
    ("urine_protein_creatinine_ratio", "mg/mmol", 0, 5000, 1),
    ("urine_red_cells", "/hpf", 0, 1000, 0),
    ("swollen_joint_count", "joints", 0, 68, 0),
    ("morning_stiffness", "h", 0, 24, 2),
]


@st.composite
def quantities(draw: st.DrawFn) -> Observation:
    code, unit, low, high, places = draw(st.sampled_from(QUANTITIES))
    value = draw(st.decimals(low, high, places=places, allow_nan=False, allow_infinity=False))
    return Observation(code, value, date=draw(dates), unit=unit, explained_by=draw(causes))


@st.composite
def categorical(draw: st.DrawFn) -> Observation:
    concept = draw(
        st.sampled_from(
            [c for c in CONCEPTS.values() if c.kind in (Kind.FINDING, Kind.RESULT, Kind.CATEGORY)]
        )
    )
    value = draw(st.sampled_from(concept.values))
    return Observation(
        concept.code, value, date=draw(dates), explained_by=draw(causes), note=draw(notes)
    )


@st.composite
def laboratory(draw: st.DrawFn) -> Observation:
    level = draw(st.decimals(0, 500, places=2, allow_nan=False, allow_infinity=False))
    limit = draw(st.decimals(1, 500, places=1, allow_nan=False, allow_infinity=False))
    return draw(
        st.sampled_from(
            [
                Observation("c3", level, unit="mg/dL", lower_limit=limit),
                Observation("anti_dsdna", level, unit="IU/mL", upper_limit=limit, assay="elisa"),
                Observation("anticardiolipin", level, unit="GPL", isotype="IgM"),
                Observation("c4", "low"),
            ]
        )
    )


@st.composite
def titres(draw: st.DrawFn) -> Observation:
    value = draw(
        st.integers(1, 10_240).map(lambda n: f"1:{n}") | st.sampled_from(["positive", "negative"])
    )
    return Observation("ana", value, date=draw(dates), assay=draw(st.none() | st.just("hep2_iif")))


assertions = st.builds(
    Observation,
    st.sampled_from([f"eular_acr_2019.{item.code}" for item in CRITERIA]),
    st.sampled_from(["present", "absent"]),
    date=dates,
)

observations = quantities() | categorical() | laboratory() | titres() | assertions
patients = st.builds(
    Patient,
    st.text(min_size=1, max_size=12),
    st.lists(observations, max_size=8).map(tuple),
)


@given(patients)
def test_round_trip_property(patient: Patient) -> None:
    assert patient_from_dict(patient_to_dict(patient)) == patient
    assert list(iter_json(io.StringIO(dumps(patient)))) == [patient]
    ((_, again),) = iter_json_lines(io.StringIO(dumps(patient) + "\n"))
    assert again == patient


def test_a_limit_on_a_quantity_with_a_published_threshold_is_refused() -> None:
    # a platelet count is judged against the published < 100,000/mm³, never a
    # laboratory's own range: a limit given with it would be silently ignored
    with pytest.raises(InvalidEvidenceError) as caught:
        Observation("platelet_count", 90_000, unit="/µL", lower_limit=150_000)
    assert str(caught.value) == (
        "observation 'platelet_count' field 'lower_limit': not used for platelet_count "
        "(a fixed published threshold applies)"
    )


class TestStrictJson:
    """Nothing silently dropped: JSON readers keep the last of two equal keys."""

    def test_a_repeated_key_is_an_error(self) -> None:
        text = '{"patient": "P1", "observations": [{"code": "platelet_count", ' + (
            '"value": 45000, "value": 450000, "unit": "/µL"}]}'
        )
        with pytest.raises(InvalidEvidenceError) as caught:
            next(records.iter_json(io.StringIO(text)))
        assert str(caught.value) == (
            "field 'value': is given twice in one JSON object; give each field once"
        )

    def test_a_repeated_key_in_json_lines_names_the_line(self) -> None:
        lines = io.StringIO('{"patient": "P1", "patient": "P2", "observations": []}\n')
        [(number, error)] = list(records.iter_json_lines(lines))
        assert number == 1
        assert str(error) == (
            "record 'line 1' field 'patient': is given twice in one JSON object; "
            "give each field once"
        )

    @pytest.mark.parametrize("text", ["2024-W10-3", "20240306", "2024-3-6", "2024-03-06T00:00"])
    def test_only_calendar_dates_written_yyyy_mm_dd(self, text: str) -> None:
        with pytest.raises(ValueError, match=r"must be a date written YYYY-MM-DD"):
            records.parse_date(text)

    def test_a_calendar_date(self) -> None:
        assert records.parse_date("2024-03-06") == datetime.date(2024, 3, 6)


@pytest.mark.parametrize("assay", ["EIA", "Elisa (IgG)", "ELISA"])
def test_anti_dsdna_assay_from_a_closed_list(assay: str) -> None:
    # SLICC reads an ELISA level against twice the limit: an assay the library cannot
    # name exactly must not be read as some other assay
    with pytest.raises(InvalidEvidenceError) as caught:
        Observation("anti_dsdna", 45, unit="IU/mL", upper_limit=30, assay=assay)
    assert str(caught.value) == (
        "observation 'anti_dsdna' field 'assay': must be one of elisa, farr, crithidia, "
        f"clia, fema, multiplex, other for anti_dsdna (got {assay!r})"
    )


def test_a_number_json_cannot_hold_exactly_is_refused_with_its_place() -> None:
    observation = Observation(
        "temperature", Decimal("38.30000000000000000001"), unit="°C", date=DAY
    )
    with pytest.raises(InvalidEvidenceError) as caught:
        records.patient_to_dict(Patient("P9", (observation,)))
    assert str(caught.value) == (
        "record 'P9' observations[0] (temperature) field 'value': "
        "38.30000000000000000001 cannot be written to JSON exactly"
    )


def test_patient_observations_must_be_observations() -> None:
    with pytest.raises(InvalidItemsError, match=r"iterable of Observation \(got 'ana'\)"):
        Patient("P", "ana")  # type: ignore[arg-type]
    with pytest.raises(InvalidItemsError, match=r"got 'ana' of type str"):
        Patient("P", ("ana",))  # type: ignore[arg-type]


def test_eular_code_that_belongs_to_another_instrument_says_so() -> None:
    with pytest.raises(UnknownCodeError) as caught:
        eular_acr_2019.classify(["ana_positive", "arthritis"])
    assert str(caught.value) == (
        "unknown EULAR/ACR 2019 code 'arthritis' ('arthritis' is an item of sledai_2k, acr_1997)"
    )


def test_a_fahrenheit_temperature_given_in_celsius_gets_a_hint() -> None:
    # 104 °C is impossible; 104 °F (40 °C) is a fever
    with pytest.raises(InvalidEvidenceError) as caught:
        Observation("temperature", 104, unit="°C")
    assert str(caught.value) == (
        "observation 'temperature' field 'value': 104 °C is impossible; expected between "
        "25 and 45 °C; if it was measured in °F, give unit '°F' (UCUM '[degF]')"
    )
