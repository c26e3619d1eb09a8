"""sle_scoring.frame: item-level frames scored column-wise agree with the row path."""

from __future__ import annotations

import importlib.resources
import math
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import narwhals as nw
import pandas
import polars
import pyarrow
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sle_scoring import INSTRUMENTS, _columnar, batch, frame, item_csv, records
from sle_scoring.exceptions import InvalidEvidenceError

SLEDAI = INSTRUMENTS["sledai_2k"].codes
EULAR = INSTRUMENTS["eular_acr_2019"].codes
# Every item column qualified, so that no bare code is ambiguous.
COLUMNS = [f"sledai_2k.{c}" for c in SLEDAI] + [f"eular_acr_2019.{c}" for c in EULAR]

TEXT_CELLS: list[object] = [
    "1",
    "0",
    "yes",
    "No",
    " Y ",
    "absent",
    "",
    " ",
    "NA",
    "not assessed",
    "x",
    None,
]
BOOL_CELLS: list[object] = [True, False, None]
FLOAT_CELLS: list[object] = [1.0, 0.0, math.nan, None, 0.5]
# Integers (Polars and Arrow: an integer column; pandas: floats where one is None),
# with ones the row path cannot read, one past what a small integer holds.
INT_CELLS: list[object] = [1, 0, None, 2, -1, 40000]
# A column null in every row (Polars and Arrow type it Null): nothing assessed.
NULL_CELLS: list[object] = [None]


def cell_text(value: object) -> str:
    """A cell as the CSV layout spells it (what a CSV file of the frame would hold)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return "1" if value == 1 else "0" if value == 0 else repr(value)
    return str(value)


def row_path(
    data: Mapping[str, Sequence[object]], names: Sequence[str], first_row: int = 2
) -> list[dict[str, object]]:
    """Each row read as the command line reads a CSV row and scored by the
    registry's from_items: the reference frame.score must agree with."""
    header = list(data)
    columns = item_csv.read_header(
        header, {name: INSTRUMENTS[name].codes for name in names}, ignore_unknown=True
    )
    length = len(next(iter(data.values())))
    expected: list[dict[str, object]] = []
    for position in range(length):
        cells = [cell_text(data[name][position]) for name in header]
        parsed = columns.parse(first_row + position, cells)
        if isinstance(parsed, item_csv.ItemRow):
            record: dict[str, object] = {"error": None}
            for name, (present, missing) in zip(names, parsed.items, strict=True):
                scorer = INSTRUMENTS[name].from_items
                assert scorer is not None
                record.update(scorer(present, not_assessed=missing).as_record())
        else:
            record = {"error": "; ".join(str(p) for p in parsed.problems)}
        expected.append(record)
    return expected


def rows_of(native: Any) -> list[dict[str, Any]]:
    """The rows of a pandas, Polars or PyArrow frame, pandas' NA read as None."""
    found = nw.from_native(native, eager_only=True).rows(named=True)
    return [
        {key: (None if value is pandas.NA else value) for key, value in row.items()}
        for row in found
    ]


def agrees(native: Any, data: Mapping[str, Sequence[object]], names: Sequence[str]) -> None:
    expected = row_path(data, names)
    found = rows_of(native)
    assert len(found) == len(expected)
    added = frame.schema(names)
    for got, want in zip(found, expected, strict=True):
        for column in added:
            assert got[column] == want.get(column), (column, got, want)


@st.composite
def item_frames(draw: st.DrawFn) -> dict[str, list[object]]:
    """An item-level table: some item columns, each of text, boolean, float or
    integer cells, or null in every row."""
    length = draw(st.integers(1, 6))
    chosen = draw(st.lists(st.sampled_from(COLUMNS), unique=True, max_size=12))
    data: dict[str, list[object]] = {
        "patient_id": draw(
            st.lists(st.sampled_from(["P1", "P2", " ", None]), min_size=length, max_size=length)
        ),
        "visit_date": draw(
            st.lists(
                st.sampled_from(["2024-01-10", "", None, "2024-02-30", "10/01/2024"]),
                min_size=length,
                max_size=length,
            )
        ),
        "site": ["s"] * length,
    }
    for column in chosen:
        cells = draw(st.sampled_from([TEXT_CELLS, BOOL_CELLS, FLOAT_CELLS, INT_CELLS, NULL_CELLS]))
        data[column] = draw(st.lists(st.sampled_from(cells), min_size=length, max_size=length))
    return data


