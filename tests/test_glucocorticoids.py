"""Glucocorticoid doses in prednisone equivalents (sle_scoring.glucocorticoids).

The table: the mg of each drug equal to 5 mg prednisone (prednisone 5, prednisolone 5,
methylprednisolone 4, triamcinolone 4, hydrocortisone 20, cortisone 25, dexamethasone
0.75, betamethasone 0.6, deflazacort 6). A dose observation is in force from its date
until the next observation of the same code; 0 mg/day means stopped.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import InvalidEvidenceError, InvalidItemsError, UnknownCodeError
from sle_scoring.evidence import Observation, Patient
from sle_scoring.glucocorticoids import (
    EQUIVALENCES,
    Glucocorticoid,
    prednisone_equivalent,
    to_prednisone,
)
from sle_scoring.vocabulary import CONCEPTS, GLUCOCORTICOIDS

#: mg equal to 5 mg prednisone, as published (written out again, not read from the code).
PUBLISHED_MG = {
    "prednisone": "5",
    "prednisolone": "5",
    "methylprednisolone": "4",
    "triamcinolone": "4",
    "hydrocortisone": "20",
    "cortisone": "25",
    "dexamethasone": "0.75",
    "betamethasone": "0.6",
    "deflazacort": "6",
}

D = datetime.date


def dose(drug: str, mg: str | int, day: datetime.date) -> Observation:
    return Observation(f"{drug}_dose", Decimal(mg), date=day, unit="mg/day")


class TestTable:
    def test_every_drug_has_a_row_and_a_vocabulary_code(self) -> None:
        assert [row.drug.value for row in EQUIVALENCES] == list(GLUCOCORTICOIDS)
        assert [g.value for g in Glucocorticoid] == list(GLUCOCORTICOIDS)
        for row in EQUIVALENCES:
            assert CONCEPTS[row.code].dimension == "dose"
        assert CONCEPTS["prednisone_equivalent_dose"].dimension == "dose"

    def test_published_values(self) -> None:
        assert {row.drug.value: row.mg for row in EQUIVALENCES} == {
            drug: Fraction(mg) for drug, mg in PUBLISHED_MG.items()
        }

    def test_sources_and_variability_noted(self) -> None:
        for row in EQUIVALENCES:
            assert row.source
        by_drug = {row.drug.value: row for row in EQUIVALENCES}
        assert "0.75" in by_drug["betamethasone"].note  # the BNF figure
        assert "BNF" in by_drug["betamethasone"].note
        assert "questioned" in by_drug["deflazacort"].note
        assert "British National Formulary" in by_drug["deflazacort"].source


class TestConversion:
    @pytest.mark.parametrize(("drug", "mg"), list(PUBLISHED_MG.items()))
    def test_each_equivalent_dose_is_exactly_5_mg_prednisone(self, drug: str, mg: str) -> None:
        assert to_prednisone(drug, mg) == 5

    def test_methylprednisolone_4_is_prednisone_5_exactly(self) -> None:
        assert to_prednisone(Glucocorticoid.METHYLPREDNISOLONE, 4) == to_prednisone("prednisone", 5)

    def test_examples(self) -> None:
        assert to_prednisone("methylprednisolone", 8) == 10  # 2 x 4 mg
        assert to_prednisone("hydrocortisone", 30) == Fraction("7.5")  # 1.5 x 20 mg
        assert to_prednisone("dexamethasone", 1) == Fraction(20, 3)  # 5 / 0.75, not rounded
        assert to_prednisone("betamethasone", "1.2") == 10  # 2 x 0.6 mg
        assert to_prednisone("deflazacort", 6) == 5

    def test_unknown_drug_suggests(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            to_prednisone("predisone", 5)
        assert (
            str(caught.value)
            == "unknown glucocorticoid code 'predisone'; did you mean 'prednisone'?"
        )

    def test_bad_doses(self) -> None:
        with pytest.raises(InvalidItemsError):
            to_prednisone("prednisone", True)
        with pytest.raises(InvalidEvidenceError) as caught:
            to_prednisone("prednisone", -1)
        assert "'mg_per_day': must be at least 0 (got -1)" in str(caught.value)

    @given(
        st.sampled_from(list(PUBLISHED_MG)),
        st.fractions(min_value=0, max_value=1000),
        st.fractions(min_value=0, max_value=1000),
    )
    def test_linear(self, drug: str, a: Fraction, b: Fraction) -> None:
        assert to_prednisone(drug, a + b) == to_prednisone(drug, a) + to_prednisone(drug, b)


class TestInForce:
    def test_no_dose_recorded_is_unknown_not_zero(self) -> None:
        patient = Patient(
            "p", (Observation("platelet_count", 50000, date=D(2024, 1, 1), unit="/µL"),)
        )
        result = prednisone_equivalent(patient, D(2024, 1, 1))
        assert result.prednisone_mg is None
        assert not result.known
        assert result.explain() == "glucocorticoid dose on 2024-01-01: not recorded"

    def test_a_dose_holds_until_the_next(self) -> None:
        patient = Patient(
            "p",
            (
                dose("prednisone", 10, D(2024, 3, 1)),
                dose("prednisone", "12.5", D(2024, 3, 2)),
                dose("prednisone", 0, D(2024, 5, 27)),
            ),
        )
        assert prednisone_equivalent(patient, D(2024, 2, 29)).prednisone_mg is None  # before any
        assert prednisone_equivalent(patient, D(2024, 3, 1)).prednisone_mg == 10
        assert prednisone_equivalent(patient, D(2024, 5, 26)).prednisone_mg == Fraction("12.5")
        assert prednisone_equivalent(patient, D(2024, 5, 27)).prednisone_mg == 0  # stopped
        assert prednisone_equivalent(patient, D(2030, 1, 1)).prednisone_mg == 0

    def test_drugs_in_force_are_summed(self) -> None:
        patient = Patient(
            "p",
            (
                dose("prednisone", 5, D(2024, 1, 1)),
                dose("methylprednisolone", 4, D(2024, 1, 10)),
                Observation("prednisone_equivalent_dose", 1, date=D(2024, 1, 12), unit="mg/day"),
            ),
        )
        result = prednisone_equivalent(patient, D(2024, 1, 12))
        assert result.prednisone_mg == 5 + 5 + 1  # prednisone + methylprednisolone 4 mg + direct
        assert result.explain() == (
            "prednisone equivalent 11 mg/day on 2024-01-12 (prednisone 5 mg/day, since "
            "2024-01-01; methylprednisolone 4 mg/day = 5 mg/day prednisone, since 2024-01-10; "
            "prednisone equivalent 1 mg/day, since 2024-01-12)"
        )

    def test_of_two_doses_on_one_day_the_last_given_holds(self) -> None:
        day = D(2024, 1, 1)
        patient = Patient("p", (dose("prednisone", 10, day), dose("prednisone", 20, day)))
        assert prednisone_equivalent(patient, day).prednisone_mg == 20

    def test_undated_dose_is_an_error(self) -> None:
        patient = Patient("p", (Observation("prednisone_dose", 5, unit="mg/day"),))
        with pytest.raises(InvalidEvidenceError):
            prednisone_equivalent(patient, D(2024, 1, 1))

    @given(st.randoms(use_true_random=False))
    def test_order_of_observations_does_not_matter(self, rng: random.Random) -> None:
        observations = [
            dose("prednisone", 10, D(2024, 1, 1)),
            dose("dexamethasone", "0.75", D(2024, 1, 5)),
            dose("prednisone", "7.5", D(2024, 1, 9)),
            dose("hydrocortisone", 20, D(2024, 1, 3)),
        ]
        rng.shuffle(observations)
        result = prednisone_equivalent(Patient("p", tuple(observations)), D(2024, 1, 10))
        assert result.prednisone_mg == Fraction("7.5") + 5 + 5  # prednisone + dex + HC


class TestObservations:
    def test_dose_needs_a_dose_unit(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation("prednisone_dose", 5, unit="g/L")
        assert "must be a daily dose unit" in str(caught.value)

    def test_negative_dose_is_impossible(self) -> None:
        with pytest.raises(InvalidEvidenceError):
            Observation("prednisone_dose", -5, unit="mg/day")

    def test_pga_scale(self) -> None:
        assert Observation("physician_global_assessment", 3, unit="0-3").quantity() == 3
        with pytest.raises(InvalidEvidenceError):
            Observation("physician_global_assessment", Decimal("3.1"), unit="0-3")
        with pytest.raises(InvalidEvidenceError):
            Observation("physician_global_assessment", 50, unit="mm")

    def test_treatment_status_is_a_finding(self) -> None:
        for code in (
            "maintenance_treatment_standard",
            "investigational_drug",
            "immunosuppressive_treatment_stable",
            "hemolytic_anemia",
            "gastrointestinal_activity",
        ):
            assert Observation(code, "present").value == "present"
            with pytest.raises(InvalidEvidenceError):
                Observation(code, "yes")
