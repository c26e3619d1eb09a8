"""Values as laboratories and pipelines hold them: censored results, results without
their laboratory's reference range, numpy and pandas scalars, timestamps, decimal
text and a carried-along source.

A censored result (">200") is every value on that side of its bound; compared with a
threshold or a laboratory limit it meets the definition, fails it, or is undecided,
and an undecided result leaves the item not assessed with a reason naming it. A
laboratory value without the limit it is judged against leaves only the items that
need that limit not assessed.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

import numpy
import pandas
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import ABSENT, DAY, NOT_ASSESSED, PRESENT, obs
from naive import censored_compare
from sle_scoring import (
    InvalidEvidenceError,
    ItemStatus,
    Observation,
    Patient,
    acr_1997,
    eular_acr_2019,
    records,
    sledai_2k,
    slicc_2012,
)
from sle_scoring.evidence import COMPARATORS
from sle_scoring.vocabulary import concept


def dsdna_record(value: object, upper_limit: object) -> Patient:
    """One JSON record holding one anti-dsDNA result in IU/mL."""
    text = json.dumps(
        {
            "patient": "P1",
            "observations": [
                {
                    "code": "anti_dsdna",
                    "date": DAY.isoformat(),
                    "value": value,
                    "unit": "IU/mL",
                    "upper_limit": upper_limit,
                }
            ],
        }
    )
    return records.patient_from_dict(records.loads(text))


def dna_binding(patient: Patient) -> ItemStatus:
    return sledai_2k.score_visit(patient, DAY).finding("increased_dna_binding").status


def error_of(*args: object, **fields: object) -> str:
    with pytest.raises(InvalidEvidenceError) as caught:
        Observation(*args, **fields)  # type: ignore[arg-type]
    return str(caught.value)


class TestCensoredDnaBinding:
    """SLEDAI-2K increased DNA binding: "increased DNA binding by Farr assay above
    normal range for testing laboratory", with a censored result."""

    def test_above_a_bound_above_the_limit_is_present(self) -> None:
        # "> 200" lies wholly above 100
        assert dna_binding(dsdna_record(">200", 100)) is PRESENT

    def test_below_a_bound_below_the_limit_is_absent(self) -> None:
        # "< 10" lies wholly below 30
        assert dna_binding(dsdna_record("<10", 30)) is ABSENT

    def test_above_a_bound_below_the_limit_is_not_assessed_naming_it(self) -> None:
        # "> 4" may be 4.5 (not above 5) or 6 (above 5)
        found = sledai_2k.score_visit(dsdna_record(">4", 5), DAY).finding("increased_dna_binding")
        assert found.status is NOT_ASSESSED
        assert found.reason == (
            "not assessed: anti-dsDNA above the normal range: anti_dsdna > 4 IU/mL (upper "
            "limit 5) on 2023-10-01 is censored, so it may or may not meet the definition"
        )
        assert [o.comparator for o in found.evidence] == [">"]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (">5", PRESENT),  # every value above 5 is above 5
            (">=5", NOT_ASSESSED),  # 5 itself is not above 5
            ("<=5", ABSENT),  # nothing at or below 5 is above 5
            ("<5.01", NOT_ASSESSED),  # 5.005 is above 5
        ],
    )
    def test_both_sides_of_the_limit(self, value: str, expected: ItemStatus) -> None:
        assert dna_binding(dsdna_record(value, 5)) is expected

    def test_a_comparator_field_is_the_same_as_one_in_the_text(self) -> None:
        given_apart = Observation("anti_dsdna", 200, unit="IU/mL", upper_limit=100, comparator=">")
        assert given_apart == Observation("anti_dsdna", ">200", unit="IU/mL", upper_limit=100)

    def test_slicc_twice_the_range_by_elisa(self) -> None:
        # SLICC 2012: "If tested by ELISA: twice above laboratory reference range"
        def slicc(value: str) -> ItemStatus:
            dsdna = obs("anti_dsdna", value, "IU/mL", upper_limit=100, assay="elisa")
            return slicc_2012.classify_patient(Patient("p", (dsdna,))).finding("anti_dsdna").status

        assert slicc(">200") is PRESENT  # above 2 x 100
        assert slicc(">150") is NOT_ASSESSED  # 160 is not, 250 is
        assert slicc("<200") is ABSENT  # never above 200


