"""SLEDAI-2K activity bands (spec trial-outcomes.md section 4), each a named scheme with
its source. None is part of SLEDAI-2K (Gladman et al. 2002 define no bands)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from naive import SLEDAI_2K_WEIGHTS, sledai_band
from sle_scoring import InvalidItemsError, Observation, Patient, UnknownCodeError, sledai_2k
from sle_scoring.sledai_bands import SCHEMES, THRESHOLDS, band, meets


class TestEularTable4Band:
    """Spec section 4, `eular_table_4band`, EULAR review table: "SLEDAI=0 Remission;
    SLEDAI=1-4 Low activity; SLEDAI=5-10 Moderate activity; SLEDAI >10 High activity"."""

    @pytest.mark.parametrize(
        ("total", "label"),
        [
            (0, "remission"),
            (1, "low"),
            (4, "low"),
            (5, "moderate"),
            (10, "moderate"),
            (11, "high"),
            (105, "high"),
        ],
    )
    def test_boundaries(self, total: int, label: str) -> None:
        assert band(total, scheme="eular_table_4band").label == label

    def test_from_a_score(self) -> None:
        score = sledai_2k.score(["arthritis", "rash", "fever"])  # 4 + 2 + 1 = 7
        assert band(score, scheme="eular_table_4band").verdict == "moderate"


class TestMalaysiaSledai2k:
    """Spec section 4, `malaysia_cpg_2024_sledai2k`, Malaysian CPG 2024 Table 3:
    SLEDAI-2K "Low 1 - 4, Moderate 5 - 10, High >10"; "score of 0 is categorised as
    remission". Numerically the EULAR table, cited separately."""

    @pytest.mark.parametrize(
        ("total", "label"),
        [(0, "remission"), (1, "low"), (4, "low"), (5, "moderate"), (10, "moderate"), (11, "high")],
    )
    def test_boundaries(self, total: int, label: str) -> None:
        result = band(total, scheme="malaysia_cpg_2024_sledai2k")
        assert result.label == label
        assert "Malaysian Clinical Practice Guidelines" in result.explain()
        assert result.notes == ()


class TestMalaysiaClassic:
    """Spec section 4, `malaysia_cpg_2024_sledai_classic`: SLEDAI "<6 mild; 6-12
    moderate; >12 severe", given for the classic SLEDAI; 0 falls in "<6 mild"."""

    @pytest.mark.parametrize(
        ("total", "label"),
        [(0, "mild"), (5, "mild"), (6, "moderate"), (12, "moderate"), (13, "severe")],
    )
    def test_boundaries(self, total: int, label: str) -> None:
        assert band(total, scheme="malaysia_cpg_2024_sledai_classic").label == label

    def test_says_it_is_applied_to_sledai_2k(self) -> None:
        result = band(0, scheme="malaysia_cpg_2024_sledai_classic")
        assert result.notes == (
            "scheme defined for SLEDAI, applied here to SLEDAI-2K (non-standard)",
        )
        assert "Note: scheme defined for SLEDAI, applied here" in result.explain()


class TestThresholds:
    """Spec section 4, single thresholds: "active disease at SLEDAI-2K >= 3 or >= 4"
    (Yee et al. 2011: "the most appropriate cut-off scores for active disease were 3
    or 4"); "SLEDAI-2K >= 6 deemed clinically important" (Mikdashi and Nived 2015)."""

    @pytest.mark.parametrize(
        ("name", "total", "met"),
        [
            ("active_ge_3", 2, False),
            ("active_ge_3", 3, True),
            ("active_ge_4", 3, False),
            ("active_ge_4", 4, True),
            ("clinically_important_ge_6", 5, False),
            ("clinically_important_ge_6", 6, True),
        ],
    )
    def test_both_sides(self, name: str, total: int, met: bool) -> None:
        result = meets(total, threshold=name)
        assert result.met is met
        assert result.as_record() == {
            f"sledai_bands.{name}": met,
            f"sledai_bands.{name}.verdict": "true" if met else "false",
        }

    def test_incomplete(self) -> None:
        score = sledai_2k.score(["rash"], not_assessed=["fever", "leukopenia"])  # 2 to 2 + 1 + 1
        assert meets(score, threshold="active_ge_3").verdict == (
            "cannot be determined: SLEDAI-2K fever, leukopenia missing"
        )
        assert meets(score, threshold="active_ge_4").met is None  # 2 to 4
        assert meets(score, threshold="clinically_important_ge_6").met is False  # at most 4 < 6
        assert (
            meets(
                sledai_2k.score(["arthritis"], not_assessed=["fever"]), threshold="active_ge_4"
            ).met
            is True
        )  # at least 4