def native_frames(data: Mapping[str, list[object]]) -> list[Any]:
    # Polars and Arrow need one type per column: float columns hold None, not NaN mixed
    # with strings; the data drawn keeps each column to one kind.
    return [
        pandas.DataFrame(data),
        polars.DataFrame(data, strict=False),
        pyarrow.table({k: pyarrow.array(v, from_pandas=True) for k, v in data.items()}),
    ]


class TestAgreesWithTheRowPath:
    """frame.score gives, value by value, what the row path (item_csv and each
    instrument's from_items) gives: blanks not assessed, bad cells reported."""

    # Each example scores three frames and the row path: fewer examples keep the
    # suite's time modest on a shared machine; CI derandomises them (conftest).
    @settings(max_examples=60)
    @given(item_frames())
    def test_sledai_and_eular(self, data: dict[str, list[object]]) -> None:
        for native in native_frames(data):
            scored = frame.score(native, ignore_unknown=True)
            assert type(scored) is type(native)
            # The cells as the frame holds them (pandas: 2.0 in a column of integers
            # and None).
            held = nw.from_native(native, eager_only=True).to_dict(as_series=False)
            agrees(scored, held, frame.DEFAULT_INSTRUMENTS)

    @settings(max_examples=60)
    @given(item_frames())
    def test_agrees_with_batch_score_records(self, data: dict[str, list[object]]) -> None:
        # The fields batch.score_records writes (the command line's CSV) are the same.
        chosen = batch.Settings()
        found = rows_of(frame.score(polars.DataFrame(data, strict=False), ignore_unknown=True))
        for position, got in enumerate(found):
            record = {key: values[position] for key, values in data.items()}
            (want, *_) = batch.score_records([record], chosen, ignore_unknown=True, errors="report")
            if "message" in want:
                assert got["error"] is not None
                continue
            for field in (
                "sledai_2k.total",
                "eular_acr_2019.points",
                "eular_acr_2019.classified",
                "eular_acr_2019.verdict",
                "sledai_2k.not_assessed",
            ):
                assert got[field] == want[field]

    @settings(max_examples=60)
    @given(item_frames())
    def test_row_path_instruments(self, data: dict[str, list[object]]) -> None:
        # SDI, SLICC 2012 and ACR 1997 columns are absent: all their items not assessed.
        names = ("sledai_2k", "sdi", "acr_1997")
        sledai_only = {k: v for k, v in data.items() if not k.startswith("eular_acr_2019.")}
        scored = frame.score(
            polars.DataFrame(sledai_only, strict=False), names, ignore_unknown=True
        )
        agrees(scored, sledai_only, names)


class TestValues:
    """Values derived from the definitions, not from the code."""

    def test_sledai_weights(self) -> None:
        native = polars.DataFrame(
            {
                "patient_id": ["P1"],
                "visit_date": ["2024-01-10"],
                "arthritis": ["1"],
                "low_complement": ["yes"],
                "seizure": ["0"],
            }
        )
        (row,) = rows_of(frame.score(native, ["sledai_2k"]))
        assert row["sledai_2k.total"] == 4 + 2  # arthritis 4, low complement 2
        assert row["sledai_2k.complete"] is False  # 21 descriptors have no column
        assert row["sledai_2k.present"] == "arthritis low_complement"

    def test_small_integer_cells(self) -> None:
        # 1 present, 0 absent, null not assessed; 2 is no cell spelling: an error.
        native = polars.DataFrame(
            {
                "patient_id": ["P1", "P2", "P3"],
                "visit_date": ["2024-01-10"] * 3,
                "arthritis": [1, 2, None],
                "rash": [1, 0, 0],
            },
            schema_overrides={"arthritis": polars.Int8, "rash": polars.Int8},
        )
        first, second, third = rows_of(frame.score(native, ["sledai_2k"]))
        assert first["sledai_2k.total"] == 4 + 2  # arthritis 4, rash 2
        assert second["sledai_2k.total"] is None
        assert "field 'arthritis'" in second["error"]
        assert "(got '2')" in second["error"]
        assert third["sledai_2k.total"] == 0
        assert "arthritis" in third["sledai_2k.not_assessed"].split()

    def test_eular_highest_per_domain(self) -> None:
        native = pyarrow.table(
            {
                "patient_id": ["P1", "P2"],
                "visit_date": ["2024-01-10", "2024-01-10"],
                "ana_positive": [True, True],
                "eular_acr_2019.leukopenia": [True, True],
                "eular_acr_2019.thrombocytopenia": [True, False],
                "acute_pericarditis": [True, True],
            }
        )
        first, second = rows_of(frame.score(native, ["eular_acr_2019"]))
        assert first["eular_acr_2019.points"] == 4 + 6  # thrombocytopenia outranks leukopenia 3
        assert first["eular_acr_2019.classified"] is True  # entry met, clinical, >= 10
        assert second["eular_acr_2019.points"] == 3 + 6  # leukopenia, acute pericarditis
        assert second["eular_acr_2019.classified"] is False  # 9 < 10