class TestCensoredQuantities:
    """Thresholds of quantities judge a censored value exactly, in every unit:
    thrombocytopenia "< 100,000/mm³" (EULAR/ACR 2019), hematuria "> 5 red blood cells
    per high-power field" (SLEDAI-2K)."""

    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [
            ("<20", "10*9/L", PRESENT),  # below 20,000/mm³
            ("<100", "10*9/L", PRESENT),  # below 100,000/mm³
            ("<=100", "10*9/L", NOT_ASSESSED),  # may be 100,000
            (">100", "10*9/L", ABSENT),
            (">=100", "10^3/µL", ABSENT),  # 100,000 is not below 100,000
            ("<150", "10*9/L", NOT_ASSESSED),  # 90,000 or 120,000
        ],
    )
    def test_thrombocytopenia(self, value: str, unit: str, expected: ItemStatus) -> None:
        patient = Patient("p", (obs("platelet_count", value, unit),))
        result = eular_acr_2019.classify_patient(patient)
        assert result.finding("thrombocytopenia").status is expected

    @pytest.mark.parametrize(
        ("value", "expected"), [(">100", PRESENT), (">5", PRESENT), (">4", NOT_ASSESSED)]
    )
    def test_hematuria(self, value: str, expected: ItemStatus) -> None:
        patient = Patient("p", (obs("urine_red_cells", value, "/[HPF]"),))
        assert sledai_2k.score_visit(patient, DAY).finding("hematuria").status is expected

    def test_fahrenheit_exactly(self) -> None:
        # > 100.94 °F is above 38.3 °C exactly (100.94 °F = 38.3 °C)
        patient = Patient("p", (obs("temperature", ">100.94", "[degF]"),))
        assert eular_acr_2019.classify_patient(patient).finding("fever").status is PRESENT
        patient = Patient("p", (obs("temperature", ">=100.94", "[degF]"),))
        assert eular_acr_2019.classify_patient(patient).finding("fever").status is NOT_ASSESSED

    def test_an_undecided_value_does_not_hide_a_decided_one(self) -> None:
        # One platelet count "< 150" (undecided) and one 45,000 (< 100,000): present
        patient = Patient(
            "p",
            (
                obs("platelet_count", "<150", "10*9/L", days_before=3),
                obs("platelet_count", 45, "10*9/L"),
            ),
        )
        assert eular_acr_2019.classify_patient(patient).finding("thrombocytopenia").status is (
            PRESENT
        )

    def test_an_undecided_value_keeps_a_negative_from_reading_absent(self) -> None:
        # 120,000 (not below) and "< 150" (perhaps below): the item may have been met
        patient = Patient(
            "p",
            (
                obs("platelet_count", 120, "10*9/L", days_before=3),
                obs("platelet_count", "<150", "10*9/L"),
            ),
        )
        found = eular_acr_2019.classify_patient(patient).finding("thrombocytopenia")
        assert found.status is NOT_ASSESSED
        assert "platelet_count < 150 10*9/L on 2023-10-01 is censored" in found.reason


@given(
    bound=st.fractions(min_value=-9, max_value=9, max_denominator=8),
    cutoff=st.fractions(min_value=-20, max_value=20, max_denominator=8),
    comparator=st.sampled_from([None, *COMPARATORS]),
    sign=st.sampled_from(COMPARATORS),
)
def test_censored_comparisons_agree_with_a_naive_judge(
    bound: Fraction, cutoff: Fraction, comparator: str | None, sign: str
) -> None:
    """Every comparison of a censored value agrees with trying numbers of its set."""
    # temperatures in °C are plausible between 25 and 45: shift into that range
    shift = 35
    decimal = Decimal(bound.numerator) / Decimal(bound.denominator)
    if Fraction(decimal) != bound:
        return  # no finite decimal form (an eighth always has one)
    value = Decimal(shift) + decimal
    observation = Observation("temperature", value, unit="°C", comparator=comparator)
    expected = censored_compare(bound, comparator, sign, cutoff)
    assert observation.compare(sign, cutoff + shift) is expected


