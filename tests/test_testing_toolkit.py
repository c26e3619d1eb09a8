"""The public testing toolkit (``sle_scoring.testing``), tested by being used.

The reference cases must hold; every strategy must produce what it promises (valid
evidence, values next to thresholds, item sets with the requested verdict, records
broken in exactly the advertised field); and the library's evidence-level rules are
checked with the toolkit's own strategies: thresholds decide items exactly where the
publications put them, adding observations never lowers a score, and the order of
observations never changes a result.
"""

from __future__ import annotations

import datetime
import io
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import sle_scoring
from naive import (
    acr_1997_classification,
    eular_acr_2019_points,
    sledai_2k_total,
    slicc_2012_classification,
)
from sle_scoring import (
    InvalidEvidenceError,
    ItemStatus,
    Observation,
    Patient,
    acr_1997,
    eular_acr_2019,
    records,
    sdi,
    sledai_2k,
    slicc_2012,
)
from sle_scoring._items import ItemFinding
from sle_scoring.evidence import titre_denominator
from sle_scoring.testing import (
    REFERENCE_CASES,
    THRESHOLD_CODES,
    THRESHOLDS,
    Expected,
    InvalidRecord,
    ItemSet,
    ReferenceCase,
    Threshold,
    ids,
)
from sle_scoring.testing.strategies import (
    acr_1997_items,
    eular_acr_2019_items,
    invalid_records,
    observations,
    patients,
    sdi_items,
    sledai_2k_items,
    slicc_2012_items,
    timelines,
)
from sle_scoring.units import DIMENSIONS
from sle_scoring.vocabulary import CONCEPTS, Kind, item_assertion

INSTRUMENTS = {"eular_acr_2019": eular_acr_2019, "sledai_2k": sledai_2k}


def _status(item: str, evidence: list[Observation]) -> ItemStatus:
    """The status the library derives for ``<instrument>.<item>`` from ``evidence``."""
    instrument, _, code = item.partition(".")
    findings: tuple[ItemFinding, ...] = INSTRUMENTS[instrument].derive(evidence)
    return next(f.status for f in findings if f.code == code)


# --- Reference cases -------------------------------------------------------------


def _eular_acr_2019(case: ReferenceCase) -> Expected:
    result = eular_acr_2019.classify_patient(case.patient)
    return Expected(result.points, result.present, result.classified, result.first_fulfilled)


def _slicc_2012(case: ReferenceCase) -> Expected:
    result = slicc_2012.classify_patient(case.patient)
    return Expected(result.count, result.present, result.classified, result.first_fulfilled)


def _acr_1997(case: ReferenceCase) -> Expected:
    result = acr_1997.classify_patient(case.patient)
    return Expected(result.count, result.present, result.classified, result.first_fulfilled)


def _sledai_2k(case: ReferenceCase) -> Expected:
    result = sledai_2k.score_visit(case.patient, case.visit)
    return Expected(result.total, result.present, complete=result.complete)


def _sdi(case: ReferenceCase) -> Expected:
    result = sdi.score_patient(case.patient, as_of=case.visit, lupus_onset=None)
    return Expected(result.total, result.present, complete=result.complete)


#: What the library gives for a case, by instrument, as ReferenceCase documents it.
LIBRARY: dict[str, Callable[[ReferenceCase], Expected]] = {
    "eular_acr_2019": _eular_acr_2019,
    "slicc_2012": _slicc_2012,
    "acr_1997": _acr_1997,
    "sledai_2k": _sledai_2k,
    "sdi": _sdi,
}


def _naive_eular_acr_2019(expected: Expected) -> bool:
    return eular_acr_2019_points(expected.present) == (expected.total, expected.classified)


def _naive_slicc_2012(expected: Expected) -> bool:
    clinical, immunologic, classified = slicc_2012_classification(expected.present)
    return (clinical + immunologic, classified) == (expected.total, expected.classified)


def _naive_acr_1997(expected: Expected) -> bool:
    return acr_1997_classification(expected.present) == (expected.total, expected.classified)


def _naive_sledai_2k(expected: Expected) -> bool:
    return sledai_2k_total(expected.present) == expected.total


#: The hand-written sums checked against the naive tables (tests/naive.py), not the
#: library; the SDI has no naive table (its points depend on dates, not on the codes).
NAIVE: dict[str, Callable[[Expected], bool]] = {
    "eular_acr_2019": _naive_eular_acr_2019,
    "slicc_2012": _naive_slicc_2012,
    "acr_1997": _naive_acr_1997,
    "sledai_2k": _naive_sledai_2k,
}