class TestRuleAnswersKept:
    """Aringer 2019: classify "if [the entry criterion] is present and ... at least
    one clinical criterion and >= 10 points". The rule is asked once per distinct
    input and the answer kept for later frames; a later frame with an input not
    asked yet is still asked, not looked up as unknown."""

    @staticmethod
    def _classified(rows: list[dict[str, bool]]) -> list[object]:
        native = polars.DataFrame(
            {
                "patient_id": [f"P{n}" for n in range(len(rows))],
                "visit_date": ["2024-01-10"] * len(rows),
                **{code: [row.get(code, False) for row in rows] for code in EULAR},
            }
        )
        scored = frame.score(native, ["eular_acr_2019"])
        return list(scored.get_column("eular_acr_2019.classified"))

    def test_an_input_after_known_ones_is_asked(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # Nothing asked yet, whatever other tests asked before.
        monkeypatch.setattr(_columnar, "_ANSWERS", {})
        monkeypatch.setattr(_columnar, "_LOOKUPS", {})
        monkeypatch.setattr(_columnar, "_LOOKED_UP", [0])
        nine = {"ana_positive": True, "leukopenia": True, "acute_pericarditis": True}  # 3 + 6
        ten = {**nine, "thrombocytopenia": True}  # 4 (outranks leukopenia's 3) + 6
        assert self._classified([nine]) == [False]  # 9 < 10
        assert self._classified([nine, nine]) == [False, False]  # every input known
        assert self._classified([nine, ten]) == [False, True]  # 10 >= 10: a new input

    def test_an_empty_first_frame(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # No row, nothing asked yet: no answers to look up, and the schema's columns.
        monkeypatch.setattr(_columnar, "_ANSWERS", {})
        monkeypatch.setattr(_columnar, "_LOOKUPS", {})
        monkeypatch.setattr(_columnar, "_LOOKED_UP", [0])
        assert self._classified([]) == []
        native = polars.DataFrame(
            {"patient_id": [], "visit_date": [], "arthritis": []},
            schema={
                "patient_id": polars.String,
                "visit_date": polars.String,
                "arthritis": polars.Int8,
            },
        )
        scored = frame.score(native)
        assert scored.height == 0
        assert list(scored.columns) == ["patient_id", "visit_date", "arthritis", *frame.schema()]


class TestSchema:
    """Types are fixed even when a column is null in every row."""

    def test_every_row_an_error(self) -> None:
        native = polars.DataFrame(
            {"patient_id": [" "], "visit_date": [None], "arthritis": ["x"]},
            schema={
                "patient_id": polars.String,
                "visit_date": polars.String,
                "arthritis": polars.String,
            },
        )
        scored = frame.score(native, ["sledai_2k"])
        assert nw.from_native(scored).schema == nw.Schema(
            {
                "patient_id": nw.String(),
                "visit_date": nw.String(),
                "arthritis": nw.String(),
                **frame.schema(["sledai_2k"]),
            }
        )

    def test_same_types_for_pandas_polars_arrow(self) -> None:
        data = {"patient_id": ["P1"], "visit_date": ["2024-01-10"], "arthritis": [None]}
        for native in (pandas.DataFrame(data), polars.DataFrame(data), pyarrow.table(data)):
            found = nw.from_native(frame.score(native, ["sledai_2k"])).schema
            assert {k: found[k] for k in frame.schema(["sledai_2k"])} == frame.schema(["sledai_2k"])

    def test_global_row_numbers(self) -> None:
        native = polars.DataFrame(
            {
                "row": [1001, 1002],
                "patient_id": ["P1", "P2"],
                "visit_date": ["", ""],
                "rash": ["1", "?"],
            }
        )
        ok, bad = rows_of(frame.score(native, ["sledai_2k"], rows="row"))
        assert ok["error"] is None
        assert ok["sledai_2k.total"] == 2  # rash 2
        assert "row 1002" in bad["error"]


class TestInput:
    def test_unknown_column_raises_unless_ignored(self) -> None:
        native = polars.DataFrame({"patient_id": ["P1"], "visit_date": [""], "site": ["a"]})
        with pytest.raises(InvalidEvidenceError, match="site"):
            frame.score(native, ["sledai_2k"])
        assert rows_of(frame.score(native, ["sledai_2k"], ignore_unknown=True))[0]["site"] == "a"

    def test_added_column_already_there_raises(self) -> None:
        native = polars.DataFrame({"patient_id": ["P1"], "visit_date": [""], "error": ["a"]})
        with pytest.raises(InvalidEvidenceError, match="error"):
            frame.score(native, ["sledai_2k"], ignore_unknown=True)

    def test_not_an_item_instrument(self) -> None:
        with pytest.raises(ValueError, match="lldas"):
            frame.schema(["lldas"])


def test_bundled_visits_as_pandas() -> None:
    source = importlib.resources.files("sle_scoring") / "examples" / "visits.csv"
    with importlib.resources.as_file(source) as path:
        visits = pandas.read_csv(path, dtype=str, keep_default_na=False)
    visits.loc[len(visits)] = [
        "P009",
        "2024-05-01",
        *(["yes?"] + ["0"] * (len(visits.columns) - 3)),
    ]
    scored = frame.score(visits, ["sledai_2k"])
    assert list(scored.columns[: len(visits.columns)]) == list(visits.columns)
    assert len(scored) == len(visits)  # the error row is kept
    assert scored["error"].isna().tolist() == [True] * (len(visits) - 1) + [False]
    assert "row 6" in scored["error"].iloc[-1]  # header row 1, four rows, then this one
    # P001's first visit: arthritis 4, rash 2, low complement 2, increased DNA binding 2.
    assert scored["sledai_2k.total"].iloc[0] == 4 + 2 + 2 + 2


def test_observations_through_the_per_patient_path() -> None:
    long = polars.DataFrame(
        {
            "patient_id": ["P1", "P1", "P2", "P3"],
            "code": ["platelet_count", "swollen_joint_count", "platelet_count", "platelet_count"],
            "date": ["2024-01-10", "2024-01-10", "2024-01-10", "2024-01-10"],
            "value_number": [82000, 3, 250000, None],
            "unit": ["/µL", "joints", "/µL", "/µL"],
        }
    )
    chosen = batch.Settings(instruments=("sledai_2k",))
    found = rows_of(frame.score_observations(long, chosen))
    for record in found[:2]:
        raw = {
            "patient": record["patient_id"],
            "observations": [
                {
                    ("value" if k == "value_number" else k): v
                    for k, v in row.items()
                    if k != "patient_id" and v is not None
                }
                for row in long.filter(polars.col("patient_id") == record["patient_id"]).rows(
                    named=True
                )
            ],
        }
        (case,) = batch.score_patient(1, records.patient_from_dict(raw), chosen)
        assert case.results[0] is not None
        assert record == {
            "patient_id": case.patient_id,
            "visit_date": "2024-01-10",
            **case.results[0].as_record(),
            "error": None,
        }
    assert found[0]["sledai_2k.total"] == 4 + 1  # arthritis 4 (3 joints), thrombocytopenia 1
    assert found[1]["sledai_2k.total"] == 0  # 250,000 platelets: not < 100,000
    assert "P3" in found[2]["error"]  # a platelet count without a value
    assert found[2]["sledai_2k.total"] is None


def test_bare_import_loads_no_frame_library() -> None:
    code = (
        "import sys, sle_scoring, sle_scoring.batch, sle_scoring.cli; "
        "print(sorted(m for m in ('narwhals', 'pandas', 'polars', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
