"""The column path: SLEDAI-2K and 2019 EULAR/ACR scored column-wise in Polars.

Needs the ``frame`` extra (Polars); a bare install never imports this module. It is
what :func:`sle_scoring.frame.score` and ``sle-scoring score --engine columnar``
compute with. No rule is written here: each cell is read as
:func:`sle_scoring.item_csv.cell_state` reads it, into a digit (0 absent, 1 present,
2 not assessed); the digits of a few neighbouring items make one integer key per
row; and what a key stands for is asked of the instrument's own ``from_items``
(SLEDAI-2K's total, the EULAR/ACR clinical and immunologic points, were every
criterion not assessed present too), once per key, kept in tables that every row
looks its keys up in. The items of a key are never split across an EULAR/ACR
domain (:data:`sle_scoring.eular_acr_2019.CRITERIA`), so the points of a row are
the sum of its keys' points (Aringer 2019: "only the highest criterion [of a
domain] is counted"; the domains are added up). What the classification rule
decides (``classified``, ``could_change_verdict``, ``max_possible``, ``verdict``)
is asked of :func:`sle_scoring.eular_acr_2019.classify` once per distinct input of
the rule.

A row is *readable* when every cell reads here as the row path reads it; the
others (an unreadable cell, a blank patient, a bad date) are left to the row path,
which says what is wrong. Results classify and score for research; they are never
a diagnosis.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from typing import IO, NamedTuple

import polars as pl

from . import batch, eular_acr_2019, item_csv, records, sledai_2k, sledai_bands
from ._items import ItemStatus
from ._registry import Instrument, instruments
from ._results import RecordValue

__all__ = [
    "BLOCK_BYTES",
    "COLUMNAR",
    "LAYOUTS",
    "READABLE",
    "Block",
    "Left",
    "Rest",
    "Scored",
    "csv_blocks",
    "reads",
    "record_types",
    "score_columns",
]

#: The instruments computed column-wise.
COLUMNAR = ("sledai_2k", "eular_acr_2019")
#: The column of :func:`score_columns` saying whether a row was read here.
READABLE = "__sle_scoring_readable"

# A cell's digit (item_csv's states).
_ABSENT, _PRESENT, _NOT_ASSESSED = 0, 1, 2
_STATES = (ItemStatus.ABSENT.value, ItemStatus.PRESENT.value, ItemStatus.NOT_ASSESSED.value)
# Cell text -> digit, for the spellings of item_csv in lower, upper and title case.
_SPELLINGS: dict[str, int] = {
    variant: state
    for state, spellings in (
        (_PRESENT, item_csv.PRESENT_SPELLINGS),
        (_ABSENT, item_csv.ABSENT_SPELLINGS),
        (_NOT_ASSESSED, item_csv.NOT_ASSESSED_SPELLINGS),
    )
    for spelling in spellings
    for variant in (spelling, spelling.upper(), spelling.title())
}
# At most this many items make one key (a number in base 3 below 3**6 = 729).
_CHUNK = 6
# The numbers a key's table gives are packed into one integer, this many bits each:
# every sum of them over a row's keys stays below 2**7 (SLEDAI-2K 105 at most), and
# the four of EULAR/ACR fit an Int32 (half the bytes of Int64 to sum and unpack).
_BITS = 7
# Record fields that are None in every item-level record but hold a number at the
# evidence level; every other field that is None at item level holds a date string.
_INTEGER_WHEN_SET = frozenset({"window_days"})
_TYPES: dict[type, pl.DataType] = {bool: pl.Boolean(), int: pl.Int64(), str: pl.String()}


def record_types(spec: Instrument) -> dict[str, pl.DataType]:
    """The Polars type of each field of ``spec``'s record, read off a record it makes."""
    assert spec.from_items is not None
    record = spec.from_items((), not_assessed=()).as_record()
    types: dict[str, pl.DataType] = {}
    for key, value in record.items():
        field = key.removeprefix(f"{spec.name}.")
        if value is None:
            types[key] = pl.Int64() if field in _INTEGER_WHEN_SET else pl.String()
        else:
            types[key] = _TYPES[type(value)]
    return types


# --- Reading cells ------------------------------------------------------------------


def _text_state(cell: pl.Expr) -> pl.Expr:
    """The digit of a text cell (null: unreadable here), as
    :func:`sle_scoring.item_csv.cell_state` reads it: the spellings as written
    most often, looked up as they are; a cell spelled otherwise (surrounding
    spaces, mixed case) or unreadable is null, and its row is the row path's."""
    return cell.fill_null("").replace_strict(
        list(_SPELLINGS), list(_SPELLINGS.values()), default=None, return_dtype=pl.Int16
    )


def _quick_state(cell: pl.Expr) -> pl.Expr:
    """The digit of a text cell written ``1``, ``0`` or blank (null otherwise): most
    cells, compared as they are, without a look-up (:func:`_text_state` reads the rest)."""
    return (
        pl.when(cell.is_null())
        .then(_NOT_ASSESSED)
        .when(cell == "0")
        .then(_ABSENT)
        .when(cell == "1")
        .then(_PRESENT)
        .cast(pl.Int16)
    )


def _cell(cell: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr | None]:
    """(digit, readable) of a cell that is not text, as ``cell_state`` reads the
    cell's CSV spelling; ``readable`` None: every cell of the type reads (an
    integer cell is checked with the others, by :func:`score_columns`). The digit
    is meaningless where the cell is unreadable."""
    if dtype == pl.Null:  # a column null in every row: nothing assessed
        return pl.lit(_NOT_ASSESSED, pl.Int16), None
    if dtype == pl.Boolean:
        return cell.cast(pl.Int16).fill_null(_NOT_ASSESSED), None
    if dtype.is_integer():
        return cell.cast(pl.Int16, strict=False).fill_null(_NOT_ASSESSED), None
    if dtype.is_float():
        missing = cell.is_null() | cell.is_nan()
        digit = pl.when(missing).then(_NOT_ASSESSED).when(cell == 1).then(_PRESENT)
        return digit.otherwise(_ABSENT).cast(pl.Int16), missing | (cell == 0) | (cell == 1)
    return pl.lit(_ABSENT, pl.Int16), pl.lit(False)  # any other type: the row path's