class TestMissingReferenceRange:
    """A value without the laboratory's limit: only the items that need the limit are
    not assessed ("low complement: below the lower limit of normal for the testing
    laboratory"); every other item uses the evidence as before."""

    EVIDENCE = (
        obs("ana", "1:160"),
        obs("temperature", Decimal("38.5"), "°C"),
        obs("platelet_count", 80, "10*9/L"),
        obs("anti_dsdna", 300, "IU/mL", upper_limit=100),
        obs("pleural_effusion", "present"),
        obs("seizure", "absent"),
    )
    # The items fed by C3 in each instrument (docs/vocabulary.md)
    COMPLEMENT: ClassVar[dict[str, set[str]]] = {
        "eular_acr_2019": {"low_c3_or_low_c4", "low_c3_and_low_c4"},
        "slicc_2012": {"low_complement"},
        "sledai_2k": {"low_complement"},
        "acr_1997": set(),
    }

    @staticmethod
    def findings(c3: Observation) -> dict[str, dict[str, tuple[ItemStatus, str]]]:
        patient = Patient("p", (*TestMissingReferenceRange.EVIDENCE, c3))
        results = {
            "eular_acr_2019": eular_acr_2019.classify_patient(patient).findings,
            "slicc_2012": slicc_2012.classify_patient(patient).findings,
            "sledai_2k": sledai_2k.score_visit(patient, DAY).findings,
            "acr_1997": acr_1997.classify_patient(patient).findings,
        }
        return {
            name: {f.code: (f.status, f.reason) for f in found} for name, found in results.items()
        }

    def test_the_complement_items_list_what_c3_feeds(self) -> None:
        entry = concept("c3")
        assert entry is not None
        fed = {(feed.split(".")[0], feed.split(".")[1]) for feed in entry.feeds if "." in feed}
        assert fed == {(name, item) for name, items in self.COMPLEMENT.items() for item in items}

    def test_only_the_complement_items_are_not_assessed(self) -> None:
        without = self.findings(obs("c3", Decimal("0.58"), "g/L"))
        with_limit = self.findings(obs("c3", Decimal("0.58"), "g/L", lower_limit=Decimal("0.9")))
        for name, items in self.COMPLEMENT.items():
            for code, (status, reason) in without[name].items():
                if code in items:
                    assert status is NOT_ASSESSED, (name, code)
                    assert "c3 0.58 g/L on 2023-10-01 has no laboratory lower limit" in reason
                    assert "has no laboratory" not in with_limit[name][code][1], (name, code)
                else:
                    assert (status, reason) == with_limit[name][code], (name, code)

    def test_the_reason_names_the_value_and_the_limit(self) -> None:
        patient = Patient("p", (obs("c3", Decimal("0.58"), "g/L"),))
        found = sledai_2k.score_visit(patient, DAY).finding("low_complement")
        assert found.reason == (
            "not assessed: CH50, C3 or C4 below the lower limit of normal (low CH50: not "
            "assessed; low C3: not assessed (c3 0.58 g/L on 2023-10-01 has no laboratory lower "
            "limit); low C4: not assessed)"
        )

    def test_another_low_measure_still_decides(self) -> None:
        # C4 below its limit: SLEDAI-2K low complement whatever C3's range
        patient = Patient(
            "p",
            (obs("c3", Decimal("0.58"), "g/L"), obs("c4", Decimal("0.05"), "g/L", lower_limit=0.1)),
        )
        assert sledai_2k.score_visit(patient, DAY).finding("low_complement").status is PRESENT

    def test_a_clinicians_absent_still_decides(self) -> None:
        # the clinician judged complement not low: absent, not "not assessed"
        patient = Patient(
            "p", (obs("c3", Decimal("0.58"), "g/L"), obs("sledai_2k.low_complement", "absent"))
        )
        assert sledai_2k.score_visit(patient, DAY).finding("low_complement").status is ABSENT

    def test_anticardiolipin_in_units_without_a_limit_is_not_assessed(self) -> None:
        # "> 40 GPL units" does not apply to U/mL; "> 99th percentile" needs the limit
        patient = Patient("p", (obs("anticardiolipin", 55, "U/mL", isotype="IgG"),))
        found = eular_acr_2019.classify_patient(patient).finding("antiphospholipid_antibodies")
        assert found.status is NOT_ASSESSED
        assert "has no laboratory upper limit" in found.reason


