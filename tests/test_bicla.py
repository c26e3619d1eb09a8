"""BICLA (spec trial-outcomes.md section 1; Wallace et al., Arthritis Rheum
2011;63(Suppl):S894, as restated by ePROVIDE): "(1) at least one gradation of
improvement in baseline BILAG scores in all body systems with moderate or severe
disease activity at entry ...; (2) no new BILAG A or more than one new BILAG B scores;
(3) no worsening of total SLEDAI score from baseline; (4) no significant deterioration
(≤10%) in physicians global assessment and (5) no treatment failure (initiation of
non-protocol treatment)."
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typing_extensions import assert_type

from naive import BILAG_SYSTEMS, SLEDAI_2K_WEIGHTS, bicla_responder
from sle_scoring import InvalidEvidenceError, InvalidItemsError, UnknownCodeError, sledai_2k, sri
from sle_scoring._results import RecordValue
from sle_scoring.bicla import SYSTEMS, PgaRule, Response, State, assess, assess_visits
from sle_scoring.evidence import Observation, Patient

#: Every system D (no current activity) except musculoskeletal B at baseline.
QUIET = dict.fromkeys(SYSTEMS, "D")
BASELINE = {**QUIET, "musculoskeletal": "B"}
IMPROVED = {**QUIET, "musculoskeletal": "C"}
#: Every other component met: SLEDAI-2K 10 -> 4, PGA 1.5 -> 1.5, no treatment failure.
OTHERS: dict[str, Any] = {
    "pga_baseline": Decimal("1.5"),
    "pga_follow_up": Decimal("1.5"),
    "pga_rule": "pct_of_scale",
    "treatment_failure": False,
}


def bicla(
    before: Mapping[str, str | None] = BASELINE,
    after: Mapping[str, str | None] = IMPROVED,
    sledai: tuple[Any, Any] = (10, 4),
    **changes: Any,
) -> Any:
    return assess(*sledai, bilag_baseline=before, bilag_follow_up=after, **{**OTHERS, **changes})


def test_all_five_met_is_a_responder() -> None:
    result = bicla()
    assert result.response is Response.RESPONDER
    assert result.verdict == "responder"
    assert result.complete
    assert [c.state for c in result.components] == [State.MET] * 5


class TestC1Improvement:
    """Spec 1, C1 boundary table: "Every system graded A (severe) at baseline is B, C or
    D at follow-up. Every system graded B (moderate) at baseline is C or D at
    follow-up" (B1: "all A ... scores falling to B ..., C ..., or D ... and all B scores
    falling to C or D")."""

    @pytest.mark.parametrize(
        ("before", "after", "state"),
        [
            ("A", "B", State.MET),
            ("A", "A", State.NOT_MET),
            ("B", "C", State.MET),
            ("B", "B", State.NOT_MET),
            ("B", "A", State.NOT_MET),
            ("A", "D", State.MET),
            ("B", "D", State.MET),
        ],
    )
    def test_grade_change(self, before: str, after: str, state: State) -> None:
        result = bicla({**QUIET, "renal": before}, {**QUIET, "renal": after})
        assert result.component("c1_improvement").state is state

    def test_b_to_a_is_also_a_new_a(self) -> None:
        result = bicla({**QUIET, "renal": "B"}, {**QUIET, "renal": "A"})
        assert result.component("c2_no_new_flare").reason == "new A: renal; new B: none"
        assert result.verdict == (
            "non-responder: not improved: renal B -> A; new A: renal; new B: none"
        )

    def test_every_active_system_must_improve(self) -> None:
        before = {**QUIET, "renal": "A", "mucocutaneous": "B"}
        after = {**QUIET, "renal": "B", "mucocutaneous": "B"}
        result = bicla(before, after)
        assert result.component("c1_improvement").reason == "not improved: mucocutaneous B -> B"

    def test_c_d_e_at_baseline_need_not_improve(self) -> None:
        before = {**BASELINE, "renal": "C", "ophthalmic": "E"}
        after = {**IMPROVED, "renal": "C", "ophthalmic": "E"}
        assert bicla(before, after).response is Response.RESPONDER


