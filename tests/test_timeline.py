"""Time in a state over follow-up (sle_scoring.timeline).

Rule: the time between two consecutive visits is in the state only if it is met at
both, out of it if not met at either, otherwise undetermined; a spell is a run of
consecutive visits in the state, broken by any visit not met or undetermined.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import pickle
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from random import Random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import ArgumentTypeError, InvalidItemsError, batch, records
from sle_scoring.cli import EXIT_USAGE, main
from sle_scoring.evidence import Observation, Patient
from sle_scoring.lldas import Outcome, State
from sle_scoring.sledai_2k import DESCRIPTORS
from sle_scoring.timeline import (
    SUMMARY_FIELDS,
    StateSummary,
    follow,
    summarise,
    summary_fields,
    summary_record,
    time_in_state,
)

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


# --- The per-patient summary (timeline.summarise, score --summary) ------------------


def outcome(day: datetime.date, state: State, instrument: str = "lldas") -> Outcome:
    """An outcome at ``day`` in ``state`` (only the state and date are summarised)."""
    name = {"lldas": "LLDAS", "doris_remission": "DORIS 2021 remission"}[instrument]
    return Outcome(name, "test", state, (), visit_date=day, instrument=instrument)


def summary_of(*visits: tuple[datetime.date, State]) -> StateSummary:
    return summarise("p", [outcome(day, state) for day, state in visits])


class TestSummaryCounts:
    """Per patient, over the visits assessed: "time in LLDAS" as the share of observed
    follow-up (Franklyn et al. 2016), with "ever" attained and the longest spell, as
    cohort studies report them. A visit that cannot be determined is never counted in
    or out of the state."""

    def test_visits_in_not_in_and_not_determinable(self) -> None:
        result = summary_of(
            (D(2024, 1, 1), MET),
            (D(2024, 1, 11), NO),
            (D(2024, 1, 21), UNKNOWN),
            (D(2024, 1, 31), MET),
        )
        assert result.visits_assessed == 4
        assert result.visits_in_state == 1 + 1  # 1 and 31 January
        assert result.visits_not_in_state == 1  # 11 January
        assert result.visits_not_determinable == 1  # 21 January

    def test_an_undetermined_visit_is_neither_in_nor_out(self) -> None:
        # Met, cannot be determined, met: its visit is counted only as not
        # determinable, the time on both sides undetermined, and the spell broken.
        result = summary_of((D(2024, 1, 1), MET), (D(2024, 1, 11), UNKNOWN), (D(2024, 1, 21), MET))
        assert (result.visits_in_state, result.visits_not_in_state) == (2, 0)
        assert result.time.days_in == 0
        assert result.time.days_out == 0
        assert result.time.days_undetermined == 10 + 10
        assert result.time.share is None
        assert (result.time.share_at_least, result.time.share_at_most) == (Fraction(0), Fraction(1))
        assert result.time.longest_spell is not None
        assert result.time.longest_spell.visits == 1  # the undetermined visit ends it

    def test_not_met_at_one_end_is_out_whatever_the_other(self) -> None:
        # In the state between two visits needs both: one not met decides it.
        result = summary_of((D(2024, 1, 1), NO), (D(2024, 1, 11), UNKNOWN))
        assert result.time.days_out == 10
        assert result.time.share == 0

    def test_ever_in_state_on_both_sides(self) -> None:
        assert summary_of((D(2024, 1, 1), NO), (D(2024, 2, 1), MET)).ever_in_state is True
        assert summary_of((D(2024, 1, 1), NO), (D(2024, 2, 1), NO)).ever_in_state is False
        # Met at no visit, but one cannot be determined: it may have been.
        assert summary_of((D(2024, 1, 1), NO), (D(2024, 2, 1), UNKNOWN)).ever_in_state is None

    def test_share_written_exactly(self) -> None:
        result = summary_of((D(2024, 1, 1), MET), (D(2024, 1, 11), MET), (D(2024, 1, 31), NO))
        record = result.as_record()
        assert record["lldas.share_in_state"] == "1/3"  # 10 of 10 + 20 days
        assert record["lldas.days_in_state"] == 10
        assert record["lldas.follow_up_days"] == 10 + 20
        assert record["lldas.longest_spell_visits"] == 2
        assert record["lldas.longest_spell_start"] == "2024-01-01"
        assert record["lldas.longest_spell_end"] == "2024-01-11"

    def test_one_visit(self) -> None:
        record = summary_of((D(2024, 1, 1), MET)).as_record()
        assert record["lldas.follow_up_days"] == 0
        assert record["lldas.share_in_state"] is None  # no time to share
        assert record["lldas.longest_spell_days"] == 0
        assert record["lldas.ever_in_state"] is True

    def test_record_keys_and_contract(self) -> None:
        result = summary_of((D(2024, 1, 1), MET), (D(2024, 3, 1), UNKNOWN))
        record = result.as_record()
        assert list(record) == [f"lldas.{field}" for field in SUMMARY_FIELDS]
        assert json.loads(json.dumps(record)) == record
        assert "\n" not in result.verdict
        assert record["lldas.summary"] == result.verdict
        assert "research use, not a diagnosis" in result.explain()
        assert pickle.loads(pickle.dumps(result)) == result

    def test_summary_record_of_one_patient(self) -> None:
        lldas_summary = summary_of((D(2024, 1, 1), MET))
        remission = summarise("p", [outcome(D(2024, 1, 1), NO, "doris_remission")])
        record = summary_record(7, [lldas_summary, remission])
        assert list(record) == summary_fields(["lldas", "doris_remission"])
        assert (record["kind"], record["row"], record["patient_id"]) == ("summary", 7, "p")
        with pytest.raises(InvalidItemsError):
            summary_record(7, [lldas_summary, attrs.evolve(remission, patient_id="q")])

    def test_bad_input(self) -> None:
        with pytest.raises(InvalidItemsError):
            summarise("p", [])
        with pytest.raises(InvalidItemsError):  # two instruments
            summarise(
                "p", [outcome(D(2024, 1, 1), MET), outcome(D(2024, 2, 1), MET, "doris_remission")]
            )
        with pytest.raises(InvalidItemsError):  # the same visit twice
            summarise("p", [outcome(D(2024, 1, 1), MET), outcome(D(2024, 1, 1), NO)])
        with pytest.raises(InvalidItemsError):  # not at a dated visit
            summarise("p", [attrs.evolve(outcome(D(2024, 1, 1), MET), visit_date=None)])
        with pytest.raises(ArgumentTypeError):
            summarise("p", [(D(2024, 1, 1), MET)])  # type: ignore[list-item]
        with pytest.raises(ArgumentTypeError):
            summarise(1, [outcome(D(2024, 1, 1), MET)])  # type: ignore[arg-type]


def naive_summary(visits: list[tuple[datetime.date, State]]) -> dict[str, object]:
    """A second, day-by-day implementation of the rule, to check the first."""
    ordered = sorted(visits)
    days = {MET: 0, NO: 0, UNKNOWN: 0}
    for index in range(len(ordered) - 1):
        (start, first), (end, second) = ordered[index], ordered[index + 1]
        for _ in range((end - start).days):  # each day between the two visits
            if first is NO or second is NO:
                days[NO] += 1
            elif first is MET and second is MET:
                days[MET] += 1
            else:
                days[UNKNOWN] += 1
    # Every run of consecutive visits all met; the longest in days, the first of equals.
    best: tuple[int, int] | None = None  # (days, visits)
    for i in range(len(ordered)):
        for j in range(i, len(ordered)):
            if all(state is MET for _, state in ordered[i : j + 1]):
                length = (ordered[j][0] - ordered[i][0]).days
                if best is None or length > best[0]:
                    best = (length, j - i + 1)
    states = [state for _, state in ordered]
    return {
        "visits": (states.count(MET), states.count(NO), states.count(UNKNOWN)),
        "days": (days[MET], days[NO], days[UNKNOWN]),
        "ever": True if MET in states else (None if UNKNOWN in states else False),
        "longest_days": None if best is None else best[0],
    }


VISITS = st.lists(
    st.tuples(st.dates(D(2020, 1, 1), D(2021, 1, 1)), st.sampled_from([MET, NO, UNKNOWN])),
    min_size=1,
    max_size=8,
    unique_by=lambda pair: pair[0],
)


@given(VISITS)
def test_summary_matches_a_naive_implementation(visits: list[tuple[datetime.date, State]]) -> None:
    result = summary_of(*visits)
    expected = naive_summary(visits)
    assert (
        result.visits_in_state,
        result.visits_not_in_state,
        result.visits_not_determinable,
    ) == expected["visits"]
    time = result.time
    assert (time.days_in, time.days_out, time.days_undetermined) == expected["days"]
    assert result.ever_in_state is expected["ever"]
    spell = time.longest_spell
    assert (None if spell is None else spell.days) == expected["longest_days"]


@given(VISITS, st.randoms(use_true_random=False))
def test_summary_does_not_depend_on_visit_order(
    visits: list[tuple[datetime.date, State]], random: Random
) -> None:
    shuffled = list(visits)
    random.shuffle(shuffled)
    assert summary_of(*shuffled) == summary_of(*visits)
    assert summary_of(*shuffled).as_record() == summary_of(*visits).as_record()


VISIT_DAYS = (D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1))


def quiet_patient(dose: str, pga: str) -> Patient:
    """No SLEDAI-2K activity at three visits, at ``dose`` prednisone mg/day and
    ``pga`` (0-3) at each, standard stable maintenance treatment."""
    return Patient(
        "p",
        (
            *(o for day in VISIT_DAYS for o in all_absent(day)),
            Observation("prednisone_dose", Decimal(dose), date=VISIT_DAYS[0], unit="mg/day"),
            *(
                Observation("physician_global_assessment", Decimal(pga), date=day, unit="0-3")
                for day in VISIT_DAYS
            ),
            Observation("maintenance_treatment_standard", "present", date=VISIT_DAYS[0]),
            Observation("investigational_drug", "absent", date=VISIT_DAYS[0]),
            Observation("immunosuppressive_treatment_stable", "present", date=VISIT_DAYS[0]),
            *(
                Observation(code, "absent", date=day)
                for day in VISIT_DAYS
                for code in ("hemolytic_anemia", "gastrointestinal_activity")
            ),
        ),
    )


def summaries(dose: str, pga: str) -> tuple[StateSummary, StateSummary]:
    return follow(quiet_patient(dose, pga), VISIT_DAYS, first_assessment=True).summaries


class TestSummaryFollowsTheDefinitions:
    """The summary counts each visit as its definition decides it: LLDAS "Current
    prednisolone (or equivalent) dose <=7.5 mg daily" and "PGA (scale 0-3) <=1"
    (Franklyn et al. 2016, Table 1); DORIS 2021 "prednisolone 5 mg/day or less" and
    "Evaluator's Global Assessment <0.5 (0-3)" (van Vollenhoven et al. 2021)."""

    FOLLOW_UP = 31 + 29  # 1 Jan to 1 Feb to 1 Mar 2024

    def test_lldas_dose_at_the_threshold_is_in_the_state(self) -> None:
        lldas_summary, _ = summaries("7.5", "0")
        assert lldas_summary.visits_in_state == 3
        assert lldas_summary.time.days_in == self.FOLLOW_UP
        assert lldas_summary.as_record()["lldas.share_in_state"] == "1"

    def test_lldas_dose_above_the_threshold_is_not(self) -> None:
        lldas_summary, _ = summaries("7.6", "0")
        assert lldas_summary.visits_not_in_state == 3
        assert lldas_summary.ever_in_state is False
        assert lldas_summary.time.days_out == self.FOLLOW_UP

    def test_lldas_pga_on_both_sides(self) -> None:
        assert summaries("5", "1")[0].visits_in_state == 3  # PGA 1 <= 1
        assert summaries("5", "1.1")[0].visits_in_state == 0  # PGA 1.1 > 1

    def test_remission_dose_on_both_sides(self) -> None:
        assert summaries("5", "0")[1].visits_in_state == 3  # 5 mg/day or less
        assert summaries("5.1", "0")[1].visits_in_state == 0  # over 5 mg/day
        # LLDAS still met at 5.1 mg/day (<= 7.5): the two states differ.
        assert summaries("5.1", "0")[0].visits_in_state == 3

    def test_remission_pga_on_both_sides(self) -> None:
        assert summaries("5", "0.4")[1].visits_in_state == 3  # 0.4 < 0.5
        assert summaries("5", "0.5")[1].visits_in_state == 0  # 0.5 is not < 0.5

    def test_without_first_assessment_the_first_visit_is_not_determinable(self) -> None:
        # LLDAS condition 2 compares with the previous assessment; the first visit of
        # a record has none, so it is counted neither in nor out.
        lldas_summary = follow(quiet_patient("5", "0"), VISIT_DAYS).summaries[0]
        assert lldas_summary.visits_not_determinable == 1
        assert lldas_summary.visits_in_state == 2
        assert lldas_summary.time.days_undetermined == 31  # January
        assert lldas_summary.time.days_in == 29  # February


# --- On the command line: sle-scoring score --summary --------------------------------


def cohort(tmp_path: Path) -> Path:
    """Two patients as JSON Lines: one in both states at every visit (5 mg/day, PGA
    0), one in neither (10 mg/day, PGA 2)."""
    second = attrs.evolve(quiet_patient("10", "2"), id="q")
    path = tmp_path / "cohort.jsonl"
    path.write_text(
        "".join(records.dumps(p) + "\n" for p in (quiet_patient("5", "0"), second)),
        encoding="utf-8",
    )
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


class TestSummaryCommand:
    """``score --summary``: one record per patient, ``"kind": "summary"``, the same
    facts in JSON Lines, CSV and text, computed from the per-visit results."""

    def test_jsonl_is_the_summary_record(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(["score", str(cohort(tmp_path)), "--summary", "-f", "jsonl"], capsys)
        assert code == 0
        lines = [json.loads(line) for line in out.splitlines()]
        assert [line["patient_id"] for line in lines] == ["p", "q"]
        assert all(line["kind"] == "summary" for line in lines)
        # The batch's own per-visit outcomes, summarised: the record as it is.
        settings = batch.Settings(instruments=("lldas", "doris_remission"))
        cases = batch.score_patient(1, quiet_patient("5", "0"), settings)
        expected = summary_record(
            1,
            [summarise("p", [case.results[i] for case in cases]) for i in (0, 1)],  # type: ignore[misc]
        )
        assert lines[0] == expected
        # First record: LLDAS undetermined at the first visit (no previous one),
        # remission at all three; second: neither at any visit.
        assert lines[0]["lldas.visits_not_determinable"] == 1
        assert lines[0]["lldas.visits_in_state"] == 2
        assert lines[0]["doris_remission.visits_in_state"] == 3
        assert lines[0]["doris_remission.share_in_state"] == "1"
        assert lines[1]["doris_remission.ever_in_state"] is False

    def test_agrees_with_the_per_visit_records(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = str(cohort(tmp_path))
        _, visits, _ = run(["score", path, "--instrument", "lldas", "-f", "jsonl", "-q"], capsys)
        _, summary, _ = run(
            ["score", path, "--instrument", "lldas", "--summary", "-f", "jsonl", "-q"], capsys
        )
        rows = [json.loads(line) for line in visits.splitlines()]
        for record in map(json.loads, summary.splitlines()):
            states = [r["lldas.state"] for r in rows if r["patient_id"] == record["patient_id"]]
            assert record["lldas.visits_assessed"] == len(states)
            assert record["lldas.visits_in_state"] == states.count("met")
            assert record["lldas.visits_not_in_state"] == states.count("not met")
            assert record["lldas.visits_not_determinable"] == states.count("cannot be determined")
            assert "doris_remission.visits_assessed" not in record  # only what was named

    def test_csv_is_rectangular_with_the_same_facts(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = str(cohort(tmp_path))
        _, out, _ = run(["score", path, "--summary", "-f", "csv", "-q"], capsys)
        header, *rows = list(csv.reader(io.StringIO(out)))
        assert header == summary_fields(["lldas", "doris_remission"])
        assert all(len(row) == len(header) for row in rows)
        _, jsonl, _ = run(["score", path, "--summary", "-f", "jsonl", "-q"], capsys)
        first = json.loads(jsonl.splitlines()[0])
        assert dict(zip(header, rows[0], strict=True))["lldas.summary"] == first["lldas.summary"]

    def test_text_explains_each_patient(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(["score", str(cohort(tmp_path)), "--summary", "-f", "text", "-q"], capsys)
        assert out.count("Time in LLDAS, patient") == 2
        assert out.count("Time in DORIS 2021 remission, patient") == 2
        assert "DORIS 2021 remission: in the state at 3 of 3 visits; 60 of 60 days (100%)" in out

    def test_the_same_with_two_processes(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        argv = ["score", str(cohort(tmp_path)), "--summary", "-f", "jsonl", "-q"]
        assert run(argv, capsys)[1] == run([*argv, "--jobs", "2"], capsys)[1]

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--instrument", "sledai_2k"], "--summary summarises the time in a state"),
            (["--items"], "--items adds to the per-visit results"),
            (["--bands", "eular_table_4band"], "--bands adds to the per-visit results"),
        ],
    )
    def test_usage_errors(
        self,
        extra: list[str],
        message: str,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        code, out, err = run(["score", str(cohort(tmp_path)), "--summary", *extra], capsys)
        assert code == EXIT_USAGE
        assert message in err
        assert out == ""

    def test_item_level_csv_is_refused(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "visits.csv"
        path.write_text("patient_id,visit_date,arthritis\np,2024-01-01,1\n", encoding="utf-8")
        code, _, err = run(["score", str(path), "--summary"], capsys)
        assert code == EXIT_USAGE
        assert "--summary needs evidence records" in err
