"""LLDAS (Franklyn et al., Ann Rheum Dis 2016;75:1615), each condition at its edge.

1. "SLEDAI-2K <=4, with no activity in major organ systems (renal, CNS,
   cardiopulmonary, vasculitis, fever) and no haemolytic anaemia or gastrointestinal
   activity"; 2. "No new features ... compared with the previous assessment";
3. "SELENA-SLEDAI physician global assessment (PGA, scale 0-3) <=1"; 4. "Current
prednisolone (or equivalent) dose <=7.5 mg daily"; 5. "Well tolerated standard
maintenance doses of immunosuppressive drugs and approved biological agents,
excluding investigational drugs".
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import InvalidEvidenceError, InvalidItemsError, ItemFinding, ItemStatus
from sle_scoring.evidence import Observation, Patient
from sle_scoring.lldas import (
    MAJOR_ORGAN_DESCRIPTORS,
    State,
    _statuses,
    assess,
    assess_visit,
)
from sle_scoring.sledai_2k import CLINICAL_SLEDAI_2K, DESCRIPTORS, SLEDAI_2K, Score, score

#: Every input at a value that meets its condition.
MET_INPUTS: dict[str, Any] = {
    "first_assessment": True,
    "pga": Decimal("0.5"),
    "prednisone_mg": 5,
    "maintenance_treatment_standard": True,
    "investigational_drug": False,
    "hemolytic_anemia": False,
    "gastrointestinal_activity": False,
}

#: The major organ descriptors, written out from the paper's list.
MAJOR = [
    "urinary_casts",  # renal
    "hematuria",
    "proteinuria",
    "pyuria",
    "seizure",  # CNS
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cranial_nerve_disorder",
    "lupus_headache",
    "cva",
    "pleurisy",  # cardiopulmonary
    "pericarditis",
    "vasculitis",
    "fever",
]


def lldas(sledai: Score | None = None, **changes: Any) -> Any:
    inputs = {**MET_INPUTS, **changes}
    return assess(score([]) if sledai is None else sledai, **inputs)


class TestTable:
    def test_major_organ_systems(self) -> None:
        codes = [c for codes in MAJOR_ORGAN_DESCRIPTORS.values() for c in codes]
        assert codes == MAJOR
        assert len(MAJOR_ORGAN_DESCRIPTORS["CNS"]) == 7  # not eight: vasculitis is separate

    def test_all_met(self) -> None:
        result = lldas()
        assert result.state is State.MET
        assert result.verdict == "met"
        assert [c.code for c in result.conditions] == [
            "low_activity",
            "no_new_features",
            "physician_global_assessment",
            "glucocorticoid_dose",
            "maintenance_treatment",
        ]


class TestSledaiAtMost4:
    """ "SLEDAI-2K <=4": 4 meets it, 5 does not."""

    def test_4_meets(self) -> None:
        assert lldas(score(["arthritis"])).state is State.MET  # 4 (arthritis)

    def test_5_fails(self) -> None:
        result = lldas(score(["arthritis", "thrombocytopenia"]))  # 4 + 1 = 5
        assert result.state is State.NOT_MET
        assert result.verdict == "not met: SLEDAI-2K 5 > 4"

    def test_serology_counts_in_the_total(self) -> None:
        assert lldas(score(["low_complement", "increased_dna_binding"])).state is State.MET  # 2+2
        result = lldas(score(["low_complement", "increased_dna_binding", "leukopenia"]))  # 2+2+1
        assert result.state is State.NOT_MET

    @pytest.mark.parametrize("code", MAJOR)
    def test_any_major_organ_activity_fails(self, code: str) -> None:
        result = lldas(score([code]))
        assert result.state is State.NOT_MET
        assert code in result.condition("low_activity").reason

    @pytest.mark.parametrize(
        "code", ["rash", "alopecia", "mucosal_ulcers", "thrombocytopenia", "leukopenia"]
    )
    def test_minor_activity_is_allowed(self, code: str) -> None:
        assert lldas(score([code])).state is State.MET

    def test_haemolytic_anaemia_and_gi_activity_fail(self) -> None:
        assert lldas(hemolytic_anemia=True).verdict == "not met: haemolytic anaemia"
        assert lldas(gastrointestinal_activity=True).verdict == "not met: gastrointestinal activity"

    def test_haemolytic_anaemia_and_gi_activity_missing(self) -> None:
        result = lldas(hemolytic_anemia=None, gastrointestinal_activity=None)
        assert result.verdict == (
            "cannot be determined: haemolytic anaemia, gastrointestinal activity missing"
        )

    def test_descriptors_not_assessed_that_cannot_change_the_answer(self) -> None:
        # rash 2 + low complement (not assessed) at most 2 = 4 <= 4
        assert lldas(score(["rash"], not_assessed=["low_complement"])).state is State.MET

    def test_descriptors_not_assessed_that_could_push_above_4(self) -> None:
        # thrombocytopenia 1 + arthritis (not assessed) 4 = 5 > 4
        result = lldas(score(["thrombocytopenia"], not_assessed=["arthritis"]))
        assert result.verdict == "cannot be determined: SLEDAI-2K arthritis missing"

    def test_major_organ_descriptor_not_assessed(self) -> None:
        result = lldas(score([], not_assessed=["proteinuria"]))
        assert result.verdict == "cannot be determined: SLEDAI-2K proteinuria missing"

    def test_known_total_above_4_is_not_met_even_if_incomplete(self) -> None:
        result = lldas(score(["arthritis", "rash"], not_assessed=["proteinuria"]))
        assert result.verdict == "not met: SLEDAI-2K at least 6 > 4"  # 4 + 2

    def test_clinical_index_is_refused(self) -> None:
        with pytest.raises(InvalidItemsError):
            assess(score([], index=CLINICAL_SLEDAI_2K), first_assessment=True)


class TestNoNewFeatures:
    """No SLEDAI-2K descriptor present now that was absent at the previous assessment."""

    def test_new_descriptor_fails(self) -> None:
        result = lldas(score(["rash"]), first_assessment=False, previous=score([]))
        assert result.verdict == "not met: new: rash"

    def test_persisting_descriptor_is_not_new(self) -> None:
        result = lldas(score(["rash"]), first_assessment=False, previous=score(["rash", "fever"]))
        assert result.state is State.MET

    def test_present_now_not_assessed_before(self) -> None:
        result = lldas(
            score(["rash"]), first_assessment=False, previous=score([], not_assessed=["rash"])
        )
        assert result.verdict == (
            "cannot be determined: SLEDAI-2K now or at the previous assessment rash missing"
        )

    def test_not_assessed_now_but_present_before_is_not_new(self) -> None:
        result = lldas(
            score([], not_assessed=["rash"]),
            first_assessment=False,
            previous=score(["rash"]),
        )
        assert result.condition("no_new_features").state is State.MET

    def test_no_previous_assessment(self) -> None:
        result = lldas(first_assessment=False)
        assert result.verdict == "cannot be determined: previous assessment missing"

    def test_first_assessment(self) -> None:
        condition = lldas(first_assessment=True).condition("no_new_features")
        assert condition.state is State.MET
        assert condition.reason == "first assessment: nothing to compare with"

    def test_first_assessment_with_a_previous_one_is_a_contradiction(self) -> None:
        with pytest.raises(InvalidItemsError):
            lldas(previous=score([]), first_assessment=True)


class TestPga:
    """ "PGA ... <=1": 1.0 meets it, 1.1 does not."""

    def test_1_0_meets(self) -> None:
        assert lldas(pga=Decimal("1.0")).state is State.MET

    def test_1_1_fails(self) -> None:
        assert lldas(pga=Decimal("1.1")).verdict == "not met: PGA 1.1 > 1"

    def test_missing(self) -> None:
        assert lldas(pga=None).verdict == "cannot be determined: PGA missing"

    def test_out_of_scale(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            lldas(pga=Decimal("3.5"))
        assert (
            str(caught.value) == "LLDAS field 'pga': must be between 0 and 3 (got Decimal('3.5'))"
        )
        with pytest.raises(InvalidItemsError):
            lldas(pga=True)
        for not_finite in (Decimal("NaN"), Decimal("Infinity"), float("inf"), "abc"):
            with pytest.raises(InvalidItemsError):
                lldas(pga=not_finite)

    def test_float_is_read_as_typed(self) -> None:
        assert lldas(pga=1.0).state is State.MET
        assert lldas(pga=1.1).state is State.NOT_MET


class TestGlucocorticoidDose:
    """ "Current prednisolone (or equivalent) dose <=7.5 mg daily": 7.5 meets, 7.6 fails."""

    def test_7_5_meets(self) -> None:
        assert lldas(prednisone_mg="7.5").state is State.MET

    def test_7_6_fails(self) -> None:
        assert lldas(prednisone_mg="7.6").verdict == (
            "not met: glucocorticoid dose 7.6 mg/day > 7.5 mg/day"
        )

    def test_missing(self) -> None:
        assert lldas(prednisone_mg=None).verdict == (
            "cannot be determined: glucocorticoid dose missing"
        )


class TestMaintenanceTreatment:
    def test_non_standard_doses_fail(self) -> None:
        result = lldas(maintenance_treatment_standard=False)
        assert result.verdict == "not met: not at well-tolerated standard maintenance doses"

    def test_investigational_drug_fails(self) -> None:
        assert lldas(investigational_drug=True).verdict == "not met: investigational drug"

    def test_missing(self) -> None:
        result = lldas(maintenance_treatment_standard=None, investigational_drug=None)
        assert result.missing == ("maintenance treatment status", "investigational drug status")

    def test_flags_must_be_bool(self) -> None:
        with pytest.raises(InvalidItemsError):
            lldas(investigational_drug="no")


class TestThreeValued:
    def test_not_met_wins_over_missing(self) -> None:
        result = lldas(pga=None, prednisone_mg=10)
        assert result.state is State.NOT_MET
        assert result.missing == ("PGA",)  # still named, for the reader

    def test_missing_inputs_are_all_named(self) -> None:
        result = assess(score([]))
        assert result.state is State.UNDETERMINED
        assert result.missing == (
            "haemolytic anaemia",
            "gastrointestinal activity",
            "previous assessment",
            "PGA",
            "glucocorticoid dose",
            "maintenance treatment status",
            "investigational drug status",
        )

    @given(
        pga=st.one_of(st.none(), st.fractions(min_value=0, max_value=3)),
        dose=st.one_of(st.none(), st.fractions(min_value=0, max_value=40)),
    )
    def test_never_not_met_for_missing_data(
        self, pga: Fraction | None, dose: Fraction | None
    ) -> None:
        result = lldas(pga=pga, prednisone_mg=dose)
        failed = (pga is not None and pga > 1) or (dose is not None and dose > Fraction("7.5"))
        if failed:
            assert result.state is State.NOT_MET
        elif pga is None or dose is None:
            assert result.state is State.UNDETERMINED
        else:
            assert result.state is State.MET

    @given(st.fractions(min_value=0, max_value=3), st.fractions(min_value=0, max_value=3))
    def test_monotone_in_pga(self, low: Fraction, high: Fraction) -> None:
        low, high = min(low, high), max(low, high)
        if lldas(pga=high).state is State.MET:
            assert lldas(pga=low).state is State.MET

    @given(st.sets(st.sampled_from([d.code for d in DESCRIPTORS])))
    def test_more_activity_never_helps(self, codes: set[str]) -> None:
        with_codes = lldas(score(codes)).state
        if with_codes is State.MET:
            for code in codes:
                assert lldas(score(codes - {code})).state is State.MET


D = datetime.date


class TestEvidence:
    def patient(self, *extra: Observation) -> Patient:
        visit = D(2024, 6, 1)
        observations = [
            *(Observation(f"sledai_2k.{d.code}", "absent", date=visit) for d in DESCRIPTORS),
            Observation("physician_global_assessment", Decimal("0.3"), date=visit, unit="0-3"),
            Observation("prednisone_dose", 5, date=D(2024, 1, 1), unit="mg/day"),
            Observation("maintenance_treatment_standard", "present", date=D(2024, 1, 1)),
            Observation("investigational_drug", "absent", date=D(2024, 1, 1)),
            Observation("hemolytic_anemia", "absent", date=visit),
            Observation("gastrointestinal_activity", "absent", date=visit),
        ]
        return Patient("p", (*observations, *extra))

    def test_met_from_evidence(self) -> None:
        result = assess_visit(self.patient(), D(2024, 6, 1), first_assessment=True)
        assert result.verdict == "met"
        assert result.date == D(2024, 6, 1)

    def test_pga_of_another_day_is_not_used(self) -> None:
        later = Observation("physician_global_assessment", 2, date=D(2024, 6, 2), unit="0-3")
        result = assess_visit(self.patient(later), D(2024, 6, 2), previous_visit=D(2024, 6, 1))
        assert result.verdict == "not met: PGA 2 > 1"
        day_after = assess_visit(self.patient(), D(2024, 6, 3), previous_visit=D(2024, 6, 1))
        assert "PGA" in day_after.missing

    def test_dose_in_force(self) -> None:
        raised = Observation("prednisolone_dose", 10, date=D(2024, 5, 1), unit="mg/day")
        result = assess_visit(self.patient(raised), D(2024, 6, 1), first_assessment=True)
        assert result.verdict == "not met: glucocorticoid dose 15 mg/day > 7.5 mg/day"  # 5 + 10

    @pytest.mark.parametrize(
        ("drug", "mg", "state"),
        [
            ("methylprednisolone", "6", State.MET),  # 6 x 5/4 = 7.5 mg prednisone
            ("methylprednisolone", "6.1", State.NOT_MET),  # 6.1 x 5/4 = 7.625
            ("hydrocortisone", "30", State.MET),  # 30 x 5/20 = 7.5
            ("hydrocortisone", "31", State.NOT_MET),  # 31 x 5/20 = 7.75
            ("dexamethasone", "1.125", State.MET),  # 1.125 x 5/0.75 = 7.5
            ("dexamethasone", "1.13", State.NOT_MET),  # 1.13 x 5/0.75 = 7.5333...
        ],
    )
    def test_dose_of_another_glucocorticoid_at_7_5_mg_prednisone(
        self, drug: str, mg: str, state: State
    ) -> None:
        """ "prednisolone (or equivalent) dose <=7.5 mg daily", the equivalent taken from
        the table (methylprednisolone 4, hydrocortisone 20, dexamethasone 0.75 mg = 5 mg
        prednisone), exactly: nothing is rounded onto or off the threshold."""
        switched = (
            Observation("prednisone_dose", 0, date=D(2024, 5, 1), unit="mg/day"),  # stopped
            Observation(f"{drug}_dose", Decimal(mg), date=D(2024, 5, 1), unit="mg/day"),
        )
        result = assess_visit(self.patient(*switched), D(2024, 6, 1), first_assessment=True)
        assert result.condition("glucocorticoid_dose").state is state
        assert result.state is state

    @pytest.mark.parametrize("code", ["hemolytic_anemia", "gastrointestinal_activity"])
    @pytest.mark.parametrize(
        ("days_before", "state"),
        [
            (10, State.NOT_MET),  # in the visit's 10-day window: activity now
            (11, State.MET),  # outside it: only the visit day's "absent" is read
        ],
    )
    def test_haemolytic_anaemia_and_gi_activity_in_the_visit_window(
        self, code: str, days_before: int, state: State
    ) -> None:
        """ "no haemolytic anaemia or gastrointestinal activity", read like SLEDAI-2K
        activity: the visit day and the 10 days before it."""
        day = D(2024, 6, 1) - datetime.timedelta(days=days_before)
        earlier = Observation(code, "present", date=day)
        result = assess_visit(self.patient(earlier), D(2024, 6, 1), first_assessment=True)
        assert result.condition("low_activity").state is state

    @pytest.mark.parametrize(
        ("changed_on", "state"),
        [
            (D(2024, 6, 1), State.NOT_MET),  # the visit day: in force at the visit
            (D(2024, 6, 2), State.MET),  # the day after: not yet
        ],
    )
    def test_treatment_status_in_force_on_the_visit_day(
        self, changed_on: datetime.date, state: State
    ) -> None:
        trial = Observation("investigational_drug", "present", date=changed_on)
        result = assess_visit(self.patient(trial), D(2024, 6, 1), first_assessment=True)
        assert result.condition("maintenance_treatment").state is state

    def test_explained_haemolytic_anaemia_is_not_lupus_activity(self) -> None:
        explained = Observation(
            "hemolytic_anemia", "present", date=D(2024, 6, 1), explained_by="drug"
        )
        result = assess_visit(self.patient(explained), D(2024, 6, 1), first_assessment=True)
        assert result.state is State.MET

    def test_previous_visit_must_come_first(self) -> None:
        with pytest.raises(InvalidItemsError):
            assess_visit(self.patient(), D(2024, 6, 1), previous_visit=D(2024, 6, 1))

    def test_explain(self) -> None:
        text = assess_visit(self.patient(), D(2024, 6, 1), first_assessment=True).explain()
        assert text.startswith("LLDAS on 2024-06-01: met (research use, not a diagnosis)")
        assert "[met] PGA (0-3) <= 1: PGA 0.3 <= 1" in text
        assert "Franklyn K" in text


_STATES = st.sampled_from(list(ItemStatus))


@given(
    st.sets(st.sampled_from([d.code for d in DESCRIPTORS])),
    st.sets(st.sampled_from([d.code for d in DESCRIPTORS])),
    st.dictionaries(st.sampled_from([d.code for d in DESCRIPTORS]), _STATES),
)
def test_the_statuses_compared_are_the_scores_by_definition(
    present: set[str], not_assessed: set[str], found: dict[str, ItemStatus]
) -> None:
    # Built at C level; by definition: present, else not assessed, else absent, the
    # findings' own status over that (whatever a hand-made Score holds).
    findings = tuple(ItemFinding(code, status) for code, status in found.items())
    sledai = Score(SLEDAI_2K, 0, frozenset(present), frozenset(not_assessed), findings=findings)
    expected = {
        code: ItemStatus.PRESENT
        if code in present
        else ItemStatus.NOT_ASSESSED
        if code in not_assessed
        else ItemStatus.ABSENT
        for code in SLEDAI_2K.codes
    }
    expected.update(found)
    assert _statuses(sledai) == expected
