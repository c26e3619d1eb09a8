"""The remembering reader of item-level CSV rows (``batch.ItemRows``) agrees with
scoring each row through the public functions (``sledai_2k.score``,
``eular_acr_2019.classify`` and every other instrument with items), on generated
rows including odd cells, and sends every unusual row to the full path."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sle_scoring import (
    INSTRUMENTS,
    acr_1997,
    batch,
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


def as_list(keys: tuple[str, ...], values: list[RecordValue]) -> list[RecordValue]:
    return values


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


@settings(max_examples=150)
@given(files())
def test_agrees_with_the_public_functions(
    file: tuple[batch.Settings, list[str], list[list[str]]],
) -> None:
    options, header, rows = file
    columns = item_csv.read_header(header, options.item_codes)
    fast = batch.ItemRows(columns, options, as_list, items=True)
    for row in [*rows, *rows]:  # the second time from the memo
        found = fast(row)
        if not plain(row, header):
            assert found is None  # the full path reads (and reports) it
            continue
        assert found is not None
        patient_id, visit, parts = found
        flat = [patient_id, visit, *(value for part in parts for value in part)]
        assert flat == expected_values(row, header, options)


def test_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most MEMO_SIZE blocks per instrument; a forgotten block is scored again."""
    monkeypatch.setattr(batch, "MEMO_SIZE", 2)
    options = batch.Settings(instruments=("sledai_2k",))
    header = ["patient_id", "visit_date", "arthritis", "rash"]
    columns = item_csv.read_header(header, options.item_codes)
    fast = batch.ItemRows(columns, options, as_list)
    for arthritis, rash in [("1", "0"), ("0", "1"), ("1", "1"), ("1", "0")]:
        found = fast(["P1", "", arthritis, rash])
        assert found is not None
        total = found[2][0][0]
        assert total == 4 * (arthritis == "1") + 2 * (rash == "1")  # arthritis 4, rash 2
    assert all(len(part[-1]) <= 2 for part in fast._parts)
