"""Time in a state over follow-up (sle_scoring.timeline).

Rule: the time between two consecutive visits is in the state only if it is met at
both, out of it if not met at either, otherwise undetermined; a spell is a run of
consecutive visits in the state, broken by any visit not met or undetermined.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import InvalidItemsError
from sle_scoring.evidence import Observation, Patient
from sle_scoring.lldas import State
from sle_scoring.sledai_2k import DESCRIPTORS
from sle_scoring.timeline import follow, time_in_state

D = datetime.date
MET, NO, UNKNOWN = State.MET, State.NOT_MET, State.UNDETERMINED


class TestRule:
    def test_met_at_both_visits_counts_in(self) -> None:
        result = time_in_state("x", [(D(2024, 1, 1), MET), (D(2024, 1, 31), MET)])
        assert (result.days_in, result.days_out, result.days_undetermined) == (30, 0, 0)
        assert result.share == 1

    def test_not_met_at_either_counts_out(self) -> None:
        result = time_in_state("x", [(D(2024, 1, 1), MET), (D(2024, 1, 31), NO)])
        assert (result.days_in, result.days_out) == (0, 30)
        result = time_in_state("x", [(D(2024, 1, 1), NO), (D(2024, 1, 31), UNKNOWN)])
        assert (result.days_out, result.days_undetermined) == (30, 0)

    def test_undetermined_without_not_met(self) -> None:
        result = time_in_state("x", [(D(2024, 1, 1), MET), (D(2024, 1, 31), UNKNOWN)])
        assert result.days_undetermined == 30
        assert result.share is None
        assert (result.share_at_least, result.share_at_most) == (Fraction(0), Fraction(1))

    def test_share_and_longest_spell(self) -> None:
        visits = [
            (D(2024, 1, 1), MET),
            (D(2024, 1, 11), MET),  # 10 days in
            (D(2024, 1, 21), NO),  # 10 days out
            (D(2024, 2, 20), MET),  # 30 days out
            (D(2024, 3, 1), MET),  # 10 days in (Feb 2024 has 29 days)
            (D(2024, 3, 21), MET),  # 20 days in
        ]
        result = time_in_state("LLDAS", visits)
        assert result.follow_up_days == 10 + 10 + 30 + 10 + 20
        assert result.days_in == 10 + 10 + 20
        assert result.share == Fraction(40, 80)
        assert result.longest_spell is not None
        assert (result.longest_spell.start, result.longest_spell.end) == (
            D(2024, 2, 20),
            D(2024, 3, 21),
        )
        assert result.longest_spell.days == 30
        assert result.longest_spell.visits == 3
        assert result.explain() == (
            "LLDAS: 40 of 80 days (50%); longest spell 30 days (2024-02-20 to 2024-03-21, 3 visits)"
        )

    def test_an_undetermined_visit_breaks_a_spell(self) -> None:
        visits = [(D(2024, 1, 1), MET), (D(2024, 1, 11), UNKNOWN), (D(2024, 1, 21), MET)]
        result = time_in_state("x", visits)
        assert result.longest_spell is not None
        assert result.longest_spell.days == 0  # single-visit spells only
        assert result.days_undetermined == 20

    def test_one_visit(self) -> None:
        result = time_in_state("x", [(D(2024, 1, 1), MET)])
        assert result.follow_up_days == 0
        assert result.share is None
        assert result.explain().startswith("x: no follow-up time (one visit)")

    def test_order_does_not_matter(self) -> None:
        visits = [(D(2024, 1, 1), MET), (D(2024, 1, 11), MET), (D(2024, 1, 21), NO)]
        assert time_in_state("x", visits) == time_in_state("x", visits[::-1])

    def test_bad_input(self) -> None:
        with pytest.raises(InvalidItemsError):
            time_in_state("x", [])
        with pytest.raises(InvalidItemsError):
            time_in_state("x", [(D(2024, 1, 1), MET), (D(2024, 1, 1), NO)])


@given(
    st.lists(
        st.tuples(st.dates(D(2020, 1, 1), D(2025, 1, 1)), st.sampled_from([MET, NO, UNKNOWN])),
        min_size=1,
        max_size=12,
        unique_by=lambda pair: pair[0],
    )
)
def test_time_adds_up(visits: list[tuple[datetime.date, State]]) -> None:
    result = time_in_state("x", visits)
    assert result.days_in + result.days_out + result.days_undetermined == result.follow_up_days
    if result.longest_spell is not None:
        assert result.longest_spell.days <= result.days_in
    if result.follow_up_days:
        low, high = result.share_at_least, result.share_at_most
        assert low is not None
        assert high is not None
        assert 0 <= low <= high <= 1
    assert (result.longest_spell is None) == all(state is not MET for _, state in visits)


def all_absent(day: datetime.date) -> list[Observation]:
    return [Observation(f"sledai_2k.{d.code}", "absent", date=day) for d in DESCRIPTORS]


class TestFollow:
    def patient(self) -> Patient:
        first, second, third = D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)
        return Patient(
            "p",
            (
                *all_absent(first),
                *all_absent(second),
                *all_absent(third),
                Observation("prednisone_dose", 10, date=first, unit="mg/day"),
                Observation("prednisone_dose", 5, date=second, unit="mg/day"),
                *(
                    Observation("physician_global_assessment", Decimal("0.3"), date=d, unit="0-3")
                    for d in (first, second, third)
                ),
                Observation("maintenance_treatment_standard", "present", date=first),
                Observation("investigational_drug", "absent", date=first),
                Observation("immunosuppressive_treatment_stable", "present", date=first),
                *(
                    Observation(code, "absent", date=d)
                    for d in (first, second, third)
                    for code in ("hemolytic_anemia", "gastrointestinal_activity")
                ),
            ),
        )

    def test_states_and_time(self) -> None:
        timeline = follow(
            self.patient(), [D(2024, 3, 1), D(2024, 1, 1), D(2024, 2, 1)], first_assessment=True
        )
        assert [v.date for v in timeline.visits] == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]
        assert [v.lldas.state for v in timeline.visits] == [NO, MET, MET]  # 10 mg, then 5 mg
        assert [v.remission.state for v in timeline.visits] == [NO, MET, MET]
        assert timeline.visits[0].change is None
        assert timeline.visits[1].change is not None
        assert timeline.visits[1].change.verdict == "persistent"  # 0 -> 0
        assert timeline.lldas.days_in == 29  # 1 Feb to 1 Mar 2024
        assert timeline.lldas.days_out == 31  # 1 Jan to 1 Feb
        assert timeline.remission.share == Fraction(29, 60)

    def test_without_first_assessment_the_first_visit_is_undetermined_or_worse(self) -> None:
        timeline = follow(self.patient(), [D(2024, 2, 1), D(2024, 3, 1)])
        first = timeline.visits[0].lldas
        assert first.verdict == "cannot be determined: previous assessment missing"

    def test_table(self) -> None:
        table = follow(
            self.patient(), [D(2024, 1, 1), D(2024, 2, 1)], first_assessment=True
        ).table()
        assert table.splitlines()[0] == (
            "| visit | SLEDAI-2K | prednisone eq. mg/day | PGA | LLDAS | remission | change |"
        )
        assert table.splitlines()[3] == "| 2024-02-01 | 0 | 5 | 0.3 | met | met | persistent |"

    def test_no_visits(self) -> None:
        with pytest.raises(InvalidItemsError):
            follow(self.patient(), [])