class TestIncomplete:
    """Spec section 4 (task): an incomplete score gets a band only when every possible
    completion (its total up to the total plus the not-assessed weights) falls in the
    same band."""

    def test_decided_when_every_completion_agrees(self) -> None:
        score = sledai_2k.score(["arthritis"], not_assessed=["rash"])  # 4 to 4 + 2
        result = band(score, scheme="malaysia_cpg_2024_sledai_classic")  # mild or moderate?
        assert result.verdict == "cannot be determined: SLEDAI-2K rash missing (mild or moderate)"
        assert result.label is None
        assert not result.complete
        one_more = sledai_2k.score(["arthritis"], not_assessed=["fever"])  # 4 to 4 + 1 = 5
        assert band(one_more, scheme="malaysia_cpg_2024_sledai_classic").label == "mild"

    def test_edge_of_the_range(self) -> None:
        score = sledai_2k.score(["seizure"], not_assessed=["rash"])  # 8 to 8 + 2 = 10
        assert band(score, scheme="eular_table_4band").label == "moderate"
        wider = sledai_2k.score(["seizure"], not_assessed=["rash", "fever"])  # 8 to 11
        result = band(wider, scheme="eular_table_4band")
        assert result.possible == ("moderate", "high")
        assert result.as_record() == {
            "sledai_bands.eular_table_4band": None,
            "sledai_bands.eular_table_4band.verdict": "cannot be determined: SLEDAI-2K "
            "fever, rash missing (moderate or high)",
            "sledai_bands.eular_table_4band.least": 8,
            "sledai_bands.eular_table_4band.most": 8 + 2 + 1,
        }


class TestInput:
    def test_no_default_scheme(self) -> None:
        with pytest.raises(TypeError):
            band(3)  # type: ignore[call-arg]

    def test_unknown_scheme_is_suggested(self) -> None:
        with pytest.raises(UnknownCodeError, match="did you mean 'eular_table_4band'"):
            band(3, scheme="eular_table_4bands")

    @pytest.mark.parametrize("total", [-1, 106, True, "4", None])
    def test_bad_totals(self, total: object) -> None:
        with pytest.raises(InvalidItemsError):
            band(total, scheme="eular_table_4band")  # type: ignore[arg-type]

    def test_every_scheme_covers_0_to_105_in_order(self) -> None:
        for scheme in SCHEMES.values():
            edges = [(b.low, b.high) for b in scheme.bands]
            assert edges[0][0] == 0
            assert edges[-1][1] == 105
            assert all(high + 1 == low for (_, high), (low, _) in itertools.pairwise(edges))

    def test_every_entry_names_its_source(self) -> None:
        assert all(s.source for s in SCHEMES.values())
        assert all(t.source for t in THRESHOLDS.values())


CODES = list(SLEDAI_2K_WEIGHTS)


@given(
    items=st.sets(st.sampled_from(CODES)),
    unknown=st.sets(st.sampled_from(CODES), max_size=4),
    extra=st.sampled_from(CODES),
    scheme=st.sampled_from(sorted(SCHEMES)),
)
def test_monotone_in_the_score(items: set[str], unknown: set[str], extra: str, scheme: str) -> None:
    """A higher total never gives a lower band; an incomplete score's band, when
    given, is the band of every completion; and it agrees with the naive table."""
    order = [b.label for b in SCHEMES[scheme].bands]
    full = sledai_2k.score(items)
    more = sledai_2k.score(items | {extra})
    assert order.index(band(more, scheme=scheme).verdict) >= order.index(
        band(full, scheme=scheme).verdict
    )
    assert band(full, scheme=scheme).label == sledai_band(full.total, scheme)
    partial = band(sledai_2k.score(items - unknown, not_assessed=unknown), scheme=scheme)
    if partial.label is not None:
        for present in (items - unknown, (items - unknown) | unknown):
            assert partial.label == sledai_band(sledai_2k.score(present).total, scheme)
    else:
        assert len(partial.possible) >= 2


def test_a_visit_score_keeps_its_date() -> None:
    day = datetime.date(2024, 8, 19)
    patient = Patient(
        "p", tuple(Observation(f"sledai_2k.{code}", "absent", date=day) for code in CODES)
    )
    result = band(sledai_2k.score_visit(patient, day), scheme="eular_table_4band")
    assert (result.verdict, result.visit_date, result.complete) == ("remission", day, True)
    assert result.explain().startswith(
        "SLEDAI-2K band (eular_table_4band) on 2024-08-19: remission (research use"
    )
