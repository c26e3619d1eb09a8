"""Item-level tests of the 2019 EULAR/ACR criteria (Aringer et al. 2019).

Expected values are written as the arithmetic of the published weights, one term
per criterion, so a clinician can audit them.
"""

from __future__ import annotations

import pytest

from naive import EULAR_ACR_2019_TABLE
from sle_scoring import InvalidItemsError, ItemStatus, UnknownCodeError
from sle_scoring.eular_acr_2019 import (
    CRITERIA,
    DOMAINS,
    MAX_POINTS,
    Criterion,
    classify,
)

REFERENCE_CASE = [
    "ana_positive",
    "thrombocytopenia",
    "pleural_or_pericardial_effusion",
    "joint_involvement",
    "low_c3_and_low_c4",
]


class TestTable:
    """The criteria table matches the publication, written out independently."""

    def test_codes_match_the_publication(self) -> None:
        assert {item.code for item in CRITERIA} == set(EULAR_ACR_2019_TABLE)

    @pytest.mark.parametrize("code", sorted(EULAR_ACR_2019_TABLE))
    def test_weight_and_kind(self, code: str) -> None:
        _, is_clinical, weight = EULAR_ACR_2019_TABLE[code]
        item = next(item for item in CRITERIA if item.code == code)
        assert item.weight == weight
        assert item.kind == ("clinical" if is_clinical else "immunologic")

    @pytest.mark.parametrize("code", sorted(EULAR_ACR_2019_TABLE))
    def test_each_criterion_alone_scores_its_weight(self, code: str) -> None:
        assert classify(["ana_positive", code]).points == EULAR_ACR_2019_TABLE[code][2]

    def test_ten_domains(self) -> None:
        assert len(DOMAINS) == 10

    def test_maximum(self) -> None:
        # clinical 2 + 4 + 5 + 6 + 6 + 6 + 10 = 39; immunologic 2 + 4 + 6 = 12
        assert MAX_POINTS == 39 + 12
        assert classify([item.code for item in CRITERIA] + ["ana_positive"]).points == 51

    def test_every_criterion_has_definition_and_source(self) -> None:
        for item in CRITERIA:
            assert item.definition
            assert "Aringer" in item.source


class TestReferenceCase:
    def test_classified_with_19_points(self) -> None:
        result = classify(REFERENCE_CASE)
        # thrombocytopenia 4 + effusion 5 + joint involvement 6 + low C3 and C4 4
        assert result.points == 4 + 5 + 6 + 4
        assert result.clinical_points == 4 + 5 + 6
        assert result.immunologic_points == 4
        assert result.entry_criterion_met
        assert result.classified

    def test_without_entry_criterion_not_classified_but_points_shown(self) -> None:
        result = classify(REFERENCE_CASE[1:])
        assert result.points == 4 + 5 + 6 + 4
        assert not result.entry_criterion_met
        assert not result.classified
        assert result.verdict == "not classified (entry criterion (ANA >= 1:80) not met)"
        assert "not counted: entry criterion not met" in result.explain()


class TestRules:
    def test_only_highest_per_domain_counts(self) -> None:
        result = classify(["ana_positive", "thrombocytopenia", "leukopenia"])
        assert result.points == 4  # thrombocytopenia 4 outranks leukopenia 3: not 4 + 3
        hematologic = next(d for d in result.domains if d.domain == "hematologic")
        assert hematologic.counted is not None
        assert hematologic.counted.code == "thrombocytopenia"
        assert [i.code for i in hematologic.outranked] == ["leukopenia"]

    def test_equal_weights_count_once(self) -> None:
        # thrombocytopenia 4 and autoimmune hemolysis 4 are both hematologic
        assert classify(["ana_positive", "thrombocytopenia", "autoimmune_hemolysis"]).points == 4

    def test_nine_points_not_classified(self) -> None:
        result = classify(["ana_positive", "seizure", "thrombocytopenia"])
        assert result.points == 5 + 4
        assert not result.classified
        assert result.verdict == "not classified (9 points < 10)"

    def test_ten_points_with_mixed_criteria_classified(self) -> None:
        # seizure 5 + thrombocytopenia 4 + antiphospholipid antibodies 2 = 11
        result = classify(
            ["ana_positive", "seizure", "thrombocytopenia", "antiphospholipid_antibodies"]
        )
        assert result.points == 5 + 4 + 2
        assert result.classified

    def test_exactly_ten_points_classified(self) -> None:
        # joint involvement 6 + proteinuria 4 = 10, both clinical
        result = classify(["ana_positive", "joint_involvement", "proteinuria"])
        assert result.points == 6 + 4
        assert result.classified

    def test_ten_immunologic_points_alone_not_classified(self) -> None:
        result = classify(["ana_positive", "anti_dsdna_or_anti_smith", "low_c3_and_low_c4"])
        assert result.points == 6 + 4
        assert result.clinical_points == 0
        assert not result.classified
        assert result.verdict == "not classified (no clinical criterion)"

    def test_one_clinical_criterion_suffices(self) -> None:
        # fever 2 + anti-dsDNA 6 + low C3 and C4 4 = 12, one clinical criterion
        result = classify(
            ["ana_positive", "fever", "anti_dsdna_or_anti_smith", "low_c3_and_low_c4"]
        )
        assert result.points == 2 + 6 + 4
        assert result.classified

    def test_renal_biopsy_class_3_or_4_alone_with_ana(self) -> None:
        result = classify(["ana_positive", "lupus_nephritis_class_3_or_4"])
        assert result.points == 10
        assert result.classified

    def test_renal_biopsy_outranks_proteinuria(self) -> None:
        result = classify(["ana_positive", "proteinuria", "lupus_nephritis_class_2_or_5"])
        assert result.points == 8

    def test_repeats_are_harmless(self) -> None:
        assert classify(["ana_positive", "fever", "fever"]).points == 2

    def test_enum_members_accepted(self) -> None:
        result = classify([Criterion.ANA_POSITIVE, Criterion.LUPUS_NEPHRITIS_CLASS_3_OR_4])
        assert result.points == 10
        assert result.present == frozenset({"ana_positive", "lupus_nephritis_class_3_or_4"})