class TestC2NoNewFlare:
    """Spec 1, C2 boundary table: "No new BILAG A, and no more than one new BILAG B";
    reading adopted: a new A is A at follow-up from B-E, a new B is B at follow-up from
    C-E; "A system that improves from A to B is not a new B"."""

    def test_one_new_b_is_allowed(self) -> None:
        result = bicla({**BASELINE, "renal": "C"}, {**IMPROVED, "renal": "B"})
        assert result.component("c2_no_new_flare").state is State.MET
        assert result.component("c2_no_new_flare").reason == "new A: none; new B: renal"

    def test_two_new_b_are_not(self) -> None:
        before = {**BASELINE, "renal": "C", "mucocutaneous": "D"}
        after = {**IMPROVED, "renal": "B", "mucocutaneous": "B"}
        result = bicla(before, after)
        assert result.component("c2_no_new_flare").state is State.NOT_MET
        assert result.response is Response.NON_RESPONDER

    def test_one_new_a_is_not_allowed(self) -> None:
        result = bicla({**BASELINE, "renal": "D"}, {**IMPROVED, "renal": "A"})
        assert result.component("c2_no_new_flare").state is State.NOT_MET

    def test_a_to_b_is_not_a_new_b(self) -> None:
        before = {**BASELINE, "renal": "A", "mucocutaneous": "C"}
        after = {**IMPROVED, "renal": "B", "mucocutaneous": "B"}  # one new B only
        result = bicla(before, after)
        assert result.component("c2_no_new_flare").reason == "new A: none; new B: mucocutaneous"
        assert result.response is Response.RESPONDER

    def test_e_to_b_is_a_new_b(self) -> None:
        before = {**BASELINE, "renal": "E", "ophthalmic": "E"}
        after = {**IMPROVED, "renal": "B", "ophthalmic": "B"}
        assert bicla(before, after).component("c2_no_new_flare").state is State.NOT_MET


class TestC3Sledai:
    """Spec 1, C3: "No worsening of the total SLEDAI score from baseline"; reading
    adopted: "SLEDAI-2K total at follow-up ≤ baseline total. Any increase, even of 1
    point, is worsening"."""

    @pytest.mark.parametrize(
        ("before", "after", "state"),
        [(10, 10, State.MET), (10, 11, State.NOT_MET), (10, 4, State.MET)],
    )
    def test_totals(self, before: int, after: int, state: State) -> None:
        assert bicla(sledai=(before, after)).component("c3_no_sledai_worsening").state is state

    def test_scores(self) -> None:
        before = sledai_2k.score(["arthritis", "rash"])  # 4 + 2 = 6
        after = sledai_2k.score(["arthritis", "rash", "fever"])  # 4 + 2 + 1 = 7
        result = bicla(sledai=(before, after))
        assert result.verdict == "non-responder: SLEDAI-2K 6 -> 7: worse"

    def test_descriptors_not_assessed(self) -> None:
        before = sledai_2k.score(["arthritis", "rash"])  # 6
        decided = sledai_2k.score(["arthritis"], not_assessed=["fever"])  # 4 to 4 + 1
        assert bicla(sledai=(before, decided)).response is Response.RESPONDER
        open_ = sledai_2k.score(["arthritis"], not_assessed=["rash", "fever"])  # 4 to 7
        result = bicla(sledai=(before, open_))
        assert result.verdict == (
            "cannot be determined: SLEDAI-2K at follow-up fever, rash missing"
        )

    def test_missing(self) -> None:
        result = bicla(sledai=(10, None))
        assert result.verdict == "cannot be determined: SLEDAI-2K at follow-up missing"


