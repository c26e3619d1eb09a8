"""SRI (Furie et al., Arthritis Rheum 2009;61:1143): "≥4-point reduction in SELENA-SLEDAI
score; no new BILAG A or no more than 1 new BILAG B domain score; no deterioration from
baseline in the [PGA] by ≥0.3 points"; SRI-5 ... SRI-8 with >= 5 ... >= 8 points.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import InvalidItemsError
from sle_scoring.sledai_2k import DESCRIPTORS, Score, score
from sle_scoring.sri import REDUCTIONS, State, assess

#: Baseline SLEDAI-2K 8 + 4 + 2 + 1 = 15 (seizure, arthritis, rash, fever).
BASELINE = score(["seizure", "arthritis", "rash", "fever"])
PGA: dict[str, Any] = {"pga_baseline": Decimal("1.5"), "pga_follow_up": Decimal("1.5")}
DOMAINS = ("constitutional", "mucocutaneous", "musculoskeletal", "renal", "haematological")
ALL_C = dict.fromkeys(DOMAINS, "C")


def sri(follow_up: Score, **changes: Any) -> Any:
    return assess(BASELINE, follow_up, **{**PGA, **changes})


class TestReduction:
    """ "≥4-point reduction": a reduction of 4 meets it, 3 does not."""

    def test_reduction_of_4_meets(self) -> None:
        follow_up = score(["seizure", "fever", "rash"])  # 15 - 4 (arthritis) = 11
        result = sri(follow_up)
        assert result.state is State.MET
        assert result.condition("sledai_reduction").reason == "reduced by 4 >= 4"

    def test_reduction_of_3_fails(self) -> None:
        follow_up = score(["seizure", "arthritis"])  # 15 - 2 (rash) - 1 (fever) = 12
        assert sri(follow_up).verdict == "not met: reduced by 3 < 4"

    @pytest.mark.parametrize("k", REDUCTIONS)
    def test_sri_k_at_its_edge(self, k: int) -> None:
        baseline = score(["seizure"])  # 8
        exactly = score(_total(8 - k))  # reduced by k
        one_short = score(_total(8 - k + 1))  # reduced by k - 1
        assert assess(baseline, exactly, **PGA, reduction=k).state is State.MET
        assert assess(baseline, one_short, **PGA, reduction=k).state is State.NOT_MET

    def test_range_when_descriptors_not_assessed(self) -> None:
        follow_up = score(["arthritis"], not_assessed=["rash"])  # 4 to 4 + 2
        result = assess(score(["seizure", "arthritis"]), follow_up, **PGA)  # 12
        assert result.state is State.MET  # reduced by at least 12 - 6 = 6
        baseline = score(["arthritis", "rash", "fever", "leukopenia"])  # 4 + 2 + 1 + 1 = 8
        undecided = assess(baseline, follow_up, **PGA)  # reduced by 8 - 6 = 2 to 8 - 4 = 4
        assert undecided.state is State.UNDETERMINED
        assert undecided.verdict == "cannot be determined: SLEDAI-2K at follow-up rash missing"

    @pytest.mark.parametrize(
        ("follow_up", "state"),
        [
            (score([]), State.MET),  # 4 - 0: reduced by exactly 4
            # 4 - (0 to 1): reduced by 3 to 4, either side of ">= 4"
            (score([], not_assessed=["fever"]), State.UNDETERMINED),
        ],
    )
    def test_least_reduction_at_the_edge(self, follow_up: Score, state: State) -> None:
        """With descriptors not assessed the reduction is a range: met only when its
        least value is >= 4."""
        assert assess(score(["arthritis"]), follow_up, **PGA).state is state

    @pytest.mark.parametrize(
        ("baseline", "state", "verdict"),
        [
            # (2 to 2 + 1 + 1) - 0: at most 4, so it could still reach 4
            (
                score(["rash"], not_assessed=["fever", "leukopenia"]),
                State.UNDETERMINED,
                "cannot be determined: SLEDAI-2K at baseline fever, leukopenia missing",
            ),
            # (2 to 2 + 1) - 0: at most 3 < 4 whatever the missing descriptor
            (
                score(["rash"], not_assessed=["fever"]),
                State.NOT_MET,
                "not met: reduced by at most 3 < 4",
            ),
        ],
    )
    def test_most_reduction_at_the_edge(self, baseline: Score, state: State, verdict: str) -> None:
        """Not met only when even the largest possible reduction is < 4."""
        result = assess(baseline, score([]), **PGA)
        assert result.state is state
        assert result.verdict == verdict

    def test_reduction_must_be_4_to_8(self) -> None:
        with pytest.raises(InvalidItemsError):
            sri(score([]), reduction=3)


def _total(points: int) -> list[str]:
    """Descriptors summing to ``points`` (0-8): 4 + 2 + 1 + 1 at most."""
    chosen = []
    for code, weight in (("arthritis", 4), ("rash", 2), ("fever", 1), ("leukopenia", 1)):
        if points >= weight:
            chosen.append(code)
            points -= weight
    assert points == 0
    return chosen


class TestPga:
    """ "no deterioration ... by ≥0.3 points": 0.29 worse meets it, 0.3 does not."""

    def test_worse_by_0_29_meets(self) -> None:
        result = sri(score([]), pga_baseline=Decimal("1.0"), pga_follow_up=Decimal("1.29"))
        assert result.state is State.MET

    def test_worse_by_0_3_fails(self) -> None:
        result = sri(score([]), pga_baseline=Decimal("1.0"), pga_follow_up=Decimal("1.3"))
        assert result.verdict == "not met: PGA 1 -> 1.3: worse by >= 0.3"

    def test_missing(self) -> None:
        result = sri(score([]), pga_follow_up=None)
        assert result.verdict == "cannot be determined: PGA at follow-up missing"


class TestBilag:
    def test_without_grades_it_is_the_modified_sri(self) -> None:
        result = sri(score([]))
        assert result.name == "modified SRI-4"
        assert [c.code for c in result.conditions] == ["sledai_reduction", "no_pga_worsening"]
        assert "modified SRI" in result.notes[0]

    def test_with_grades_it_is_the_sri(self) -> None:
        result = sri(score([]), bilag_baseline=ALL_C, bilag_follow_up=ALL_C)
        assert result.name == "SRI-4"
        assert result.state is State.MET
        assert result.condition("no_bilag_worsening").reason.startswith("BILAG-2004:")

    def test_one_new_a_fails(self) -> None:
        after = {**ALL_C, "renal": "A"}
        result = sri(score([]), bilag_baseline=ALL_C, bilag_follow_up=after)
        assert result.verdict == "not met: BILAG-2004: new A: renal; new B: none"

    def test_one_new_b_is_allowed_two_are_not(self) -> None:
        one = {**ALL_C, "renal": "B"}
        two = {**one, "mucocutaneous": "B"}
        assert sri(score([]), bilag_baseline=ALL_C, bilag_follow_up=one).state is State.MET
        assert sri(score([]), bilag_baseline=ALL_C, bilag_follow_up=two).state is State.NOT_MET

    @pytest.mark.parametrize(
        ("before", "new_b"),
        [("A", "none"), ("B", "none"), ("C", "renal"), ("D", "renal"), ("E", "renal")],
    )
    def test_new_b_is_b_from_c_d_or_e(self, before: str, new_b: str) -> None:
        """A "new BILAG B" is a domain graded B at follow-up that was less active (C, D
        or E) at baseline."""
        result = sri(
            score([]),
            bilag_baseline={**ALL_C, "renal": before},
            bilag_follow_up={**ALL_C, "renal": "B"},
        )
        assert result.condition("no_bilag_worsening").reason.endswith(f"new B: {new_b}")

    @pytest.mark.parametrize(
        ("before", "state"),
        [("A", State.MET), ("B", State.NOT_MET), ("E", State.NOT_MET)],
    )
    def test_new_a_is_a_from_any_other_grade(self, before: str, state: State) -> None:
        """ "no new BILAG A": an A already at baseline is not new; an A from any other
        grade is."""
        result = sri(
            score([]),
            bilag_baseline={**ALL_C, "renal": before},
            bilag_follow_up={**ALL_C, "renal": "A"},
        )
        assert result.state is state

    def test_a_to_b_and_b_to_b_are_not_new_b(self) -> None:
        before = {**ALL_C, "renal": "A", "mucocutaneous": "B"}
        after = {**ALL_C, "renal": "B", "mucocutaneous": "B"}
        result = sri(score([]), bilag_baseline=before, bilag_follow_up=after)
        assert result.state is State.MET

    def test_the_version_can_be_named(self) -> None:
        result = sri(
            score([]), bilag_baseline=ALL_C, bilag_follow_up=ALL_C, bilag_version="classic BILAG"
        )
        assert result.condition("no_bilag_worsening").reason.startswith("classic BILAG:")

    def test_bad_grades(self) -> None:
        with pytest.raises(InvalidItemsError):
            sri(score([]), bilag_baseline=ALL_C)
        with pytest.raises(InvalidItemsError):
            sri(score([]), bilag_baseline=ALL_C, bilag_follow_up={**ALL_C, "renal": "F"})
        with pytest.raises(InvalidItemsError):
            sri(score([]), bilag_baseline=ALL_C, bilag_follow_up={"renal": "C"})


CODES = [d.code for d in DESCRIPTORS]


@given(
    before=st.sets(st.sampled_from(CODES)),
    after=st.sets(st.sampled_from(CODES)),
    unknown=st.sets(st.sampled_from(CODES), max_size=3),
    pga_before=st.fractions(min_value=0, max_value=3),
    pga_after=st.fractions(min_value=0, max_value=3),
    k=st.sampled_from(REDUCTIONS[1:]),
)
def test_sri_k_response_implies_sri_k_minus_1(
    before: set[str],
    after: set[str],
    unknown: set[str],
    pga_before: Fraction,
    pga_after: Fraction,
    k: int,
) -> None:
    baseline = score(before)
    follow_up = score(after - unknown, not_assessed=unknown)
    pgas: dict[str, Any] = {"pga_baseline": pga_before, "pga_follow_up": pga_after}
    higher = assess(baseline, follow_up, **pgas, reduction=k).state
    lower = assess(baseline, follow_up, **pgas, reduction=k - 1).state
    if higher is State.MET:
        assert lower is State.MET
    if lower is State.NOT_MET:
        assert higher is State.NOT_MET
