"""JSON Lines out of item-level CSV rows: the remembered path (``batch.ItemRows``)
writes, byte for byte, what ``json.dumps`` writes of the full path's record of each
row (``batch.score_item_row``, then ``batch.case_dict`` for the nested records of
``score`` without ``--instrument`` and of the shortcuts, ``batch.case_record`` for
the flat ones), with and without ``--items``, on generated files with odd cells,
also through ``--jobs 2``."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sle_scoring import INSTRUMENTS, batch, cli, item_csv, sledai_2k
from sle_scoring._results import RecordValue
from sle_scoring.exceptions import InvalidEvidenceError

PLAIN = [*item_csv.PRESENT_SPELLINGS, *item_csv.ABSENT_SPELLINGS, *item_csv.NOT_ASSESSED_SPELLINGS]
ODD = ["Yes", " 1", "0 ", "TRUE", "NA", "2", "x", "=1"]
WITH_ITEMS = [name for name, spec in INSTRUMENTS.items() if spec.from_items is not None]
# (command, its options, the instruments it applies): the nested records.
NESTED = [
    ("score", [], ("sledai_2k", "eular_acr_2019")),
    ("score", ["--clinical"], ("sledai_2k", "eular_acr_2019")),
    ("classify", [], ("eular_acr_2019",)),
    ("sledai", [], ("sledai_2k",)),
    ("sledai", ["--clinical"], ("sledai_2k",)),
]


class File:
    """A generated item-level CSV file and how the command line is run on it."""

    def __init__(
        self, command: str, options: list[str], chosen: tuple[str, ...], flat: bool
    ) -> None:
        self.command, self.options, self.flat = command, options, flat
        self.settings = batch.Settings(
            instruments=chosen,
            clinical_sledai="--clinical" in options,
            fields={} if flat else cli._SHORTCUT_FIELDS,
        )
        self.header: list[str] = []
        self.rows: list[list[str]] = []

    def expected(self, items: bool) -> str:
        """The full path's text: each row parsed, scored and dumped by json."""
        columns = item_csv.read_header(self.header, self.settings.item_codes)
        lines = []
        for number, cells in enumerate(self.rows, start=2):  # the header is row 1
            parsed = columns.parse(number, cells)
            if isinstance(parsed, InvalidEvidenceError):
                continue  # reported, not written
            case = batch.score_item_row(parsed, self.settings)
            record = (
                batch.case_record(case, self.settings, items=items)
                if self.flat
                else batch.case_dict(case, self.settings, items=items)
            )
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        return "".join(lines)

    def written(self, folder: Path, items: bool, jobs: int = 1) -> str:
        """What the command line writes of this file as JSON Lines."""
        source, target = folder / "rows.csv", folder / "out.jsonl"
        with source.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerows([self.header, *self.rows])
        argv = [self.command, str(source), "-o", str(target), "--quiet", "--engine", "python"]
        argv += [*self.options, *(["--items"] if items else []), "--jobs", str(jobs)]
        argv += ["--errors", str(folder / "errors.jsonl")]
        assert cli.main(argv) in (0, cli.EXIT_ROWS_FAILED)
        return target.read_text(encoding="utf-8")


@st.composite
def files(draw: st.DrawFn) -> File:
    if draw(st.booleans()):
        command, options, chosen = draw(st.sampled_from(NESTED))
        file = File(command, options, chosen, flat=False)
    else:
        names = draw(st.lists(st.sampled_from(WITH_ITEMS), min_size=1, max_size=3, unique=True))
        options = [word for name in names for word in ("--instrument", name)]
        file = File("score", options, tuple(names), flat=True)
    header = ["patient_id", "visit_date"]
    for table, codes in file.settings.item_codes.items():
        header += [f"{table}.{code}" for code in codes if draw(st.booleans()) or len(codes) < 3]
    file.header = list(draw(st.permutations(header)))
    # Mostly plain cells (a row with an odd cell takes the full path), some odd ones.
    cells = st.sampled_from(PLAIN * 6 + ODD)
    patients = ["P1", " P2", "", "=P3", 'P"4', "Pé 5"]
    dates = ["2024-01-02", "2024-1-2", ""]
    for _ in range(draw(st.integers(1, 8))):
        row = [draw(cells) for _ in file.header]
        row[file.header.index("patient_id")] = draw(st.sampled_from(patients))
        row[file.header.index("visit_date")] = draw(st.sampled_from(dates))
        file.rows.append(row)
    return file