class TestC4PgaPctOfScale:
    """Spec 1, C4 with `pct_of_scale`: "met when (PGA_follow-up − PGA_baseline) < 0.3
    ... an increase of exactly 0.3 fails" (B1: "no significant deterioration (≤10%)")."""

    @pytest.mark.parametrize(
        ("after", "state"),
        [
            (Decimal("1.79"), State.MET),  # + 0.29
            (Decimal("1.80"), State.NOT_MET),  # + 0.30
            (1.79, State.MET),  # a float, read as typed
            ("1.8", State.NOT_MET),
        ],
    )
    def test_edge(self, after: Any, state: State) -> None:
        result = bicla(pga_baseline=Decimal("1.5"), pga_follow_up=after)
        assert result.component("c4_no_pga_deterioration").state is state

    def test_reason_names_the_rule(self) -> None:
        result = bicla(pga_baseline="1.5", pga_follow_up="1.8")
        assert result.component("c4_no_pga_deterioration").reason == (
            "PGA 1.5 -> 1.8: rise 0.3 >= 0.3 (pct_of_scale)"
        )
        assert "PGA reading: PGA rise < 0.3 (10% of the 0-3 scale)" in result.explain()
        assert result.pga_rule is PgaRule.PCT_OF_SCALE


class TestC4PgaPctOfBaseline:
    """Spec 1, C4 with `pct_of_baseline`: "met when PGA_follow-up ≤ 1.10 × PGA_baseline";
    "0 → 0.1 ... not met (any rise from 0 fails)"."""

    @pytest.mark.parametrize(
        ("before", "after", "state"),
        [
            ("2.0", "2.2", State.MET),  # limit 1.10 x 2.0 = 2.2
            ("2.0", "2.21", State.NOT_MET),
            ("0", "0.1", State.NOT_MET),  # limit 1.10 x 0 = 0
            ("0", "0", State.MET),
        ],
    )
    def test_edge(self, before: str, after: str, state: State) -> None:
        result = bicla(pga_baseline=before, pga_follow_up=after, pga_rule="pct_of_baseline")
        assert result.component("c4_no_pga_deterioration").state is state
        assert result.pga_rule is PgaRule.PCT_OF_BASELINE

    def test_the_readings_differ(self) -> None:
        # 1.0 -> 1.2: a rise of 0.2 < 0.3 (scale), but 1.2 > 1.10 x 1.0 = 1.1 (baseline)
        scale = bicla(pga_baseline="1.0", pga_follow_up="1.2", pga_rule="pct_of_scale")
        base = bicla(pga_baseline="1.0", pga_follow_up="1.2", pga_rule="pct_of_baseline")
        assert scale.response is Response.RESPONDER
        assert base.verdict == "non-responder: PGA 1 -> 1.2: > 1.10 x 1 = 1.1 (pct_of_baseline)"


class TestC4RuleRequired:
    """Spec 1, C4: "The library therefore has no default ... Without a `pga_rule`, C4 is
    'cannot be determined', with the reason 'PGA operationalisation not chosen'"."""

    def test_the_argument_is_required(self) -> None:
        with pytest.raises(TypeError):
            assess(  # type: ignore[call-arg]
                10,
                4,
                bilag_baseline=BASELINE,
                bilag_follow_up=IMPROVED,
                pga_baseline="1",
                pga_follow_up="1",
            )

    def test_none_leaves_c4_undetermined(self) -> None:
        result = bicla(pga_rule=None)
        c4 = result.component("c4_no_pga_deterioration")
        assert (c4.state, c4.reason) == (State.UNDETERMINED, "PGA operationalisation not chosen")
        assert result.verdict == "cannot be determined: pga_rule missing"
        assert "PGA reading: none chosen" in result.explain()

    def test_an_unknown_rule_is_an_error(self) -> None:
        with pytest.raises(InvalidItemsError, match="pga_rule must be"):
            bicla(pga_rule="pct")

    def test_pga_missing(self) -> None:
        result = bicla(pga_follow_up=None)
        assert result.verdict == "cannot be determined: PGA at follow-up missing"