EXPECTATIONS = [(case, name) for case in REFERENCE_CASES for name in case.expected]
WEIGHED = [(case, name) for case, name in EXPECTATIONS if name in NAIVE]


@pytest.mark.parametrize(
    ("case", "instrument"), EXPECTATIONS, ids=[f"{c.id}:{name}" for c, name in EXPECTATIONS]
)
def test_the_library_gives_the_expected_results(case: ReferenceCase, instrument: str) -> None:
    assert LIBRARY[instrument](case) == case.expected[instrument]


@pytest.mark.parametrize(
    ("case", "instrument"), WEIGHED, ids=[f"{c.id}:{name}" for c, name in WEIGHED]
)
def test_expectations_agree_with_the_published_weights(
    case: ReferenceCase, instrument: str
) -> None:
    assert NAIVE[instrument](case.expected[instrument])


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=ids)
class TestReferenceCases:
    def test_every_case_has_eular_acr_2019_and_sledai_2k(self, case: ReferenceCase) -> None:
        assert {"eular_acr_2019", "sledai_2k"} <= set(case.expected)

    def test_round_trips_as_a_json_record(self, case: ReferenceCase) -> None:
        text = records.dumps(case.patient)
        assert list(records.iter_json(io.StringIO(text))) == [case.patient]

    def test_story_is_one_line(self, case: ReferenceCase) -> None:
        assert case.story
        assert "\n" not in case.story

    def test_expectations_are_read_only(self, case: ReferenceCase) -> None:
        with pytest.raises(TypeError):
            case.expected["sdi"] = Expected(0, frozenset())  # type: ignore[index]

    def test_picklable_and_hashable(self, case: ReferenceCase) -> None:
        # For pytest-xdist and multiprocessing; as a set member or dict key.
        assert pickle.loads(pickle.dumps(case)) == case
        assert hash(pickle.loads(pickle.dumps(case))) == hash(case)


def test_every_instrument_with_expectations_is_checked() -> None:
    assert {name for case in REFERENCE_CASES for name in case.expected} == set(LIBRARY)


def test_the_published_case_has_all_three_classification_criteria_sets() -> None:
    assert set(REFERENCE_CASES[0].expected) == {
        "eular_acr_2019",
        "slicc_2012",
        "acr_1997",
        "sledai_2k",
    }


def test_reference_cases_have_unique_ids_and_start_with_the_published_case() -> None:
    assert len({case.id for case in REFERENCE_CASES}) == len(REFERENCE_CASES)
    assert REFERENCE_CASES[0].id == "bottazzi-2025"
    assert 5 + 1 <= len(REFERENCE_CASES) <= 10 + 1


# --- Hypothesis is optional ----------------------------------------------------------


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_import_sle_scoring_imports_neither_hypothesis_nor_the_toolkit() -> None:
    out = _run(
        "import sys, sle_scoring\n"
        "print('hypothesis' in sys.modules, 'sle_scoring.testing' in sys.modules)\n"
    )
    assert out == "False False\n"


def test_import_sle_scoring_testing_does_not_import_hypothesis() -> None:
    out = _run("import sys, sle_scoring.testing; print('hypothesis' in sys.modules)")
    assert out == "False\n"


def test_works_without_hypothesis_installed() -> None:
    # sys.modules[name] = None makes "import hypothesis" fail as if it were not installed.
    out = _run(
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "import sle_scoring, sle_scoring.testing as t, sle_scoring.reference_cases as rc\n"
        "print(len(t.REFERENCE_CASES), rc.bottazzi_2025() == t.REFERENCE_CASES[0].patient)\n"
        "try:\n"
        "    import sle_scoring.testing.strategies\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    assert out == (
        f"{len(REFERENCE_CASES)} True\n"
        "sle_scoring.testing.strategies needs hypothesis: "
        "pip install 'sle-scoring[hypothesis]'\n"
    )


def test_only_the_strategies_module_imports_hypothesis() -> None:
    package = Path(sle_scoring.__file__).parent
    importing = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"^\s*(import|from) hypothesis\b", path.read_text(encoding="utf-8"), re.M)
    )
    assert importing == ["testing/strategies.py"]


# --- The strategies produce what they promise ------------------------------------------