class TestAnticardiolipinUnits:
    """ "Anticardiolipin antibodies at medium or high titer (> 40 APL, GPL, or MPL
    units, or > the 99th percentile)": every accepted spelling of those units."""

    @pytest.mark.parametrize("unit", ["GPL", "gpl", "[GPL'U]/mL", "mpl u/ml", "[APL'U]/mL"])
    @pytest.mark.parametrize(("value", "expected"), [(41, PRESENT), (40, ABSENT)])
    def test_above_40_units(self, unit: str, value: int, expected: ItemStatus) -> None:
        patient = Patient("p", (obs("anticardiolipin", value, unit, isotype="IgG"),))
        found = eular_acr_2019.classify_patient(patient).finding("antiphospholipid_antibodies")
        assert found.status is expected

    def test_above_40_units_below_the_laboratory_limit(self) -> None:
        # "> 40 ... units, or > the 99th percentile": either suffices
        level = obs("anticardiolipin", 45, "[GPL'U]/mL", isotype="IgG", upper_limit=50)
        result = eular_acr_2019.classify_patient(Patient("p", (level,)))
        assert result.finding("antiphospholipid_antibodies").status is PRESENT

    def test_a_censored_level_against_40_units(self) -> None:
        def status(value: str) -> ItemStatus:
            patient = Patient("p", (obs("anticardiolipin", value, "GPL", isotype="IgG"),))
            result = eular_acr_2019.classify_patient(patient)
            return result.finding("antiphospholipid_antibodies").status

        assert status(">80") is PRESENT
        assert status("<15") is ABSENT
        assert status(">20") is NOT_ASSESSED


