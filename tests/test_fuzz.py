"""Generated hostile input through every public entry point of the library ends in
a result or one of its typed errors (a ``SleScoringError``), and the error's message
can always be printed and written as UTF-8 (issue 12).

Bounded for CI by the ``ci`` profile (tests/conftest.py). The ``fuzz`` profile runs
12,000 examples per test, over 100,000 inputs in all (about an hour)::

    HYPOTHESIS_PROFILE=fuzz python -m pytest -q -p no:cacheprovider tests/test_fuzz.py \\
        --hypothesis-show-statistics
"""

from __future__ import annotations

import datetime
import functools
import inspect
import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sle_scoring import (
    Observation,
    Patient,
    SleScoringError,
    acr_1997,
    batch,
    compare,
    doris_remission,
    eular_acr_2019,
    glucocorticoids,
    lldas,
    records,
    sdi,
    sledai_2k,
    sledai_change,
    slicc_2012,
    sri,
    timeline,
)
from sle_scoring.vocabulary import all_codes

# Generating 100,000-character texts and deep values is slow by design.
HOSTILE = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class RaisingRepr:
    """An object whose repr fails: an error message must never call it."""

    def __repr__(self) -> str:
        raise RuntimeError("repr called")

    __str__ = __repr__


CODES = sorted(all_codes())
FIELDS = ["code", "date", "value", "unit", "lower_limit", "upper_limit", "assay", "isotype"]
FIELDS += ["explained_by", "note", "patient", "observations"]
# Values that reach deep into validation (valid codes, units, dates, titres), and
# values that broke it before (issue 12).
PLAUSIBLE_TEXT = st.sampled_from(
    [
        *CODES[::7],
        "present",
        "absent",
        "positive",
        "low",
        "1:160",
        "1:²",
        "1:" + "9" * 5000,
        "°C",
        "/µL",
        "g/L",
        "mg/dl",
        "2024-01-01",
        "0001-01-01",
        "9999-12-31",
        "\x1b[2J\x1b[31m",
        "\ud800",
        "a\udfffb",
        "x" * 100_000,
        "infection",
        "IgG",
        "elisa",
    ]
)
HUGE_INTEGERS = st.sampled_from([5000, 400, 20]).map(lambda digits: 10**digits)
HUGE = HUGE_INTEGERS | st.sampled_from(
    [
        -(2**64),
        Decimal("1e99999999"),
        Decimal("-1e-99999999"),
        Decimal("9" * 500),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        float("inf"),
        float("nan"),
        1e308,
        5e-324,
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.fractions(),
    HUGE,
    st.text(max_size=20),
    st.text(st.characters(categories=["Cc", "Cs", "Cf", "Zl", "Zp", "Co"]), max_size=8),
    PLAUSIBLE_TEXT,
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(),
    st.timedeltas(),
    st.builds(RaisingRepr),
    st.builds(object),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=6)), inner, max_size=4),
        st.frozensets(st.integers() | st.text(max_size=4), max_size=3),
    ),
    max_leaves=8,
)


def settles(call: Callable[[], object]) -> object:
    """The call's result (explained, when it can be), or its typed error after
    checking that the message is safe to print and write."""
    try:
        result = call()
    except SleScoringError as error:
        str(error).encode("utf-8")
        repr(error).encode("utf-8")
        return error
    explain = getattr(result, "explain", None)
    if callable(explain):
        explain().encode("utf-8")
    return result


def to_json(value: object) -> str:
    """JSON text of a generated value (what JSON cannot hold becomes null)."""
    try:
        return json.dumps(value, default=lambda _: None, skipkeys=True)
    except ValueError:  # an integer of more than 4300 digits
        return "null"


