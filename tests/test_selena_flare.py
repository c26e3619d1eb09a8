"""The classic SELENA-SLEDAI flare index (spec trial-outcomes.md section 2), as the EULAR
review table gives it: severe flare on "Change in SELENA-SLEDAI instrument score to >12
points", "Increase in prednisone to >0.5 mg/kg/day", "New cyclophosphamide,
azathioprine, m[ethotrexate]", hospitalisation, new or worse severe manifestations or a
PGA "increase to > 2.5"; mild/moderate on "Change in SELENA-SLEDAI instrument score of
3 points or more (but not to >12)", "Increase in prednisone, but not to >0.5
mg/kg/day", "Addition of NSAID, hydroxychloroquine for SLE activity", "≥ 1.0 increase
in PGA score, but not to >2.5", or new or worse mild/moderate manifestations.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from naive import SLEDAI_2K_WEIGHTS, selena_flare_category
from sle_scoring import InvalidEvidenceError, InvalidItemsError, UnknownCodeError, sledai_2k
from sle_scoring.evidence import Observation, Patient
from sle_scoring.selena_flare import CRITERIA, Category, State, assess, assess_visits

#: No criterion met: SLEDAI 4 -> 4, PGA 1.0 -> 1.0, prednisone 10 -> 10 mg/day at 60
#: kg, every flag stated False.
FLAGS: dict[str, Any] = {
    "severe_manifestations": False,
    "mild_moderate_manifestations": False,
    "hospitalisation": False,
    "new_immunosuppressant": False,
    "nsaid_or_hydroxychloroquine_added": False,
}
QUIET: dict[str, Any] = {
    "pga_previous": Decimal("1.0"),
    "pga_current": Decimal("1.0"),
    "prednisone_previous_mg": 10,
    "prednisone_current_mg": 10,
    "weight_kg": 60,
    **FLAGS,
}


def sfi(previous: Any = 4, current: Any = 4, **changes: Any) -> Any:
    return assess(previous, current, **{**QUIET, **changes})


def test_nothing_met_is_no_flare() -> None:
    result = sfi()
    assert result.category is Category.NO_FLARE
    assert result.verdict == "no flare"
    assert result.complete
    assert all(c.state is State.NOT_MET for c in result.criteria)


class TestSledai:
    """Spec 2, S1/M1 boundary table. S1, reading adopted: "current score > 12 and current
    > previous"; M1: "SELENA-SLEDAI increase ≥ 3 points with a current score ≤ 12"."""

    @pytest.mark.parametrize(
        ("previous", "current", "s1", "m1", "category"),
        [
            (4, 6, State.NOT_MET, State.NOT_MET, Category.NO_FLARE),  # + 2
            (4, 7, State.NOT_MET, State.MET, Category.MILD_MODERATE),  # + 3
            (8, 12, State.NOT_MET, State.MET, Category.MILD_MODERATE),  # + 4, not > 12
            (10, 13, State.MET, State.NOT_MET, Category.SEVERE),  # to 13 > 12
            (14, 13, State.NOT_MET, State.NOT_MET, Category.NO_FLARE),  # a decrease
            (12, 13, State.MET, State.NOT_MET, Category.SEVERE),  # + 1 crossing 12
            (13, 13, State.NOT_MET, State.NOT_MET, Category.NO_FLARE),  # unchanged above 12
        ],
    )
    def test_table(
        self, previous: int, current: int, s1: State, m1: State, category: Category
    ) -> None:
        result = sfi(previous, current)
        assert result.criterion("s1_sledai").state is s1
        assert result.criterion("m1_sledai").state is m1
        assert result.category is category

    def test_the_reason_shows_the_change(self) -> None:
        assert sfi(4, 7).verdict == "mild/moderate flare: m1_sledai (SLEDAI-2K 4 -> 7 (+3))"

    def test_descriptors_not_assessed(self) -> None:
        previous = sledai_2k.score(["arthritis"])  # 4
        sure = sledai_2k.score(["arthritis", "rash", "fever"], not_assessed=["leukopenia"])  # 7-8
        assert sfi(previous, sure).category is Category.MILD_MODERATE
        # 4 + 2 = 6 to 6 + 1 = 7: an increase of 2 or 3
        open_ = sledai_2k.score(["arthritis", "rash"], not_assessed=["fever"])
        result = sfi(previous, open_)
        assert result.criterion("m1_sledai").state is State.UNDETERMINED
        assert result.verdict == (
            "cannot be determined: SLEDAI-2K at the current visit fever missing "
            "(no flare to mild/moderate flare)"
        )

    def test_crossing_12_with_descriptors_not_assessed(self) -> None:
        # previous 8; current 4 + 4 + 2 + 2 = 12 to 12 + 1 = 13: M1 or S1, a flare either way
        current = sledai_2k.score(
            ["arthritis", "myositis", "rash", "alopecia"], not_assessed=["fever"]
        )
        result = sfi(8, current)
        assert result.criterion("s1_sledai").state is State.UNDETERMINED
        assert result.criterion("m1_sledai").state is State.UNDETERMINED
        assert (result.least, result.most) == (Category.NO_FLARE, Category.SEVERE)

    def test_missing(self) -> None:
        assert sfi(None, 4).category is Category.UNDETERMINED

    def test_non_standard_on_sledai_2k(self) -> None:
        """Spec 2: "if the caller supplies SLEDAI-2K totals instead, the result must say
        'SFI computed on SLEDAI-2K (non-standard)'"."""
        assert "SFI computed on SLEDAI-2K (non-standard)" in sfi().notes
        selena = sfi(sledai_version="SELENA-SLEDAI")
        assert not any("non-standard" in note for note in selena.notes)
        assert selena.criterion("s1_sledai").reason == "SELENA-SLEDAI 4 -> 4 (+0)"

    def test_a_score_is_not_selena_sledai(self) -> None:
        with pytest.raises(InvalidItemsError):
            sfi(sledai_2k.score([]), 4, sledai_version="SELENA-SLEDAI")
        with pytest.raises(InvalidItemsError):
            sfi(sledai_version="SLEDAI")