class TestC5TreatmentFailure:
    """Spec 1, C5: "no treatment failure (initiation of non-protocol treatment)": a caller
    flag, `treatment_failure: bool`, "as the protocol defines it"."""

    def test_failure(self) -> None:
        assert bicla(treatment_failure=True).verdict == (
            "non-responder: treatment failure (caller)"
        )

    def test_all_met_without_the_flag_cannot_be_determined(self) -> None:
        """Spec 1, missing-input cases: "All components met, with `treatment_failure`
        not given: cannot be determined (C5)"."""
        result = bicla(treatment_failure=None)
        assert result.verdict == "cannot be determined: treatment failure flag missing"

    def test_not_a_bool(self) -> None:
        with pytest.raises(InvalidItemsError):
            bicla(treatment_failure="no")


class TestMissingAndApplicability:
    """Spec 1, "Cannot be determined, component by component" and "Other input cases":
    a non-responder "needs at least one component known to decide it. A missing input
    elsewhere does not block it; the result still lists what was missing"."""

    def test_c3_not_met_with_pga_missing_is_a_non_responder(self) -> None:
        result = bicla(sledai=(10, 11), pga_baseline=None)
        assert result.response is Response.NON_RESPONDER
        assert result.missing == ("PGA at baseline",)
        assert (
            result.verdict == "non-responder: SLEDAI-2K 10 -> 11: worse (PGA at baseline missing)"
        )
        assert not result.complete

    def test_no_baseline_a_or_b_is_not_applicable(self) -> None:
        result = bicla(QUIET, QUIET)
        assert result.response is Response.NOT_APPLICABLE
        assert result.verdict == "not applicable: no BILAG-2004 system graded A or B at baseline"

    def test_a_missing_baseline_grade_leaves_the_whole_result_open(self) -> None:
        before: dict[str, str | None] = {**BASELINE, "renal": None}
        result = bicla(before, IMPROVED, sledai=(10, 11))  # C3 not met
        assert result.response is Response.UNDETERMINED
        assert result.component("c1_improvement").state is State.UNDETERMINED
        assert result.component("c1_improvement").missing == ("BILAG renal at baseline",)
        assert result.verdict == "cannot be determined: BILAG renal at baseline missing"

    def test_a_system_not_given_is_missing_not_e(self) -> None:
        before = {s: g for s, g in BASELINE.items() if s != "ophthalmic"}
        result = bicla(before, IMPROVED)
        assert result.verdict == "cannot be determined: BILAG ophthalmic at baseline missing"

    def test_follow_up_missing_for_an_active_system(self) -> None:
        after: dict[str, str | None] = {**IMPROVED, "musculoskeletal": None}
        result = bicla(BASELINE, after)
        assert result.component("c1_improvement").reason == (
            "follow-up grade missing for active system(s): musculoskeletal"
        )
        assert result.verdict == "cannot be determined: BILAG musculoskeletal at follow-up missing"

    def test_c2_decided_by_the_known_systems(self) -> None:
        """Spec 1: "C2 is already not met, and the result is non-responder, if the known
        systems show ≥1 new A or ≥2 new B"."""
        after: dict[str, str | None] = {**IMPROVED, "renal": "A", "ophthalmic": None}
        result = bicla(BASELINE, after)
        c2 = result.component("c2_no_new_flare")
        assert (c2.state, c2.missing) == (State.NOT_MET, ("BILAG ophthalmic at follow-up",))
        assert result.response is Response.NON_RESPONDER

    def test_c2_open_when_a_c_d_e_system_is_not_graded_at_follow_up(self) -> None:
        after: dict[str, str | None] = {**IMPROVED, "renal": None}
        result = bicla(BASELINE, after)
        assert result.component("c2_no_new_flare").state is State.UNDETERMINED

    def test_no_grades_at_all(self) -> None:
        result = assess(10, 4, bilag_baseline=None, bilag_follow_up=None, **OTHERS)
        assert result.verdict == (
            "cannot be determined: BILAG-2004 grades at baseline (all 9 systems), "
            "BILAG-2004 grades at follow-up (all 9 systems) missing"
        )

    def test_e_after_activity_is_an_input_error(self) -> None:
        with pytest.raises(InvalidEvidenceError) as error:
            bicla({**BASELINE, "renal": "C"}, {**IMPROVED, "renal": "E"})
        assert str(error.value) == (
            "BICLA field \"bilag_follow_up['renal']\": grade E (never involved) "
            "contradicts grade C at baseline"
        )

    def test_unknown_system_and_grade(self) -> None:
        with pytest.raises(UnknownCodeError, match="did you mean 'renal'"):
            bicla({**BASELINE, "renl": "D"})
        with pytest.raises(InvalidItemsError):
            bicla({**BASELINE, "renal": "F"})