class TestPipelineValues:
    """numpy and pandas scalars, decimal text and timestamps read exactly; anything
    that cannot be read exactly is the library's typed error."""

    def test_a_numpy_float_temperature_is_a_fever(self) -> None:
        # 2019 EULAR/ACR fever "> 38.3 °C": 38.4 °C as a numpy.float64
        temperature = Observation("temperature", numpy.float64(38.4), unit="Cel", date=DAY)
        assert temperature.value == Decimal("38.4")
        result = eular_acr_2019.classify_patient(Patient("p", (temperature,)))
        assert result.finding("fever").status is PRESENT

    def test_numpy_whole_numbers(self) -> None:
        platelets = Observation("platelet_count", numpy.int64(85), unit="10*9/L")
        assert platelets.quantity() == 85 * 1000  # 85 x 10^9/L = 85,000/µL
        assert Observation("swollen_joint_count", numpy.uint8(3), unit="joints").quantity() == 3

    def test_numpy_values_in_a_record(self) -> None:
        raw = {
            "patient": "P1",
            "observations": [
                {"code": "c3", "value": numpy.float64(0.58), "unit": "g/L", "lower_limit": 0.9},
                {"code": "platelet_count", "value": numpy.int64(85), "unit": "10*9/L"},
            ],
        }
        c3, platelets = records.patient_from_dict(raw).observations
        assert (c3.value, platelets.value) == (Decimal("0.58"), Decimal(85))

    def test_values_from_a_data_frame(self) -> None:
        frame = pandas.DataFrame({"value": [38.3], "day": [pandas.Timestamp("2024-01-05")]})
        temperature = Observation(
            "temperature", frame.at[0, "value"], unit="°C", date=frame.at[0, "day"]
        )
        assert (temperature.value, temperature.date) == (
            Decimal("38.3"),
            datetime.date(2024, 1, 5),
        )

    @pytest.mark.parametrize(
        "value", [numpy.True_, numpy.float64("nan"), pandas.NA], ids=["bool", "nan", "NA"]
    )
    def test_what_is_not_a_number_is_refused(self, value: object) -> None:
        message = error_of("temperature", value, unit="°C")
        assert message.startswith("observation 'temperature' field 'value': must be a finite")

    def test_a_float32_is_refused_rather_than_read_as_another_number(self) -> None:
        # float32(38.4) holds 38.400001525878906..., not the 38.4 that was typed
        assert error_of("temperature", numpy.float32(38.4), unit="°C") == (
            "observation 'temperature' field 'value': must be an int, a float (float64), a "
            "Decimal or decimal text, to be read exactly as typed (got <numpy.float32 object>)"
        )

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("85", Decimal(85)), ("38.4", Decimal("38.4")), (" 0.5 ", Decimal("0.5"))],
    )
    def test_decimal_text_is_read_exactly(self, text: str, expected: Decimal) -> None:
        assert Observation("platelet_count", text, unit="10*9/L").value == expected

    @pytest.mark.parametrize("text", ["38,4", "1e3", "1_000", "NaN", "38.4 °C", "> "])
    def test_other_text_is_refused(self, text: str) -> None:
        assert error_of("temperature", text, unit="°C") == (
            f"observation 'temperature' field 'value': must be a finite number (got {text!r})"
        )

    def test_decimal_text_limits(self) -> None:
        c3 = Observation("c3", "0.58", unit="g/L", lower_limit="0.9")
        assert (c3.value, c3.lower_limit) == (Decimal("0.58"), Decimal("0.9"))

    @pytest.mark.parametrize(
        ("stamp", "day"),
        [
            # the calendar date in the timestamp's own offset
            (datetime.datetime(2024, 1, 5, 23, 30), datetime.date(2024, 1, 5)),
            (
                datetime.datetime(
                    2024, 1, 5, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
                ),
                datetime.date(2024, 1, 5),  # 2024-01-06 04:30 in UTC
            ),
            (pandas.Timestamp("2024-01-05T00:30:00+01:00"), datetime.date(2024, 1, 5)),
        ],
    )
    def test_timestamps(self, stamp: datetime.datetime, day: datetime.date) -> None:
        assert Observation("seizure", "present", date=stamp).date == day

    def test_not_a_time_is_refused(self) -> None:
        assert error_of("seizure", "present", date=pandas.NaT).startswith(
            "observation 'seizure' field 'date': must be a date (got "
        )

    @pytest.mark.parametrize(
        ("text", "day"),
        [
            ("2024-01-05T09:30:00Z", "2024-01-05"),
            ("2024-01-05T23:30:00-05:00", "2024-01-05"),
            ("2024-01-05 09:30", "2024-01-05"),
            ("2024-01-05T09:30:00.123456+01:00", "2024-01-05"),
        ],
    )
    def test_timestamps_in_a_record(self, text: str, day: str) -> None:
        raw = {
            "patient": "P1",
            "observations": [{"code": "seizure", "date": text, "value": "present"}],
        }
        patient = records.patient_from_dict(raw)
        assert patient.observations[0].date == datetime.date.fromisoformat(day)

    @pytest.mark.parametrize("text", ["2024-01-05T25:00:00Z", "2024-01-05T09:30:00+24:00"])
    def test_impossible_timestamps_in_a_record(self, text: str) -> None:
        raw = {
            "patient": "P1",
            "observations": [{"code": "seizure", "date": text, "value": "present"}],
        }
        with pytest.raises(InvalidEvidenceError) as caught:
            records.patient_from_dict(raw)
        assert str(caught.value) == (
            "record 'P1' observations[0] (seizure) field 'date': must be a date written "
            f"YYYY-MM-DD (got {text!r})"
        )

    @pytest.mark.parametrize(
        ("code", "text", "expected"),
        [
            ("anti_dsdna", "Negative", "negative"),
            ("anti_sm", "POSITIVE", "positive"),
            ("seizure", " Present ", "present"),
            ("renal_biopsy_class", "iv", "IV"),
            ("sledai_2k.rash", "Absent", "absent"),
        ],
    )
    def test_categories_in_any_letter_case(self, code: str, text: str, expected: str) -> None:
        assert Observation(code, text).value == expected