# --- JSON text --------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        '"',
        "\\",
        "null",
        "true",
        "-",
        "0",
        "1e99999999",
        "9" * 300,
        "1." + "0" * 150 + "1",
        "NaN",
        "Infinity",
        '"\\ud800"',
        '"\\u0000\\u001b[2J"',
        '"patient"',
        '"observations"',
        '"code"',
        '"value"',
        '"unit"',
        '"date"',
        '"P1"',
        '"ana"',
        '"1:²"',
        '"platelet_count"',
        '"/µL"',
        '"0001-01-02"',
        "[" * 3000,
        "\n",
        " ",
    ]
)
JSON_TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(FRAGMENTS, max_size=30).map("".join),
    VALUES.map(to_json),
)
RECORD_TEXT = st.builds(
    lambda patient, observations: to_json({"patient": patient, "observations": observations}),
    st.one_of(PLAUSIBLE_TEXT, st.text(max_size=5), SCALARS),
    st.lists(
        st.dictionaries(
            st.sampled_from(FIELDS), st.one_of(PLAUSIBLE_TEXT, SCALARS), min_size=1, max_size=6
        ),
        max_size=4,
    ),
)


@HOSTILE
@given(text=st.one_of(JSON_TEXT, RECORD_TEXT))
def test_loads_gives_a_value_or_a_typed_error(text: str) -> None:
    settles(lambda: records.loads(text))


@HOSTILE
@given(lines=st.lists(st.one_of(JSON_TEXT, RECORD_TEXT), max_size=5))
def test_every_json_line_is_accounted_for(lines: list[str]) -> None:
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    expected = [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    results = list(records.iter_json_lines(io.StringIO(text)))
    assert [number for number, _ in results] == expected
    for _, result in results:
        if isinstance(result, SleScoringError):
            str(result).encode("utf-8")
        else:
            assert isinstance(result, Patient)
            settles(functools.partial(records.dumps, result))


@HOSTILE
@given(text=st.one_of(JSON_TEXT, RECORD_TEXT))
def test_iter_json_gives_patients_or_a_typed_error(text: str) -> None:
    settles(lambda: list(records.iter_json(io.StringIO(text))))


# --- Records and observations as Python values --------------------------------------

OBSERVATION_FIELDS = st.fixed_dictionaries(
    {"code": st.one_of(st.sampled_from(CODES), PLAUSIBLE_TEXT, VALUES)},
    optional={
        name: st.one_of(PLAUSIBLE_TEXT, VALUES)
        for name in FIELDS[1:10]  # every field but the code
    },
)


RAW_RECORDS = st.one_of(
    VALUES,
    st.fixed_dictionaries(
        {
            "patient": st.one_of(PLAUSIBLE_TEXT, VALUES),
            "observations": st.one_of(VALUES, st.lists(OBSERVATION_FIELDS, max_size=3)),
        },
        optional={"extra": VALUES},
    ),
)


@HOSTILE
@given(raw=RAW_RECORDS)
def test_patient_from_dict_gives_a_patient_or_a_typed_error(raw: object) -> None:
    settles(lambda: records.patient_from_dict(raw))


@HOSTILE
@given(fields=OBSERVATION_FIELDS, value=st.one_of(PLAUSIBLE_TEXT, VALUES))
def test_observation_gives_an_observation_or_a_typed_error(
    fields: dict[str, Any], value: object
) -> None:
    arguments = {"value": value, **fields}  # code and value are required arguments
    observation = settles(lambda: Observation(**arguments))
    if isinstance(observation, Observation):
        settles(lambda: records.dumps(Patient("P1", (observation,))).encode("utf-8"))
        observation.describe().encode("utf-8")


@HOSTILE
@given(identifier=VALUES, observations=VALUES)
def test_patient_gives_a_patient_or_a_typed_error(identifier: Any, observations: Any) -> None:
    settles(lambda: Patient(identifier, observations))


# --- Arguments of every public entry point ------------------------------------------

ENTRY_MODULES = [
    eular_acr_2019,
    slicc_2012,
    acr_1997,
    sledai_2k,
    sdi,
    lldas,
    doris_remission,
    sri,
    sledai_change,
    compare,
    glucocorticoids,
    timeline,
]
ENTRY_POINTS = [
    function
    for module in ENTRY_MODULES
    for function in (getattr(module, name) for name in module.__all__)
    if inspect.isfunction(function)
]
VISIT = datetime.date(2024, 1, 11)
PATIENT = Patient(
    "P1",
    (
        Observation("sledai_2k.arthritis", "present", datetime.date(2024, 1, 1)),
        Observation("platelet_count", 45, datetime.date(2024, 1, 5), unit="10^9/L"),
    ),
)
SCORE = sledai_2k.score(["arthritis"])
# A valid value for each parameter name; the test replaces one of them.
GOOD: dict[str, object] = {
    "patient": PATIENT,
    "visit_date": VISIT,
    "as_of": VISIT,
    "lupus_onset": None,
    "baseline_date": datetime.date(2024, 1, 1),
    "follow_up_date": VISIT,
    "before_date": datetime.date(2024, 1, 1),
    "after_date": VISIT,
    "on": VISIT,
    "day": VISIT,
    "dates": [VISIT],
    "visit_dates": [VISIT],
    "sledai": SCORE,
    "baseline": SCORE,
    "follow_up": SCORE,
    "before": SCORE,
    "after": SCORE,
    "items": ["arthritis"],
    "findings": sledai_2k.derive(PATIENT.observations),
    "observations": list(PATIENT.observations),
    "drug": "prednisone",
    "mg_per_day": 5,
    "name": "LLDAS",
    "states": [],
}


def good_arguments(function: Callable[..., object]) -> dict[str, object]:
    return {
        name: GOOD.get(name, parameter.default)
        for name, parameter in inspect.signature(function).parameters.items()
        if name in GOOD or parameter.default is inspect.Parameter.empty
    }


@HOSTILE
@given(data=st.data(), function=st.sampled_from(ENTRY_POINTS))
def test_every_entry_point_gives_a_result_or_a_typed_error(
    data: st.DataObject, function: Callable[..., object]
) -> None:
    arguments = good_arguments(function)
    names = list(inspect.signature(function).parameters)
    for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2)):
        arguments[name] = data.draw(st.one_of(VALUES, st.dates(), st.integers(-5, 40)), label=name)
    settles(lambda: function(**arguments))


