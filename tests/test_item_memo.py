"""The output memo of the remembering reader of item-level rows (``batch.ItemRows``):
rows whose keys (what their sub-blocks add up to) differ share the fields as written
when what those fields are computed from agrees, and that is exactly what
``eular_acr_2019.classify`` gives each of them."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sle_scoring import batch, cli, eular_acr_2019, item_csv
from sle_scoring._results import RecordValue
from test_item_rows import expected_values, json_field, read_back

CODES = eular_acr_2019.INSTRUMENT.codes
STATES = ("present", "absent", "not assessed")


def record_and_reads(states: dict[str, str]) -> tuple[dict[str, RecordValue], bool, object]:
    """``classify``'s record of a row (its fields without the prefix), whether
    anything is not assessed, and what decides its fields, from the row's sums (the
    row as one sub-block, packed and read back as a key holds them)."""
    present = frozenset(code for code in CODES if states[code] == "present")
    missing = frozenset(code for code in CODES if states[code] == "not assessed")
    result = eular_acr_2019.classify(present, not_assessed=missing)
    record = {
        name.removeprefix("eular_acr_2019."): value for name, value in result.as_record().items()
    }
    spec = eular_acr_2019.INSTRUMENT
    packed = batch._packed(batch._eular_sums(spec, result, present, missing), 1)
    assert packed is not None  # no sum reaches 2**8
    return record, bool(missing), batch._eular_deciding(packed)


def rows_deciding_alike(rows: list[dict[str, str]]) -> None:
    """For each field, rows agreeing on what it is computed from (and on whether
    anything is not assessed) have the same value of it, the code lists apart."""
    for field, names in batch._EULAR_DECIDED_BY.items():
        if field in ("present", "not_assessed"):  # placed in the row's own text
            continue
        seen: dict[object, set[RecordValue]] = defaultdict(set)
        for states in rows:
            record, missing, deciding = record_and_reads(states)
            seen[missing, tuple(getattr(deciding, name) for name in names)].add(record[field])
        for key, values in seen.items():
            assert len(values) == 1, (field, key, values)


def bench_row(rng: random.Random) -> dict[str, str]:
    """A criterion present 10%, not assessed 5%, else absent (benchmarks/bench.py)."""
    states = {}
    for code in CODES:
        draw = rng.random()
        states[code] = "present" if draw < 0.10 else "not assessed" if draw < 0.15 else "absent"
    return states


class TestWhatDecidesTheFields:
    """ "Within each domain, only the highest criterion is counted", the points are
    the domains' added, and a patient is classified with the entry criterion, >= 1
    clinical criterion and >= 10 points (Aringer et al. 2019): every field of the
    record is computed from a few numbers of the row, which its key holds."""

    def test_every_field_of_the_record_is_listed(self) -> None:
        assert set(batch._EULAR_DECIDED_BY) == set(eular_acr_2019.INSTRUMENT.fields)
        known = set(batch._EularDeciding._fields)
        assert all(set(names) <= known for names in batch._EULAR_DECIDED_BY.values())

    @settings(max_examples=200)
    @given(
        st.lists(
            st.fixed_dictionaries({code: st.sampled_from(STATES) for code in CODES}),
            min_size=2,
            max_size=40,
        )
    )
    def test_rows_deciding_alike_have_the_same_fields(self, rows: list[dict[str, str]]) -> None:
        rows_deciding_alike(rows)

    def test_on_the_benchmark_rows(self) -> None:
        """3,000 rows drawn as benchmarks/bench.py draws them: the few numbers
        repeat often, so most groups hold many rows."""
        rng = random.Random(2025)
        rows_deciding_alike([bench_row(rng) for _ in range(3_000)])


class TestTheKeyReadBack:
    """Each number a sub-block adds sits in its own lane of the key: what the lanes
    hold is read back exactly."""

    @given(st.lists(st.integers(0, 255), min_size=1, max_size=8), st.integers(1, 4))
    def test_packed_numbers_are_read_back(self, numbers: list[int], sub_blocks: int) -> None:
        packed = batch._packed(numbers, sub_blocks)
        if any(number * sub_blocks >= 1 << batch._PLACE for number in numbers):
            assert packed is None
        else:
            assert packed is not None
            assert list(batch._unpacked(packed, len(numbers))) == numbers

    @given(st.lists(st.integers(0, 7), min_size=1, max_size=8))
    def test_narrower_lanes_are_read_back(self, numbers: list[int]) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(batch, "_PLACE", 3)
            packed = batch._packed(numbers, 1)
            assert packed is not None
            assert list(batch._unpacked(packed, len(numbers))) == numbers


ABSENT = dict.fromkeys(CODES, "absent")
# Both with the entry criterion and fever (2): acute pericarditis (6) is clinical,
# anti-dsDNA (6) immunologic.
BOTH = {**ABSENT, "ana_positive": "present", "fever": "present"}
CLINICAL_8 = {**BOTH, "acute_pericarditis": "present"}
CLINICAL_2 = {**BOTH, "anti_dsdna_or_anti_smith": "present"}
HEADER = ["patient_id", "visit_date", *(f"eular_acr_2019.{code}" for code in CODES)]


def reads(fields: tuple[str, ...]) -> batch._Part:
    """The 2019 EULAR/ACR part of ItemRows writing ``fields``."""
    options = batch.Settings(instruments=("eular_acr_2019",), fields={"eular_acr_2019": fields})
    columns = item_csv.read_header(HEADER, options.item_codes)
    (part,) = batch.ItemRows(columns, options, json_field, ", ")._parts
    return part


def test_the_command_line_fields_do_not_read_the_points_apart() -> None:
    """The command line's CSV fields (points, entry criterion, classified, the dates,
    the codes not assessed and the verdict) read the points, not the clinical and
    immunologic points apart: two rows of 2 + 6 points share them; written with the
    clinical points, they do not."""
    (one, _, first), (other, _, second) = map(record_and_reads, (CLINICAL_8, CLINICAL_2))
    assert one["points"] == other["points"] == 2 + 6  # fever 2; pericarditis or anti-dsDNA 6
    assert one["clinical_points"] == 2 + 6
    assert other["clinical_points"] == 2
    assert one["verdict"] == other["verdict"]
    csv_fields = ("points", "entry_criterion_met", "classified", "as_of", "first_fulfilled")
    part = reads((*csv_fields, "not_assessed", "verdict"))
    assert part.reads is not None
    assert part.reads(first) == part.reads(second)
    part = reads(("points", "clinical_points", "verdict"))
    assert part.reads is not None
    assert part.reads(first) != part.reads(second)


def test_sledai_2k_with_bands_is_remembered_by_its_key() -> None:
    """A SLEDAI-2K key (total, anything not assessed) is read as it is."""
    options = batch.Settings(instruments=("sledai_2k", "eular_acr_2019"), bands="eular_table_4band")
    header = ["patient_id", "visit_date", "sledai_2k.fever", *HEADER[2:]]
    columns = item_csv.read_header(header, options.item_codes)
    sledai, eular = batch.ItemRows(columns, options, json_field, ", ")._parts
    assert sledai.reads is None
    assert eular.reads is not None


@pytest.mark.parametrize(
    "fields", [eular_acr_2019.INSTRUMENT.fields, cli._SHORTCUT_FIELDS["eular_acr_2019"]]
)
def test_rows_share_remembered_fields_and_agree_with_classify(fields: tuple[str, ...]) -> None:
    """Memos of one output: nearly every row misses the memo by its key, so its
    fields are found by what decides them (or worked out), and each row still reads
    back as classify's record (every field, or the command line's)."""
    options = batch.Settings(instruments=("eular_acr_2019",), fields={"eular_acr_2019": fields})
    spelt = {"present": "1", "absent": "0", "not assessed": ""}
    rng = random.Random(14)
    rows = [
        ["P1", "2024-01-02", *map(spelt.__getitem__, bench_row(rng).values())] for _ in range(400)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "MEMO_SIZE", 1)
        columns = item_csv.read_header(HEADER, options.item_codes)
        fast = batch.ItemRows(columns, options, json_field, ", ", items=True)
        decided, shared = fast._decided, []

        def counted(part: batch._Part, key: int) -> tuple[str, ...] | None:
            found = decided(part, key)
            shared.append(found is not None)
            return found

        fast._decided = counted  # type: ignore[method-assign]
        found = fast.rows(rows)
    for row, each in zip(rows, found, strict=True):
        assert each is not None
        assert read_back(each) == expected_values(row, HEADER, options)
    assert any(shared)  # fields shared by rows of other keys
    assert not all(shared)  # and others worked out


@pytest.mark.parametrize(
    "fields", [eular_acr_2019.INSTRUMENT.fields, cli._SHORTCUT_FIELDS["eular_acr_2019"]]
)
def test_fields_found_one_by_one_agree_with_classify(fields: tuple[str, ...]) -> None:
    """With the fields as written by what decides them forgotten at once (a memo of
    one), a row of a new combination takes each field from rows that agreed on what
    that field alone reads, and still reads back as classify's record."""
    options = batch.Settings(instruments=("eular_acr_2019",), fields={"eular_acr_2019": fields})
    spelt = {"present": "1", "absent": "0", "not assessed": ""}
    rng = random.Random(15)
    rows = [
        ["P1", "2024-01-02", *map(spelt.__getitem__, bench_row(rng).values())] for _ in range(600)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "MEMO_SIZE", 1)
        patch.setattr(batch, "_SHAPES", 1)
        columns = item_csv.read_header(HEADER, options.item_codes)
        fast = batch.ItemRows(columns, options, json_field, ", ", items=True)
        composed, found_one_by_one = fast._composed, []

        def counted(
            part: batch._Part, key: int, shape: tuple[object, ...]
        ) -> tuple[str, ...] | None:
            found = composed(part, key, shape)
            found_one_by_one.append(found is not None)
            return found

        fast._composed = counted  # type: ignore[method-assign]
        found = fast.rows(rows)
    for row, each in zip(rows, found, strict=True):
        assert each is not None
        assert read_back(each) == expected_values(row, HEADER, options)
    assert any(found_one_by_one)  # fields found one by one
    assert not all(found_one_by_one)  # and rows worked out