@given(observations(item_assertions=True, explained=True, dates=st.dates()))
def test_observations_are_valid_and_round_trip(observation: Observation) -> None:
    assert observation.problems() == []
    patient = Patient("P", (observation,))
    assert list(records.iter_json(io.StringIO(records.dumps(patient)))) == [patient]


@given(observations(codes=[t.code for t in THRESHOLDS], around_threshold=True))
def test_around_threshold_draws_at_or_one_step_from_a_threshold(observation: Observation) -> None:
    entry = CONCEPTS[observation.code]
    if entry.kind is Kind.TITRE:
        assert observation.value in ("1:40", "1:80", "1:160")
        return
    assert isinstance(observation.value, Decimal)
    if observation.upper_limit is not None:  # anticardiolipin: the laboratory's limit
        distance = Fraction(observation.value - observation.upper_limit)
    elif entry.kind is Kind.LAB:  # anticardiolipin in GPL/MPL/APL units: "> 40 units"
        distance = Fraction(observation.value - 40)
    else:
        assert entry.dimension is not None
        assert observation.unit is not None
        factor, offset = DIMENSIONS[entry.dimension].units[observation.unit]
        distance = min(
            abs(Fraction(observation.value) - (t.value - offset) / factor)
            for t in THRESHOLDS
            if t.code == observation.code
        )
    exponent = observation.value.as_tuple().exponent
    assert isinstance(exponent, int)
    assert abs(distance) in (0, Fraction(1, 10**-exponent) if exponent < 0 else 10**exponent)


@given(observations(codes=["c3", "c4", "ch50", "anti_dsdna"], around_threshold=True))
def test_laboratory_values_are_drawn_next_to_the_laboratory_limit(o: Observation) -> None:
    assert isinstance(o.value, Decimal)
    limit = o.lower_limit if o.lower_limit is not None else o.upper_limit
    assert limit is not None
    assert abs(o.value - limit) in (0, Decimal("0.1"))


def test_threshold_codes_cover_every_threshold_and_laboratory_value() -> None:
    assert set(THRESHOLD_CODES) == {t.code for t in THRESHOLDS} | {
        c.code for c in CONCEPTS.values() if c.kind is Kind.LAB
    }


@pytest.mark.parametrize("threshold", THRESHOLDS, ids=lambda t: f"{t.item}:{t.code}")
def test_thresholds_name_items_their_code_feeds(threshold: Threshold) -> None:
    assert item_assertion(threshold.item) is not None
    assert threshold.item in CONCEPTS[threshold.code].feeds


@given(timelines(start=datetime.date(2021, 1, 1), span_days=90, max_visits=3))
def test_timelines_date_every_observation_within_the_span(patient: Patient) -> None:
    assert len(patient.dates()) <= 3
    for observation in patient.observations:
        assert observation.date is not None
        assert datetime.date(2021, 1, 1) <= observation.date <= datetime.date(2021, 4, 1)


@given(patients(max_observations=5))
def test_patients_respect_the_size_bounds(patient: Patient) -> None:
    assert len(patient.observations) <= 5
    assert all(o.date is None for o in patient.observations)


@pytest.mark.parametrize("classified", [True, False])
def test_eular_item_sets_have_the_requested_verdict(classified: bool) -> None:
    @given(eular_acr_2019_items(classified=classified))
    def check(items: ItemSet) -> None:
        # Judged by the naive implementation, not by the library that filtered them.
        assert eular_acr_2019_points(items.present)[1] is classified
        assert not items.not_assessed

    check()


@given(eular_acr_2019_items(with_not_assessed=True))
def test_eular_item_sets_partition_every_criterion(items: ItemSet) -> None:
    codes = {i.code for i in (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA)}
    assert items.present | items.absent | items.not_assessed == codes
    assert len(items.present) + len(items.absent) + len(items.not_assessed) == len(codes)
    result = eular_acr_2019.classify(items.present, not_assessed=items.not_assessed)
    assert result.points == eular_acr_2019_points(items.present)[0]


@given(sledai_2k_items(with_not_assessed=True, index=sledai_2k.CLINICAL_SLEDAI_2K))
def test_sledai_item_sets_score_the_sum_of_their_weights(items: ItemSet) -> None:
    assert items.present | items.absent | items.not_assessed == sledai_2k.CLINICAL_SLEDAI_2K.codes
    result = sledai_2k.score(
        items.present, not_assessed=items.not_assessed, index=sledai_2k.CLINICAL_SLEDAI_2K
    )
    assert result.total == sledai_2k_total(items.present)
    assert result.complete is (len(items.not_assessed) == 0)