@contextmanager
def small_memos(cells: int, size: int) -> Iterator[None]:
    """Sub-blocks of at most ``cells`` cells and memos of ``size`` entries, in chunks
    of three rows: patterns forgotten and met again, in and across chunks."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "SUB_BLOCK_CELLS", cells)
        patch.setattr(batch, "SUB_BLOCK_MEMO_SIZE", size)
        patch.setattr(batch, "MEMO_SIZE", size)
        patch.setattr(batch, "_SHAPES", size)  # fields found one by one
        patch.setitem(cli._CHUNK_ROWS, "csv", 3)
        yield


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files(), st.booleans(), st.integers(1, 3), st.integers(1, 4))
def test_writes_what_the_full_path_writes(
    tmp_path: Path, file: File, items: bool, cells: int, size: int
) -> None:
    # The rows twice: the second time from the memos.
    file.rows = [*file.rows, *file.rows]
    with small_memos(cells, size):
        assert file.written(tmp_path, items) == file.expected(items)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files(), st.booleans())
def test_jobs_2_writes_the_same_bytes(tmp_path: Path, file: File, items: bool) -> None:
    file.rows = file.rows * 3
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(cli._CHUNK_ROWS, "csv", 4)
        assert file.written(tmp_path, items, jobs=2) == file.expected(items)


@pytest.mark.parametrize("items", [False, True])
@pytest.mark.parametrize(("command", "options", "chosen"), NESTED)
def test_plain_rows_of_the_nested_records_are_remembered(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    options: list[str],
    chosen: tuple[str, ...],
    items: bool,
) -> None:
    """Plain cells: no row goes through the full path, which writes the same."""
    file = File(command, options, chosen, flat=False)
    for table, codes in file.settings.item_codes.items():
        file.header += [f"{table}.{code}" for code in codes]
    file.header += ["patient_id", "visit_date"]
    spellings = ["1", "0", "", "0", "0"]  # every code present, absent, not assessed
    file.rows = [
        [spellings[(row + column) % len(spellings)] for column in range(len(file.header) - 2)]
        + [f"P{row}", "2024-01-02" if row % 2 else ""]
        for row in range(12)
    ]
    # every item present, every item not assessed
    file.rows += [[cell] * (len(file.header) - 2) + ["P12", ""] for cell in ("1", "")]
    expected = file.expected(items)
    full = []
    monkeypatch.setattr(batch, "score_item_row", lambda *row: full.append(row))
    assert file.written(tmp_path, items) == expected
    assert full == []
    # clinical SLEDAI-2K: the serology present or not assessed is ignored
    both = '"ignored": ["increased_dna_binding", "low_complement"]'  # sorted
    assert (both in expected) is ("--clinical" in options)


@pytest.mark.parametrize("values", [[1, True, 0, False], [True, 1, False, 0]])
def test_a_field_remembered_as_written_keeps_its_type(values: list[RecordValue]) -> None:
    """Fields are written once per value: 1 and true (equal in Python) stay apart."""
    written = [cli._json_field("x", value) for value in values]
    assert written == [f'"x": {json.dumps(value)}' for value in values]


# A form of code lists no output uses: each code in angle brackets, " | " between
# two (a separator of three characters, which each row's list leaves off at its end).
def angled(code: str) -> str:
    return f"<{code}>"


BETWEEN = " | "
UNIT = "\x1f"  # between the fields written: in no value
# Every field but the verdicts that end with the codes not assessed (those need the
# codes as they are).
NO_LISTED = {
    key: tuple(name for name in INSTRUMENTS[key].fields if name != "verdict")
    for key in ("sledai_2k", "clinical_sledai_2k")
}


def key_value(key: str, value: RecordValue) -> str:
    return f"{key}={value}"


@st.composite
def angled_files(draw: st.DrawFn) -> tuple[batch.Settings, list[str], list[list[str]]]:
    chosen = draw(st.lists(st.sampled_from(WITH_ITEMS), min_size=1, max_size=3, unique=True))
    options = batch.Settings(instruments=tuple(chosen), fields=NO_LISTED)
    header = ["patient_id", "visit_date"]
    for table, codes in options.item_codes.items():
        header += [f"{table}.{code}" for code in codes if draw(st.booleans()) or len(codes) < 3]
    header = list(draw(st.permutations(header)))
    cells = st.sampled_from(PLAIN * 6 + ODD)
    rows = []
    for number in range(draw(st.integers(1, 8))):
        row = [draw(cells) for _ in header]
        row[header.index("patient_id")] = f"P{number}"
        row[header.index("visit_date")] = draw(st.sampled_from(["2024-01-02", ""]))
        rows.append(row)
    return options, header, rows


@settings(max_examples=120)
@given(angled_files(), st.integers(1, 3), st.integers(1, 4))
def test_lists_are_written_with_the_code_and_between_given(
    file: tuple[batch.Settings, list[str], list[list[str]]], cells: int, size: int
) -> None:
    """Each list field holds the record's codes (in table order), each written by
    ``code`` and ``between`` two of them; every other field as the record has it."""
    options, header, rows = file
    columns = item_csv.read_header(header, options.item_codes)
    keys = batch.case_fields(options)[3:]  # after row, patient_id and visit_date
    with small_memos(cells, size):
        fast = batch.ItemRows(columns, options, key_value, UNIT, code=angled, between=BETWEEN)
        every = [*rows, *rows]  # the second time from the memos
        found_all = [*fast.rows(every), *map(fast, every)]
    for number, (cells_of_row, found) in enumerate(zip(every * 2, found_all, strict=True)):
        items = [cell for name, cell in zip(header, cells_of_row, strict=True) if "." in name]
        if not all(cell in PLAIN for cell in items):
            assert found is None  # left to the full path
            continue
        parsed = columns.parse(number + 2, cells_of_row)
        assert not isinstance(parsed, InvalidEvidenceError)
        case = batch.score_item_row(parsed, options)
        values = batch.case_values(case, options)[3:]
        expected = []
        for key, value in zip(keys, values, strict=True):
            if key.rsplit(".", 1)[1] in ("present", "not_assessed", "ignored"):
                assert isinstance(value, str)
                value = BETWEEN.join(map(angled, value.split())) if value else ""
            expected.append(key_value(key, value))
        assert found is not None
        assert found[2].split(UNIT)[1:] == expected


def test_a_verdict_ending_with_its_codes_needs_them_as_they_are() -> None:
    """SLEDAI-2K's verdict ends with the codes not assessed separated by ", ": a
    ``code`` that writes them otherwise cannot be placed there, nor an empty
    ``between`` tell the codes of a list apart."""
    options = batch.Settings(instruments=("sledai_2k",))
    codes = INSTRUMENTS["sledai_2k"].codes
    header = ["patient_id", "visit_date", *(f"sledai_2k.{code}" for code in codes)]
    columns = item_csv.read_header(header, options.item_codes)
    with pytest.raises(ValueError, match="verdict"):
        batch.ItemRows(columns, options, key_value, UNIT, code=angled)
    with pytest.raises(ValueError, match="between"):
        batch.ItemRows(columns, options, key_value, UNIT, between="")
    # The codes as they are, with any between: the verdict as the record has it.
    fast = batch.ItemRows(columns, options, key_value, UNIT, between=BETWEEN)
    missing = ("seizure", "fever")
    found = fast(["P1", "", *("" if code in missing else "0" for code in codes)])
    assert found is not None
    verdict = sledai_2k.score([], not_assessed=missing).verdict
    assert verdict.endswith("not assessed: seizure, fever")  # in table order
    assert f"sledai_2k.verdict={verdict}" in found[2].split(UNIT)
    assert f"sledai_2k.not_assessed=seizure{BETWEEN}fever" in found[2].split(UNIT)
