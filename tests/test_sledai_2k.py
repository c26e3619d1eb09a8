"""Item-level tests of SLEDAI-2K (Gladman et al. 2002)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from naive import SLEDAI_2K_WEIGHTS
from sle_scoring import InvalidItemsError, ItemStatus, UnknownCodeError
from sle_scoring.sledai_2k import (
    CLINICAL_SLEDAI_2K,
    DESCRIPTORS,
    MAX_SCORE,
    SLEDAI_2K,
    Descriptor,
    score,
)


class TestTable:
    def test_codes(self) -> None:
        assert [item.code for item in DESCRIPTORS] == list(SLEDAI_2K_WEIGHTS)

    @pytest.mark.parametrize("code", list(SLEDAI_2K_WEIGHTS))
    def test_each_descriptor_alone_scores_its_weight(self, code: str) -> None:
        assert score([code]).total == SLEDAI_2K_WEIGHTS[code]

    def test_all_24_descriptors_score_105(self) -> None:
        # 8 descriptors of 8, 6 of 4, 7 of 2, 3 of 1
        assert score([item.code for item in DESCRIPTORS]).total == 8 * 8 + 6 * 4 + 7 * 2 + 3 * 1
        assert MAX_SCORE == 105

    def test_clinical_variant_drops_only_serology(self) -> None:
        assert SLEDAI_2K.codes - CLINICAL_SLEDAI_2K.codes == {
            "low_complement",
            "increased_dna_binding",
        }
        assert CLINICAL_SLEDAI_2K.max_score == 105 - 2 - 2

    def test_sources(self) -> None:
        for item in DESCRIPTORS:
            assert "Gladman" in item.source


class TestScoring:
    def test_sum_of_weights(self) -> None:
        result = score(["seizure", "arthritis", "rash", "fever"])
        assert result.total == 8 + 4 + 2 + 1  # seizure + arthritis + rash + fever
        assert [i.code for i in result.scored] == ["seizure", "arthritis", "rash", "fever"]

    def test_each_descriptor_counts_once(self) -> None:
        assert score(["arthritis", "arthritis", Descriptor.ARTHRITIS]).total == 4

    def test_empty_is_zero_and_complete(self) -> None:
        result = score([])
        assert result.total == 0
        assert result.complete

    def test_not_assessed_makes_incomplete(self) -> None:
        result = score(["thrombocytopenia"], not_assessed=["low_complement", "proteinuria"])
        assert result.total == 1
        assert not result.complete
        assert result.finding("proteinuria").status is ItemStatus.NOT_ASSESSED
        assert result.finding("rash").status is ItemStatus.ABSENT
        assert "incomplete, not assessed: proteinuria, low_complement" in result.explain()

    def test_clinical_sledai_ignores_serology_and_says_so(self) -> None:
        result = score(
            ["arthritis", "low_complement", "increased_dna_binding"], index=CLINICAL_SLEDAI_2K
        )
        assert result.total == 4
        assert result.ignored == {"low_complement", "increased_dna_binding"}
        assert "ignored: increased_dna_binding, low_complement" in result.explain()


class TestErrors:
    def test_unknown_code_suggests(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            score(["arthritus"])
        assert str(caught.value) == "unknown SLEDAI-2K code 'arthritus'; did you mean 'arthritis'?"

    def test_eular_code_is_not_sledai(self) -> None:
        with pytest.raises(UnknownCodeError, match="'joint_involvement'"):
            score(["joint_involvement"])

    def test_bare_string(self) -> None:
        with pytest.raises(InvalidItemsError, match="single string 'rash'"):
            score("rash")


@given(st.lists(st.sampled_from([*SLEDAI_2K_WEIGHTS, "not_a_descriptor"])))
def test_total_of_a_frozenset_is_the_sum_of_its_weights(codes: list[str]) -> None:
    # total_of a frozenset (a score's codes) takes one C-level pass; the sum of the
    # weights of the codes the index scores, each once, as of any other iterable.
    for index in (SLEDAI_2K, CLINICAL_SLEDAI_2K):
        once = list(dict.fromkeys(codes))
        assert index.total_of(frozenset(codes)) == index.total_of(once)
        assert index.total_of(once) == sum(
            SLEDAI_2K_WEIGHTS[code] for code in once if code in index.codes
        )
