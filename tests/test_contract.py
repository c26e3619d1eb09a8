"""The contract every registered instrument meets, parametrised over the registry.

A new instrument gets every check here the moment its line is added to the
registry (docs/contributing.md, "Adding an instrument").
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import sle_scoring
from sle_scoring import (
    INSTRUMENTS,
    Instrument,
    Observation,
    Occasion,
    UnknownCodeError,
    acr_1997,
    batch,
    compare,
    eular_acr_2019,
    reference_cases,
    timeline,
    vocabulary,
)
from sle_scoring._registry import apply
from sle_scoring._results import Result
from sle_scoring.cli import main

DOCS = Path(__file__).parents[1] / "docs"

NAMES = list(INSTRUMENTS)

PATIENT = reference_cases.bottazzi_2025()
# Follow-up of the published case: the flare, then the first and sixth infusions.
PREVIOUS = reference_cases.BOTTAZZI_2025_FIRST_INFUSION
OCCASION = Occasion(
    date=reference_cases.BOTTAZZI_2025_SIXTH_INFUSION,
    previous=PREVIOUS,
    baseline=reference_cases.BOTTAZZI_2025_FLARE,
)


def result_of(spec: Instrument) -> Result:
    """The instrument applied to the published case at the sixth infusion."""
    result = apply(spec, PATIENT, OCCASION)
    assert result is not None
    return result


def a_typo(spec: Instrument, result: Result) -> tuple[str, str]:
    """(a misspelt code, the code it should suggest) for the result's own codes."""
    if spec.codes:
        code = spec.codes[-1]
    elif spec.name == "sledai_change":
        code = "after.arthritis"
    elif spec.name == "bicla":  # its first component
        code = str(getattr(result, "components")[0].code)  # noqa: B009
    elif spec.name == "selena_flare":  # its first criterion
        code = str(getattr(result, "criteria")[0].code)  # noqa: B009
    else:  # an outcome: its first condition
        code = str(getattr(result, "conditions")[0].code)  # noqa: B009
    # A doubled last letter: close enough to suggest even a three-letter code ("ana").
    return code + code[-1], code


class TestRegistry:
    """The issue: "a read-only mapping from a stable name to an Instrument"."""

    def test_the_twelve_instruments(self) -> None:
        assert sorted(INSTRUMENTS) == sorted(
            [
                "eular_acr_2019",
                "slicc_2012",
                "acr_1997",
                "sledai_2k",
                "clinical_sledai_2k",
                "sdi",
                "lldas",
                "doris_remission",
                "sri",
                "sledai_change",
                "bicla",
                "selena_flare",
            ]
        )

    def test_read_only(self) -> None:
        with pytest.raises(TypeError):
            INSTRUMENTS["x"] = INSTRUMENTS["sdi"]  # type: ignore[index]

    def test_exported(self) -> None:
        assert "INSTRUMENTS" in sle_scoring.__all__
        assert "Result" in sle_scoring.__all__


