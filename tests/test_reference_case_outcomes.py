"""Outcomes on the published reference case (Bottazzi et al., Clin Exp Rheumatol 2025).

The report gives the glucocorticoid course (prednisone 10 mg/day at the March 2024
flare, then 12.5; 7.5 six weeks after the first anifrolumab infusion; stopped after two
infusions) and SLEDAI-2K 0 at the sixth infusion, but no physician global assessment.
So after withdrawal, clinical SLEDAI-2K 0 and prednisone 0 mg/day, remission and LLDAS
"cannot be determined: PGA missing"; with a PGA of 0.3 added both are met; at the flare
remission is not met because of the steroid dose.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from sle_scoring import doris_remission, lldas, records
from sle_scoring.evidence import Observation, Patient
from sle_scoring.glucocorticoids import prednisone_equivalent
from sle_scoring.lldas import State
from sle_scoring.reference_cases import (
    BOTTAZZI_2025_FIRST_INFUSION,
    BOTTAZZI_2025_FLARE,
    BOTTAZZI_2025_GLUCOCORTICOID_STOPPED,
    BOTTAZZI_2025_PREDNISONE_RAISED,
    BOTTAZZI_2025_PREDNISONE_REDUCED,
    BOTTAZZI_2025_PRESENTATION,
    BOTTAZZI_2025_SECOND_INFUSION,
    BOTTAZZI_2025_SIXTH_INFUSION,
    bottazzi_2025,
)
from sle_scoring.sledai_2k import CLINICAL_SLEDAI_2K, score_visit
from sle_scoring.timeline import follow

SIXTH = BOTTAZZI_2025_SIXTH_INFUSION
FIFTH = SIXTH - datetime.timedelta(weeks=4)
INFUSIONS = [BOTTAZZI_2025_FIRST_INFUSION + datetime.timedelta(weeks=4 * n) for n in range(6)]


def with_pga(value: str, day: datetime.date = SIXTH) -> Patient:
    case = bottazzi_2025()
    pga = Observation("physician_global_assessment", Decimal(value), date=day, unit="0-3")
    return Patient(case.id, (*case.observations, pga))


class TestGlucocorticoidCourse:
    """The dates chosen in the fixture's docstring, and the prednisone mg/day in force."""

    def test_dates(self) -> None:
        chosen = [
            BOTTAZZI_2025_FLARE,
            BOTTAZZI_2025_PREDNISONE_RAISED,
            BOTTAZZI_2025_SECOND_INFUSION,
            BOTTAZZI_2025_PREDNISONE_REDUCED,
            BOTTAZZI_2025_GLUCOCORTICOID_STOPPED,
        ]
        assert chosen == [
            datetime.date(2024, 3, 1),  # the flare, 10 mg/day
            datetime.date(2024, 3, 2),  # raised to 12.5 mg/day the day after
            datetime.date(2024, 4, 29),  # second infusion, 4 weeks after the first
            datetime.date(2024, 5, 13),  # 7.5 mg/day, 6 weeks after the first infusion
            datetime.date(2024, 5, 27),  # stopped, dated at the third infusion (week 8)
        ]

    @pytest.mark.parametrize(
        ("day", "mg"),
        [
            (BOTTAZZI_2025_FLARE, Fraction(10)),
            (BOTTAZZI_2025_PREDNISONE_RAISED, Fraction("12.5")),
            (BOTTAZZI_2025_SECOND_INFUSION, Fraction("12.5")),
            (BOTTAZZI_2025_PREDNISONE_REDUCED, Fraction("7.5")),
            (BOTTAZZI_2025_GLUCOCORTICOID_STOPPED, Fraction(0)),
            (SIXTH, Fraction(0)),
        ],
    )
    def test_dose_in_force(self, day: datetime.date, mg: Fraction) -> None:
        assert prednisone_equivalent(bottazzi_2025(), day).prednisone_mg == mg

    def test_1_mg_per_kg_at_presentation_is_not_a_number(self) -> None:
        # "GC, 1 mg/kg/die": no body weight is given, so no dose is encoded.
        assert (
            prednisone_equivalent(bottazzi_2025(), BOTTAZZI_2025_PRESENTATION).prednisone_mg is None
        )


