"""The published reference case (Bottazzi et al., Clin Exp Rheumatol 2025), computed
from the evidence as reported.

The acceptance test of the evidence level: the case classifies as SLE under the 2019
EULAR/ACR criteria with 19 points (4 + 5 + 6 + 4) from presentation in October 2023,
and scores SLEDAI-2K 0 at the sixth anifrolumab infusion. At the March 2024 flare the
platelet count gives the thrombocytopenia descriptor, and the score is incomplete:
no total is invented for what the report does not give.
"""

from __future__ import annotations

import io
from importlib.resources import files

from sle_scoring import ItemStatus
from sle_scoring.eular_acr_2019 import Classification, classify_patient
from sle_scoring.records import iter_json
from sle_scoring.reference_cases import (
    BOTTAZZI_2025_FLARE,
    BOTTAZZI_2025_PRESENTATION,
    BOTTAZZI_2025_SIXTH_INFUSION,
    bottazzi_2025,
)
from sle_scoring.sledai_2k import DESCRIPTORS, score_visit


def at_presentation() -> Classification:
    return classify_patient(bottazzi_2025(), as_of=BOTTAZZI_2025_PRESENTATION)


def domain_points(result: Classification) -> dict[str, tuple[str | None, int]]:
    return {
        d.domain: (d.counted.code if d.counted is not None else None, d.points)
        for d in result.domains
    }


class TestEularAcr2019:
    """Expected (reference-case spec): entry criterion met (ANA 1:640 >= 1:80);
    thrombocytopenia 4, pleural or pericardial effusion 5, joint involvement 6, low C3
    and low C4 4; antiphospholipid and SLE-specific antibodies negative; 19 points,
    classified, first fulfilled at presentation."""

    def test_nineteen_points_classified(self) -> None:
        result = at_presentation()
        assert result.points == (
            4  # hematologic: thrombocytopenia, platelets 45,000/µL
            + 5  # serosal: pleural or pericardial effusion, pericardial effusion on CT
            + 6  # musculoskeletal: joint involvement, the clinician's (authors') judgement
            + 4  # complement proteins: low C3 and low C4
        )
        assert result.clinical_points == 4 + 5 + 6
        assert result.immunologic_points == 4
        assert result.entry_criterion_met  # ANA 1:640
        assert result.has_clinical_criterion
        assert result.classified

    def test_first_fulfilled_at_presentation(self) -> None:
        assert at_presentation().first_fulfilled == BOTTAZZI_2025_PRESENTATION
        whole_history = classify_patient(bottazzi_2025())
        assert whole_history.points == 4 + 5 + 6 + 4  # the same four criteria
        assert whole_history.first_fulfilled == BOTTAZZI_2025_PRESENTATION
        assert whole_history.verdict == (
            "classified as SLE (2019 EULAR/ACR); criteria first fulfilled on 2023-10-01"
        )

    def test_domains(self) -> None:
        assert domain_points(at_presentation()) == {
            "constitutional": (None, 0),
            "hematologic": ("thrombocytopenia", 4),
            "neuropsychiatric": (None, 0),
            "mucocutaneous": (None, 0),
            "serosal": ("pleural_or_pericardial_effusion", 5),
            "musculoskeletal": ("joint_involvement", 6),
            "renal": (None, 0),
            "antiphospholipid antibodies": (None, 0),
            "complement proteins": ("low_c3_and_low_c4", 4),
            "SLE-specific antibodies": (None, 0),
        }

    def test_coombs_without_hemolysis_is_not_autoimmune_hemolysis(self) -> None:
        result = at_presentation()
        found = result.finding("autoimmune_hemolysis")
        # Coombs positive, no hemolysis marker reported (none encoded): not assessed
        assert found.status is ItemStatus.NOT_ASSESSED
        assert "autoimmune_hemolysis" not in result.present

    def test_effusion_without_pain_rub_or_ecg_is_not_acute_pericarditis(self) -> None:
        result = at_presentation()
        # one of the four features (the effusion); pain, rub and ECG not reported
        assert result.finding("acute_pericarditis").status is ItemStatus.NOT_ASSESSED
        assert "acute_pericarditis" not in result.present

    def test_negative_antibodies(self) -> None:
        result = at_presentation()
        # anti-dsDNA and anti-ENA (anti-Sm) negative
        assert result.finding("anti_dsdna_or_anti_smith").status is ItemStatus.ABSENT
        # lupus anticoagulant, anticardiolipin IgG/IgM, anti-β2GP1 IgG/IgM negative
        assert result.finding("antiphospholipid_antibodies").status is ItemStatus.ABSENT

    def test_nothing_left_out_as_explained(self) -> None:
        assert at_presentation().explained == ()


class TestSledai2k:
    """Expected: SLEDAI-2K 0 after treatment (the sixth infusion); at the March 2024
    flare the thrombocytopenia descriptor, with the score incomplete."""

    def test_zero_and_complete_at_the_sixth_infusion(self) -> None:
        """The report gives only the total, so the fixture asserts each descriptor
        absent: this checks that assertions reach the score, not any derivation."""
        result = score_visit(bottazzi_2025(), BOTTAZZI_2025_SIXTH_INFUSION)
        assert result.total == 0
        assert result.complete
        assert result.present == frozenset()
        assert {f.status for f in result.findings} == {ItemStatus.ABSENT}
        assert len(result.findings) == len(DESCRIPTORS)

    def test_thrombocytopenia_at_the_flare_and_incomplete(self) -> None:
        result = score_visit(bottazzi_2025(), BOTTAZZI_2025_FLARE)
        assert result.finding("thrombocytopenia").status is ItemStatus.PRESENT  # 36,000/µL
        assert not result.complete
        # only what the report gives: thrombocytopenia 1; the rest is not assessed
        assert result.total == 1
        assert result.present == frozenset({"thrombocytopenia"})
        assert "incomplete, not assessed" in result.explain()


def test_example_file_is_exactly_the_fixture() -> None:
    example = files("sle_scoring") / "examples" / "bottazzi_2025.json"
    patients = list(iter_json(io.StringIO(example.read_text(encoding="utf-8"))))
    assert patients == [bottazzi_2025()]