class TestRecordAndExplanation:
    def test_as_record(self) -> None:
        record = bicla().as_record()
        assert record["bicla.response"] == "responder"
        assert record["bicla.pga_rule"] == "pct_of_scale"
        assert record["bicla.c3_no_sledai_worsening"] == "met"
        assert record["bicla.input.bilag_baseline.musculoskeletal"] == "B"
        assert record["bicla.input.sledai_2k_follow_up"] == "4"
        assert record["bicla.input.pga_follow_up"] == "1.5"
        assert all(k.startswith("bicla.") for k in record)
        assert all(isinstance(v, (str, bool, type(None))) for v in record.values())

    def test_explain(self) -> None:
        text = bicla().explain()
        assert text.startswith("BICLA: responder (research use, not a diagnosis)")
        assert "Source: Wallace D, Strand V" in text


class TestFromEvidence:
    def test_two_visits(self) -> None:
        start, end = datetime.date(2024, 1, 1), datetime.date(2024, 7, 1)
        observations = [
            Observation("sledai_2k.arthritis", "present", date=start),
            *(
                Observation(f"sledai_2k.{code}", "absent", date=day)
                for day in (start, end)
                for code in SLEDAI_2K_WEIGHTS
                if not (day == start and code == "arthritis")
            ),
            Observation("physician_global_assessment", Decimal("1.5"), date=start, unit="0-3"),
            Observation("physician_global_assessment", Decimal("0.5"), date=end, unit="0-3"),
        ]
        patient = Patient("p", tuple(observations))
        result = assess_visits(
            patient,
            start,
            end,
            bilag_baseline=BASELINE,
            bilag_follow_up=IMPROVED,
            pga_rule="pct_of_baseline",
            treatment_failure=False,
        )
        assert result.verdict == "responder"
        assert result.component("c3_no_sledai_worsening").reason == ("SLEDAI-2K 4 -> 0: not worse")
        assert result.as_record()["bicla.follow_up_date"] == "2024-07-01"
        with pytest.raises(InvalidItemsError):
            assess_visits(
                patient,
                end,
                start,
                bilag_baseline=BASELINE,
                bilag_follow_up=IMPROVED,
                pga_rule=None,
            )


PGAS = st.integers(min_value=0, max_value=30).map(lambda n: Fraction(n, 10))


@st.composite
def complete_inputs(draw: st.DrawFn) -> dict[str, Any]:
    before = {s: draw(st.sampled_from("ABCDE")) for s in BILAG_SYSTEMS}
    # E ("never involved") at follow-up only for a system E at baseline.
    after = {s: draw(st.sampled_from("ABCDE" if before[s] == "E" else "ABCD")) for s in before}
    return {
        "before": before,
        "after": after,
        "sledai": (draw(st.integers(0, 30)), draw(st.integers(0, 30))),
        "pga": (draw(PGAS), draw(PGAS)),
        "rule": draw(st.sampled_from(["pct_of_scale", "pct_of_baseline"])),
        "failure": draw(st.booleans()),
    }


def _run(inputs: dict[str, Any]) -> Response:
    return assess(
        *inputs["sledai"],
        bilag_baseline=inputs["before"],
        bilag_follow_up=inputs["after"],
        pga_baseline=inputs["pga"][0],
        pga_follow_up=inputs["pga"][1],
        pga_rule=inputs["rule"],
        treatment_failure=inputs["failure"],
    ).response


