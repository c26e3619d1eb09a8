"""The three criteria sets side by side on the same evidence."""

from __future__ import annotations

import datetime
import random

from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import Observation, Patient, reference_cases
from sle_scoring.compare import compare_patient

DAY = datetime.date(2024, 1, 10)


class TestReferenceCase:
    """Bottazzi et al. 2025 under all three sets: classified by each."""

    def test_counts_and_verdicts(self) -> None:
        result = compare_patient(reference_cases.bottazzi_2025())
        # EULAR/ACR: thrombocytopenia 4 + effusion 5 + joint involvement 6 + low C3 and C4 4
        assert result.eular_acr_2019.points == 4 + 5 + 6 + 4
        # SLICC: synovitis, serositis, thrombocytopenia + ANA, low complement, Coombs
        assert (result.slicc_2012.clinical_count, result.slicc_2012.immunologic_count) == (
            1 + 1 + 1,
            1 + 1 + 1,
        )
        # ACR 1997: arthritis, serositis, hematologic disorder, ANA
        assert result.acr_1997.count == 1 + 1 + 1 + 1
        assert [row.classified for row in result.rows] == [True, True, True]
        assert result.all_agree
        first = reference_cases.BOTTAZZI_2025_PRESENTATION
        assert [row.first_fulfilled for row in result.rows] == [first, first, first]

    def test_rows(self) -> None:
        rows = compare_patient(reference_cases.bottazzi_2025()).rows
        assert [row.criteria_set for row in rows] == ["2019 EULAR/ACR", "2012 SLICC", "1997 ACR"]
        assert [row.count for row in rows] == [
            "19 points (clinical 15, immunologic 4)",
            "6 criteria (clinical 3, immunologic 3)",
            "4 of 11 criteria",
        ]
        assert [row.verdict for row in rows] == [
            "classified, first fulfilled 2023-10-01",
            "classified (rule A), first fulfilled 2023-10-01",
            "classified, first fulfilled 2023-10-01",
        ]

    def test_table_has_one_line_per_set(self) -> None:
        text = str(compare_patient(reference_cases.bottazzi_2025()))
        lines = text.splitlines()
        assert lines[0] == "Patient bottazzi-2025: three SLE classification criteria sets"
        assert lines[1] == "(research use, not a diagnosis)"
        assert lines[2].split() == ["set", "count", "threshold", "verdict"]
        assert lines[3].startswith("2019 EULAR/ACR  19 points")
        assert lines[4].startswith("2012 SLICC      6 criteria")
        assert lines[5].startswith("1997 ACR        4 of 11 criteria")
        assert lines[-1] == "The three sets agree."

    def test_as_of_before_presentation(self) -> None:
        result = compare_patient(reference_cases.bottazzi_2025(), as_of=datetime.date(2023, 9, 30))
        assert not any(row.classified for row in result.rows)
        assert "evidence up to 2023-09-30" in result.explain()


def test_sets_can_disagree() -> None:
    """Class IV lupus nephritis with ANA: EULAR/ACR 10 points and SLICC rule B classify;
    ACR 1997 counts only ANA (the biopsy is not one of its criteria)."""
    patient = Patient(
        "p",
        (
            Observation("ana", "1:160", date=DAY),
            Observation("renal_biopsy_class", "IV", date=DAY),
        ),
    )
    result = compare_patient(patient)
    assert result.eular_acr_2019.points == 10  # class III or IV lupus nephritis
    assert result.slicc_2012.rules_met[0].value == "B"
    assert result.acr_1997.count == 1  # ANA
    assert [row.classified for row in result.rows] == [True, True, False]
    assert not result.all_agree
    assert result.explain().endswith("The sets disagree: see each set's own explanation.")


OBSERVATIONS = [
    Observation("ana", "1:320", date=DAY),
    Observation("platelet_count", 60_000, date=DAY, unit="/µL"),
    Observation("pleural_effusion", "present", date=DAY),
    Observation("joint_involvement", "present", date=DAY),
    Observation("c3", "low", date=DAY),
    Observation("anti_dsdna", "positive", date=DAY),
    Observation("malar_rash", "present", date=DAY),
    Observation("leukocyte_count", 3000, date=DAY, unit="/µL"),
]


@given(st.lists(st.sampled_from(OBSERVATIONS), unique_by=lambda o: o.code), st.randoms())
def test_order_of_observations_does_not_matter(
    observations: list[Observation], rng: random.Random
) -> None:
    shuffled = list(observations)
    rng.shuffle(shuffled)
    one = compare_patient(Patient("p", tuple(observations)))
    other = compare_patient(Patient("p", tuple(shuffled)))
    assert one.rows == other.rows