@pytest.mark.parametrize("classified", [True, False])
def test_slicc_and_acr_item_sets_have_the_requested_verdict(classified: bool) -> None:
    @given(
        slicc_2012_items(classified=classified, with_not_assessed=True),
        acr_1997_items(classified=classified),
    )
    def check(slicc: ItemSet, acr: ItemSet) -> None:
        # Judged by the naive implementations, not by the library that filtered them.
        if not slicc.not_assessed:
            assert slicc_2012_classification(slicc.present)[2] is classified
        assert acr_1997_classification(acr.present)[1] is classified

    check()


@given(sdi_items(with_not_assessed=True, with_repeats=True))
def test_sdi_item_sets_are_valid_input(items: ItemSet) -> None:
    assert items.more_than_one <= items.present
    result = sdi.score(
        items.present, more_than_one=items.more_than_one, not_assessed=items.not_assessed
    )
    assert 0 <= result.total <= sdi.MAX_SCORE
    assert items.present or result.total == 0


@given(invalid_records())
def test_invalid_records_fail_naming_the_advertised_field(bad: InvalidRecord) -> None:
    for read in (
        lambda: records.patient_from_dict(bad.record),
        lambda: list(records.iter_json(io.StringIO(bad.json()))),
    ):
        with pytest.raises(InvalidEvidenceError) as caught:
            read()
        [problem] = caught.value.problems
        assert problem.field == bad.field
        if bad.location is None:
            assert problem.location is None
        else:
            assert problem.location is not None
            assert problem.location.startswith(bad.location)


def test_invalid_records_can_be_limited_to_some_kinds() -> None:
    @given(invalid_records(kinds=["date", "unit"]))
    def check(bad: InvalidRecord) -> None:
        assert bad.kind in ("date", "unit")
        assert bad.field == bad.kind

    check()


class TestArguments:
    def test_unknown_code(self) -> None:
        with pytest.raises(ValueError, match="unknown observation code"):
            observations(codes=["platelets"])

    def test_codes_given_as_one_string(self) -> None:
        with pytest.raises(TypeError, match="not the string 'ana'"):
            patients(codes="ana")

    def test_unknown_invalid_record_kind(self) -> None:
        with pytest.raises(ValueError, match="kinds must be some of"):
            invalid_records(kinds=["typo"])

    def test_options_are_keyword_only(self) -> None:
        with pytest.raises(TypeError):
            observations(["ana"])  # type: ignore[call-arg]


# --- The library checked with the toolkit ------------------------------------------------


def _expected(threshold: Threshold, o: Observation) -> bool:
    """Whether the publication says the item is present, from this one observation."""
    if threshold.code == "ana":
        denominator = titre_denominator(str(o.value))
        assert denominator is not None
        return threshold.met(Fraction(denominator))
    if threshold.code == "anticardiolipin":
        # "> 40 APL, GPL, or MPL units or > the 99th percentile" (the laboratory's limit)
        assert isinstance(o.value, Decimal)
        assert o.unit is not None
        # the units in any accepted spelling: GPL, gpl, GPL U/mL, [GPL'U]/mL
        in_units = re.match(r"\[?(GPL|MPL|APL)\b", o.unit, re.IGNORECASE) is not None
        above_limit = o.upper_limit is not None and o.value > o.upper_limit
        return above_limit or (in_units and threshold.met(Fraction(o.value)))
    return threshold.met(o.quantity())


@pytest.mark.parametrize(
    "threshold", [t for t in THRESHOLDS if not t.needs], ids=lambda t: f"{t.item}:{t.code}"
)
def test_each_threshold_decides_its_item_exactly_there(threshold: Threshold) -> None:
    """One observation at or next to a published threshold: the item is present
    exactly when the publication's comparison holds (e.g. platelets 99,999/µL yes,
    100,000/µL no, for "Platelet count <100×10^9/l")."""

    @given(observations(codes=[threshold.code], around_threshold=True))
    def check(observation: Observation) -> None:
        status = _status(threshold.item, [observation])
        assert (status is ItemStatus.PRESENT) is _expected(threshold, observation)

    check()