class TestPga:
    """Spec 2, S6/M5 boundary table. S6, reading adopted: "current PGA > 2.5 and current
    > previous"; M5: "PGA increase ≥ 1.0 point with a current PGA ≤ 2.5" (F1: "≥ 1.0
    increase in PGA score, but not to >2.5"; DISAGREEMENT settled for F1)."""

    @pytest.mark.parametrize(
        ("previous", "current", "s6", "m5"),
        [
            ("0.5", "1.4", State.NOT_MET, State.NOT_MET),  # + 0.9
            ("0.5", "1.5", State.NOT_MET, State.MET),  # + 1.0
            ("1.5", "2.5", State.NOT_MET, State.MET),  # + 1.0 to 2.5
            ("1.5", "2.6", State.MET, State.NOT_MET),  # to 2.6 > 2.5
            ("2.7", "2.6", State.NOT_MET, State.NOT_MET),  # a fall, above 2.5
            ("0", "0.9", State.NOT_MET, State.NOT_MET),  # to >= 1.0 would be F2's reading
        ],
    )
    def test_table(self, previous: str, current: str, s6: State, m5: State) -> None:
        result = sfi(pga_previous=previous, pga_current=current)
        assert result.criterion("s6_pga").state is s6
        assert result.criterion("m5_pga").state is m5

    def test_f2_reading_is_not_used(self) -> None:
        # F2: "increase in PGA to >= 1.0 and <= 2.5"; 0.8 -> 1.0 would be a flare there.
        assert sfi(pga_previous="0.8", pga_current="1.0").category is Category.NO_FLARE

    def test_missing(self) -> None:
        result = sfi(pga_current=None)
        assert result.verdict == (
            "cannot be determined: PGA at the current visit missing (no flare to severe flare)"
        )