def _dates(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Each visit date as ``YYYY-MM-DD`` as the row path reads it (blank: no date,
    a null string); null with :data:`READABLE` false where it cannot be read."""
    dtype = frame.schema[column]
    cell = pl.col(column)
    if dtype == pl.Date:
        return cell.dt.to_string("%Y-%m-%d")
    if dtype == pl.Datetime:
        return cell.dt.date().dt.to_string("%Y-%m-%d")
    if dtype == pl.Null:
        return pl.lit(None, pl.String)
    if dtype != pl.String:
        return pl.lit("\0unreadable", pl.String)
    # The library's own date reader, once per distinct date written.
    texts: list[str] = []
    shown: list[str | None] = []
    for text in frame.get_column(column).drop_nulls().unique().to_list():
        stripped = text.strip()
        if stripped:
            try:
                day: str | None = records.parse_date(stripped).isoformat()
            except ValueError:
                day = "\0unreadable"
        else:
            day = None
        texts.append(text)
        shown.append(day)
    return cell.replace_strict(texts, shown, default=None, return_dtype=pl.String)


def _patient(frame: pl.DataFrame, column: str) -> pl.Expr:
    """True where the patient reads the same here and in the row path: text with a
    printable character that is not a space (so Python's strip leaves it non-blank)."""
    if frame.schema[column] != pl.String:
        return pl.lit(False)
    return pl.col(column).str.contains_any(_PRINTABLE).fill_null(False)


# Printable ASCII but the space: ! to ~.
_PRINTABLE = [chr(code) for code in range(ord("!"), ord("~") + 1)]


# --- Keys and what they stand for ----------------------------------------------------


class _Key(NamedTuple):
    """What the key of some of an instrument's codes stands for, by key (the key:
    each code's digit, the first code's the lowest, in base 3)."""

    packed: pl.Series  # the numbers of _PARTS, _BITS bits each
    masks: pl.Series  # the codes present, as bits by place in the table, then not assessed


def _decode(codes: Sequence[str], key: int) -> tuple[list[str], list[str]]:
    """(present, not assessed) codes of ``key``."""
    present: list[str] = []
    missing: list[str] = []
    for code in codes:
        key, digit = divmod(key, 3)
        if digit == _PRESENT:
            present.append(code)
        elif digit == _NOT_ASSESSED:
            missing.append(code)
    return present, missing


def _sledai_parts(present: list[str], missing: list[str]) -> tuple[int, ...]:
    """SLEDAI-2K's number of some descriptors: their total (the registry's
    ``from_items``, :func:`sle_scoring.sledai_2k.score`); the total is the sum of
    the weights present (Gladman 2002), so a row's is the sum of its keys'."""
    return (sledai_2k.score(present, not_assessed=missing).total,)


def _eular_parts(present: list[str], missing: list[str]) -> tuple[int, ...]:
    """The 2019 EULAR/ACR numbers of some whole domains: clinical points,
    immunologic points, and the same were every criterion not assessed present."""
    return (*_points(tuple(present), tuple(missing)), *_points((*present, *missing)))


@functools.cache
def _points(present: tuple[str, ...], missing: tuple[str, ...] = ()) -> tuple[int, int]:
    """(clinical, immunologic) points of a classification (the registry's
    ``from_items``, :func:`sle_scoring.eular_acr_2019.classify`; remembered: many
    keys are the same were every criterion not assessed present)."""
    found = eular_acr_2019.classify(present, not_assessed=missing)
    return found.clinical_points, found.immunologic_points


# Each instrument's numbers of a key, and what gives them.
_PARTS: dict[str, tuple[tuple[str, ...], Callable[..., tuple[int, ...]]]] = {
    "sledai_2k": (("total",), _sledai_parts),
    "eular_acr_2019": (("c", "i", "pc", "pi"), _eular_parts),
}


@functools.cache
def _key_table(spec: Instrument, codes: tuple[str, ...]) -> _Key:
    """:class:`_Key` of ``codes`` (some of ``spec``'s, in table order), every key."""
    _, parts = _PARTS[spec.name]
    place = {code: 1 << bit for bit, code in enumerate(spec.codes)}
    width = 1 << len(spec.codes)
    packed: list[int] = []
    masks: list[int] = []
    for key in range(3 ** len(codes)):
        found, absent = _decode(codes, key)
        numbers = parts(found, absent)
        assert len(numbers) * _BITS < 31 and all(0 <= n < 1 << _BITS for n in numbers)
        packed.append(sum(n << (_BITS * number) for number, n in enumerate(numbers)))
        masks.append(sum(place[c] for c in found) + width * sum(place[c] for c in absent))
    return _Key(pl.Series(packed, dtype=pl.Int32), pl.Series(masks, dtype=pl.Int64))


@functools.cache
def _list_table(codes: tuple[str, ...], separator: str, first: str = "") -> pl.Series:
    """The codes of every bit mask of ``codes``, joined by ``separator`` (null: none),
    each after ``first``."""
    joined = [
        separator.join(code for bit, code in enumerate(codes) if mask >> bit & 1)
        for mask in range(1 << len(codes))
    ]
    return pl.Series([first + text if text else None for text in joined], dtype=pl.String)


def _groups(spec: Instrument) -> list[list[str]]:
    """``spec``'s codes in table order, in runs that one key must not split: an
    EULAR/ACR domain (its points are its highest criterion's), else each code."""
    if spec.name != "eular_acr_2019":
        return [[code] for code in spec.codes]
    domains = {
        item.code: item.domain
        for item in (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA)
    }
    runs = [list(run) for _, run in itertools.groupby(spec.codes, key=domains.__getitem__)]
    if len(runs) != len(set(domains.values())):  # the table keeps each domain together
        raise TypeError("the EULAR/ACR criteria of a domain are not next to each other")
    return runs


def _chunks(spec: Instrument) -> list[tuple[str, ...]]:
    """``spec``'s codes in table order, cut into keys of at most :data:`_CHUNK`."""
    chunks: list[list[str]] = [[]]
    for group in _groups(spec):
        if len(chunks[-1]) + len(group) > _CHUNK:
            chunks.append([])
        chunks[-1].extend(group)
    return [tuple(chunk) for chunk in chunks]


class _Keys(NamedTuple):
    """One instrument's keys as staged columns, and what they add up to."""

    spec: Instrument
    columns: list[tuple[str, tuple[str, ...]]]  # (key column, its codes)
    packed: pl.Expr  # the sum of the keys' packed numbers
    present: pl.Expr  # the codes present, as bits by place in the table
    missing: pl.Expr  # the codes not assessed, so

    def number(self, name: str) -> pl.Expr:
        """One of the numbers of :data:`_PARTS`, summed over the row's keys."""
        place = _PARTS[self.spec.name][0].index(name)
        return self.packed // (1 << (_BITS * place)) % (1 << _BITS)

    def halves(self, mask: pl.Expr) -> tuple[pl.Expr, pl.Expr, tuple[str, ...], tuple[str, ...]]:
        """(low bits, high bits) of ``mask``, and the codes of each."""
        codes = self.spec.codes
        half = (len(codes) + 1) // 2
        return mask % (1 << half), mask // (1 << half), codes[:half], codes[half:]

    def text(self, mask: pl.Expr, separator: str) -> pl.Expr:
        """The codes of ``mask``, in table order, joined by ``separator`` (none: ``""``).
        Two look-ups (a table of every combination of half the codes) and one join:
        a string for a row is made once."""
        low, high, low_codes, high_codes = self.halves(mask)
        return pl.concat_str(
            [
                pl.lit(_list_table(low_codes, separator)).gather(low),
                pl.lit(_list_table(high_codes, separator)).gather(high),
            ],
            separator=separator,
            ignore_nulls=True,
        )


def _empty(listed: pl.Expr, mask: pl.Expr, empty: str | None) -> pl.Expr:
    """``listed``, or ``empty`` where no code is listed."""
    if empty == "":  # what _Keys.text writes for no codes
        return listed
    return pl.when(mask == 0).then(pl.lit(empty, pl.String)).otherwise(listed)


# --- The instruments -----------------------------------------------------------------


Stage = Callable[[str, pl.Expr], pl.Expr]


def _sledai(keys: _Keys, empty: str | None, stage: Stage) -> dict[str, pl.Expr]:
    """SLEDAI-2K's record fields: the weighted sum of the descriptors present."""
    index = sledai_2k.SLEDAI_2K
    total = stage("total", keys.number("total"))
    complete = keys.missing == 0
    # The verdict as Score.verdict words it: "SLEDAI-2K 8 of 105", then, if
    # incomplete, "; incomplete, not assessed: " and the codes listed with commas.
    # One join of three look-ups: the head by total and completeness; the low
    # codes; the high codes, after ", " where there are low codes.
    heads = pl.Series(
        [
            f"{index.name} {n} of {index.max_score}"
            + ("" if whole else "; incomplete, not assessed: ")
            for n in range(index.max_score + 1)
            for whole in (False, True)
        ]
    )
    low, high, low_codes, high_codes = keys.halves(keys.missing)
    after = pl.concat([_list_table(high_codes, ", "), _list_table(high_codes, ", ", ", ")])
    verdict = pl.concat_str(
        [
            pl.lit(heads).gather(total * 2 + complete.cast(pl.Int64)),
            pl.lit(_list_table(low_codes, ", ")).gather(low),
            pl.lit(after).gather(high + (low != 0).cast(pl.Int64) * (1 << len(high_codes))),
        ],
        ignore_nulls=True,
    )
    return {
        "total": total,
        "complete": complete,
        "present": _empty(keys.text(keys.present, " "), keys.present, empty),
        "not_assessed": _empty(keys.text(keys.missing, " "), keys.missing, empty),
        "verdict": verdict,
    }


# The fields of a classification that its rule decides, asked of classify.
_RULED = ("classified", "could_change_verdict", "max_possible", "verdict")
# Points are below this (39 clinical and 12 immunologic at most).
_POINTS = 64
# Keys of the rule's input (see _eular) are below this.
_RULE_KEYS = 2 * 2 * 2 * _POINTS * 2 * _POINTS


def _eular(keys: _Keys, empty: str | None, stage: Stage) -> dict[str, pl.Expr]:
    """The 2019 EULAR/ACR fields that need no rule, and ``key``: what the rule reads
    (Aringer 2019: the entry criterion, at least one clinical criterion, >= 10
    points), of the criteria present and were every criterion not assessed present
    (entry criterion met, not assessed; a clinical criterion counted, the points;
    the same with every criterion not assessed present)."""
    clinical, immunologic, possible_clinical, possible_immunologic = (
        stage(name, keys.number(name)) for name in ("c", "i", "pc", "pi")
    )
    bit = 1 << keys.spec.codes.index(eular_acr_2019.ENTRY_CRITERION.code)
    entry = keys.present // bit % 2
    key = entry * 2 + keys.missing // bit % 2
    for flag, points in (
        (clinical > 0, clinical + immunologic),
        (possible_clinical > 0, possible_clinical + possible_immunologic),
    ):
        key = (key * 2 + flag.cast(pl.Int64)) * _POINTS + points
    return {
        "points": clinical + immunologic,
        "clinical_points": clinical,
        "immunologic_points": immunologic,
        "entry_criterion_met": entry == 1,
        "complete": keys.missing == 0,
        "present": _empty(keys.text(keys.present, " "), keys.present, empty),
        "not_assessed": _empty(keys.text(keys.missing, " "), keys.missing, empty),
        "key": key,
    }


# Classification fields by key (_eular): the key holds all the rule reads.
_ANSWERS: dict[int, tuple[RecordValue, ...]] = {}
# The answers by key, one series per ruled field (null: not asked yet), and how many
# answers they hold.
_LOOKUPS: dict[str, pl.Series] = {}
_LOOKED_UP = [0]


def _eular_ruled(
    frame: pl.DataFrame, prefix: str, types: Mapping[str, pl.DataType], keys: _Keys
) -> dict[str, pl.Expr]:
    """The ruled fields, asked of ``classify`` once per distinct key (on any row
    with that key: the key holds all the rule reads; the answers are kept for the
    next frame) and looked up for every row."""
    key = f"{prefix}key"
    # Every key asked already (classified is never null once asked): no new one to
    # find, and one look-up costs less than the distinct keys of the frame.
    known = (
        bool(_LOOKUPS)
        and not frame.select(pl.lit(_LOOKUPS["classified"]).gather(pl.col(key)).null_count()).item()
    )
    new = set() if known else set(frame.get_column(key).unique().to_list()).difference(_ANSWERS)
    if new:
        names = [column for column, _ in keys.columns]
        rows = (
            frame.lazy()
            .filter(pl.col(key).is_in(new))
            .unique(key, keep="any")
            .select(key, *names)
            .collect()
        )
        for number, *chunks in rows.iter_rows():
            present: list[str] = []
            missing: list[str] = []
            for chunk, (_, codes) in zip(chunks, keys.columns, strict=True):
                found_codes, absent = _decode(codes, chunk)
                present.extend(found_codes)
                missing.extend(absent)
            result = eular_acr_2019.classify(present, not_assessed=missing)
            _ANSWERS[number] = tuple(result.record_values(_RULED))
    if _LOOKED_UP[0] != len(_ANSWERS) or not _LOOKUPS:  # (a first frame may be empty)
        for place, field in enumerate(_RULED):
            values: list[RecordValue] = [None] * _RULE_KEYS
            for number, answers in _ANSWERS.items():
                values[number] = answers[place]
            _LOOKUPS[field] = pl.Series(values, dtype=types[f"{prefix}{field}"])
        _LOOKED_UP[0] = len(_ANSWERS)
    return {field: pl.lit(_LOOKUPS[field]).gather(pl.col(key)) for field in _RULED}


def _constants(spec: Instrument) -> dict[str, RecordValue]:
    """The fields that are the same in every item-level record (``sledai_2k.max``)."""
    assert spec.from_items is not None
    samples = [
        spec.from_items(codes, not_assessed=missing).as_record()
        for codes, missing in (((), ()), (spec.codes, ()), ((), spec.codes))
    ]
    return {
        key: value
        for key, value in samples[0].items()
        if all(sample[key] == value for sample in samples[1:])
    }


class _Plan(NamedTuple):
    """The expressions of :func:`score_columns` for one header and frame schema."""

    prepared: list[pl.Expr]  # the digit of each text cell written 1, 0 or blank
    others: dict[str, pl.Expr]  # the digit of a text cell in another spelling
    staged: list[list[pl.Expr]]  # keys, their sums, what several fields read
    readable: list[pl.Expr]  # the cells read here
    later: list[pl.Expr]  # the fields computed from the keys
    wanted: dict[str, pl.DataType]  # the fields returned, in order
    keyed: list[tuple[str, dict[str, pl.DataType], _Keys]]  # (prefix, types, keys)


def _keys(
    spec: Instrument,
    digits: Mapping[str, pl.Expr],
    prefix: str,
    plan: _Plan,
) -> _Keys:
    """``spec``'s keys, staged: each key the sum of its codes' digits in base 3 (a
    code with no column is a constant digit); then what they add up to."""
    columns: list[tuple[str, tuple[str, ...]]] = []
    packed: list[pl.Expr] = []
    masks: list[pl.Expr] = []
    for number, codes in enumerate(_chunks(spec)):
        terms = [digits[code] * 3**place for place, code in enumerate(codes)]
        # A digit is meaningless in a row with an unreadable cell: any key then
        # looks up (its row is the row path's).
        key = pl.sum_horizontal(terms).clip(0, 3 ** len(codes) - 1)
        name = f"__sle_scoring_key.{prefix}{number}"
        plan.staged[0].append(key.alias(name))
        columns.append((name, codes))
        table = _key_table(spec, codes)
        packed.append(pl.lit(table.packed).gather(pl.col(name)))
        masks.append(pl.lit(table.masks).gather(pl.col(name)))
    width = 1 << len(spec.codes)
    names = {
        kind: f"__sle_scoring_{kind}.{prefix}" for kind in ("packed", "masks", "present", "missing")
    }
    plan.staged[1].append(pl.sum_horizontal(packed).alias(names["packed"]))
    plan.staged[1].append(pl.sum_horizontal(masks).alias(names["masks"]))
    plan.staged[2].append((pl.col(names["masks"]) % width).alias(names["present"]))
    plan.staged[2].append((pl.col(names["masks"]) // width).alias(names["missing"]))
    return _Keys(
        spec, columns, pl.col(names["packed"]), pl.col(names["present"]), pl.col(names["missing"])
    )


def _plan(
    schema: Mapping[str, pl.DataType],
    read: Sequence[str],
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    fields: Mapping[str, Sequence[str]] | None,
    empty: str | None,
    items_too: bool,
) -> _Plan:
    plan = _Plan([], {}, [[], [], [], []], [], [], {}, [])
    integers: list[pl.Expr] = []
    for spec, block in zip(specs, columns.blocks, strict=True):
        if spec.name not in COLUMNAR:
            raise ValueError(f"{spec.name} is not computed column-wise")
        prefix = f"{spec.name}."
        # A code without a column: not assessed when the block says so, else absent.
        digits: dict[str, pl.Expr] = {
            code: pl.lit(_NOT_ASSESSED if code in block.not_assessed else _ABSENT, pl.Int16)
            for code in spec.codes
        }
        for code, position in zip(block.codes, block.positions, strict=True):
            source = read[position]
            dtype = schema[source]
            cell = pl.col(source)
            if isinstance(dtype, (pl.Categorical, pl.Enum)):
                cell, dtype = cell.cast(pl.String), pl.String()
            if dtype == pl.String:
                # The digits first, once, in a column (text is slow to compare).
                name = f"__sle_scoring_state.{prefix}{code}"
                plan.prepared.append(_quick_state(cell).alias(name))
                plan.others[name] = pl.coalesce(pl.col(name), _text_state(cell)).alias(name)
                digits[code] = pl.col(name)
                plan.readable.append(pl.col(name).is_not_null())
                continue
            digits[code], readable = _cell(cell, dtype)
            if readable is not None:
                plan.readable.append(readable)
            elif dtype.is_integer():
                integers.append(cell.fill_null(0))

        def stage(name: str, expression: pl.Expr, prefix: str = prefix) -> pl.Expr:
            plan.staged[3].append(expression.alias(f"__sle_scoring_stage.{prefix}{name}"))
            return pl.col(f"__sle_scoring_stage.{prefix}{name}")

        keys = _keys(spec, digits, prefix, plan)
        instrument = _sledai if spec.name == "sledai_2k" else _eular
        computed = instrument(keys, empty, stage)
        types = record_types(spec)
        chosen = [f"{prefix}{f}" for f in (fields or {}).get(spec.name, spec.fields)]
        plan.wanted.update({name: types[name] for name in chosen})
        constants = _constants(spec)
        for name in chosen:
            field = name.removeprefix(prefix)
            if field in computed:
                plan.later.append(computed[field].cast(types[name]).alias(name))
            elif name in constants:  # (an empty text as empty)
                value = None if constants[name] == "" and empty is None else constants[name]
                plan.later.append(pl.lit(value, types[name]).alias(name))
            elif field not in _RULED:
                raise ValueError(f"{name} is not computed column-wise")
        if items_too:  # each item's state, as the results' findings name it
            for code in spec.codes:
                if code in block.codes:
                    digit = digits[code].fill_null(0).clip(0, 2)
                    state = pl.lit(pl.Series(_STATES)).gather(digit)
                else:  # (a column-less code's digit is one value)
                    state = pl.lit(
                        _STATES[_NOT_ASSESSED if code in block.not_assessed else _ABSENT]
                    )
                plan.later.append(state.alias(f"{prefix}{code}"))
                plan.wanted[f"{prefix}{code}"] = pl.String()
        if "key" in computed:  # the ruled fields are asked on the keys
            plan.later.append(computed["key"].alias(f"{prefix}key"))
            plan.later.extend(pl.col(column) for column, _ in keys.columns)
            plan.keyed.append((prefix, types, keys))
    if integers:
        # Every integer cell is 0, 1 or null where their bitwise or is 0 or 1.
        plan.readable.append(pl.reduce(lambda a, b: a | b, integers).is_between(0, 1))
    return plan


# Plans by header, schema and fields: a file's blocks share one.
_PLANS: dict[object, _Plan] = {}


def score_columns(
    frame: pl.DataFrame,
    read: Sequence[str],
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    fields: Mapping[str, Sequence[str]] | None = None,
    empty: str | None = "",
    items: bool = False,
) -> pl.DataFrame:
    """The record columns of ``specs`` (all in :data:`COLUMNAR`) for every row of
    ``frame``, :data:`READABLE`, and ``visit_date`` as ``YYYY-MM-DD`` (null: none).

    ``read`` names the frame's columns in the order of the header ``columns`` was
    read from; ``fields`` the record fields wanted per instrument (default: all);
    ``empty`` is an empty code list (as ``as_record()``: ``""``; ``None`` leaves it
    null, as a CSV writes both); ``items``: each item's state after its instrument's
    fields (``sledai_2k.rash``: ``present``, ``absent``, ``not assessed``), as
    ``--items`` writes them. Values are meaningless where :data:`READABLE` is false:
    those rows are the row path's.
    """
    wanted_fields = None if fields is None else tuple((k, tuple(v)) for k, v in fields.items())
    key = (
        tuple(frame.schema.items()),
        tuple(read),
        columns,
        tuple(specs),
        wanted_fields,
        empty,
        items,
    )
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) > 16:  # frames of many layouts: keep the newest few
            _PLANS.clear()
        plan = _PLANS[key] = _plan(frame.schema, read, columns, specs, fields, empty, items)
    visit = _dates(frame, read[columns.visit])
    readable = [
        _patient(frame, read[columns.patient]),
        visit.fill_null("") != "\0unreadable",
        *plan.readable,
    ]
    # The digits of text cells first, once. Text in a spelling other than 1, 0 or
    # blank is looked up in the columns that have some.
    states = frame.with_columns(plan.prepared) if plan.prepared else frame
    if plan.others:
        unread = states.select(list(plan.others)).null_count().row(0, named=True)
        spelled = [plan.others[name] for name, count in unread.items() if count]
        if spelled:
            states = states.with_columns(spelled)
    for staged in plan.staged:
        if staged:
            states = states.with_columns(staged)
    scored = states.select(
        pl.all_horizontal(readable).alias(READABLE),
        visit.alias("visit_date"),
        *plan.later,
    )
    ruled: list[pl.Expr] = []
    for prefix, types, keys in plan.keyed:
        answers = _eular_ruled(scored, prefix, types, keys)
        ruled.extend(
            expression.alias(f"{prefix}{field}")
            for field, expression in answers.items()
            if f"{prefix}{field}" in plan.wanted
        )
    if ruled:
        scored = scored.with_columns(ruled)
    return scored.select(READABLE, "visit_date", *plan.wanted)


# --- The command line's columnar engine ---------------------------------------------


class Scored(NamedTuple):
    """Rows scored here: their CSV lines, as the Python engine writes them."""

    text: str
    rows: int


class Left(NamedTuple):
    """Rows for the row path: ``(row number, cells)``, as the csv module reads them."""

    rows: list[tuple[int, object]]


class Rest(NamedTuple):
    """The rest of the file, from byte ``offset`` (line and row ``number``), is for
    the Python engine: it holds what this reader does not (a quote, a blank line)."""

    offset: int
    number: int


Block = Scored | Left | Rest
#: Bytes of CSV read at a time (then to the end of the line): about 20,000 rows.
BLOCK_BYTES = 1 << 21

# A patient identifier written as it is read: printable ASCII, no quote or comma
# (nothing the csv module would quote), no surrounding space (nothing strip() would
# change), not starting like a spreadsheet formula (= + - @). Others: the row path.
_PLAIN_PATIENT = r"^[!#-*.-<>?A-~](?:[ !#-+\--~]*[!#-+\--~])?$"


def _plain(block: bytes, lines: int, width: int) -> bool:
    """Whether every line of ``block`` is one CSV record of ``width`` cells that the
    csv module and Polars read alike: no quote, no NUL, no blank line, UTF-8, line
    ends all ``\\n`` or all ``\\r\\n``."""
    if b'"' in block or b"\0" in block:
        return False
    returns = block.count(b"\r")
    if returns and (returns != block.count(b"\r\n") or returns != block.count(b"\n")):
        return False
    if block.count(b",") != lines * (width - 1):
        return False
    if not block.isascii():
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _rendered(frame: pl.DataFrame) -> str:
    """CSV lines as ``csv.writer`` writes them: minimal quoting, ``\\r\\n``. (No
    text is empty, see score_columns: Polars would quote it, to tell it from null.)"""
    return frame.write_csv(
        include_header=False, line_terminator="\r\n", quote_style="necessary", null_value=""
    )


#: What :func:`csv_blocks` writes: CSV (``csv.writer``), JSON Lines of flat records
#: (:func:`sle_scoring.batch.case_record`, ``score``) or of nested results
#: (:func:`sle_scoring.batch.case_dict`, ``sledai`` and ``classify``).
LAYOUTS = ("csv", "record", "dict")
# The nested keys written only when they hold something: a row where one would is
# the row path's (at item level none does: no window, no explanation, no date).
_WHEN_SET = ("ignored", "window_days", "standard_window", "explained", "as_of", "first_fulfilled")


def _json_text(value: pl.Expr) -> pl.Expr:
    """Text as ``json.dumps(..., ensure_ascii=False)`` writes it. The texts written
    hold no control character (a patient identifier is plain, see
    :data:`_PLAIN_PATIENT`; the rest are dates, codes and verdicts), so a quote
    and a backslash are all there is to escape."""
    escaped = value.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
        '"', '\\"', literal=True
    )
    return pl.concat_str(pl.lit('"'), escaped, pl.lit('"'))


def _json_value(name: str, dtype: pl.DataType) -> pl.Expr:
    """Column ``name`` as JSON values: numbers, ``true``/``false``, text, ``null``."""
    column = pl.col(name)
    if dtype == pl.Boolean or dtype.is_integer():
        return column.cast(pl.String).fill_null("null")  # (a Boolean casts to true/false)
    return _json_text(column.cast(pl.String)).fill_null("null")


def _json_codes(name: str) -> pl.Expr:
    """A code list (codes separated by spaces; empty or null: none) as a JSON array."""
    codes = pl.col(name).cast(pl.String).fill_null("")
    listed = pl.concat_str(
        pl.lit('["'), codes.str.replace_all(" ", '", "', literal=True), pl.lit('"]')
    )
    return pl.when(codes == "").then(pl.lit("[]")).otherwise(listed)


# An item's state (ItemStatus) as JSON text.
_JSON_STATES = {status.value: json.dumps(status.value) for status in ItemStatus}


def _json_state(name: str) -> pl.Expr:
    """An item's state (``present``, ``absent``, ``not assessed``) as JSON text."""
    return pl.col(name).cast(pl.String).replace_strict(_JSON_STATES, return_dtype=pl.String)


def _joined(parts: Sequence[str | pl.Expr]) -> pl.Expr:
    """``parts`` (literal text or text columns) written one after the other."""
    return pl.concat_str([pl.lit(part) if isinstance(part, str) else part for part in parts])


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False) + ": "


def _record_line(scored: pl.DataFrame, keys: Sequence[str], states: Set[str]) -> pl.Expr:
    """Each row as :func:`sle_scoring.batch.case_record`'s JSON (``keys``: its
    :func:`~sle_scoring.batch.case_fields`, ``states`` those that are items'
    states), as the Python engine writes it."""
    parts: list[str | pl.Expr] = ["{"]
    for number, key in enumerate(keys):
        parts.append(("" if number == 0 else ", ") + _key(key))
        parts.append(_json_state(key) if key in states else _json_value(key, scored.schema[key]))
    parts.append("}")
    return _joined(parts)


def _entry(
    spec: Instrument, items: bool, codes: Sequence[str] = (), missing: Sequence[str] = ()
) -> dict[str, object]:
    """:func:`sle_scoring.batch.case_dict`'s entry for ``spec``'s result with
    ``codes`` present and ``missing`` not assessed."""
    assert spec.from_items is not None
    result = spec.from_items(codes, not_assessed=missing)
    settings = batch.Settings(instruments=(spec.name,))
    entry = batch.case_dict(batch.Case(2, "P", None, (result,)), settings, items=items)[spec.name]
    assert isinstance(entry, dict)
    return entry


def _nested(spec: Instrument, items: bool) -> list[tuple[str, str | None]]:
    """The keys of :func:`sle_scoring.batch.case_dict`'s entry for ``spec``, in
    order, each with the record field it is (None: the same in every result, as
    ``index``), read off the results it makes."""
    samples = [
        _entry(spec, items, *sample) for sample in (((), ()), (spec.codes, ()), ((), spec.codes))
    ]
    keys: list[tuple[str, str | None]] = []
    for key, value in samples[0].items():
        if key in spec.fields:
            keys.append((key, key))
        elif key == "items" or all(sample[key] == value for sample in samples[1:]):
            keys.append((key, None))
        else:
            raise ValueError(f"{spec.name}: {key} is not computed column-wise")
    return keys


def _nested_fields(spec: Instrument) -> tuple[str, ...]:
    """The record fields :func:`_dict_line` reads of ``spec``."""
    named = {field for _, field in _nested(spec, False) if field is not None}
    return tuple(f for f in spec.fields if f in named or f in _WHEN_SET)


def _dict_line(scored: pl.DataFrame, specs: Sequence[Instrument], items: bool) -> pl.Expr:
    """Each row as :func:`sle_scoring.batch.case_dict`'s JSON, as the Python engine
    writes it (the keys :data:`_WHEN_SET` never set: see :func:`_unset`)."""
    parts: list[str | pl.Expr] = [
        '{"row": ',
        pl.col("row").cast(pl.String),
        ', "patient_id": ',
        _json_value("patient_id", pl.String()),
        ', "visit_date": ',
        _json_value("visit_date", pl.String()),
    ]
    for spec in specs:
        if spec.variant_of is not None:  # its entry, written whole (see _variant)
            parts.extend((f", {_key(spec.name)}", pl.col(_ENTRY + spec.name)))
            continue
        sample = _entry(spec, items)
        parts.append(f", {_key(spec.name)}{{")
        for number, (key, field) in enumerate(_nested(spec, items)):
            parts.append(("" if number == 0 else ", ") + _key(key))
            name = f"{spec.name}.{field}"
            if key == "items":
                parts.append("{")
                for position, code in enumerate(spec.codes):
                    parts.append(("" if position == 0 else ", ") + _key(code))
                    parts.append(_json_state(f"{spec.name}.{code}"))
                parts.append("}")
            elif field is None:
                parts.append(json.dumps(sample[key], ensure_ascii=False))
            elif isinstance(sample[key], list):
                parts.append(_json_codes(name))
            else:
                parts.append(_json_value(name, scored.schema[name]))
        parts.append("}")
    parts.append("}")
    return _joined(parts)


def _unset(scored: pl.DataFrame, specs: Sequence[Instrument]) -> pl.Expr:
    """Whether each row leaves every key of :data:`_WHEN_SET` out of its nested
    results (null, empty, or standard_window true)."""
    unset = [pl.lit(True)]
    for spec in specs:
        for field in _WHEN_SET:
            name = f"{spec.name}.{field}"
            if name not in scored.schema:
                continue
            column = pl.col(name)
            if field == "standard_window":
                unset.append(column.fill_null(True))
            else:
                unset.append(column.is_null() | (column.cast(pl.String) == ""))
    return pl.all_horizontal(unset)


#: Rows written at a time (memory holds their text a few times over).
_PIECE_ROWS = 4096
# The SLEDAI-2K record fields a band is asked on (a Score is rebuilt from them).
_BANDED = ("total", "present", "not_assessed")


def _banded(scored: pl.DataFrame, scheme: str) -> pl.DataFrame:
    """The columns of :func:`sle_scoring.batch.band_fields` for each row of
    ``scored`` (with SLEDAI-2K's :data:`_BANDED` fields), each asked of
    :func:`sle_scoring.sledai_bands.band` once per distinct total and descriptors
    not assessed, on the Score the row path scores (a band reads no more of it).
    Null where :data:`READABLE` is false."""
    total, present, missing = (pl.col(f"sledai_2k.{field}") for field in _BANDED)
    names = batch.band_fields(scheme)
    key = [total, missing.cast(pl.String).fill_null("")]
    distinct = (
        scored.filter(pl.col(READABLE))
        .select(*key, present.cast(pl.String).fill_null("").alias("present"))
        .unique(subset=["sledai_2k.total", "sledai_2k.not_assessed"], keep="any")
    )
    values: list[list[RecordValue]] = [[] for _ in names]
    for _, not_assessed, codes in distinct.iter_rows():
        score = sledai_2k.score(codes.split(), not_assessed=not_assessed.split())
        band = sledai_bands.band(score, scheme=scheme).as_record()
        for column, value in zip(values, band.values(), strict=True):
            column.append(value)
    types = (pl.String(), pl.String(), pl.Int64(), pl.Int64())
    table = distinct.drop("present").with_columns(
        pl.Series(name, column, dtype)
        for name, column, dtype in zip(names, values, types, strict=True)
    )
    return (
        scored.select(*key)
        .join(
            table,
            on=["sledai_2k.total", "sledai_2k.not_assessed"],
            how="left",
            maintain_order="left",
        )
        .select(names)
    )


def reads(spec: Instrument) -> bool:
    """Whether the columnar engine scores ``spec``: one of :data:`COLUMNAR`, or a
    variant of one (clinical SLEDAI-2K, see :func:`_variant`)."""
    return spec.name in COLUMNAR or spec.variant_of in COLUMNAR


# The fields of a variant's table instrument its results are asked on.
_PATTERN = ("present", "not_assessed")
# The column holding a variant's nested JSON entry (the dict layout).
_ENTRY = "__sle_scoring_entry."


def _variant(
    scored: pl.DataFrame,
    spec: Instrument,
    fields: Sequence[str],
    items: bool,
    layout: str,
) -> pl.DataFrame:
    """The columns of ``spec``, a variant of an instrument computed column-wise
    (clinical SLEDAI-2K, of SLEDAI-2K), for each row of ``scored``: asked of
    ``spec.from_items`` once per distinct set of items present and not assessed
    (the table instrument's :data:`_PATTERN` fields, all a variant reads), and
    written as :func:`sle_scoring.batch.case_values` (or, for the ``dict`` layout,
    :func:`~sle_scoring.batch.case_dict`) writes the result. Null where
    :data:`READABLE` is false."""
    assert spec.from_items is not None and spec.variant_of is not None
    key = [f"{spec.variant_of}.{field}" for field in _PATTERN]
    codes = scored.select(pl.col(name).cast(pl.String).fill_null("") for name in key)
    distinct = codes.filter(scored.get_column(READABLE)).unique(keep="any")
    settings = batch.Settings(instruments=(spec.name,), fields={spec.name: tuple(fields)})
    names = (
        [_ENTRY + spec.name] if layout == "dict" else batch.case_fields(settings, items=items)[3:]
    )
    types = record_types(spec)
    values: list[list[RecordValue]] = [[] for _ in names]
    for present, missing in distinct.iter_rows():
        result = spec.from_items(present.split(), not_assessed=missing.split())
        case = batch.Case(2, "P", None, (result,))
        if layout == "dict":
            entry = batch.case_dict(case, settings, items=items)[spec.name]
            row: list[RecordValue] = [json.dumps(entry, ensure_ascii=False)]
        else:
            row = batch.case_values(case, settings, items=items)[3:]
        for column, value in zip(values, row, strict=True):
            # (CSV writes an empty text as nothing, as Polars writes null)
            column.append(None if value == "" and layout == "csv" else value)
    table = distinct.with_columns(
        pl.Series(name, column, types.get(name, pl.String()))
        for name, column in zip(names, values, strict=True)
    )
    joined = codes.join(table, on=key, how="left", maintain_order="left")
    return joined.select(names)


def _scored_blocks(
    frame: pl.DataFrame,
    first: int,
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    fields: Mapping[str, Sequence[str]],
    items: bool,
    layout: str,
    bands: str | None,
) -> Iterator[Block]:
    names = frame.columns
    if layout == "dict":
        fields = {spec.name: _nested_fields(spec) for spec in specs if spec.variant_of is None}
    # Computed column-wise: the instruments of COLUMNAR, each variant's table one
    # (in the order of the header's blocks) with what the variant is asked on.
    known = instruments()
    tables = list(dict.fromkeys(known[spec.variant_of or spec.name] for spec in specs))
    computed = {table.name: tuple(fields.get(table.name, ())) for table in tables}
    for spec in specs:
        if spec.variant_of is not None:
            computed[spec.variant_of] = (*computed[spec.variant_of], *_PATTERN)
    if bands is not None:  # (what the band is asked on, too)
        computed["sledai_2k"] = (*computed["sledai_2k"], *_BANDED)
    computed = {name: tuple(dict.fromkeys(chosen)) for name, chosen in computed.items()}
    empty = None if layout == "csv" else ""  # (as_record's empty code list)
    scored = score_columns(frame, names, columns, tables, computed, empty=empty, items=items)
    if bands is not None:
        scored = scored.with_columns(_banded(scored, bands))
    for spec in specs:
        if spec.variant_of is not None:
            chosen = fields.get(spec.name, ())
            scored = scored.with_columns(_variant(scored, spec, chosen, items, layout))
    patient = pl.col(names[columns.patient])
    readable = scored.get_column(READABLE)
    if layout == "dict":
        exact = [spec for spec in specs if spec.variant_of is None]
        readable = readable & scored.select(_unset(scored, exact)).to_series()
    good = frame.select(
        patient.str.contains(_PLAIN_PATIENT).fill_null(False) & readable
    ).to_series()
    keys = [
        "row",
        "patient_id",
        "visit_date",
        *(
            name
            for spec in specs
            for name in (
                *(f"{spec.name}.{f}" for f in fields.get(spec.name, ()) if layout != "dict"),
                *(batch.band_fields(bands) if spec.name == "sledai_2k" else ()),
                *(f"{spec.name}.{code}" for code in (spec.codes if items else ())),
            )
        ),
    ]
    lines = (
        scored.with_columns(
            pl.int_range(first, first + frame.height, dtype=pl.Int64).alias("row"),
            frame.get_column(names[columns.patient]).alias("patient_id"),
        )
        if frame.height
        else scored.with_columns(
            pl.lit(None, pl.Int64).alias("row"), pl.lit(None, pl.String).alias("patient_id")
        )
    )
    line: pl.Expr | None = None
    if layout == "csv":
        lines = lines.select(keys)
    else:
        states = {f"{spec.name}.{code}" for spec in specs for code in spec.codes}
        line = (
            _record_line(lines, keys, states)
            if layout == "record"
            else _dict_line(lines, specs, items)
        )

    def pieces(start: int, end: int) -> Iterator[Scored]:
        """Rows ``start`` to ``end`` written, :data:`_PIECE_ROWS` rows at a time:
        the text (JSON, or CSV with --items, is many times longer than the cells
        it is made of) does not raise peak memory."""
        for low in range(start, end, _PIECE_ROWS):
            high = min(low + _PIECE_ROWS, end)
            piece = lines.slice(low, high - low)
            if line is None:
                yield Scored(_rendered(piece), high - low)
            else:
                text = piece.select(line).write_csv(include_header=False, quote_style="never")
                yield Scored(text, high - low)

    bad = good.not_().arg_true().to_list()
    start = 0
    while bad:
        end = bad[0]
        run = 1
        while run < len(bad) and bad[run] == end + run:  # neighbouring rows, one piece
            run += 1
        if end > start:
            yield from pieces(start, end)
        yield Left(
            [
                # (an item cell read as a digit is that digit written)
                (first + row, ["" if cell is None else str(cell) for cell in frame.row(row)])
                for row in bad[:run]
            ]
        )
        start = end + run
        bad = bad[run:]
    if start < frame.height:
        yield from pieces(start, frame.height)


def _read(block: bytes, schema: Mapping[str, pl.DataType]) -> pl.DataFrame | None:
    """The block's cells, or None where Polars cannot read it so (a line of another
    width, a cell that is not of the type asked for: the csv module's then)."""
    try:
        return pl.read_csv(io.BytesIO(block), has_header=False, schema=schema, quote_char=None)
    except pl.exceptions.PolarsError:
        return None


def _digits(block: bytes, names: Sequence[str], columns: item_csv.Columns) -> pl.DataFrame | None:
    """The block with its item cells read as small integers, when every item cell is
    one digit or blank (most files: 1, 0, blank); None otherwise. Reading digits is
    much cheaper than reading text. Polars would also read ``01`` or ``+1`` as 1, so
    the cells' length is checked: the text cells' bytes, one byte per item cell not
    blank, and the separators make up the block exactly."""
    items = {position for block in columns.blocks for position in block.positions}
    schema = {
        name: pl.Int8() if position in items else pl.String() for position, name in enumerate(names)
    }
    frame = _read(block, schema)
    if frame is None:
        return None
    text = [name for position, name in enumerate(names) if position not in items]
    cells = [name for position, name in enumerate(names) if position in items]
    found = frame.select(
        pl.sum_horizontal(pl.col(text).str.len_bytes().fill_null(0)).sum(),
        pl.sum_horizontal(pl.col(cells).is_not_null().cast(pl.Int64)).sum() if cells else 0,
    ).row(0)
    separators = block.count(b",") + block.count(b"\n") + block.count(b"\r")
    return frame if sum(found) == len(block) - separators else None


def csv_blocks(
    stream: IO[bytes],
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    fields: Mapping[str, Sequence[str]],
    items: bool = False,
    layout: str = "csv",
    bands: str | None = None,
) -> Iterator[Block]:
    """Item-level CSV from ``stream`` (positioned after a header line of one record,
    row 1), read :data:`BLOCK_BYTES` at a time, as :class:`Scored` and :class:`Left`
    pieces in row order, ending with a :class:`Rest` where the file holds what is
    not read here. Memory holds one block (:data:`BLOCK_BYTES`). ``layout``: what
    :class:`Scored` holds, one of :data:`LAYOUTS` (``fields``: the record fields
    of each instrument written, for ``csv`` and ``record``); ``bands``: the
    SLEDAI-2K band scheme written after SLEDAI-2K's fields (``csv`` and ``record``;
    :attr:`sle_scoring.batch.Settings.bands`)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout={layout!r}: one of {', '.join(LAYOUTS)}")
    offset = stream.tell()
    number = 2
    names = [f"column_{position}" for position in range(columns.width)]
    limit = csv.field_size_limit()
    while True:
        block = stream.read(BLOCK_BYTES)
        if not block:
            return
        if not block.endswith(b"\n"):
            block += stream.readline()
        lines = block.count(b"\n") + (not block.endswith(b"\n"))
        frame = None
        if _plain(block, lines, columns.width):
            frame = _digits(block, names, columns)
            if frame is None:
                frame = _read(block, dict.fromkeys(names, pl.String()))
        # A cell longer than the csv module's limit is an error there: such a block
        # is the Python engine's (a line that long is looked for only in a block so).
        too_long = len(block) > limit and max(map(len, block.split(b"\n"))) > limit
        if frame is None or frame.height != lines or too_long:
            yield Rest(offset, number)
            return
        yield from _scored_blocks(frame, number, columns, specs, fields, items, layout, bands)
        offset += len(block)
        number += lines
