"""DORIS 2021 remission (van Vollenhoven et al., Lupus Sci Med 2021;8:e000538).

"clinical SLEDAI = 0, Evaluator's Global Assessment <0.5 (0-3), prednisolone 5 mg/day
or less, and stable antimalarials, immunosuppressives, and biologics"; serology is
disregarded.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import InvalidItemsError, doris_remission, lldas
from sle_scoring.doris_remission import State, assess
from sle_scoring.evidence import Observation, Patient
from sle_scoring.sledai_2k import CLINICAL_SLEDAI_2K, DESCRIPTORS, Score, score

MET_INPUTS: dict[str, Any] = {
    "pga": Decimal("0.4"),
    "prednisone_mg": 5,
    "immunosuppressive_treatment_stable": True,
}
CLINICAL = sorted(CLINICAL_SLEDAI_2K.codes)


def remission(sledai: Score | None = None, **changes: Any) -> Any:
    return assess(score([]) if sledai is None else sledai, **{**MET_INPUTS, **changes})


class TestClinicalSledaiZero:
    def test_serology_is_disregarded(self) -> None:
        result = remission(score(["low_complement", "increased_dna_binding"]))
        assert result.state is State.MET

    @pytest.mark.parametrize("code", CLINICAL)
    def test_any_clinical_descriptor_fails(self, code: str) -> None:
        result = remission(score([code]))
        assert result.state is State.NOT_MET
        assert code in result.verdict

    def test_clinical_descriptor_not_assessed(self) -> None:
        result = remission(score([], not_assessed=["hematuria"]))
        assert result.verdict == "cannot be determined: SLEDAI-2K hematuria missing"

    def test_serology_not_assessed_does_not_matter(self) -> None:
        result = remission(score([], not_assessed=["low_complement", "increased_dna_binding"]))
        assert result.state is State.MET

    def test_a_clinical_sledai_score_is_accepted(self) -> None:
        clinical = score(["low_complement"], index=CLINICAL_SLEDAI_2K)
        assert remission(clinical).state is State.MET

    def test_incomplete_but_positive_is_not_met(self) -> None:
        result = remission(score(["arthritis"], not_assessed=["rash"]))
        assert result.verdict == "not met: clinical SLEDAI-2K at least 4: arthritis"


class TestPga:
    """ "Evaluator's Global Assessment <0.5": 0.49 meets it, 0.5 does not."""

    def test_0_49_meets(self) -> None:
        assert remission(pga=Decimal("0.49")).state is State.MET

    def test_0_5_fails(self) -> None:
        assert remission(pga=Decimal("0.5")).verdict == "not met: PGA 0.5 >= 0.5"

    def test_missing(self) -> None:
        assert remission(pga=None).verdict == "cannot be determined: PGA missing"


class TestGlucocorticoidDose:
    """ "prednisolone 5 mg/day or less": 5 meets it, 5.1 does not (the abstract's
    wording; Table 2 of the paper writes "<5 mg/day")."""

    def test_5_meets(self) -> None:
        assert remission(prednisone_mg=5).state is State.MET

    def test_5_1_fails(self) -> None:
        assert remission(prednisone_mg="5.1").verdict == (
            "not met: glucocorticoid dose 5.1 mg/day > 5 mg/day"
        )

    def test_missing(self) -> None:
        assert remission(prednisone_mg=None).verdict == (
            "cannot be determined: glucocorticoid dose missing"
        )

    def test_the_reading_is_noted(self) -> None:
        assert any("<5 mg/day" in note for note in remission().notes)


class TestStableTreatment:
    def test_not_stable_fails(self) -> None:
        assert remission(immunosuppressive_treatment_stable=False).verdict == (
            "not met: immunosuppressives or biologics not stable"
        )

    def test_missing(self) -> None:
        assert remission(immunosuppressive_treatment_stable=None).verdict == (
            "cannot be determined: immunosuppressive treatment stability missing"
        )


class TestEvidence:
    """The inputs read from dated evidence: clinical SLEDAI-2K in the visit's window,
    the PGA recorded on the visit day, the dose and treatment status in force."""

    VISIT = datetime.date(2024, 6, 1)

    def patient(self, *extra: Observation) -> Patient:
        start = datetime.date(2024, 1, 1)
        observations = [
            *(Observation(f"sledai_2k.{d.code}", "absent", date=self.VISIT) for d in DESCRIPTORS),
            Observation("physician_global_assessment", Decimal("0.4"), date=self.VISIT, unit="0-3"),
            Observation("prednisone_dose", 5, date=start, unit="mg/day"),
            Observation("immunosuppressive_treatment_stable", "present", date=start),
        ]
        return Patient("p", (*observations, *extra))

    def test_met_from_evidence(self) -> None:
        assert doris_remission.assess_visit(self.patient(), self.VISIT).verdict == "met"

    @pytest.mark.parametrize(
        ("drug", "mg", "state"),
        [
            ("methylprednisolone", "4", State.MET),  # 4 mg = 5 mg prednisone
            ("methylprednisolone", "4.1", State.NOT_MET),  # 4.1 x 5/4 = 5.125
            ("dexamethasone", "0.75", State.MET),  # 0.75 mg = 5 mg prednisone
            ("dexamethasone", "0.76", State.NOT_MET),  # 0.76 x 5/0.75 = 5.0666...
        ],
    )
    def test_dose_of_another_glucocorticoid_at_5_mg_prednisone(
        self, drug: str, mg: str, state: State
    ) -> None:
        """ "prednisolone 5 mg/day or less", the equivalent taken from the table,
        exactly."""
        switched = (
            Observation("prednisone_dose", 0, date=datetime.date(2024, 5, 1), unit="mg/day"),
            Observation(f"{drug}_dose", Decimal(mg), date=datetime.date(2024, 5, 1), unit="mg/day"),
        )
        result = doris_remission.assess_visit(self.patient(*switched), self.VISIT)
        assert result.condition("glucocorticoid_dose").state is state

    @pytest.mark.parametrize(
        ("pga", "state"), [(Decimal("0.49"), State.MET), (Decimal("0.5"), State.NOT_MET)]
    )
    def test_pga_of_the_visit_day(self, pga: Decimal, state: State) -> None:
        """ "Evaluator's Global Assessment <0.5", the PGA recorded on the visit day (the
        last of that day)."""
        again = Observation("physician_global_assessment", pga, date=self.VISIT, unit="0-3")
        result = doris_remission.assess_visit(self.patient(again), self.VISIT)
        assert result.condition("physician_global_assessment").state is state

    def test_serology_in_the_window_is_disregarded(self) -> None:
        serology = (
            Observation("c3", "low", date=self.VISIT),
            Observation("anti_dsdna", "positive", date=self.VISIT),
        )
        assert doris_remission.assess_visit(self.patient(*serology), self.VISIT).verdict == "met"


def test_refuses_what_is_not_a_score() -> None:
    with pytest.raises(InvalidItemsError):
        assess(4, **MET_INPUTS)  # type: ignore[arg-type]


@given(
    serology=st.sets(st.sampled_from(["low_complement", "increased_dna_binding"])),
    others=st.sets(st.sampled_from([d.code for d in DESCRIPTORS])),
    pga=st.fractions(min_value=0, max_value=3),
    dose=st.fractions(min_value=0, max_value=20),
)
def test_remission_implies_lldas(
    serology: set[str], others: set[str], pga: Fraction, dose: Fraction
) -> None:
    """Remission (clinical SLEDAI 0, PGA < 0.5, <= 5 mg/day) with at most 4 points of
    serology is always within LLDAS (<= 4, PGA <= 1, <= 7.5 mg/day), the other LLDAS
    inputs being met."""
    sledai = score(serology | others)
    doris = doris_remission.assess(
        sledai, pga=pga, prednisone_mg=dose, immunosuppressive_treatment_stable=True
    )
    low = lldas.assess(
        sledai,
        first_assessment=True,
        pga=pga,
        prednisone_mg=dose,
        maintenance_treatment_standard=True,
        investigational_drug=False,
        hemolytic_anemia=False,
        gastrointestinal_activity=False,
    )
    if doris.state is State.MET:
        assert low.state is State.MET