class TestPrednisone:
    """Spec 2, S3/M3 boundary table (60 kg): S3 reading adopted (F1): "current dose >
    previous dose and current dose / body weight > 0.5 mg/kg/day"; M3: "Prednisone
    increased (current > previous) with the current dose ≤ 0.5 mg/kg/day"."""

    @pytest.mark.parametrize(
        ("previous", "current", "s3", "m3"),
        [
            (10, 30, State.NOT_MET, State.MET),  # 30 / 60 = 0.5
            (10, 31, State.MET, State.NOT_MET),  # 31 / 60 = 0.517
            (40, 40, State.NOT_MET, State.NOT_MET),  # unchanged at 0.67: no increase
            (40, 35, State.NOT_MET, State.NOT_MET),  # lower
        ],
    )
    def test_table(self, previous: int, current: int, s3: State, m3: State) -> None:
        result = sfi(prednisone_previous_mg=previous, prednisone_current_mg=current)
        assert result.criterion("s3_prednisone").state is s3
        assert result.criterion("m3_prednisone").state is m3

    def test_reason(self) -> None:
        result = sfi(prednisone_previous_mg=10, prednisone_current_mg=31)
        assert result.criterion("s3_prednisone").reason == (
            "prednisone 10 -> 31 mg/day: increased to 0.517 mg/kg/day (> 0.5) at 60 kg"
        )
        assert result.triggered_treatment == ("s3_prednisone",)
        assert result.triggered_clinical == ()

    def test_without_weight(self) -> None:
        """Spec 2: "Without a weight, S3/M3 cannot be determined, except that an
        unchanged or lower dose makes both not met"."""
        unchanged = sfi(weight_kg=None)
        assert unchanged.category is Category.NO_FLARE
        raised = sfi(weight_kg=None, prednisone_current_mg="12.5")
        assert raised.criterion("s3_prednisone").state is State.UNDETERMINED
        assert raised.verdict == (
            "cannot be determined: body weight missing (mild/moderate flare to severe flare)"
        )

    def test_dose_missing(self) -> None:
        result = sfi(prednisone_previous_mg=None)
        assert result.criterion("m3_prednisone").missing == (
            "prednisone dose at the previous visit",
        )

    def test_weight_must_be_positive(self) -> None:
        with pytest.raises(InvalidEvidenceError):
            sfi(weight_kg=0)


class TestFlags:
    """Spec 2: S2, M2, S4, S5 and M4 are caller flags."""

    @pytest.mark.parametrize(
        ("flag", "code", "category"),
        [
            ("severe_manifestations", "s2_severe_manifestations", Category.SEVERE),
            ("new_immunosuppressant", "s4_new_immunosuppressant", Category.SEVERE),
            ("hospitalisation", "s5_hospitalisation", Category.SEVERE),
            (
                "mild_moderate_manifestations",
                "m2_mild_moderate_manifestations",
                Category.MILD_MODERATE,
            ),
            (
                "nsaid_or_hydroxychloroquine_added",
                "m4_nsaid_or_hydroxychloroquine",
                Category.MILD_MODERATE,
            ),
        ],
    )
    def test_each_flag(self, flag: str, code: str, category: Category) -> None:
        result = sfi(**{flag: True})
        assert result.category is category
        assert result.criterion(code).state is State.MET

    def test_not_a_bool(self) -> None:
        with pytest.raises(InvalidItemsError):
            sfi(hospitalisation="yes")


class TestMissingInputs:
    """Spec 2, missing inputs: "S5 flag missing while S1 is met: severe (decided), with
    S5 listed as missing"; "No criterion met and S2 not stated: cannot be determined"."""

    def test_severe_decided_without_s5(self) -> None:
        result = sfi(10, 13, hospitalisation=None)
        assert result.category is Category.SEVERE
        assert result.missing == ("hospitalisation flag",)
        assert result.verdict == (
            "severe flare: s1_sledai (SLEDAI-2K 10 -> 13 (+3)) (hospitalisation flag missing)"
        )

    def test_no_flare_needs_every_criterion(self) -> None:
        result = sfi(severe_manifestations=None)
        assert result.category is Category.UNDETERMINED
        assert result.verdict == (
            "cannot be determined: severe_manifestations flag missing (no flare to severe flare)"
        )

    def test_mild_met_with_a_severe_criterion_open(self) -> None:
        result = sfi(4, 7, hospitalisation=None)
        assert (result.least, result.most) == (Category.MILD_MODERATE, Category.SEVERE)
        assert result.category is Category.UNDETERMINED