@pytest.mark.parametrize("name", NAMES)
class TestContract:
    """Every result: verdict, explain(), as_record(), finding(code)."""

    def test_description(self, name: str) -> None:
        spec = INSTRUMENTS[name]
        assert spec.name == name
        assert spec.scope in sle_scoring.SCOPES
        assert spec.title
        assert spec.source
        assert len(set(spec.codes)) == len(spec.codes)
        assert len(set(spec.fields)) == len(spec.fields)
        assert "verdict" in spec.fields
        assert (spec.from_items is None) == (not spec.codes)

    def test_record_keys_are_the_declared_fields(self, name: str) -> None:
        spec = INSTRUMENTS[name]
        record = result_of(spec).as_record()
        assert list(record) == [f"{name}.{field}" for field in spec.fields]

    def test_record_is_json_ready(self, name: str) -> None:
        record = result_of(INSTRUMENTS[name]).as_record()
        assert all(value is None or type(value) in (str, int, bool) for value in record.values())
        assert json.loads(json.dumps(record)) == record

    def test_verdict_is_one_line_and_in_the_record(self, name: str) -> None:
        result = result_of(INSTRUMENTS[name])
        assert result.verdict
        assert "\n" not in result.verdict
        assert result.as_record()[f"{name}.verdict"] == result.verdict

    def test_explain_says_research_use(self, name: str) -> None:
        text = result_of(INSTRUMENTS[name]).explain()
        if name == "sledai_change":  # one line, citing the paper
            assert "Gladman et al. 2000" in text
        else:
            assert "research use, not a diagnosis" in text

    def test_pickles(self, name: str) -> None:
        spec = INSTRUMENTS[name]
        result = result_of(spec)
        assert pickle.loads(pickle.dumps(result)) == result
        assert pickle.loads(pickle.dumps(spec)) == spec

    def test_unknown_code_suggests(self, name: str) -> None:
        spec = INSTRUMENTS[name]
        result = result_of(spec)
        typo, meant = a_typo(spec, result)
        with pytest.raises(UnknownCodeError) as caught:
            result.finding(typo)
        assert caught.value.suggestion == meant
        assert result.finding(meant) is not None

    def test_item_level_entry_point(self, name: str) -> None:
        spec = INSTRUMENTS[name]
        if spec.from_items is None:
            return
        result = spec.from_items([spec.codes[0]], not_assessed=[spec.codes[-1]])
        record = result.as_record()
        assert list(record) == [f"{name}.{field}" for field in spec.fields]
        assert record[f"{name}.present"] == spec.codes[0]
        assert record[f"{name}.not_assessed"] == spec.codes[-1]

    def test_has_a_docs_page(self, name: str) -> None:
        spec = INSTRUMENTS[name]
        page = DOCS / f"{(spec.variant_of or name).replace('_', '-')}.md"
        assert page.is_file()
        assert name in page.read_text(encoding="utf-8") or spec.variant_of is not None


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_through_the_command_line(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``score --instrument NAME`` writes the result's ``as_record()`` as it is."""
    spec = INSTRUMENTS[name]
    visits = [
        f"--visit={day.isoformat()}"
        for day in (
            reference_cases.BOTTAZZI_2025_PRESENTATION,
            reference_cases.BOTTAZZI_2025_FLARE,
            reference_cases.BOTTAZZI_2025_SIXTH_INFUSION,
        )
    ]
    argv = ["score", "--example", "--instrument", name, *visits, "-f", "jsonl", "-q"]
    assert main(argv) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    record = lines[-1]  # the last of the three visits
    occasion = Occasion(
        date=reference_cases.BOTTAZZI_2025_SIXTH_INFUSION,
        previous=reference_cases.BOTTAZZI_2025_FLARE,
        baseline=reference_cases.BOTTAZZI_2025_PRESENTATION,
    )
    result = apply(spec, PATIENT, occasion)
    assert result is not None
    assert {key: value for key, value in record.items() if key.startswith(f"{name}.")} == (
        result.as_record()
    )


class _Recording(dict[str, list[Observation]]):
    """An empty evidence index that records every code a rule looks up."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def __getitem__(self, key: str) -> list[Observation]:
        self.read.add(key)
        return super().__getitem__(key)


@pytest.mark.parametrize("name", [name for name, spec in INSTRUMENTS.items() if spec.rules])
def test_vocabulary_feeds_are_what_the_rules_read(name: str) -> None:
    """The vocabulary's hand-written ``feeds`` (docs/vocabulary.md, and the visit
    dates of batch scoring) name exactly the concepts the instrument's rules read."""
    rules = INSTRUMENTS[name].rules
    assert rules is not None
    index = _Recording()
    rules(index)
    fed = {
        concept.code
        for concept in vocabulary.CONCEPTS.values()
        if any(item.startswith(f"{name}.") for item in concept.feeds)
    }
    assert index.read == fed


def test_contributing_says_how_to_add_an_instrument() -> None:
    text = (DOCS / "contributing.md").read_text(encoding="utf-8")
    assert "## Adding an instrument" in text
    assert "_ENTRIES" in text


def test_the_former_names_still_work() -> None:
    """CHANGELOG "Changed": renamed for one vocabulary, the old names kept."""
    eular = eular_acr_2019.classify(["ana_positive", "fever"], not_assessed=["seizure"])
    assert eular.max_possible_points == eular.max_possible == 2 + 5  # fever 2 + seizure 5
    assert eular.could_be_classified is eular.could_change_verdict is False  # 7 < 10
    acr = acr_1997.classify(["arthritis"], not_assessed=["ana"])
    assert acr.max_possible_count == acr.max_possible == 1 + 1  # arthritis + ANA
    outcome = apply(INSTRUMENTS["lldas"], PATIENT, OCCASION)
    assert outcome is not None
    assert getattr(outcome, "date") == getattr(outcome, "visit_date") == OCCASION.date  # noqa: B009