@pytest.mark.parametrize(
    ("code", "item", "low"),
    [
        # "below the lower limit of normal"
        ("c3", "eular_acr_2019.low_c3_or_low_c4", True),
        ("c4", "eular_acr_2019.low_c3_or_low_c4", True),
        ("c3", "sledai_2k.low_complement", True),
        ("ch50", "sledai_2k.low_complement", True),
        # "above the testing laboratory's normal range"
        ("anti_dsdna", "sledai_2k.increased_dna_binding", False),
        ("anti_dsdna", "eular_acr_2019.anti_dsdna_or_anti_smith", False),
    ],
)
def test_laboratory_limits_decide_items_exactly_there(code: str, item: str, low: bool) -> None:
    @given(observations(codes=[code], around_threshold=True))
    def check(o: Observation) -> None:
        assert isinstance(o.value, Decimal)
        limit = o.lower_limit if low else o.upper_limit
        assert limit is not None
        expected = o.value < limit if low else o.value > limit
        assert (_status(item, [o]) is ItemStatus.PRESENT) is expected

    check()


def _eular_decision(result: eular_acr_2019.Classification) -> tuple[object, ...]:
    statuses = {f.code: f.status for f in result.findings}
    return (result.points, result.classified, result.present, result.first_fulfilled, statuses)


def _sledai_decision(result: sledai_2k.Score) -> tuple[object, ...]:
    return (result.total, result.present, result.not_assessed)


@given(
    patients(around_threshold=True, explained=True, item_assertions=True),
    st.lists(observations(around_threshold=True, explained=True), min_size=1, max_size=4),
)
def test_adding_observations_never_lowers_eular_acr_2019(
    patient: Patient, extra: list[Observation]
) -> None:
    """ "Occurrence of a criterion on at least one occasion is sufficient": more
    evidence can add criteria, never remove them, with one exception the publication
    itself makes: psychosis counts only "in the absence of delirium", so adding a
    delirium can take psychosis (3) away for delirium (2); that case is tested in
    tests/test_evidence_eular_acr_2019.py::TestPsychosisWithoutDelirium."""
    assume(not any(o.code == "delirium" and o.value == "present" for o in extra))
    before = eular_acr_2019.classify_patient(patient)
    after = eular_acr_2019.classify_patient(Patient(patient.id, (*patient.observations, *extra)))
    assert before.present <= after.present
    assert after.points >= before.points
    assert after.classified or not before.classified


@given(timelines(around_threshold=True, explained=True, span_days=60), st.data())
def test_adding_observations_in_the_window_never_lowers_sledai_2k(
    patient: Patient, data: st.DataObject
) -> None:
    visit = data.draw(st.sampled_from(patient.dates() or [datetime.date(2020, 1, 1)]))
    in_window = st.dates(visit - datetime.timedelta(days=10), visit)
    extra = data.draw(st.lists(observations(dates=in_window), min_size=1, max_size=4))
    before = sledai_2k.score_visit(patient, visit)
    after = sledai_2k.score_visit(Patient(patient.id, (*patient.observations, *extra)), visit)
    assert before.present <= after.present
    assert after.total >= before.total


@given(patients(around_threshold=True, explained=True, item_assertions=True), st.data())
def test_order_of_observations_does_not_matter(patient: Patient, data: st.DataObject) -> None:
    shuffled = Patient(patient.id, tuple(data.draw(st.permutations(patient.observations))))
    assert _eular_decision(eular_acr_2019.classify_patient(patient)) == _eular_decision(
        eular_acr_2019.classify_patient(shuffled)
    )
    assert _sledai_decision(
        sledai_2k.score_findings(sledai_2k.derive(patient.observations))
    ) == _sledai_decision(sledai_2k.score_findings(sledai_2k.derive(shuffled.observations)))


@given(timelines(around_threshold=True, explained=True, span_days=60), st.data())
def test_order_of_dated_observations_does_not_matter(patient: Patient, data: st.DataObject) -> None:
    shuffled = Patient(patient.id, tuple(data.draw(st.permutations(patient.observations))))
    for day in patient.dates():
        assert _eular_decision(
            eular_acr_2019.classify_patient(patient, as_of=day)
        ) == _eular_decision(eular_acr_2019.classify_patient(shuffled, as_of=day))
        assert _sledai_decision(sledai_2k.score_visit(patient, day)) == _sledai_decision(
            sledai_2k.score_visit(shuffled, day)
        )