class TestWithoutTreatmentCriteria:
    """Spec 2, "Known issue: treatment rules inflate severity (F4)": "The library
    therefore offers `exclude_treatment_criteria=True`. It returns the category from the
    clinical criteria only and labels it 'SFI without treatment criteria (cf. Thanou
    2014)'"."""

    def test_a_severe_flare_by_prednisone_only_is_no_flare(self) -> None:
        raised = {"prednisone_previous_mg": 10, "prednisone_current_mg": 40}  # 0.67 mg/kg
        assert sfi(**raised).category is Category.SEVERE
        result = sfi(**raised, exclude_treatment_criteria=True)
        assert result.category is Category.NO_FLARE
        assert result.name == "SFI without treatment criteria (cf. Thanou 2014)"
        assert result.triggered_treatment == ("s3_prednisone",)  # still reported
        assert "Treatment criteria (not counted):" in result.explain()

    def test_missing_treatment_inputs_do_not_count(self) -> None:
        result = sfi(
            new_immunosuppressant=None,
            weight_kg=None,
            prednisone_current_mg=20,
            exclude_treatment_criteria=True,
        )
        assert result.category is Category.NO_FLARE
        assert result.complete

    def test_clinical_and_treatment_apart(self) -> None:
        result = sfi(4, 7, nsaid_or_hydroxychloroquine_added=True)
        assert result.triggered_clinical == ("m1_sledai",)
        assert result.triggered_treatment == ("m4_nsaid_or_hydroxychloroquine",)
        assert [c.code for c in result.clinical] == [
            "s1_sledai",
            "s2_severe_manifestations",
            "s5_hospitalisation",
            "s6_pga",
            "m1_sledai",
            "m2_mild_moderate_manifestations",
            "m5_pga",
        ]
        assert [c.code for c in result.treatment] == [
            "s3_prednisone",
            "s4_new_immunosuppressant",
            "m3_prednisone",
            "m4_nsaid_or_hydroxychloroquine",
        ]


class TestRecord:
    def test_as_record(self) -> None:
        record = sfi(4, 7, reference="baseline").as_record()
        assert record["selena_flare.category"] == "mild/moderate flare"
        assert record["selena_flare.triggered_clinical"] == "m1_sledai"
        assert record["selena_flare.triggered_treatment"] == ""
        assert record["selena_flare.reference"] == "baseline"
        assert record["selena_flare.m1_sledai"] == "met"
        assert record["selena_flare.input.weight_kg"] == "60"
        assert record["selena_flare.input.hospitalisation"] == "false"
        assert all(k.startswith("selena_flare.") for k in record)
        assert all(isinstance(v, (str, bool, type(None))) for v in record.values())

    def test_explain(self) -> None:
        text = sfi().explain()
        assert text.startswith("classic SELENA flare index: no flare (research use")
        assert "Note: reference visit: previous visit" in text

    def test_unknown_criterion(self) -> None:
        with pytest.raises(UnknownCodeError, match="did you mean 's1_sledai'"):
            sfi().criterion("s1_sleda")

    def test_reference_must_be_named(self) -> None:
        with pytest.raises(InvalidItemsError):
            sfi(reference="screening")


class TestFromEvidence:
    def test_prednisone_equivalents_from_evidence(self) -> None:
        before, after = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)
        absent = [
            Observation(f"sledai_2k.{code}", "absent", date=day)
            for day in (before, after)
            for code in SLEDAI_2K_WEIGHTS
        ]
        patient = Patient(
            "p",
            (
                *absent,
                Observation("prednisone_dose", 10, date=before, unit="mg/day"),
                # 32 mg methylprednisolone = 32 x 5 / 4 = 40 mg prednisone
                Observation("methylprednisolone_dose", 32, date=after, unit="mg/day"),
                Observation("prednisone_dose", 0, date=after, unit="mg/day"),
                Observation("physician_global_assessment", 1, date=before, unit="0-3"),
                Observation("physician_global_assessment", 1, date=after, unit="0-3"),
            ),
        )
        result = assess_visits(patient, before, after, weight_kg=60, **FLAGS)
        assert result.category is Category.SEVERE  # 40 / 60 = 0.67 > 0.5
        assert result.criterion("s3_prednisone").reason == (
            "prednisone 10 -> 40 mg/day: increased to 0.667 mg/kg/day (> 0.5) at 60 kg"
        )
        assert result.as_record()["selena_flare.current_date"] == "2024-02-01"