class TestMissingData:
    def test_not_assessed_is_reported(self) -> None:
        result = classify(["ana_positive", "joint_involvement"], not_assessed=["proteinuria"])
        assert result.points == 6
        assert result.finding("proteinuria").status is ItemStatus.NOT_ASSESSED
        assert result.finding("fever").status is ItemStatus.ABSENT
        assert result.finding("joint_involvement").status is ItemStatus.PRESENT
        assert result.max_possible_points == 6 + 4
        assert result.could_be_classified
        assert result.verdict == (
            "not classified (6 points < 10); up to 4 points not assessed could change this"
        )

    def test_not_assessed_that_cannot_change_verdict(self) -> None:
        result = classify(["ana_positive", "fever"], not_assessed=["leukopenia"])
        assert result.max_possible_points == 2 + 3
        assert not result.could_be_classified
        assert result.verdict == "not classified (2 points < 10)"

    def test_entry_criterion_not_assessed(self) -> None:
        result = classify(REFERENCE_CASE[1:], not_assessed=["ana_positive"])
        assert not result.entry_criterion_assessed
        assert not result.classified
        assert result.could_be_classified
        assert result.verdict.startswith(
            "not classified (entry criterion (ANA >= 1:80) not assessed)"
        )

    def test_present_and_not_assessed_contradict(self) -> None:
        with pytest.raises(InvalidItemsError, match="both as present and as not assessed: 'fever'"):
            classify(["fever"], not_assessed=["fever"])


class TestErrors:
    def test_unknown_code_suggests(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            classify(["ana_positive", "thrombocytopaenia"])
        assert str(caught.value) == (
            "unknown EULAR/ACR 2019 code 'thrombocytopaenia'; did you mean 'thrombocytopenia'?"
        )
        assert caught.value.code == "thrombocytopaenia"

    def test_unknown_code_without_suggestion(self) -> None:
        with pytest.raises(UnknownCodeError, match=r"^unknown EULAR/ACR 2019 code 'xyz'$"):
            classify(["xyz"])

    def test_sledai_code_is_not_eular(self) -> None:
        with pytest.raises(UnknownCodeError, match="'low_complement'"):
            classify(["low_complement"])

    def test_bare_string(self) -> None:
        with pytest.raises(
            InvalidItemsError, match=r"got the single string 'fever'; wrap it in a list"
        ):
            classify("fever")

    def test_not_iterable(self) -> None:
        with pytest.raises(InvalidItemsError, match=r"\(got int\)"):
            classify(3)  # type: ignore[arg-type]

    def test_non_string_element(self) -> None:
        with pytest.raises(InvalidItemsError, match=r"got 4 of type int"):
            classify(["fever", 4])  # type: ignore[list-item]


def test_explanation_names_every_domain_and_verdict() -> None:
    text = classify(REFERENCE_CASE).explain()
    for domain in DOMAINS:
        assert domain in text
    assert "research use, not a diagnosis" in text
    assert text.endswith("Verdict: classified as SLE (2019 EULAR/ACR)")
    assert str(classify(REFERENCE_CASE)) == text


def test_only_the_entry_criterion_missing() -> None:
    # 19 points with ANA not assessed: a positive ANA would classify; no points are missing
    result = classify(REFERENCE_CASE[1:], not_assessed=["ana_positive"])
    assert result.max_possible_points == result.points == 4 + 5 + 6 + 4
    assert result.verdict == (
        "not classified (entry criterion (ANA >= 1:80) not assessed); "
        "the entry criterion, not assessed, could change this"
    )


def test_equal_weights_report_the_criterion_listed_first() -> None:
    """Oral ulcers and non-scarring alopecia weigh 2 each: the domain counts 2 and
    reports the one the publication lists first, whatever the input order (the
    explanation must not change from run to run)."""
    for items in (
        ["ana_positive", "oral_ulcers", "non_scarring_alopecia"],
        ["ana_positive", "non_scarring_alopecia", "oral_ulcers"],
    ):
        mucocutaneous = next(d for d in classify(items).domains if d.domain == "mucocutaneous")
        assert mucocutaneous.points == 2
        assert mucocutaneous.counted is not None
        assert mucocutaneous.counted.code == "non_scarring_alopecia"
        assert [i.code for i in mucocutaneous.outranked] == ["oral_ulcers"]