class TestComparatorErrors:
    """A comparator belongs to a laboratory result's number, and is one of four."""

    def test_an_unknown_comparator(self) -> None:
        assert error_of("platelet_count", 20, unit="10*9/L", comparator="=<") == (
            "observation 'platelet_count' field 'comparator': must be one of <, <=, >=, > "
            "(got '=<')"
        )

    def test_two_comparators_that_disagree(self) -> None:
        assert error_of("platelet_count", "<20", unit="10*9/L", comparator=">") == (
            "observation 'platelet_count' field 'comparator': is '>', but the value says '<' "
            "(got value '<20')"
        )

    def test_a_dose_is_recorded_exactly(self) -> None:
        assert error_of("prednisone_dose", "<5", unit="mg/day") == (
            "observation 'prednisone_dose' field 'comparator': not allowed for "
            "prednisone_dose: a daily dose is recorded exactly"
        )

    def test_a_censored_value_that_leaves_nothing_plausible(self) -> None:
        assert error_of("platelet_count", "<0", unit="/µL") == (
            "observation 'platelet_count' field 'value': < 0 /µL is impossible; expected "
            "between 0 and 2000000 /µL"
        )

    def test_a_censored_text_for_a_finding(self) -> None:
        assert error_of("seizure", ">5", comparator=">") == (
            "observation 'seizure' field 'comparator': only allowed with a numeric laboratory value"
        )

    def test_a_comparator_with_a_call(self) -> None:
        assert error_of("c3", "low", comparator="<") == (
            "observation 'c3' field 'comparator': only allowed with a numeric laboratory value"
        )


class TestSource:
    """A documented ``source`` is carried along untouched and never read by scoring."""

    def test_carried_through_a_record(self) -> None:
        raw = {
            "patient": "P1",
            "observations": [
                {
                    "code": "c3",
                    "date": "2024-01-05",
                    "value": 0.58,
                    "unit": "g/L",
                    "lower_limit": 0.9,
                    "source": {"loinc": "4485-9", "system": "LIS A"},
                }
            ],
        }
        patient = records.patient_from_dict(raw)
        assert patient.observations[0].source == {"loinc": "4485-9", "system": "LIS A"}
        assert records.patient_to_dict(patient) == raw

    def test_ignored_by_scoring(self) -> None:
        plain = obs("c3", Decimal("0.58"), "g/L", lower_limit=Decimal("0.9"))
        sourced = obs("c3", Decimal("0.58"), "g/L", lower_limit=Decimal("0.9"), source="row 7")
        assert sledai_2k.score_visit(Patient("p", (plain,)), DAY).total == (
            sledai_2k.score_visit(Patient("p", (sourced,)), DAY).total
        )

    @pytest.mark.parametrize("source", [7, {"loinc": 4485}, ["4485-9"]])
    def test_anything_but_text_is_refused(self, source: object) -> None:
        message = error_of("seizure", "present", source=source)
        assert message.startswith(
            "observation 'seizure' field 'source': must be text, or an object whose keys and "
            "values are text (got "
        )


_CENSORABLE = st.sampled_from(
    [
        ("anti_dsdna", "IU/mL", "upper_limit"),
        ("c3", "g/L", "lower_limit"),
        ("platelet_count", "10*9/L", None),
        ("urine_protein_24h", "g/24 h", None),
    ]
)


@given(
    kind=_CENSORABLE,
    value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(45), places=2),
    comparator=st.sampled_from([None, *COMPARATORS]),
    limit=st.one_of(st.none(), st.decimals(min_value=Decimal("0.5"), max_value=100, places=1)),
    source=st.one_of(
        st.none(),
        st.text("ab-49", max_size=5),
        st.dictionaries(st.text("ab-49", max_size=3), st.text("ab-49", max_size=3), max_size=2),
    ),
)
def test_records_round_trip(
    kind: tuple[str, str, str | None],
    value: Decimal,
    comparator: str | None,
    limit: Decimal | None,
    source: object,
) -> None:
    """JSON record -> Observation -> JSON record -> the same Observation."""
    code, unit, limit_name = kind
    entry: dict[str, object] = {"code": code, "date": "2024-01-05", "unit": unit}
    entry["value"] = f"{comparator}{value}" if comparator else value
    if limit_name is not None and limit is not None:
        entry[limit_name] = limit
    if source is not None:
        entry["source"] = source
    first = records.patient_from_dict({"patient": "P1", "observations": [entry]})
    text = records.dumps(first)
    again = records.patient_from_dict(records.loads(text))
    assert again == first
    assert again.observations[0].source == first.observations[0].source
    assert again.observations[0].comparator == comparator