def test_criteria_table() -> None:
    """Spec 2: clinical criteria S1, S2, S5, S6, M1, M2, M5; treatment S3, S4, M3, M4."""
    kinds = {code: c.kind for code, c in CRITERIA.items()}
    assert [k for k, v in kinds.items() if v == "treatment"] == [
        "s3_prednisone",
        "s4_new_immunosuppressant",
        "m3_prednisone",
        "m4_nsaid_or_hydroxychloroquine",
    ]


TENTHS = st.integers(min_value=0, max_value=30).map(lambda n: Fraction(n, 10))
DOSES = st.integers(min_value=0, max_value=80).map(Fraction)


@st.composite
def complete_inputs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "sledai": (draw(st.integers(0, 20)), draw(st.integers(0, 20))),
        "pga": (draw(TENTHS), draw(TENTHS)),
        "prednisone": (draw(DOSES), draw(DOSES)),
        "weight": Fraction(draw(st.integers(30, 100))),
        "flags": {name: draw(st.booleans()) for name in FLAGS},
        "clinical_only": draw(st.booleans()),
    }


def _run(inputs: dict[str, Any], **missing: Any) -> Any:
    arguments: dict[str, Any] = {
        "pga_previous": inputs["pga"][0],
        "pga_current": inputs["pga"][1],
        "prednisone_previous_mg": inputs["prednisone"][0],
        "prednisone_current_mg": inputs["prednisone"][1],
        "weight_kg": inputs["weight"],
        **inputs["flags"],
        "exclude_treatment_criteria": inputs["clinical_only"],
        **missing,
    }
    return assess(*inputs["sledai"], **arguments)


@given(complete_inputs())
def test_agrees_with_the_naive_implementation(inputs: dict[str, Any]) -> None:
    expected = selena_flare_category(
        inputs["sledai"],
        inputs["pga"],
        inputs["prednisone"],
        inputs["weight"],
        inputs["flags"],
        inputs["clinical_only"],
    )
    assert _run(inputs).category.value == expected


ORDER = [Category.NO_FLARE, Category.MILD_MODERATE, Category.SEVERE]


@given(
    complete_inputs(),
    st.sampled_from(["sledai", "pga", "prednisone", "flag"]),
    st.sampled_from(sorted(FLAGS)),
)
def test_more_severe_inputs_never_lower_the_category(
    inputs: dict[str, Any], which: str, flag: str
) -> None:
    """A higher current SLEDAI, PGA or dose, or a flag turned on, never lowers the
    category."""
    worse = dict(inputs)
    if which == "flag":
        worse["flags"] = {**inputs["flags"], flag: True}
    else:
        before, after = inputs[which]
        step = Fraction(1, 10) if which == "pga" else 1
        worse[which] = (before, min(after + step, 3) if which == "pga" else after + step)
    assert ORDER.index(_run(worse).category) >= ORDER.index(_run(inputs).category)


@given(
    complete_inputs(),
    st.sampled_from(
        ["pga_previous", "pga_current", "prednisone_current_mg", "weight_kg", *sorted(FLAGS)]
    ),
)
def test_a_missing_input_never_changes_a_decided_category(
    inputs: dict[str, Any], missing: str
) -> None:
    """Removing one input gives the same category or "cannot be determined", and the
    bounds still contain the category of the complete inputs."""
    full = _run(inputs).category
    partial = _run(inputs, **{missing: None})
    assert partial.category in (full, Category.UNDETERMINED)
    assert ORDER.index(partial.least) <= ORDER.index(full) <= ORDER.index(partial.most)