class TestAfterWithdrawal:
    def test_clinical_sledai_0_and_prednisone_0(self) -> None:
        case = bottazzi_2025()
        assert score_visit(case, SIXTH, index=CLINICAL_SLEDAI_2K).total == 0
        assert score_visit(case, SIXTH, index=CLINICAL_SLEDAI_2K).complete
        assert prednisone_equivalent(case, SIXTH).prednisone_mg == 0

    def test_remission_cannot_be_determined_pga_missing(self) -> None:
        result = doris_remission.assess_visit(bottazzi_2025(), SIXTH)
        assert result.state is State.UNDETERMINED
        assert result.verdict == "cannot be determined: PGA missing"

    def test_lldas_cannot_be_determined_pga_missing(self) -> None:
        result = lldas.assess_visit(bottazzi_2025(), SIXTH, previous_visit=FIFTH)
        assert result.state is State.UNDETERMINED
        assert result.verdict == "cannot be determined: PGA missing"

    def test_with_pga_0_3_both_are_met(self) -> None:
        case = with_pga("0.3")
        assert doris_remission.assess_visit(case, SIXTH).verdict == "met"  # 0.3 < 0.5
        assert lldas.assess_visit(case, SIXTH, previous_visit=FIFTH).verdict == "met"  # 0.3 <= 1

    def test_with_pga_0_5_lldas_only(self) -> None:
        case = with_pga("0.5")
        assert doris_remission.assess_visit(case, SIXTH).verdict == "not met: PGA 0.5 >= 0.5"
        assert lldas.assess_visit(case, SIXTH, previous_visit=FIFTH).verdict == "met"


class TestFlare:
    def test_remission_not_met_because_of_the_steroid_dose(self) -> None:
        for day, mg in ((BOTTAZZI_2025_FLARE, "10"), (BOTTAZZI_2025_PREDNISONE_RAISED, "12.5")):
            result = doris_remission.assess_visit(with_pga("0", day), day)
            assert result.state is State.NOT_MET
            dose = result.condition("glucocorticoid_dose")
            assert dose.state is State.NOT_MET
            assert dose.reason == f"glucocorticoid dose {mg} mg/day > 5 mg/day"

    def test_lldas_not_met_because_of_the_steroid_dose(self) -> None:
        result = lldas.assess_visit(bottazzi_2025(), BOTTAZZI_2025_FLARE)
        assert result.verdict == "not met: glucocorticoid dose 10 mg/day > 7.5 mg/day"


class TestCourse:
    """The course at presentation, the flare and the six infusions (docs table)."""

    def test_states(self) -> None:
        visits = [BOTTAZZI_2025_PRESENTATION, BOTTAZZI_2025_FLARE, *INFUSIONS]
        timeline = follow(bottazzi_2025(), visits)
        states = [(v.date.isoformat(), v.lldas.state, v.remission.state) for v in timeline.visits]
        no, unknown = State.NOT_MET, State.UNDETERMINED
        assert states == [
            ("2023-10-01", no, no),  # SLEDAI-2K >= 4 + 2 + 1; clinical >= 4 + 1
            ("2024-03-01", no, no),  # prednisone 10 mg/day; thrombocytopenia
            ("2024-04-01", no, no),  # prednisone 12.5 mg/day
            ("2024-04-29", no, no),  # prednisone 12.5 mg/day
            ("2024-05-27", unknown, unknown),  # stopped; nothing else reported that day
            ("2024-06-24", unknown, unknown),
            ("2024-07-22", unknown, unknown),
            ("2024-08-19", unknown, unknown),  # only the PGA is missing
        ]
        assert timeline.visits[-1].lldas.missing == ("PGA",)
        assert timeline.lldas.days_in == 0
        assert timeline.lldas.longest_spell is None

    def test_with_pga_the_sixth_infusion_starts_a_spell(self) -> None:
        timeline = follow(with_pga("0.3"), [FIFTH, SIXTH])
        assert timeline.visits[-1].remission.state is State.MET
        assert timeline.remission.longest_spell is not None
        assert timeline.remission.longest_spell.start == SIXTH


def test_json_example_is_the_fixture() -> None:
    from importlib.resources import files

    text = (files("sle_scoring") / "examples" / "bottazzi_2025.json").read_text(encoding="utf-8")
    assert text == records.dumps(bottazzi_2025(), indent=2) + "\n"