PATIENT_OBSERVATIONS = st.lists(
    st.builds(
        Observation,
        code=st.sampled_from(["sledai_2k.arthritis", "eular_acr_2019.joint_involvement"]),
        value=st.sampled_from(["present", "absent"]),
        date=st.dates(),
    ),
    max_size=4,
)


@HOSTILE
@given(
    observations=PATIENT_OBSERVATIONS,
    day=st.dates(),
    window=st.sampled_from([0, 10, 30, 10**6, 10**5000]),
    function=st.sampled_from(
        [f for f in ENTRY_POINTS if "patient" in inspect.signature(f).parameters]
    ),
)
def test_dates_at_the_ends_of_the_calendar(
    observations: list[Observation],
    day: datetime.date,
    window: int,
    function: Callable[..., object],
) -> None:
    arguments = good_arguments(function)
    arguments["patient"] = Patient("P1", tuple(observations))
    for name in arguments:
        if name.endswith("date") or name in ("as_of", "on", "day"):
            arguments[name] = day
        if name == "visit_dates":
            arguments[name] = [day]
        if name == "window_days":
            arguments[name] = window
        if name == "non_standard_window":
            arguments[name] = True
    settles(lambda: function(**arguments))


# --- Item-level records (batch) -----------------------------------------------------

BATCH_KEYS = ["patient_id", "visit_date", "rash", "arthritis", "sledai_2k.fever", "unknown_x"]


@HOSTILE
@given(
    rows=st.lists(
        st.dictionaries(
            st.one_of(st.sampled_from(BATCH_KEYS), st.text(max_size=6), st.integers(), st.dates()),
            st.one_of(st.sampled_from(["1", "0", "", "yes", "2024-01-01", "P1"]), VALUES),
            max_size=6,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_every_batch_record_is_a_result_or_an_error_row(rows: list[dict[object, object]]) -> None:
    settings_ = batch.Settings(instruments=("sledai_2k",))
    given_rows: list[Any] = rows  # keys of any type, on purpose
    output = settles(lambda: list(batch.score_records(given_rows, settings_, errors="report")))
    if isinstance(output, SleScoringError):
        return  # the header (the first record's keys) was refused as a whole
    assert isinstance(output, list)
    assert {row["row"] for row in output} == set(range(2, len(rows) + 2))
    for row in output:
        json.dumps(row, default=str, ensure_ascii=False).encode("utf-8")
