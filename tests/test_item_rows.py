"""The remembering reader of item-level CSV rows (``batch.ItemRows``) agrees with
scoring each row through the public functions (``sledai_2k.score``,
``eular_acr_2019.classify`` and every other instrument with items), on generated
rows including odd cells, and sends every unusual row to the full path."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sle_scoring import (
    INSTRUMENTS,
    acr_1997,
    batch,
    cli,
    eular_acr_2019,
    item_csv,
    sdi,
    sledai_2k,
    slicc_2012,
)
from sle_scoring._results import RecordValue, Result

# Every instrument with item-level input, by the public function that scores it.
PUBLIC: dict[str, Callable[..., Result]] = {
    "sledai_2k": sledai_2k.score,
    "clinical_sledai_2k": lambda items, not_assessed: sledai_2k.score(
        items, not_assessed=not_assessed, index=sledai_2k.CLINICAL_SLEDAI_2K
    ),
    "eular_acr_2019": eular_acr_2019.classify,
    "slicc_2012": slicc_2012.classify,
    "acr_1997": acr_1997.classify,
    "sdi": sdi.score,
}
WITH_ITEMS = [name for name, spec in INSTRUMENTS.items() if spec.from_items is not None]
# The cells the fast path remembers, and cells it must leave to the full path.
PLAIN = [*item_csv.PRESENT_SPELLINGS, *item_csv.ABSENT_SPELLINGS, *item_csv.NOT_ASSESSED_SPELLINGS]
ODD = ["Yes", " 1", "0 ", "TRUE", "NA", "2", "x", "=1"]


def test_every_instrument_with_items_is_covered() -> None:
    assert sorted(PUBLIC) == sorted(WITH_ITEMS)


def expected_values(
    row: list[str], header: list[str], options: batch.Settings
) -> list[RecordValue]:
    """A row's values through the public functions, from its cells as the layout
    defines them (the present / absent / not assessed spellings; an item without a
    column is not assessed), without the row number."""
    column = {name: position for position, name in enumerate(header)}
    results = []
    for key, spec in zip(options.keys, options.specs, strict=True):
        table = spec.variant_of or spec.name
        present, missing = [], []
        for code in INSTRUMENTS[table].codes:
            position = column.get(f"{table}.{code}")
            cell = row[position] if position is not None else ""
            if cell in item_csv.PRESENT_SPELLINGS:
                present.append(code)
            elif cell in item_csv.NOT_ASSESSED_SPELLINGS:
                missing.append(code)
        results.append(PUBLIC[key](present, not_assessed=missing))
    date = row[column["visit_date"]]
    visit = datetime.date.fromisoformat(date) if date else None
    case = batch.Case(2, row[column["patient_id"]].strip(), visit, tuple(results))
    return batch.case_values(case, options, items=True)[1:]


def json_field(key: str, value: RecordValue) -> str:
    """One field as a JSON Lines record holds it (the command line's JSON output)."""
    return f"{json.dumps(key)}: {json.dumps(value)}"


def read_back(found: tuple[str, str, str]) -> list[RecordValue]:
    """The patient, visit and values of what ItemRows wrote with ``json_field``."""
    patient_id, visit, text = found
    assert text == "" or text.startswith(", ")
    fields = json.loads("{" + text[2:] + "}")
    return [patient_id, visit or None, *fields.values()]


@contextmanager
def small_memos(cells: int, size: int) -> Iterator[None]:
    """Sub-blocks of at most ``cells`` cells and memos of ``size`` entries: patterns
    forgotten and met again, rows with the same sums but other lists."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "SUB_BLOCK_CELLS", cells)
        patch.setattr(batch, "SUB_BLOCK_MEMO_SIZE", size)
        patch.setattr(batch, "MEMO_SIZE", size)
        patch.setattr(batch, "_SHAPES", size)  # fields found one by one
        yield


@st.composite
def files(draw: st.DrawFn) -> tuple[batch.Settings, list[str], list[list[str]]]:
    chosen = draw(st.lists(st.sampled_from(WITH_ITEMS), min_size=1, max_size=4, unique=True))
    bands = draw(st.sampled_from([None, "eular_table_4band"]))
    options = batch.Settings(instruments=tuple(chosen), bands=bands)
    header = ["patient_id", "visit_date"]
    for table, codes in options.item_codes.items():
        header += [f"{table}.{code}" for code in codes if draw(st.booleans()) or len(codes) < 3]
    header = draw(st.permutations(header))
    cells = st.sampled_from(PLAIN) | st.sampled_from(ODD)
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        row = [draw(cells) for _ in header]
        row[header.index("patient_id")] = draw(st.sampled_from(["P1", " P2", "", "=P3"]))
        row[header.index("visit_date")] = draw(st.sampled_from(["2024-01-02", "2024-1-2", ""]))
        rows.append(row)
    return options, list(header), rows


def plain(row: list[str], header: list[str]) -> bool:
    items = [cell for name, cell in zip(header, row, strict=True) if "." in name]
    date = row[header.index("visit_date")]
    return (
        all(cell in PLAIN for cell in items)
        and row[header.index("patient_id")].strip() != ""
        and (date == "" or date == "2024-01-02")
    )


def check_file(file: tuple[batch.Settings, list[str], list[list[str]]]) -> None:
    options, header, rows = file
    columns = item_csv.read_header(header, options.item_codes)
    fast = batch.ItemRows(columns, options, json_field, ", ", items=True)
    every = [*rows, *rows]  # the second time from the memos
    # One row at a time, then all of them at once (the command line's chunks, in
    # which a new pattern can come twice before it is remembered).
    one_by_one = list(map(fast, every))
    together = fast.rows(every)
    backwards = fast.rows(every[::-1])[::-1]
    for row, *found in zip(every, one_by_one, together, backwards, strict=True):
        if not plain(row, header):
            assert found == [None, None, None]  # the full path reads (and reports) it
            continue
        expected = expected_values(row, header, options)
        for each in found:
            assert each is not None
            assert read_back(each) == expected
    for part in fast._parts:  # bounded: each pattern of "1", "0", blank; a few others
        for sub_block in part.sub_blocks:
            memo = sub_block.memo
            assert memo.others <= batch.SUB_BLOCK_MEMO_SIZE
            assert len(memo) - memo.others <= 3 ** len(sub_block.codes)


@settings(max_examples=150)
@given(files())
def test_agrees_with_the_public_functions(
    file: tuple[batch.Settings, list[str], list[list[str]]],
) -> None:
    check_file(file)


@settings(max_examples=150)
@given(files(), st.integers(1, 3), st.integers(1, 3))
def test_agrees_with_small_sub_blocks_and_memos(
    file: tuple[batch.Settings, list[str], list[list[str]]], cells: int, size: int
) -> None:
    """Sub-blocks of one to three cells (so many per instrument) in memos of one to
    three entries: patterns are forgotten and met again, and rows share sums (a
    remembered output) with other code lists."""
    with small_memos(cells, size):
        check_file(file)


def test_memory_is_bounded() -> None:
    """Per sub-block, every pattern of "1", "0" and blank cells (at most 3 ** cells)
    and at most SUB_BLOCK_MEMO_SIZE patterns of other spellings; MEMO_SIZE outputs
    per instrument in each of two generations; a forgotten one is worked out again."""
    options = batch.Settings(instruments=("sledai_2k",))
    header = ["patient_id", "visit_date", "arthritis", "rash", "fever"]
    columns = item_csv.read_header(header, options.item_codes)
    present, missing = item_csv.PRESENT_SPELLINGS, item_csv.NOT_ASSESSED_SPELLINGS
    with small_memos(1, 2):
        fast = batch.ItemRows(columns, options, json_field, ", ")
        cells = [("1", "0", "0"), ("0", "1", ""), ("1", "1", "1"), ("1", "0", "0"), ("0", "0", "")]
        # Other spellings, more than 2 a cell: forgotten, and met again.
        cells += [("yes", "no", "na"), ("y", "n", "n/a"), ("true", "false", "not assessed")]
        cells += [("yes", "no", "na"), ("1", "0", ""), ("t", "f", "1.0"), ("y", "n", "n/a")]
        for arthritis, rash, fever in cells:
            found = fast(["P1", "", arthritis, rash, fever])
            assert found is not None
            record = dict(zip(batch.case_fields(options)[1:], read_back(found), strict=True))
            # arthritis 4, rash 2, fever 1
            total = 4 * (arthritis in present) + 2 * (rash in present) + 1 * (fever in present)
            assert record["patient_id"] == "P1"
            assert record["sledai_2k.total"] == total
            assert ("fever" in str(record["sledai_2k.not_assessed"]).split()) is (fever in missing)
            for part in fast._parts:
                assert len(part.memo) <= 2 * 2  # two generations
                for sub_block in part.sub_blocks:
                    memo = sub_block.memo
                    short = [key for key in memo.found if set(key) <= {"1", "0", ""}]
                    assert len(short) <= 3  # one cell: "1", "0" or blank
                    assert len(memo) - len(short) == memo.others <= 2
        assert len(part.sub_blocks) == len(sledai_2k.DESCRIPTORS)  # one cell each
        # The short patterns are never forgotten: each met once, all still there.
        first = next(block for block in part.sub_blocks if block.codes == ("arthritis",))
        assert {("1",), ("0",)} <= set(first.memo.found)


def test_a_number_too_large_to_add_leaves_the_row_to_the_full_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With lanes of 3 bits (the key holds 8 bits a number), the four SLEDAI-2K
    sub-blocks may each add at most 1 (4 x 1 < 2**3): a row whose sub-block adds
    more is None (the full path scores it), the others still agree with score."""
    monkeypatch.setattr(batch, "_PLACE", 3)
    options = batch.Settings(instruments=("sledai_2k",))
    header = ["patient_id", "visit_date", "arthritis", "fever"]
    columns = item_csv.read_header(header, options.item_codes)
    fast = batch.ItemRows(columns, options, json_field, ", ")
    assert len(fast._parts[0].sub_blocks) == 4  # 24 descriptors, at most 7 a sub-block
    assert fast(["P1", "", "1", "0"]) is None  # arthritis: 4
    found = fast(["P1", "", "0", "1"])
    assert found is not None
    record = dict(zip(batch.case_fields(options)[1:], read_back(found), strict=True))
    assert record["sledai_2k.total"] == 1  # fever 1


def test_a_cell_the_layout_does_not_list_leaves_the_row_to_the_full_path() -> None:
    """Each row with an odd cell is None, the rows around it written."""
    options = batch.Settings(instruments=("eular_acr_2019",))
    header = ["patient_id", "visit_date", "ana_positive", "fever", "acute_pericarditis"]
    columns = item_csv.read_header(header, options.item_codes)
    fast = batch.ItemRows(columns, options, json_field, ", ")
    rows = [["P1", "", "1", "1", "0"], ["P2", "", "1", "Yes", "0"], ["P3", "", "1", "1", "1"]]
    first, odd, last = fast.rows(rows)
    assert odd is None
    assert first is not None
    assert last is not None
    fields = batch.case_fields(options)[1:]
    points = dict(zip(fields, read_back(first), strict=True))["eular_acr_2019.points"]
    assert points == 2  # fever 2
    points = dict(zip(fields, read_back(last), strict=True))["eular_acr_2019.points"]
    assert points == 2 + 6  # fever 2, acute pericarditis 6


def test_the_command_line_reads_blocks_of_lines_as_the_records_they_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of two lines: blank and space-only lines are counted and left out, an
    odd cell and a line with a NUL take the full path (a NUL is reported), and after
    a quoted cell holding a line break the rows keep their numbers; --jobs 2 writes
    the same bytes."""
    monkeypatch.setitem(cli._CHUNK_ROWS, "csv", 2)
    header = "patient_id,visit_date,sledai_2k.arthritis,sledai_2k.rash"
    lines = [
        header,
        "P1,2024-01-02,1,0",  # row 2
        "",  # row 3, blank
        "P2,,0,1",  # row 4
        "   ",  # row 5, spaces only
        "P3,,Yes,0",  # row 6, the full path
        "P4,,1,\0",  # row 7, unreadable
        'P5,"2024-01-03",1,1',  # row 8, quoted
        '"P\n6",,0,0',  # row 9, a line break in its patient
        "P7,,1,1",  # row 10
    ]
    source = tmp_path / "rows.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written = []
    for jobs in ("1", "2"):
        target = tmp_path / f"out{jobs}.csv"
        argv = ["score", str(source), "-o", str(target), "--quiet", "--jobs", jobs]
        argv += ["--instrument", "sledai_2k", "--errors", str(tmp_path / "errors.jsonl")]
        assert cli.main(argv) == cli.EXIT_ROWS_FAILED  # the NUL
        written.append(target.read_bytes())
        errors = (tmp_path / "errors.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["row"] for line in errors] == [7]
    assert written[0] == written[1]
    table = list(csv.reader(io.StringIO(written[0].decode("utf-8"))))
    fields = table[0]
    rows = {int(row[0]): dict(zip(fields, row, strict=True)) for row in table[1:]}
    assert sorted(rows) == [2, 4, 6, 8, 9, 10]
    totals = {number: int(row["sledai_2k.total"]) for number, row in rows.items()}
    # arthritis 4, rash 2
    assert totals == {2: 4, 4: 2, 6: 4, 8: 4 + 2, 9: 0, 10: 4 + 2}
    assert rows[9]["patient_id"] == "P\n6"
    assert rows[8]["visit_date"] == "2024-01-03"


# Lines of CSV without quote characters, with what the csv module treats specially.
quote_free_text = st.lists(
    st.text(st.sampled_from([",", "1", "0", " ", "a", "\r", "\0", "é", "\t", "\x0c"]), max_size=8)
    | st.sampled_from(["", "x" * 12]),
    max_size=6,
).map("\n".join) | st.lists(st.sampled_from(["P1,0,1", "", " ", ",,"]), max_size=4).map(
    lambda lines: "".join(line + "\n" for line in lines)
)


@settings(max_examples=300)
@given(quote_free_text, st.integers(6, 20))
def test_lines_split_at_commas_are_what_the_csv_module_reads(text: str, limit: int) -> None:
    """The worker splits a block of quote-free lines at the commas only where the
    csv module would read exactly those cells (no carriage return, no NUL, no line
    over its field size limit, no empty line); otherwise it leaves them to the csv
    module."""
    before = csv.field_size_limit(limit)
    try:
        split = cli._split_cells(text)
        if split is None:
            lines = text.removesuffix("\n").split("\n")
            assert "\r" in text or "\0" in text or "" in lines or max(map(len, lines)) > limit
            return
        assert split == list(csv.reader(io.StringIO(text, newline="").readlines()))
    finally:
        csv.field_size_limit(before)