class TestComparison:
    """The comparison of the criteria sets meets the same contract (issue 11: "every
    result type, outcome and comparison")."""

    COMPARISON = compare.compare_patient(PATIENT)

    def test_verdict_is_one_line_and_in_the_record(self) -> None:
        verdict = self.COMPARISON.verdict
        assert verdict
        assert "\n" not in verdict
        assert self.COMPARISON.as_record()["compare.verdict"] == verdict

    def test_explain_says_research_use(self) -> None:
        assert "research use, not a diagnosis" in self.COMPARISON.explain()

    def test_record_keys_are_its_fields_then_each_sets(self) -> None:
        keys = [f"compare.{field}" for field in compare.FIELDS]
        for name in ("eular_acr_2019", "slicc_2012", "acr_1997"):
            keys.extend(f"{name}.{field}" for field in INSTRUMENTS[name].fields)
        record = self.COMPARISON.as_record()
        assert list(record) == keys
        assert json.loads(json.dumps(record)) == record
        # Each set's part is that set's own record, as it is.
        assert {k: v for k, v in record.items() if k.startswith("slicc_2012.")} == (
            self.COMPARISON.slicc_2012.as_record()
        )

    def test_finding_by_qualified_code(self) -> None:
        finding = self.COMPARISON.finding("slicc_2012.ana")
        assert finding == self.COMPARISON.slicc_2012.finding("ana")

    @pytest.mark.parametrize(
        ("code", "meant"),
        [
            ("slicc_2012.anaa", "slicc_2012.ana"),  # a typo of the criterion
            ("slic_2012.ana", "slicc_2012.ana"),  # a typo of the set
            ("ana", "slicc_2012.ana"),  # unqualified: the first set that has it
            ("fevr", "eular_acr_2019.fever"),  # unqualified and misspelt
            ("xyzzy", None),  # nothing close
        ],
    )
    def test_unknown_code_suggests_the_qualified_code(self, code: str, meant: str | None) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            self.COMPARISON.finding(code)
        assert caught.value.suggestion == meant
        assert caught.value.code == code

    def test_an_unqualified_code_names_every_set_that_has_it(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            self.COMPARISON.finding("ana")
        assert caught.value.elsewhere == ("slicc_2012", "acr_1997")

    def test_pickles(self) -> None:
        assert pickle.loads(pickle.dumps(self.COMPARISON)) == self.COMPARISON


@pytest.mark.parametrize("name", [n for n in NAMES if INSTRUMENTS[n].scope == "outcome_at_visit"])
class TestStateSummary:
    """The per-patient summary of a state scored per visit (``score --summary``) meets
    the same contract; its findings are the visits' outcomes, by visit date."""

    @staticmethod
    def summary(name: str) -> timeline.StateSummary:
        settings = batch.Settings(instruments=(name,))
        cases = batch.score_patient(1, PATIENT, settings)
        return timeline.summarise(PATIENT.id, [case.results[0] for case in cases])  # type: ignore[misc]

    def test_verdict_is_one_line_and_in_the_record(self, name: str) -> None:
        summary = self.summary(name)
        assert summary.verdict
        assert "\n" not in summary.verdict
        assert summary.as_record()[f"{name}.summary"] == summary.verdict

    def test_explain_says_research_use(self, name: str) -> None:
        assert "research use, not a diagnosis" in self.summary(name).explain()

    def test_record_keys_are_the_declared_fields(self, name: str) -> None:
        record = self.summary(name).as_record()
        assert list(record) == [f"{name}.{field}" for field in timeline.SUMMARY_FIELDS]
        assert all(value is None or type(value) in (str, int, bool) for value in record.values())
        assert json.loads(json.dumps(record)) == record

    def test_finding_is_the_visits_outcome(self, name: str) -> None:
        summary = self.summary(name)
        day = reference_cases.BOTTAZZI_2025_SIXTH_INFUSION
        occasion = Occasion(date=day, previous=summary.states[-2][0])
        assert summary.finding(day.isoformat()) == apply(INSTRUMENTS[name], PATIENT, occasion)

    def test_unknown_code_suggests(self, name: str) -> None:
        summary = self.summary(name)
        day = reference_cases.BOTTAZZI_2025_SIXTH_INFUSION.isoformat()
        typo = day[:-1] + str((int(day[-1]) + 1) % 10)  # the next day, or so
        with pytest.raises(UnknownCodeError) as caught:
            summary.finding(typo)
        assert caught.value.suggestion == day

    def test_pickles(self, name: str) -> None:
        summary = self.summary(name)
        assert pickle.loads(pickle.dumps(summary)) == summary