@given(complete_inputs())
def test_agrees_with_the_naive_implementation(inputs: dict[str, Any]) -> None:
    expected = bicla_responder(
        inputs["before"],
        inputs["after"],
        inputs["sledai"][0],
        inputs["sledai"][1],
        inputs["pga"][0],
        inputs["pga"][1],
        inputs["rule"],
        inputs["failure"],
    )
    response = _run(inputs)
    if expected is None:
        assert response is Response.NOT_APPLICABLE
    else:
        assert response is (Response.RESPONDER if expected else Response.NON_RESPONDER)


def _worsen(inputs: dict[str, Any], which: str, system: str) -> dict[str, Any]:
    worse = dict(inputs)
    if which == "bilag":
        grade = inputs["after"][system]
        worse["after"] = {**inputs["after"], system: "ABCDE"[max("ABCDE".index(grade) - 1, 0)]}
    elif which == "sledai":
        worse["sledai"] = (inputs["sledai"][0], inputs["sledai"][1] + 1)
    elif which == "pga":
        worse["pga"] = (inputs["pga"][0], min(inputs["pga"][1] + Fraction(1, 10), Fraction(3)))
    else:
        worse["failure"] = True
    return worse


@given(
    complete_inputs(),
    st.sampled_from(["bilag", "sledai", "pga", "treatment"]),
    st.sampled_from(BILAG_SYSTEMS),
)
def test_worsening_never_makes_a_responder(inputs: dict[str, Any], which: str, system: str) -> None:
    """Worsening any component (a follow-up grade one step more active, SLEDAI-2K + 1,
    PGA + 0.1, a treatment failure) never turns a non-responder into a responder."""
    before, after = _run(inputs), _run(_worsen(inputs, which, system))
    if before is Response.NON_RESPONDER:
        assert after is Response.NON_RESPONDER
    if after is Response.RESPONDER:
        assert before is Response.RESPONDER


@given(complete_inputs(), st.sampled_from(BILAG_SYSTEMS), st.sampled_from(["after", "before"]))
def test_a_missing_grade_never_invents_a_responder(
    inputs: dict[str, Any], system: str, visit: str
) -> None:
    """Removing one grade gives the same answer or "cannot be determined"."""
    full = _run(inputs)
    partial = {**inputs, visit: {**inputs[visit], system: None}}
    assert _run(partial) in (full, Response.UNDETERMINED)


@given(complete_inputs())
def test_new_a_and_new_b_read_as_the_sri_reads_them(inputs: dict[str, Any]) -> None:
    """Spec 1: the definitions of new A/B are "the same reading the SRI-4 BILAG
    component must use": BICLA's C2 and the SRI's BILAG condition agree."""
    empty = sledai_2k.score([])
    sri_state = (
        sri.assess(
            empty,
            empty,
            pga_baseline=0,
            pga_follow_up=0,
            bilag_baseline=inputs["before"],
            bilag_follow_up=inputs["after"],
        )
        .condition("no_bilag_worsening")
        .state
    )
    bicla_state = (
        assess(
            0,
            0,
            bilag_baseline=inputs["before"],
            bilag_follow_up=inputs["after"],
            pga_baseline=0,
            pga_follow_up=0,
            pga_rule=None,
        )
        .component("c2_no_new_flare")
        .state
    )
    assert bicla_state is sri_state


def test_public_types() -> None:
    result = assess(
        4,
        4,
        bilag_baseline=BASELINE,
        bilag_follow_up=IMPROVED,
        pga_baseline=1,
        pga_follow_up=1,
        pga_rule=PgaRule.PCT_OF_SCALE,
        treatment_failure=False,
    )
    assert_type(result.response, Response)
    assert_type(result.verdict, str)
    assert_type(result.complete, bool)
    assert_type(result.missing, tuple[str, ...])
    assert_type(result.as_record(), dict[str, RecordValue])
    assert_type(result.component("c1_improvement").state, State)
    assert result.pga_rule is PgaRule.PCT_OF_SCALE
